"""A database that is down, unreachable or hung: every database route answers a clear 503
with Retry-After at once, the rest of the service keeps answering, and it recovers by
itself. Against real sockets and, where marked, the real PostgreSQL."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from spar import create_app
from tests.conftest import POSTGRES_URL

from .sockets import BlackHole, TcpProxy, free_port


def _app(url: str, tmp_path, **config):
    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path),
                       "DATABASE_CONNECT_TIMEOUT": 2, "DATABASE_RETRY_AFTER": 3, **config})


def _timed(client, method: str, path: str, **kwargs):
    started = time.monotonic()
    response = client.open(path, method=method, **kwargs)
    return response, time.monotonic() - started


def _assert_unavailable(response, retry_after: int = 3) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == str(retry_after)
    if response.is_json:  # the API
        body = response.get_json()
        assert body["code"] == 503 and "base de données" in body["message"]
    else:  # a page, in words
        assert "base de données est momentanément injoignable" in response.get_data(as_text=True)


def test_a_database_that_accepts_and_never_answers_costs_one_connect_timeout(tmp_path):
    """Bounds are loose (the machine is shared): what matters is one connect timeout
    (5 s) for the first request instead of minutes, and none for the next ones."""
    hole = BlackHole()
    app = _app(f"postgresql+psycopg://postgres@127.0.0.1:{hole.port}/spar", tmp_path,
               DATABASE_CONNECT_TIMEOUT=5)
    client = app.test_client()
    try:
        first, took = _timed(client, "GET", "/api/v1/criteria-sets")
        _assert_unavailable(first)
        assert 4 < took < 15, took  # the connect timeout, not the kernel's two minutes
        for method, path in (("GET", "/api/v1/criteria-sets"),
                             ("POST", "/api/v1/consultations"),
                             ("GET", "/api/v1/consultations/X/lots/1/ranking")):
            response, took = _timed(client, method, path, json={},
                                    headers={"Authorization": "Bearer spar_x"})
            _assert_unavailable(response)
            assert took < 3, (path, took)  # the breaker is open: no new 5 s wait
        for path in ("/api/v1/healthz", "/openapi.json", "/metrics"):
            response, took = _timed(client, "GET", path)
            assert response.status_code == 200 and took < 3, path
        ready, took = _timed(client, "GET", "/api/v1/readyz")
        assert ready.status_code == 503 and took < 3
        assert ready.get_json()["database"] == "unreachable"
        assert ready.get_json()["message"] == "la base de données ne répond pas"
    finally:
        app.extensions["spar.db"].engine.dispose()
        hole.close()


def test_a_closed_port_is_a_503_not_a_500(tmp_path):
    app = _app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/spar", tmp_path)
    client = app.test_client()
    for method, path in (("GET", "/api/v1/criteria-sets"), ("POST", "/api/v1/criteria-sets"),
                         ("GET", "/")):
        _assert_unavailable(client.open(path, method=method, data="spar: 1",
                                         content_type="application/yaml",
                                         headers={"Authorization": "Bearer spar_x"}))
    app.extensions["spar.db"].engine.dispose()


def test_readiness_names_an_unreachable_redis(empty_database, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                      "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    response = app.test_client().get("/api/v1/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok",
                                   "redis": "unreachable", "message": "Redis ne répond pas"}
    app.extensions["spar.db"].engine.dispose()


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) > 1 else host))


@pytest.mark.postgres
def test_postgresql_going_away_and_coming_back(empty_database, tmp_path):
    """Pooled connections die with the server: no request may see a 500, every one a 503
    while it is gone, and the service comes back on its own once it is back."""
    target = urlsplit(POSTGRES_URL)
    proxy = TcpProxy((target.hostname, target.port or 5432))
    app = _app(_through(proxy, empty_database), tmp_path, DATABASE_RETRY_AFTER=1)
    client = app.test_client()
    statuses = []
    try:
        for _ in range(5):  # fill the pool
            statuses.append(client.get("/api/v1/criteria-sets").status_code)
        assert statuses == [200] * 5
        proxy.cut()
        for _ in range(5):
            response = client.get("/api/v1/criteria-sets")
            statuses.append(response.status_code)
            _assert_unavailable(response, retry_after=1)
        proxy.restore()
        deadline = time.monotonic() + 10
        while client.get("/api/v1/criteria-sets").status_code != 200:
            assert time.monotonic() < deadline, "le service ne revient pas seul"
            time.sleep(0.2)
        assert client.get("/api/v1/readyz").status_code == 200
        assert 500 not in statuses
    finally:
        app.extensions["spar.db"].engine.dispose()
        proxy.close()


@pytest.mark.postgres
def test_a_statement_is_cancelled_by_its_timeout(empty_database):
    from sqlalchemy import exc, text

    from spar.db import make_engine

    engine = make_engine(empty_database, statement_timeout=1)
    started = time.monotonic()
    with pytest.raises(exc.OperationalError, match="statement timeout"):
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_sleep(5)"))
    assert time.monotonic() - started < 4.5  # cancelled, not slept through
    engine.dispose()
