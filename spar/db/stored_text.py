"""A stored document's text read from the database a piece at a time.

A scoring of 100,000 offers stores some 650 MB of JSON. Selected as one value, the
driver's buffer and the Python string hold it at the same moment (1.3 GB for one export
request). Read here, the request holds about one piece (:data:`PIECE` bytes) at a time:

- SQLite hands a value over in parts through its incremental blob I/O (``blobopen``),
  which reads the row's pages as they are asked for;
- PostgreSQL sends one row as one message, so the query cuts the value into rows of
  :data:`PIECE` bytes on the server and a server-side cursor fetches them a couple at a
  time. The value is cut as bytes (``convert_to``): a byte offset is found at once, where
  a character offset in UTF-8 text is counted from the start every time.

The pieces are the text's UTF-8 bytes, decoded here across their boundaries: joined, they
are the stored text exactly (the record's SHA-256 is of that text). SQLite keeps the text
as written, and PostgreSQL's ``json`` (not ``jsonb``) gives back its input verbatim when
cast to text; read as ``json``, the driver would decode it whole.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

#: Bytes read at a time.
PIECE = 1 << 20
#: The stored documents of a scoring (columns of ``scorings``).
COLUMNS = ("result", "inputs")

_POSTGRESQL = """
SELECT piece.n, substring(stored.bytes FROM piece.n * :size + 1 FOR :size)
FROM (SELECT convert_to(CAST({column} AS text), 'UTF8') AS bytes
      FROM scorings WHERE id = :id OFFSET 0) AS stored
CROSS JOIN LATERAL generate_series(0, (octet_length(stored.bytes) - 1) / :size) AS piece(n)
"""
# OFFSET 0 keeps the subquery whole, so the value is converted once, not once per piece.


def scoring_text(session: Session, scoring_id: int, column: str,
                 size: int | None = None) -> Iterator[str]:
    """The text stored in ``column`` (``result`` or ``inputs``) of the scoring whose
    primary key is ``scoring_id``, in pieces of about ``size`` bytes (:data:`PIECE`), read
    as they are asked for (in the session's transaction)."""
    if column not in COLUMNS:
        raise ValueError(f"colonne inconnue : {column!r} (attendu : {', '.join(COLUMNS)})")
    size = size or PIECE
    name = session.get_bind().dialect.name
    if name == "sqlite":
        pieces = _sqlite(session, scoring_id, column, size)
    elif name == "postgresql":
        pieces = _postgresql(session, scoring_id, column, size)
    else:
        raise ValueError(f"base de données non prise en charge : {name} (SQLite ou "
                         "PostgreSQL)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    for piece in pieces:
        part = decoder.decode(piece)
        if part:
            yield part
    part = decoder.decode(b"", final=True)
    if part:
        yield part


def _sqlite(session: Session, scoring_id: int, column: str, size: int) -> Iterator[bytes]:
    connection = session.connection().connection.driver_connection
    with connection.blobopen("scorings", column, scoring_id, readonly=True) as blob:
        while piece := blob.read(size):
            yield piece


def _postgresql(session: Session, scoring_id: int, column: str, size: int
                ) -> Iterator[bytes]:
    query = text(_POSTGRESQL.format(column=column))  # column: one of COLUMNS
    # a server-side cursor, two pieces a row at a time: not the whole value at once
    rows = session.execute(query, {"size": size, "id": scoring_id},
                           execution_options={"yield_per": 2})
    try:
        for expected, (n, piece) in enumerate(rows):
            if n != expected:  # generate_series gives them in order; a change would show
                raise RuntimeError(f"morceau {n} reçu à la place du morceau {expected}")
            yield bytes(piece)
    finally:  # a reader that stops early (the review queue) closes the cursor now
        rows.close()
