"""Spreadsheet cells as answers and names: blank or not, text, SIRETs."""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np


def texts(cells: Sequence[Any]) -> list[str | None]:
    """:func:`text` of every cell, in one fast pass when they are all text (a CSV's)."""
    if isinstance(cells, np.ndarray):
        cells = cells.tolist()
    try:
        return [cell.strip() or None for cell in cells]
    except AttributeError:  # empty cells (NaN) or numbers from a spreadsheet
        return [text(cell) for cell in cells]


def text(value: Any) -> str | None:
    """A cell as text: None when empty, ``1`` rather than ``1.0`` for whole numbers."""
    if isinstance(value, str):  # first: nearly every cell of a CSV
        return value.strip() or None
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def siret_texts(cells: Sequence[Any]) -> list[str | None]:
    """SIRETs without the spaces or dots people type between groups of digits."""
    return [cell if cell is None or cell.isdigit() else re.sub(r"[\s\u00a0\u202f.]", "", cell)
            for cell in texts(cells)]


def blank(value: Any) -> bool:
    """Whether a cell is empty: nothing, spaces, NaN."""
    return value is None or (isinstance(value, str) and not value.strip()) or \
        (isinstance(value, float) and math.isnan(value))
