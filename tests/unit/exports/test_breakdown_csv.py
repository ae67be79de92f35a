import csv
import io

from spar.exports.breakdown_csv import breakdown_csv, safe_text
from spar.exports.detail_rows import COLUMNS

from . import builders


def _rows(consultation):
    data = b"".join(breakdown_csv(consultation))
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_starts_with_a_bom(consultation):
    data, _ = _rows(consultation)
    assert data.startswith(b"\xef\xbb\xbf")


def test_one_row_per_offer_and_leaf_plus_one_per_unscored_lot(consultation):
    _, rows = _rows(consultation)
    header, body = rows[0], rows[1:]
    assert header == list(COLUMNS.values())
    assert len(body) == 6 * 7 + 1
    assert body[-1][1] == "2" and "lot non encore noté" in body[-1]


def test_numbers_have_a_decimal_comma(consultation):
    _, rows = _rows(consultation)
    first = dict(zip(rows[0], rows[1]))
    assert first["offre"] == "A" and first["critère"] == "price"
    assert (first["note (0 à 1)"], first["points max"], first["points"]) == ("0,7000", "40,00",
                                                                             "28,00")
    assert first["total"] == "78,83" and first["valeur"] == "10000"
    assert first["statut"] == "classée" and first["rang"] == "1"


def test_supplier_siret_and_justification_are_in_each_row(consultation):
    _, rows = _rows(consultation)
    technical = [dict(zip(rows[0], r)) for r in rows[1:] if r[5] == "technical"]
    a = technical[0]
    assert (a["fournisseur"], a["SIRET"]) == ("Papeterie Azur", "73282932000009")
    assert a["justification de l'acheteur"].startswith("Mémoire technique de l'offre A")


def test_irregular_offer_rows_have_no_points(consultation):
    _, rows = _rows(consultation)
    e = [dict(zip(rows[0], r)) for r in rows[1:] if r[2] == "E"]
    assert {r["statut"] for r in e} == {"irrégulière"}
    assert {r["points"] for r in e} == {""} and {r["rang"] for r in e} == {""}


def test_text_that_looks_like_a_formula_is_quoted(consultation):
    _, rows = _rows(consultation)
    assert {r[3] for r in rows[1:] if r[2] == "F"} == {"'=Formule Papiers"}
    assert safe_text("-1") == "'-1" and safe_text("Azur") == "Azur"


def test_large_lot_streams_in_bounded_chunks():
    crit = builders.criteria()
    lots = [builders.scored_lot(crit, lot_id=str(k)) for k in range(1, 40)]
    chunks = list(breakdown_csv(builders.consultation(lots=lots, crit=crit)))
    assert len(chunks) > 3
    assert max(len(c) for c in chunks) < 80_000
