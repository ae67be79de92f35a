"""Structural errors (SPEC §2.2): types, keys, ids, weights, methods, the legal rule."""

from __future__ import annotations

from .conftest import BASE, problems_of, replaced

METHODS = ("price_lowest_ratio, price_linear_gap, price_min_max, linear, relative, min_max, "
           "steps, boolean, choice, labels, scale")


def test_string_where_a_number_belongs():
    assert problems_of(replaced("weight: 60", "weight: lourd")) == [
        "f.yaml:10:13: error: un nombre est attendu, pas le texte « lourd »"]


def test_quoted_number_is_still_a_string():
    assert problems_of(replaced("version: 1", "version: '1'")) == [
        "f.yaml:3:10: error: un entier est attendu, pas le texte « 1 »"]


def test_unknown_key_is_located_at_the_key_and_lists_the_known_ones():
    (problem,) = problems_of(replaced("    weight: 60\n", "    weight: 60\n    wieght: 3\n"))
    assert problem.startswith("f.yaml:11:5: error: clé inconnue « wieght » ; clés possibles : "
                              "assessed_by, eliminatory_below, help, id, input, label")


def test_unknown_top_level_key():
    assert problems_of(replaced("version: 1\n", "version: 1\nauthor: moi\n"))[0].startswith(
        "f.yaml:4:1: error: clé inconnue « author »")


def test_missing_keys_are_each_reported():
    text = replaced("    label: Prix\n", "", replaced("title: Petit marché\n", ""))
    assert problems_of(text) == [
        "f.yaml:1:1: error: clé obligatoire « title » manquante",
        "f.yaml:6:5: error: clé obligatoire « label » manquante",
    ]


def test_leaf_without_method_says_what_a_leaf_needs():
    (problem,) = problems_of(replaced("    method: price_lowest_ratio\n", ""))
    assert problem.startswith("f.yaml:7:5: error: clé obligatoire « method » manquante")


def test_duplicate_sibling_ids():
    assert problems_of(replaced("  - id: co2", "  - id: price")) == [
        "f.yaml:13:9: error: identifiant « price » en double parmi ses voisins (déjà utilisé "
        "en position 1)"]


def test_zero_and_negative_weights():
    text = replaced("weight: 40", "weight: -1", replaced("weight: 60", "weight: 0"))
    assert problems_of(text) == ["f.yaml:10:13: error: doit être > 0, pas 0",
                                 "f.yaml:16:13: error: doit être > 0, pas -1"]


def test_unknown_method_lists_the_methods():
    assert problems_of(replaced("method: price_lowest_ratio", "method: lowest_price")) == [
        f"f.yaml:12:13: error: valeur « lowest_price » inconnue ; valeurs possibles : {METHODS}"]


def test_no_environmental_criterion_is_an_error():
    (problem,) = problems_of(replaced("pillar: environmental", "pillar: social"))
    assert problem.startswith("f.yaml:7:3: error: aucun critère du pilier environmental")


def test_top_level_criterion_needs_a_pillar():
    (problem,) = problems_of(replaced("    pillar: economic\n", ""))
    assert problem.startswith("f.yaml:7:5: error: un critère de premier niveau doit avoir un "
                              "pilier")


def test_reserved_input_name():
    assert problems_of(replaced("input: price_eur", "input: siret")) == [
        "f.yaml:11:12: error: « siret » est réservé aux colonnes des offres"]


def test_problems_of_a_whole_file_come_sorted_by_line_then_column():
    text = BASE.replace("weight: 40", "weight: zéro").replace("version: 1", "version: 0") \
        .replace("method: price_lowest_ratio", "method: nope").replace("best: 1", "best: x")
    located = [tuple(map(int, p.split(":")[1:3])) for p in problems_of(text)]
    assert located == [(3, 10), (12, 13), (16, 13), (19, 11)]
