"""The real service: ``gunicorn wsgi:app`` with the repository's gunicorn.conf.py, on a
free local port and a fresh database (a SQLite file, or with SPAR_TEST_DATABASE_URL a
PostgreSQL schema of its own), migrated with ``spar db upgrade``; tokens made with
``spar token create``. Gunicorn is always stopped; its log is shown when a test fails."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
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


def _own_control_socket(tmp: Path) -> list[str]:
    """Recent gunicorn opens a control socket, by default one per user (~/.gunicorn): give
    this run its own, so that parallel runs and a developer's server never collide."""
    from gunicorn.config import KNOWN_SETTINGS

    if any(setting.name == "control_socket" for setting in KNOWN_SETTINGS):
        return ["--control-socket", str(tmp / "gunicorn.ctl")]
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
        except (requests.ConnectionError, requests.Timeout):  # a worker still booting
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


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    url, drop = _database(tmp)
    port = _free_port()
    env = {**os.environ, "SPAR_DATABASE_URL": url, "SPAR_INSTANCE_PATH": str(tmp / "instance"),
           "SPAR_WORKERS": "2", "SPAR_THREADS": "4", "SPAR_REVIEW_SAMPLE_RATE": "0",
           "SPAR_BIND": f"127.0.0.1:{port}", "PYTHONUNBUFFERED": "1"}
    log = tmp / "gunicorn.log"
    process = None
    try:
        _spar(env, "db", "upgrade")
        tokens = _tokens(env)
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [str(BIN / "gunicorn"), "wsgi:app", "--config", "gunicorn.conf.py",
                 *_own_control_socket(tmp)],
                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True)
        running = Service(f"http://127.0.0.1:{port}", log, tokens)
        _wait_until_ready(running.url, process, log)
        yield running
    finally:
        if process is not None:
            _stop(process)
        drop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test shows what gunicorn wrote (its access log and any traceback)."""
    report = yield
    service = item.funcargs.get("service") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(service, Service) and service.log.exists():
        report.sections.append(("gunicorn", service.log.read_text(errors="replace")[-20000:]))
    return report
