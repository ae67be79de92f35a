"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC.

    SQLite keeps no time zone, so every value is normalised to UTC before it is
    written and marked UTC when read back.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


#: JSON documents, kept as the exact text written (PostgreSQL's ``json``, not ``jsonb``):
#: jsonb rewrites numbers (-0.0 becomes 0, 1e+16 an integer), which would change the
#: SHA-256 of a stored scoring or audit entry and make an intact record look altered.
Document = JSON()
