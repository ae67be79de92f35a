"""The real service: ``gunicorn wsgi:app`` with the repository's gunicorn.conf.py, on a
free local port and a fresh database (a SQLite file, or with SPAR_TEST_DATABASE_URL a
PostgreSQL schema of its own), migrated with ``spar db upgrade``; tokens made with
``spar token create``. Gunicorn is always stopped; its log is shown when a test fails.

Browser tests (marked ``browser``) drive Debian's Chromium with Playwright; they skip,
saying so, where no Chromium is installed — unless SPAR_REQUIRE_BROWSER is set (CI),
where a missing browser is a failure."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from tests.conftest import POSTGRES_URL, ROOT

BIN = Path(sys.executable).parent
SIRET_A = "12345678200002"
SIRET_B = "55210055400005"
SIRET_C = "73282932000009"
#: name → ``spar token create`` options.
CAST = {
    "admin": ["--role", "admin"],
    "buyer": ["--role", "buyer", "--org", "metro", "--name", "Service achats"],
    "auditor": ["--role", "auditor", "--org", "metro", "--name", "Contrôle de gestion"],
    "supplier_a": ["--role", "supplier", "--siret", SIRET_A, "--name", "Papeterie Alpha"],
    "supplier_b": ["--role", "supplier", "--siret", SIRET_B, "--name", "Bureau Bêta"],
    "supplier_c": ["--role", "supplier", "--siret", SIRET_C, "--name", "Gamma Fournitures"],
}
READY_WITHIN = 30.0  # seconds: gunicorn imports numpy, pandas and scikit-learn first


@dataclass
class Service:
    url: str
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)
    #: the environment its commands run with (``spar audit verify`` on the same database)
    env: dict[str, str] = field(default_factory=dict)

    def spar(self, *args: str) -> str:
        """Run a ``spar`` command against this service's database; its output."""
        return _spar(self.env, *args)

    def call(self, method: str, path: str, who: str | None, expect: int | None = None,
             **kwargs) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        response = requests.request(method, self.url + path, headers=headers, timeout=60,
                                    **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, who, response.text[:2000])
        return response


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database(tmp: Path):
    """(SPAR_DATABASE_URL, cleanup) for a database no other run sees."""
    if not POSTGRES_URL:
        return f"sqlite:///{tmp / 'spar-e2e.db'}", lambda: None
    from sqlalchemy import text

    from spar.db import make_engine

    schema = f"spar_e2e_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"

    def drop():
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}", drop


def _spar(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "spar"), *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def _tokens(env: dict) -> dict[str, str]:
    """Every token of the cast, created side by side (each command starts Python anew)."""
    running = {name: subprocess.Popen([str(BIN / "spar"), "token", "create", *options],
                                      env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
               for name, options in CAST.items()}
    out = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, (name, stdout, stderr)
        out[name] = stdout.strip().splitlines()[-1]
    return out


def _own_control_socket(socket_path: Path) -> list[str]:
    """Recent gunicorn opens a control socket, by default one per user (~/.gunicorn): give
    each instance its own, so that parallel runs and a developer's server never collide."""
    from gunicorn.config import KNOWN_SETTINGS

    if any(setting.name == "control_socket" for setting in KNOWN_SETTINGS):
        return ["--control-socket", str(socket_path)]
    return []


def _wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn s'est arrêté (code {process.returncode}) :\n"
                        f"{log.read_text(errors='replace')}")
        try:
            if requests.get(url + "/api/v1/healthz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # still booting, or busy
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn ne répond pas après {READY_WITHIN:.0f} s :\n"
                f"{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _environment(tmp: Path, url: str, workers: int) -> dict[str, str]:
    return {**os.environ, "SPAR_DATABASE_URL": url, "SPAR_INSTANCE_PATH": str(tmp / "instance"),
            "SPAR_WORKERS": str(workers), "SPAR_THREADS": "4", "SPAR_REVIEW_SAMPLE_RATE": "0",
            "PYTHONUNBUFFERED": "1"}


@contextmanager
def _gunicorns(tmp: Path, instances: int, workers: int):
    """``instances`` gunicorns on one fresh database, each on its own port with its own
    log; yields their Services (sharing the cast's tokens). All are stopped at the end."""
    url, drop = _database(tmp)
    env = _environment(tmp, url, workers)
    processes: list[subprocess.Popen] = []
    try:
        _spar(env, "db", "upgrade")
        tokens = _tokens(env)
        running = []
        for n in range(instances):
            port = _free_port()
            log = tmp / f"gunicorn-{n}.log"
            # invitation links name the instance that made them
            own = {**env, "SPAR_BASE_URL": f"http://127.0.0.1:{port}"}
            with log.open("wb") as sink:
                processes.append(subprocess.Popen(
                    [str(BIN / "gunicorn"), "wsgi:app", "--config", "gunicorn.conf.py",
                     *_own_control_socket(tmp / f"gunicorn-{n}.ctl"),
                     "--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT, env=own, stdout=sink, stderr=subprocess.STDOUT,
                    start_new_session=True))
            running.append(Service(own["SPAR_BASE_URL"], log, tokens, own))
        for service, process in zip(running, processes):  # they start side by side
            _wait_until_ready(service.url, process, service.log)
        yield running
    finally:
        for process in processes:
            _stop(process)
        drop()


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    with _gunicorns(tmp_path_factory.mktemp("e2e"), instances=1, workers=2) as (running,):
        yield running


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """What spar runs on in production, as near as one machine gets: two instances on
    PostgreSQL; on the embedded SQLite, one instance with two workers."""
    instances = 2 if POSTGRES_URL else 1
    with _gunicorns(tmp_path_factory.mktemp("cluster"), instances=instances,
                    workers=2) as running:
        yield running


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test shows what gunicorn wrote (its access log and any traceback)."""
    report = yield
    funcargs = getattr(item, "funcargs", {})
    services = [funcargs.get("service"), *funcargs.get("cluster", [])]
    for service in services:
        if report.failed and isinstance(service, Service) and service.log.exists():
            report.sections.append((f"gunicorn {service.url}",
                                    service.log.read_text(errors="replace")[-20000:]))
    return report


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    from .browser import launch

    with launch() as browser:
        yield browser


@pytest.fixture
def journey(chromium, service):
    """``journey("name")``: a browser page on ``service`` that checks and photographs each
    step under that name (:class:`.browser.Journey`); closed after the test."""
    from .browser import Journey

    made = []

    def start(name: str) -> Journey:
        made.append(Journey(chromium, name, service.url))
        return made[-1]

    yield start
    for trip in made:
        trip.close()
