"""The streaming XLSX writer: what a reader gets back, cell by cell."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from spar.exports.xlsx_stream import StreamingWorkbook


def _written(build) -> bytes:
    out = io.BytesIO()
    with StreamingWorkbook(out, title="Essai <&>", language="fr-FR") as book:
        build(book)
    return out.getvalue()


def test_values_come_back_as_written():
    when = datetime(2026, 9, 15, 12, 30)

    def build(book):
        sheet = book.sheet("Feuille « 1 »", ("a", "b", "c", "d", "e"), (10, 20))
        sheet.append(["  espaces  ", "=1+1", "ligne\r\nsuivante", "a\x01b\x1fc", "<&>"])
        sheet.append([0.1 + 0.2, 2 ** 60, True, when, None], (None, None, None, "dd/mm/yyyy", None))
        sheet.append([None, None, 12.5], (None, None, "0.00"))
        book.sheet("Vide", (), ())

    book = load_workbook(io.BytesIO(_written(build)))
    assert book.sheetnames == ["Feuille « 1 »", "Vide"]
    assert (book.properties.title, book.properties.language) == ("Essai <&>", "fr-FR")
    ws = book["Feuille « 1 »"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["a", "b", "c", "d", "e"]
    # a formula stays text, a carriage return survives, characters XML cannot hold are dropped
    assert rows[1] == ["  espaces  ", "=1+1", "ligne\r\nsuivante", "abc", "<&>"]
    assert ws["B2"].data_type == "s" and ws["A1"].font.b
    assert rows[2][:4] == [0.3, 2 ** 60, True, when]  # numbers as openpyxl wrote them (%.16g)
    assert ws["D3"].number_format == "dd/mm/yyyy"
    assert rows[3][:3] == [None, None, 12.5] and ws["C4"].number_format == "0.00"
    assert ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 20


def test_sheets_are_streamed_into_the_archive():
    data = _written(lambda book: [book.sheet("S", ("x",), (8,)).append([k])
                                  for k in range(3)])
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "xl/worksheets/sheet1.xml" in names and "xl/styles.xml" in names


@pytest.mark.parametrize("value", [datetime(2026, 1, 1, tzinfo=timezone.utc), object()])
def test_what_a_cell_cannot_hold_is_refused(value):
    with pytest.raises(TypeError):
        _written(lambda book: book.sheet("S", ("x",), ()).append([value]))


def test_a_sheet_set_aside_is_filled_while_the_next_is_written():
    def build(book):
        book.sheet("Avant", ("x",), ()).append(["début"])
        aside = book.sheet("À côté", ("offre",), (10,), aside=True)
        detail = book.sheet("Détail", ("offre", "ligne"), ())
        for k in range(3):
            aside.append([f"o{k}"])
            detail.append([f"o{k}", 1])
            detail.append([f"o{k}", 2])

    book = load_workbook(io.BytesIO(_written(build)))
    assert book.sheetnames == ["Avant", "À côté", "Détail"]  # in the order opened
    assert [r for r in book["À côté"].iter_rows(values_only=True)] == [
        ("offre",), ("o0",), ("o1",), ("o2",)]
    assert len(list(book["Détail"].iter_rows())) == 7
    assert book["À côté"].freeze_panes == "A2"


def test_an_error_leaves_no_sheet_set_aside_open():
    out = io.BytesIO()
    with pytest.raises(RuntimeError):
        with StreamingWorkbook(out) as book:
            aside = book.sheet("À côté", ("x",), (), aside=True)
            aside.append([1])
            raise RuntimeError("arrêt")
    assert aside._stream.closed
