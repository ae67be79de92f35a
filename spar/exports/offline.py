"""A lot scored offline (``spar score``), written with the service's writers: the same
columns, order and wording as the exports of a stored scoring (SPEC §4.1), without a
consultation, the buyer's marks or decisions."""

from __future__ import annotations

from typing import IO, Any, Callable

from .bundle import LotExport

#: What ``spar score --format`` writes; the table is text, the others bytes.
FORMATS = ("table", "json", "csv", "xlsx")


def write_scored_lot(evaluation, fmt: str, stream: IO[Any],
                     progress: Callable[[int], None] | None = None,
                     list_all: bool = False) -> int | None:
    """Write an :class:`spar.pipeline.Evaluation` in ``fmt`` to ``stream`` (a text stream
    for ``table``, binary otherwise); the number of breakdown rows for csv and xlsx.
    ``progress`` is told of each batch of rows written; ``list_all``: the table lists
    every offer with its reasons, not the first of each section."""
    if fmt == "table":
        from .table import LISTED, write_table

        write_table(evaluation, stream, None if list_all else LISTED)
        return None
    lot = evaluation.result.lot
    exported = LotExport(lot_id=lot.lot_id or "", title=None, estimate=lot.estimate,
                         result=evaluation.document(lazy=True, analysed=fmt == "json"))
    count = 0

    def told(rows: int) -> None:
        nonlocal count
        count += rows
        if progress is not None:
            progress(rows)

    # each format loads only its own writer (openpyxl for a workbook)
    if fmt == "json":
        from .json_stream import iter_json
        from .scoring_json import result_json

        chunks = iter_json(result_json(exported))
    elif fmt == "csv":
        from .breakdown_csv import csv_chunks

        chunks = csv_chunks(None, [exported], told)
    else:
        from .breakdown_xlsx import offline_identity, workbook_chunks

        criteria = evaluation.result.criteria
        chunks = workbook_chunks(offline_identity(criteria, exported), criteria, [exported],
                                 None, told)
    for chunk in chunks:
        stream.write(chunk)
    return None if fmt == "json" else count
