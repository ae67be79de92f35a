"""Offers as XLSX: the first sheet, the same columns as CSV."""

from __future__ import annotations

import numpy as np
import pytest
from openpyxl import Workbook

from spar.offers_file import OffersFileError, read_offers


def workbook(path, rows, first_sheet=None):
    book = Workbook()
    sheet = book.active
    if first_sheet is not None:
        sheet.title = "Notes"
        sheet.append(first_sheet)
        sheet = book.create_sheet("Offres")
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_first_sheet_is_read_with_typed_cells(criteria, tmp_path):
    path = workbook(tmp_path / "offers.xlsx", [
        ["id", "supplier", "siret", "lot", "price_eur", "labels", "technical_mark"],
        [1, "Dupont", 73282932000074, 1, 12000.5, "EU Ecolabel|FSC", 3],
        ["B", "Vert", None, 1, 9000, None, None],
        [None, None, None, None, None, None, None],  # blank rows are skipped
    ])
    lot = read_offers(path, criteria).lot
    assert lot.offer_ids == ("1", "B")
    assert lot.lot_id == "1"
    np.testing.assert_allclose(lot.columns["price_eur"], [12000.5, 9000])
    assert lot.columns["labels"].value_at(0) == ["EU Ecolabel", "FSC"]
    assert lot.suppliers[0] == {"name": "Dupont", "siret": "73282932000074"}


def test_text_in_a_number_column_is_reported(criteria, tmp_path):
    path = workbook(tmp_path / "offers.xlsx", [["id", "price_eur"], ["A", "environ 10"]])
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    assert exc.value.lines() == [f"{path}: offre A, réponse « price_eur » : un nombre est "
                                 "attendu, pas « environ 10 »"]


def test_unknown_column_is_located_by_its_letter(criteria, tmp_path):
    path = workbook(tmp_path / "offers.xlsx", [["id", "price_eur", "prix"], ["A", 10, 9]])
    with pytest.raises(OffersFileError) as exc:
        read_offers(path, criteria)
    assert exc.value.lines()[0].startswith(f"{path}:1: colonne C : colonne inconnue « prix »")


def test_only_the_first_sheet_counts(criteria, tmp_path):
    path = workbook(tmp_path / "offers.xlsx", [["id", "price_eur"], ["A", 10]],
                    first_sheet=["à lire avant de remplir"])
    with pytest.raises(OffersFileError, match="colonne inconnue « à lire avant de remplir »"):
        read_offers(path, criteria)


def test_damaged_workbook_is_a_clear_error(criteria, write):
    path = write("offers.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(OffersFileError, match="classeur XLSX illisible"):
        read_offers(path, criteria)
