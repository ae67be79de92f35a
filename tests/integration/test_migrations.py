"""Revision 0002 on a database that the old race left with doubled offers."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from spar.db import make_engine, upgrade
from tests.e2e.conftest import _database

T0 = datetime(2026, 11, 2, 9, 0)


@pytest.fixture
def fresh_engine(tmp_path):
    """An engine on a database no migration has touched."""
    url, drop = _database(tmp_path)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop()


def _offer(connection, offer_id: int, siret: str, minutes: int) -> None:
    connection.execute(text(
        "INSERT INTO offers (id, public_id, lot_id, siret, supplier_name, answers, evidence, "
        "content_hash, submitted_at) VALUES (:id, :pid, 1, :siret, 'E', '{}', '{}', :h, :at)"),
        {"id": offer_id, "pid": f"o-{offer_id}", "siret": siret, "h": "0" * 64,
         "at": T0 + timedelta(minutes=minutes)})


def test_doubled_current_offers_are_resolved_to_the_latest(fresh_engine):
    upgrade(fresh_engine, "0001")
    with fresh_engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (id, slug, name, created_at) "
                                "VALUES (1, 'metro', 'Métropole', :at)"), {"at": T0})
        connection.execute(text(
            "INSERT INTO criteria_sets (id, set_id, version, sha256, title, category, "
            "document, created_at) VALUES (1, 'c', 1, :h, 'C', 'supplies', '{}', :at)"),
            {"h": "0" * 64, "at": T0})
        connection.execute(text(
            "INSERT INTO consultations (id, reference, title, organisation_id, "
            "criteria_set_id, deadline, created_at) VALUES (1, 'R', 'R', 1, 1, :d, :at)"),
            {"d": T0 + timedelta(days=9), "at": T0})
        connection.execute(text("INSERT INTO lots (id, consultation_id, lot_id, position, "
                                "title) VALUES (1, 1, '1', 0, 'Lot')"))
        for offer_id, siret, minutes in ((1, "A", 0), (2, "A", 5), (3, "A", 5), (4, "B", 1)):
            _offer(connection, offer_id, siret, minutes)  # A raced: three current offers
    upgrade(fresh_engine)
    with fresh_engine.connect() as connection:
        rows = connection.execute(text("SELECT id, superseded_at, superseded_by FROM offers "
                                       "ORDER BY id")).all()
    superseded = {row.id: (row.superseded_at is not None, row.superseded_by) for row in rows}
    assert superseded == {1: (True, 3), 2: (True, 3), 3: (False, None), 4: (False, None)}
    with pytest.raises(IntegrityError, match="hidden"), fresh_engine.begin() as connection:
        _offer(connection, 5, "B", 9)  # and from now on the index refuses a second one
