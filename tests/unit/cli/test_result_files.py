"""The result writers behind ``spar score``: safe cells, sheet splitting, wrapping, progress."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import spar.result_files as result_files
from spar.criteria_file import load_criteria
from spar.engine.explain import result_to_dict
from spar.engine.scoring import score_lot
from spar.engine.text import fr_number
from spar.offers_file import read_offers
from spar.result_files import write_breakdown_csv, write_breakdown_xlsx, write_json, write_table

from .conftest import SPEC_EXAMPLE

LEAVES = 7


def scored(tmp_path, csv_text: str):
    path = tmp_path / "o.csv"
    path.write_text(csv_text, encoding="utf-8")
    criteria = load_criteria(SPEC_EXAMPLE)
    return score_lot(criteria, read_offers(path, criteria).lot)


def test_formula_like_text_is_never_a_formula(tmp_path):
    result = scored(tmp_path, 'id,supplier,price_eur\n"=HYPERLINK(""x"")",@evil,10\n')
    out = io.StringIO()
    write_breakdown_csv(result, out)
    row = next(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")), delimiter=";"))
    assert (row["offre"], row["fournisseur"]) == ("'=HYPERLINK(\"x\")", "'@evil")
    book_bytes = io.BytesIO()
    write_breakdown_xlsx(result, book_bytes)
    cell = load_workbook(book_bytes)["Détail"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")


def test_breakdown_continues_on_a_new_sheet_past_the_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(result_files, "XLSX_SHEET_ROWS", 10)
    result = scored(tmp_path, "id,price_eur\nA,10\nB,12\nC,14\n")
    book_bytes = io.BytesIO()
    assert write_breakdown_xlsx(result, book_bytes) == 3 * LEAVES
    book = load_workbook(book_bytes, read_only=True)
    assert book.sheetnames == ["Classement", "Détail", "Détail (2)", "Détail (3)"]
    sizes = [len(list(book[name].iter_rows())) - 1 for name in book.sheetnames[1:]]
    assert sizes == [10, 10, 1]


def test_progress_is_told_every_row_once(tmp_path, monkeypatch):
    monkeypatch.setattr(result_files, "PROGRESS_EVERY", 4)
    result = scored(tmp_path, "id,price_eur\nA,10\nB,12\nC,14\n")
    told: list[int] = []
    rows = write_breakdown_csv(result, io.StringIO(), told.append)
    assert rows == sum(told) == 3 * LEAVES
    assert told == [4, 4, 4, 4, 4, 1]


def test_breakdown_is_streamed_not_built_in_memory(tmp_path, monkeypatch):
    result = scored(tmp_path, "id,price_eur\nA,10\nB,12\n")
    produced = []
    real = result_files.breakdown_rows

    def counting(res):
        for row in real(res):
            produced.append(row)
            yield row

    class Watch(io.StringIO):
        def write(self, text):
            # when a data line is written, the engine must not have run far ahead of it
            if text.count("\r\n") and len(produced) > 1:
                assert len(produced) <= self.getvalue().count("\r\n") + 1
            return super().write(text)

    monkeypatch.setattr(result_files, "breakdown_rows", counting)
    write_breakdown_csv(result, Watch())
    assert len(produced) == 2 * LEAVES


def test_long_reasons_wrap_at_100_columns_keeping_units_with_numbers():
    text = "mot " * 23 + "25,0 % sous le minimum"  # the 100th column falls before "%"
    lines = result_files._wrap(text, "  - ", "    ").splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[1] == "    25,0 % sous le minimum"
    assert " ".join(line.strip() for line in lines) == "- " + text


def test_table_of_a_lot_without_ranked_offers(tmp_path):
    result = scored(tmp_path, "id,price_eur,egapro_index\nA,10,50\n")
    out = io.StringIO()
    write_table(result, out)
    assert "  (aucune offre classée)" in out.getvalue()
    assert "Offres irrégulières (1)\n  A\n" in out.getvalue()


def test_table_fits_100_columns_with_long_names_and_big_totals(tmp_path):
    criteria_path = tmp_path / "c.yaml"
    criteria_path.write_text(SPEC_EXAMPLE.read_text(encoding="utf-8").replace(
        "points: 100", "points: 1000000"), encoding="utf-8")
    offers = tmp_path / "o.csv"
    offers.write_text('id;supplier;price_eur;co2e_kg;egapro_index\n'
                      'UNE-OFFRE-AU-NOM-TRES-LONG;"Société\nanonyme des très longs noms";10;1;90\n'
                      'B;Vert;12;5;90\n', encoding="utf-8")
    criteria = load_criteria(criteria_path)
    out = io.StringIO()
    write_table(score_lot(criteria, read_offers(offers, criteria).lot), out)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 100 for line in lines)
    (first,) = (line for line in lines if line[:4].strip() == "1")
    assert first.split()[:3] == ["1", "UNE-OFFRE-AU-NO…", "Société"]
    assert "581\u202f333,33 400\u202f000,00" in first  # French thousands, 2 decimals
    assert "  B — Vert — total 381\u202f333,33" in lines


@given(st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), min_size=1,
                max_size=20))
def test_vectorised_numbers_read_as_fr_number(values):
    codes = result_files._number_codes(np.array(values), 14)
    shown = codes.view("U14")[:, 0].tolist()
    assert shown == [f"{fr_number(x):>14}" for x in values]


def test_half_cents_round_as_python_does():
    values = [0.125, 1.005, 2.675, 0.285, 1.115, 1234.565]
    shown = result_files._number_codes(np.array(values), 12).view("U12")[:, 0].tolist()
    assert [s.strip() for s in shown] == [fr_number(x) for x in values]


def test_json_is_result_to_dict_to_the_character_written_offer_by_offer(tmp_path, monkeypatch):
    result = scored(tmp_path, "id,supplier,price_eur\nA,Société,10\nB,,12\nC,,14\n")
    expected = json.dumps(result_to_dict(result), ensure_ascii=False, indent=2) + "\n"
    built = []
    real = result_files.offer_entry

    def counting(res, i):
        built.append(i)
        return real(res, i)

    class Watch(io.StringIO):
        def write(self, text):
            # each offer is written before the next one is built
            assert len(built) <= self.getvalue().count('"status"') + 1
            return super().write(text)

    monkeypatch.setattr(result_files, "offer_entry", counting)
    out = Watch()
    told: list[int] = []
    write_json(result, out, told.append)
    assert out.getvalue() == expected
    assert told == [LEAVES] * 3
