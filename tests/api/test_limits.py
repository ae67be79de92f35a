"""Limits: body size (413), self-assessment rate (429, in memory or shared in Redis)."""

from __future__ import annotations

import secrets

import pytest

from spar import create_app
from spar.services.rate_limit import RateLimiter, RedisCounter
from spar.services.errors import TooManyRequests
from tests.conftest import REDIS_URL


def test_an_oversized_body_is_a_413_and_nothing_is_stored(flow, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    body = flow.call("POST", "/api/v1/criteria-sets", "buyer", 413,
                     data="x" * 20_000, content_type="application/yaml").get_json()
    assert body["code"] == 413 and body["message"]
    assert flow.call("GET", "/api/v1/criteria-sets", "anonymous", 200).get_json()["items"] == []


def _assess(client):
    return client.post("/api/v1/self-assessment", json={
        "criteria_set": "fournitures-test", "version": 1, "answers": {"price_eur": 1000}})


def test_self_assessment_is_rate_limited_per_address(empty_database, tmp_path, flow):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                      "SELF_ASSESSMENT_LIMIT": 3, "SELF_ASSESSMENT_WINDOW": 60})
    flow.upload_criteria()
    client = app.test_client()
    assert [_assess(client).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _assess(client).get_json()["code"] == 429
    app.extensions["spar.db"].engine.dispose()


def test_self_assessment_stores_nothing(flow, uow):
    from sqlalchemy import func, select

    from spar.db.models import AuditEntry

    flow.upload_criteria()
    with uow() as u:
        before = u.session.execute(select(func.count(AuditEntry.id))).scalar_one()
    body = _assess(flow.client).get_json()
    assert body["total"] >= 0 and body["hints"]
    with uow() as u:
        assert u.session.execute(select(func.count(AuditEntry.id))).scalar_one() == before


@pytest.mark.redis
def test_redis_counts_are_shared_between_limiters():
    key = f"test-{secrets.token_hex(4)}"
    first = RateLimiter(RedisCounter(REDIS_URL), limit=2, window=60)
    second = RateLimiter(RedisCounter(REDIS_URL), limit=2, window=60)  # another worker
    first.check(key)
    second.check(key)
    with pytest.raises(TooManyRequests):
        first.check(key)


def test_an_unreachable_redis_falls_back_to_counting_in_the_process():
    limiter = RateLimiter(RedisCounter("redis://127.0.0.1:1/0"), limit=1, window=60)
    limiter.check("k")
    with pytest.raises(TooManyRequests):
        limiter.check("k")
