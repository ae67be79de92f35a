"""The ranking table ``spar score`` prints: flags and notes, wrapping, widths, numbers."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import spar.exports.table as table
from spar.criteria_file import load_criteria
from spar.engine.text import fr_number
from spar.exports.table import write_table
from spar.offers_file import read_offers
from spar.pipeline import evaluate_lot

from ..cli.conftest import SPEC_EXAMPLE


def scored(tmp_path, csv_text: str, review: str = "none", criteria_path=SPEC_EXAMPLE):
    path = tmp_path / "o.csv"
    path.write_text(csv_text, encoding="utf-8")
    criteria = load_criteria(criteria_path)
    return evaluate_lot(criteria, read_offers(path, criteria).lot, review=review)


def printed(evaluation) -> str:
    out = io.StringIO()
    write_table(evaluation, out)
    return out.getvalue()


def test_long_reasons_wrap_at_100_columns_keeping_units_with_numbers():
    text = "mot " * 23 + "25,0 % sous le minimum"  # the 100th column falls before "%"
    lines = table._wrap(text, "  - ", "    ").splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[1] == "    25,0 % sous le minimum"
    assert " ".join(line.strip() for line in lines) == "- " + text


def test_table_of_a_lot_without_ranked_offers(tmp_path):
    text = printed(scored(tmp_path, "id,price_eur,egapro_index\nA,10,50\n"))
    assert "  (aucune offre classée)" in text
    assert "Offres irrégulières (1)\n  A\n" in text


def test_table_fits_100_columns_with_long_names_and_big_totals(tmp_path):
    criteria_path = tmp_path / "c.yaml"
    criteria_path.write_text(SPEC_EXAMPLE.read_text(encoding="utf-8").replace(
        "points: 100", "points: 1000000"), encoding="utf-8")
    lines = printed(scored(
        tmp_path, 'id;supplier;price_eur;co2e_kg;egapro_index\n'
                  'UNE-OFFRE-AU-NOM-TRES-LONG;"Société\nanonyme des très longs noms";10;1;90\n'
                  'B;Vert;12;5;90\n', criteria_path=criteria_path)).splitlines()
    assert all(len(line) <= 100 for line in lines)
    (first,) = (line for line in lines if line[:4].strip() == "1")
    assert first.split()[:3] == ["1", "UNE-OFFRE-AU-NO…", "Société"]
    assert "581\u202f333,33 400\u202f000,00" in first  # French thousands, 2 decimals
    assert "  B — Vert — total 381\u202f333,33" in lines


def test_flags_and_notes_are_listed_apart(tmp_path):
    evaluation = scored(tmp_path, "id;price_eur;labels;co2e_kg;egapro_index\n"
                                  "A;5000;;2;90\nB;10000;EU Ecolabel;2;90\nC;10500;;2;90\n",
                        review="rules")
    text = printed(evaluation)
    assert "3 offres : 3 classées, 0 éliminée, 0 irrégulière ; 1 signalée pour examen" in text
    flagged = text.index("Offres signalées pour examen (1)\n  A")
    noted = text.index("Observations, sans décision requise (1)\n  B")
    assert flagged < noted
    assert "Label revendiqué sans justificatif : EU Ecolabel" in text[noted:]
    assert "Label revendiqué" not in text[flagged:noted]


def _noted(tmp_path, count: int):
    """A lot of ``count`` offers, each claiming a label without evidence (a note)."""
    rows = "".join(f"N{k:03d};{10000 + k};EU Ecolabel;2;90\n" for k in range(count))
    return scored(tmp_path, "id;price_eur;labels;co2e_kg;egapro_index\n" + rows,
                  review="rules")


def test_a_long_section_lists_its_first_offers_then_says_how_many_more(tmp_path):
    evaluation = _noted(tmp_path, 5)
    out = io.StringIO()
    write_table(evaluation, out, listed=2)
    text = out.getvalue()
    section = text[text.index("Observations, sans décision requise (5)\n"):]
    heads = [line.split()[0] for line in section.splitlines() if line.startswith("  N")]
    assert heads == ["N000", "N001"]  # the best ranked first
    assert "  … et 3 autres, non listées ici : toutes avec --list-all, ou dans --format " \
           "csv, xlsx ou json\n" in section
    assert printed(evaluation) == _with(evaluation, None)  # 5 offers: all, by default


def _with(evaluation, listed) -> str:
    out = io.StringIO()
    write_table(evaluation, out, listed=listed)
    return out.getvalue()


def test_sections_list_the_first_hundred_by_default_and_every_one_if_asked(tmp_path):
    evaluation = _noted(tmp_path, table.LISTED + 1)
    default, every = printed(evaluation), _with(evaluation, None)
    assert table.LISTED == 100
    assert "  … et 1 autre, non listée ici" in default and "non listée" not in every
    assert "  N100 —" in every and "  N100 —" not in default.split("Observations")[1]
    assert every.count("Label revendiqué sans justificatif") == table.LISTED + 1
    assert default.count("Label revendiqué sans justificatif") == table.LISTED
    assert all(len(line) <= table.WIDTH for line in default.splitlines())


@given(st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), min_size=1,
                max_size=20))
def test_vectorised_numbers_read_as_fr_number(values):
    codes = table._number_codes(np.array(values), 14)
    shown = codes.view("U14")[:, 0].tolist()
    assert shown == [f"{fr_number(x):>14}" for x in values]


def test_half_cents_round_as_python_does():
    values = [0.125, 1.005, 2.675, 0.285, 1.115, 1234.565]
    shown = table._number_codes(np.array(values), 12).view("U12")[:, 0].tolist()
    assert [s.strip() for s in shown] == [fr_number(x) for x in values]


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\u00a0\u202f\u2028\x1c\x85é")))
def test_one_line_is_every_whitespace_run_made_one_space(text):
    assert table._one_line(text) == " ".join(text.split())


@given(st.text(alphabet=st.sampled_from("mot %:»é "), max_size=140))
def test_a_reason_that_fits_is_one_line_and_any_other_is_wrapped(text):
    wrapped = table._wrap(text, "      · ", "        ")
    if len("      · ") + len(text) <= table.WIDTH:
        assert wrapped == "      · " + text + "\n"
    lines = wrapped.splitlines()
    assert all(len(line) <= table.WIDTH or " " not in line.strip() for line in lines)


@given(st.lists(st.text(alphabet=st.sampled_from("ab \t\n\u00a0\x00é|"), max_size=6),
                max_size=5))
def test_lines_made_one_at_once_are_each_made_alone(texts):
    assert table._one_lines(texts) == [table._one_line(t) for t in texts]
