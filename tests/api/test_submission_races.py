"""One current offer per supplier and lot is the database's rule, not only the service's:
the index refuses a second one, and submissions racing past the lock are run again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spar.db.models import Lot, Offer
from spar.services import locks

from .conftest import SIRET_A


def test_the_database_refuses_a_second_current_offer(flow, uow, clock):
    flow.open()
    flow.submit("supplier", 10000)
    with uow() as unit:
        lot = unit.session.execute(select(Lot).where(Lot.lot_id == "1")).scalar_one()
        unit.session.add(Offer(public_id="o-en-double", lot_id=lot.id, siret=SIRET_A,
                               supplier_name="Doublon", answers={}, evidence={},
                               content_hash="0" * 64, submitted_at=clock.now()))
        with pytest.raises(IntegrityError) as raised:
            unit.session.flush()
    assert "hidden" in str(raised.value)  # the parameters never reach a message or a log


@pytest.mark.postgres
def test_without_the_lock_the_index_and_a_retry_still_keep_one_offer(app, flow, monkeypatch):
    """The supplier lock taken away (as if a code path forgot it): two instances' worth of
    simultaneous submissions still leave one current offer and never a 5xx."""
    serialise = locks.serialise
    monkeypatch.setattr(locks, "serialise", lambda session, space, name="": (
        None if space == locks.SUPPLIER else serialise(session, space, name)))
    flow.open()
    headers = flow.callers["supplier"]
    url = f"/api/v1/consultations/{flow.reference}/offers"
    barrier = threading.Barrier(12)

    def send(n: int):
        body = {"lot": "1", "answers": {"price_eur": 10000 + n // 2}}
        key = {"Idempotency-Key": f"course-{n // 2}"}  # each offer sent twice at once
        barrier.wait()
        return app.test_client().post(url, json=body, headers={**headers, **key})

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(send, range(12)))
    assert sorted(a.status_code for a in answers) == [200] * 6 + [201] * 6
    mine = flow.call("GET", url, "supplier", 200).get_json()["items"]
    assert len(mine) == 6 and sum(o["current"] for o in mine) == 1
