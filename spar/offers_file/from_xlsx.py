"""Offers from the first sheet of an XLSX workbook (openpyxl, read-only)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from .cells import blank
from .problems import OffersFileError, OffersProblem
from .table import Table, unnamed_filled


def read_xlsx(data: bytes, file: str) -> Table:
    """The table of the first sheet of a workbook, its header on row 1."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise OffersFileError(file, [OffersProblem(
            f"classeur XLSX illisible ({type(exc).__name__}) : enregistrez-le à nouveau "
            "au format .xlsx")]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or all(blank(v) for v in first):
            raise OffersFileError(file, [OffersProblem(
                "première feuille vide : une ligne d'en-tête (id, supplier, siret, lot, "
                "réponses…) est attendue en ligne 1", 1)])
        header = ["" if blank(v) else str(v).strip() for v in first]
        cells: list[list[Any]] = [[] for _ in header]
        problems = []
        for r, row in enumerate(rows, 2):
            if all(blank(v) for v in row):
                continue
            for k in range(len(header)):
                cells[k].append(row[k] if k < len(row) else None)
            if any(not blank(v) for v in row[len(header):]):
                problems.append(OffersProblem("cellules remplies à droite de la dernière "
                                              "colonne nommée", r))
    finally:
        workbook.close()
    places = [f"colonne {get_column_letter(k + 1)}" for k in range(len(header))]
    unnamed = [cells[k] for k, name in enumerate(header) if not name]
    columns = {name: _xlsx_column(cells[k]) for k, name in enumerate(header) if name}
    return Table(header, places, 1, columns, len(cells[0]), first_line=2,
                  problems=problems + unnamed_filled(header, places, 1, unnamed))


def _xlsx_column(cells: list[Any]) -> Any:
    """Cells of a column; a float array when every cell is a number or empty."""
    if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
           for v in cells):
        return np.array([np.nan if v is None else v for v in cells], dtype=np.float64)
    return [None if blank(v) else v for v in cells]
