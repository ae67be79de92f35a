"""A database moved from SQLite to PostgreSQL keeps an intact audit chain and every stored
scoring reproduces there, field by field."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from spar import create_app
from spar.db import make_engine, upgrade
from spar.db.models import Base, Consultation
from spar.services import demo
from tests.conftest import CRITERIA_DIR


@pytest.mark.postgres
def test_scorings_reproduce_after_moving_from_sqlite_to_postgresql(run, empty_database,
                                                                   tmp_path):
    assert empty_database.startswith("postgresql")
    sqlite_url = f"sqlite:///{tmp_path / 'moved.db'}"
    upgrade(make_engine(sqlite_url))
    app = create_app({"DATABASE_URL": sqlite_url})
    demo.seed(app.extensions["spar.db"].sessions, app.config, CRITERIA_DIR,
              datetime.now(timezone.utc))
    app.extensions["spar.db"].engine.dispose()

    source, target = make_engine(sqlite_url), make_engine(empty_database)
    with source.connect() as reader, target.begin() as writer:
        for table in Base.metadata.sorted_tables:
            rows = [dict(r._mapping) for r in reader.execute(select(table))]
            if rows:
                writer.execute(table.insert(), rows)
        references = [r for (r,) in reader.execute(select(Consultation.reference))]
    source.dispose()
    target.dispose()

    verified = run("audit", "verify")
    assert verified.exit_code == 0, verified.output
    scored = [r for r in references if r != demo.OPEN_REFERENCE]
    assert scored
    for reference in scored:
        result = run("audit", "rescore", reference)
        assert result.exit_code == 0, result.output
