"""Score breakdown as CSV the way French spreadsheets read it.

One row per offer × criterion (see :data:`~spar.exports.detail_rows.COLUMNS`),
``;``-separated, decimal comma, UTF-8 with a BOM so that Excel detects the
encoding. Rows are produced lazily: a 100,000-offer lot streams in constant memory.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterator

from spar.engine.criteria import PILLAR_LABELS

from .bundle import ConsultationExport
from .detail_rows import COLUMNS, detail_rows
from .french import STATUS_LABELS, answer_text

BOM = "\ufeff"
#: Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 1 << 16
_DECIMALS = {"score": 4, "max_points": 2, "points": 2, "total": 2}


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character is quoted with ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def decimal_comma(x: float | None, decimals: int) -> str:
    """``13.3333`` → ``13,33``; empty when there is no number."""
    return "" if x is None else f"{x:.{decimals}f}".replace(".", ",")


def plain_number(x: float) -> str:
    """A raw answer with all its digits and a decimal comma, no thousands separator."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x).replace(".", ",")


def _cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "value" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(value)
    if key in _DECIMALS:
        return decimal_comma(value, _DECIMALS[key])
    if key == "rank":
        return str(value)
    if key == "status":
        return STATUS_LABELS.get(value, value)
    if key == "pillar":
        return PILLAR_LABELS.get(value, value)
    return safe_text(answer_text(value))


def breakdown_csv(consultation: ConsultationExport) -> Iterator[bytes]:
    """The breakdown of every lot as CSV chunks (the first starts with the BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS.values())
    for row in detail_rows(consultation):
        writer.writerow([_cell(key, row.get(key)) for key in COLUMNS])
        if buffer.tell() >= _CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
