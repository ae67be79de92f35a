"""Shared test configuration: hypothesis profiles, the repository's paths and the database.

The suite runs on SQLite by default. With SPAR_TEST_DATABASE_URL (PostgreSQL) it runs
against that server instead, each test session in a schema of its own so parallel
runs never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
CRITERIA_DIR = ROOT / "criteria"
POSTGRES_URL = os.environ.get("SPAR_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("SPAR_TEST_REDIS_URL", "")

settings.register_profile("default", max_examples=100, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_xdist_auto_num_workers(config):
    """``-n auto`` (pyproject's): two workers more than cores. A good part of the suite
    waits rather than computes (a deadline passing for real, gunicorn starting, a
    browser), and while one worker waits the cores serve the others."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores + 2


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` or ``redis`` skip, saying why, unless SPAR_TEST_DATABASE_URL
    or SPAR_TEST_REDIS_URL names the server (CI sets both: there they must run)."""
    for marker, url, variable in (("postgres", POSTGRES_URL, "SPAR_TEST_DATABASE_URL"),
                                  ("redis", REDIS_URL, "SPAR_TEST_REDIS_URL")):
        if url:
            continue
        skip = pytest.mark.skip(reason=f"serveur non configuré ({variable})")
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A migrated, empty database for this test session (SQLite file or PostgreSQL schema)."""
    from spar.db import make_engine, upgrade

    if not POSTGRES_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'spar-test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@contextmanager
def postgres_schema(server_url: str, prefix: str = "spar_test") -> Iterator[str]:
    """The URL of a fresh, migrated schema of the PostgreSQL server at ``server_url``,
    dropped on the way out (the load benchmark uses it too)."""
    from sqlalchemy import text

    from spar.db import make_engine, upgrade

    schema = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server_url else "?"
    url = f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_database(database_url) -> str:
    """The session's database with every row of every table deleted."""
    from spar.db import make_engine
    from spar.db.models import Base

    engine = make_engine(database_url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def other_model(tmp_path_factory):
    """A review model trained apart from the shipped one and saved as a deployment would:
    (its folder, its version), to stand for a retrained model installed later."""
    from spar.review import save_model
    from spar.review.card import render_card
    from spar.review.model import TrainingParams
    from spar.review.synth import MECHANISMS, SynthConfig, generate, to_table
    from spar.review.training import train_on_table

    lots, seed = 150, 17
    model = train_on_table(
        to_table(generate(SynthConfig(lots=lots, seed=seed))), seed=seed, budget=0.3,
        source={"kind": "synthetic", "lots": lots, "seed": seed, "mechanisms": list(MECHANISMS),
                "description": "tests"},
        params=TrainingParams(boosting_iterations=25, calibration_folds=2))
    directory = tmp_path_factory.mktemp("other-model")
    save_model(model, directory, render_card(model.metadata))
    return directory, model.version
