"""Transaction-scoped locks that serialise writers competing for the same thing.

SQLite needs none: every writing transaction there starts with ``BEGIN IMMEDIATE``
(:func:`spar.db.make_engine`), so writers already take turns. PostgreSQL runs them side
by side, so a use case that reads, decides and writes takes an advisory lock first; it
is released with the transaction, committed or not.
"""

from __future__ import annotations

import zlib

from sqlalchemy import text

#: One lock space per kind of thing locked (the first key of the two-key advisory lock).
AUDIT_LOG = 5170001
SUPPLIER = 5170002


def serialise(session, space: int, name: str = "") -> None:
    """Wait until no other transaction holds the lock ``(space, name)``, then hold it.

    Different names rarely share a lock (a 32-bit hash); when they do, their writers
    merely take turns."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = zlib.crc32(name.encode("utf-8")) - 2**31  # PostgreSQL's int4 is signed
    session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                    {"space": space, "key": key})
