"""Problems found while reading the YAML itself, each at its line and column."""

from __future__ import annotations

import pytest

from spar.criteria_file import CriteriaFileError, load_criteria, read_text

from .conftest import BASE, problems_of, replaced


def test_valid_file_has_no_problem():
    assert problems_of(BASE) == []


def test_malformed_yaml_is_located():
    text = replaced("title: Petit marché", "title: [Petit marché")
    assert problems_of(text) == [
        "f.yaml:5:9: error: YAML invalide : expected ',' or ']', but got ':'"]


def test_tab_in_indentation_is_located():
    text = replaced("    label: Prix", "\tlabel: Prix")
    assert problems_of(text) == [
        "f.yaml:8:1: error: tabulation dans l'indentation : YAML n'accepte que des espaces"]


def test_duplicate_key_is_located_at_the_second_one():
    text = replaced("    weight: 60\n", "    weight: 60\n    weight: 50\n")
    assert problems_of(text) == ["f.yaml:11:5: error: clé « weight » en double"]


@pytest.mark.parametrize("text", ["", "\n\n", "# rien que des commentaires\n"])
def test_empty_file_is_refused(text):
    assert problems_of(text) == ["f.yaml:1:1: error: fichier de critères vide"]


def test_several_documents_are_refused():
    assert problems_of(BASE + "---\nspar: 1\n") == [
        "f.yaml:22:1: error: un seul document YAML par fichier de critères"]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1.0e+999"])
def test_non_finite_number_is_refused_once_not_a_crash(value):
    text = replaced("    weight: 60", f"    weight: {value}")
    assert problems_of(text) == ["f.yaml:10:13: error: nombre non fini"]


def test_non_utf8_file_names_its_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("Petit marché", "Petit marché").encode("latin-1"))
    with pytest.raises(CriteriaFileError) as exc:
        read_text(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}:4:1: error: le fichier n'est pas en UTF-8"]


def test_load_criteria_raises_with_every_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(replaced("weight: 60", "weight: 0").replace("input: co2e_kg", "input: 7"),
                    encoding="utf-8")
    with pytest.raises(CriteriaFileError) as exc:
        load_criteria(path)
    assert [(p.line, p.column) for p in exc.value.errors] == [(10, 13), (17, 12)]


def test_a_self_referencing_alias_is_located_not_a_crash():
    assert problems_of("a: &x [*x]\n") == [
        "f.yaml:1:8: error: alias YAML « *x » refusé : recopiez la valeur (ni ancres ni alias "
        "dans un fichier de critères)"]


def test_an_alias_bomb_is_refused_at_once():
    import time

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    started = time.perf_counter()
    problems = problems_of("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0  # nine levels would be 10⁹ nodes expanded
    assert len(problems) == 90 and problems[0].startswith("f.yaml:2:10: error: alias YAML « *a0 »")


def test_every_alias_is_reported_and_anchors_alone_are_harmless():
    anchored = replaced("    weight: 60", "    weight: &w 60")
    assert problems_of(anchored) == []
    message = "refusé : recopiez la valeur (ni ancres ni alias dans un fichier de critères)"
    assert problems_of(anchored + "x: *w\ny: [1, *w]\n") == [
        f"f.yaml:21:4: error: alias YAML « *w » {message}",
        f"f.yaml:22:8: error: alias YAML « *w » {message}"]
