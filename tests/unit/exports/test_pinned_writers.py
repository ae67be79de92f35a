"""The breakdown and JSON writers give what the writers they replaced gave.

``data/pinned-export-input.json`` is a stored scoring of the six example offers with
edge values put in (text that looks like a formula, XML's special characters, leading
spaces, a tab and a line break, an emoji, ``0.1 + 0.2``, ``1e20``, ``2**60``, a boolean,
a list, missing numbers, a missing SIRET). ``pinned-breakdown.csv``,
``pinned-scoring.json`` and ``pinned-breakdown.xlsx`` are what the writers of main at
e132736 (csv module, recursive JSON pieces, openpyxl write-only) made of it: the CSV
and the JSON must stay byte-identical, the workbook must hold the same cells (value,
type, number format, bold), sheets, column widths and frozen header.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from spar.exports import EXPORTS

from . import builders

DATA = Path(__file__).parent / "data"


def pinned_consultation():
    """The consultation of the pinned files: lot 1 as stored there, lot 2 not scored."""
    stored = json.loads((DATA / "pinned-export-input.json").read_text(encoding="utf-8"))
    crit = builders.criteria()
    assert crit.sha256 == stored["criteria_sha256"]
    lot = builders.scored_lot(crit, result=stored["result"], suppliers=stored["suppliers"])
    return builders.consultation(lots=[lot, builders.unscored_lot()], crit=crit)


@pytest.mark.parametrize("fmt, name", [("csv", "pinned-breakdown.csv"),
                                       ("json", "pinned-scoring.json")])
def test_text_exports_are_byte_identical(fmt, name):
    assert b"".join(EXPORTS[fmt](pinned_consultation())) == (DATA / name).read_bytes()


def _sheets(data: bytes) -> dict:
    """Everything a reader sees of a workbook, sheet by sheet."""
    book = load_workbook(io.BytesIO(data))
    out = {"properties": (book.properties.title, book.properties.language)}
    for ws in book.worksheets:
        out[ws.title] = {
            "cells": [[(c.value, c.data_type, c.number_format, bool(c.font and c.font.b))
                       for c in row] for row in ws.iter_rows()],
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth},
            "freeze": ws.freeze_panes,
        }
    return out


def test_workbook_holds_the_same_cells():
    new = _sheets(b"".join(EXPORTS["xlsx"](pinned_consultation())))
    old = _sheets((DATA / "pinned-breakdown.xlsx").read_bytes())
    assert list(new) == list(old)
    for name in old:
        assert new[name] == old[name], name
