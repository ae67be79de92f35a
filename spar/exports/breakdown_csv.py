"""Score breakdown as CSV the way French spreadsheets read it.

One row per offer × criterion (see :data:`~spar.exports.detail_rows.COLUMNS`),
``;``-separated, decimal comma, UTF-8 with a BOM so that Excel detects the
encoding. The service's export and ``spar score --format csv`` both write it with
:func:`csv_chunks`. Rows are produced lazily: a 100,000-offer lot streams in
constant memory.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Callable, Iterable, Iterator

from spar.engine.criteria import PILLAR_LABELS

from .bundle import ConsultationExport, LotExport
from .detail_rows import COLUMNS, OFFER_KEYS, detail_rows, justification
from .french import STATUS_LABELS, answer_text

BOM = "\ufeff"
#: Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 1 << 16
_DECIMALS = {"score": 4, "max_points": 2, "points": 2, "total": 2}
#: Rows between two calls of a writer's ``progress`` callback.
PROGRESS_EVERY = 10_000


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


def cell(key: str, value: Any) -> str:
    """One cell of :data:`COLUMNS` as the CSV writes it."""
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


#: Columns of a leaf that every offer shares: formatted once per criterion.
_LEAF_FIXED = ("criterion", "label", "pillar", "input", "max_points")


def _value_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) or (isinstance(value, int) and not isinstance(value, bool)):
        return plain_number(value)
    return safe_text(answer_text(value))


def csv_chunks(reference: str | None, lots: Iterable[LotExport],
               progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The breakdown of ``lots`` as CSV chunks (the first starts with the BOM).

    ``reference`` fills the consultation column (empty offline). ``progress``, when
    given, is told every :data:`PROGRESS_EVERY` rows how many were written.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS.values())
    fixed: dict[Any, tuple[str, ...]] = {}
    count = 0
    for offer, leaves, marks in detail_rows(reference, lots):
        head = tuple(cell(key, offer.get(key)) for key in OFFER_KEYS[:5])
        tail = tuple(cell(key, offer.get(key)) for key in OFFER_KEYS[5:])
        for leaf in leaves:
            # what depends on the criterion alone is the same for every offer
            path = leaf.get("criterion")
            same = fixed.get(path)
            if same is None:
                same = fixed[path] = tuple(cell(k, leaf.get(k)) for k in _LEAF_FIXED)
            score, points = leaf.get("score"), leaf.get("points")
            text = leaf.get("explanation")
            note = justification(marks, leaf)
            writer.writerow((*head, *same[:4], _value_cell(leaf.get("value")),
                             "" if score is None else f"{score:.4f}".replace(".", ","),
                             same[4],
                             "" if points is None else f"{points:.2f}".replace(".", ","),
                             "" if text is None else safe_text(text),
                             "" if note is None else safe_text(answer_text(note)), *tail))
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
            if buffer.tell() >= _CHUNK:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    if progress is not None and count % PROGRESS_EVERY:
        progress(count % PROGRESS_EVERY)
    yield buffer.getvalue().encode("utf-8")


def breakdown_csv(consultation: ConsultationExport) -> Iterator[bytes]:
    """The breakdown of every lot of the consultation as CSV chunks."""
    return csv_chunks(consultation.reference, consultation.lots)
