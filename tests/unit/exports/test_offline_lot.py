"""A lot scored offline (``spar score``) through the exports' writers: safe cells, sheet
splitting, progress, and the breakdown streamed as it is written."""

from __future__ import annotations

import csv
import importlib
import io
import json

from openpyxl import load_workbook

import spar.engine.explain as explain
from spar.criteria_file import load_criteria
from spar.exports.breakdown_csv import csv_chunks
from spar.exports.breakdown_xlsx import offline_identity, workbook_chunks
from spar.exports.bundle import LotExport
from spar.exports.json_stream import iter_json
from spar.exports.scoring_json import result_json
from spar.offers_file import read_offers
from spar.pipeline import evaluate_lot

from ..cli.conftest import SPEC_EXAMPLE

LEAVES = 7
# the package re-exports the functions under the modules' names
breakdown_csv = importlib.import_module("spar.exports.breakdown_csv")
breakdown_xlsx = importlib.import_module("spar.exports.breakdown_xlsx")


def offline(tmp_path, csv_text: str):
    """The lot of ``csv_text`` scored as ``spar score`` does, and its export bundle."""
    path = tmp_path / "o.csv"
    path.write_text(csv_text, encoding="utf-8")
    criteria = load_criteria(SPEC_EXAMPLE)
    evaluation = evaluate_lot(criteria, read_offers(path, criteria).lot, review="none")
    return evaluation, LotExport(lot_id="", title=None, result=evaluation.document(lazy=True))


def workbook(evaluation, lot, progress=None) -> bytes:
    criteria = evaluation.result.criteria
    return b"".join(workbook_chunks(offline_identity(criteria, lot), criteria, [lot], None,
                                    progress))


def test_formula_like_text_is_never_a_formula(tmp_path):
    evaluation, lot = offline(tmp_path, 'id,supplier,price_eur\n"=HYPERLINK(""x"")",@evil,10\n')
    text = b"".join(csv_chunks(None, [lot])).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert (row["offre"], row["fournisseur"]) == ("'=HYPERLINK(\"x\")", "'@evil")
    book = load_workbook(io.BytesIO(workbook(evaluation, lot)))
    cell = book["Détail"]["C2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")


def test_breakdown_continues_on_a_new_sheet_past_the_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(breakdown_xlsx, "MAX_ROWS", 11)
    evaluation, lot = offline(tmp_path, "id,price_eur\nA,10\nB,12\nC,14\n")
    book = load_workbook(io.BytesIO(workbook(evaluation, lot)), read_only=True)
    assert book.sheetnames == ["Notation", "Classement", "Critères", "Détail", "Détail 2",
                               "Détail 3"]
    sizes = [len(list(book[name].iter_rows())) - 1 for name in book.sheetnames[3:]]
    assert sizes == [10, 10, 1]


def test_progress_is_told_every_row_once(tmp_path, monkeypatch):
    monkeypatch.setattr(breakdown_csv, "PROGRESS_EVERY", 4)
    evaluation, lot = offline(tmp_path, "id,price_eur\nA,10\nB,12\nC,14\n")
    told: list[int] = []
    b"".join(csv_chunks(None, [lot], told.append))
    assert sum(told) == 3 * LEAVES
    assert told == [4, 4, 4, 4, 4, 1]


def test_breakdown_is_streamed_not_built_in_memory(tmp_path, monkeypatch):
    rows = "".join(f"O{k},{1000 + k}\n" for k in range(400))
    evaluation, lot = offline(tmp_path, "id,price_eur\n" + rows)
    built = []
    real = explain.leaf_entries

    def counting(result, i):
        built.append(i)
        return real(result, i)

    monkeypatch.setattr(explain, "leaf_entries", counting)
    written = 0
    chunks = 0
    for chunk in csv_chunks(None, [lot]):
        chunks += 1
        written += chunk.count(b"\r\n")
        # the engine words an offer's breakdown only as its rows are written
        assert len(built) <= written // LEAVES + 1
    assert chunks > 3 and len(built) == 400


def test_json_is_the_document_written_offer_by_offer(tmp_path, monkeypatch):
    evaluation, lot = offline(tmp_path, "id,supplier,price_eur\nA,Société,10\nB,,12\nC,,14\n")
    expected = json.loads(json.dumps(evaluation.document()))
    built = []
    real = explain.offer_entry

    def counting(*args, **kwargs):
        built.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(explain, "offer_entry", counting)
    pieces = []
    for chunk in iter_json(result_json(lot)):
        pieces.append(chunk)
    written = json.loads(b"".join(pieces))
    for offer in written["offers"]:
        assert offer.pop("marks") == {} and offer["review"].pop("decision") is None
    for offer, stored in zip(written["offers"], expected["offers"]):
        assert offer.pop("supplier") == {"name": (stored.pop("supplier", None) or {}).get(
            "name"), "siret": None, "sme": None}
    assert written == expected
    assert sorted(built) == [0, 1, 2]  # each offer built once
