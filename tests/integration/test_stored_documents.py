"""Stored JSON documents come back exactly as written, so their SHA-256 still matches."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from spar.db import make_engine
from spar.db.models import AuditEntry
from spar.services.audit import content_hash


def test_numbers_jsonb_would_rewrite_survive_the_round_trip(empty_database):
    details = {"zero": -0.0, "big": 1e16, "tiny": 2.5e-05, "sum": 0.1 + 0.2, "huge": 1e300}
    engine = make_engine(empty_database)
    with Session(engine) as session:
        session.add(AuditEntry(id=1, at=datetime.now(timezone.utc), action="test",
                               details=details, prev_hash="0" * 64, entry_hash="x" * 64))
        session.commit()
    with Session(engine) as session:
        stored = session.get(AuditEntry, 1).details
    engine.dispose()
    assert content_hash(stored) == content_hash(details)
