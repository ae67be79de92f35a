"""Load benchmark: spar under gunicorn against a hello-world Flask app under the same
gunicorn settings (gunicorn.conf.py, SPAR_WORKERS × SPAR_THREADS), side by side in one
run, measured with wrk on 127.0.0.1.

Scenarios, each on two instances of each server (two gunicorn masters on two ports, as
behind a load balancer; one wrk per instance, run at once):

- ``submit``: suppliers submitting offers (``POST /consultations/{ref}/offers``, 1,000
  suppliers in turn, half on each instance, prices varying; a supplier's later offer
  replaces its earlier one) on PostgreSQL; the baseline answers a JSON POST;
- ``ranking``: the buyer reading the ranking of a scored 1,000-offer lot
  (``GET …/lots/1/ranking``; each read is also written to the audit log);
- ``consultations``: the public consultation list (``GET /consultations``), when the
  service has that route (it is being added with the pages; until then the scenario says
  it was skipped).

Run: ``.venv/bin/python benchmarks/load_bench.py [--database-url URL] [--duration 10]
[--connections 16]``. It needs wrk (Debian: ``apt-get install wrk``) and PostgreSQL
(default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``, in a schema of its own,
dropped at the end).

Measured on the shared 2-core development machine (load average 8 from other work: the
figures are noisy; compare the two columns of one run)::

    scénario                           serveur         req/s   p50 ms   p99 ms  erreurs
    POST offre (PostgreSQL)            hello Flask      4617      2.2     75.4        0
    POST offre (PostgreSQL)            spar              149    132.4    304.7        0
    GET classement, lot de 1000 offres hello Flask      4548      2.0    311.5        0
    GET classement, lot de 1000 offres spar                4   3660.0   6130.0        0

A submission is a transaction that appends to the hash-chained audit log, whose head
every writer takes in turn; a ranking of 1,000 offers is a 3.1 MB answer, two thirds of
whose time is marshmallow dumping the stored result again (0.2–0.4 s for one request
alone).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

HELLO = '''
from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def hello():
    return {"status": "ok"}


@app.post("/")
def echo():
    return {"received": len(request.get_json())}, 201
'''

SUBMIT_LUA = '''
tokens = {%(tokens)s}
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"lot": "1", "answers": {"price_eur": %%d, "co2e_kg": %%.1f, ' ..
    '"labels": ["EU Ecolabel"]}, "evidence": {"labels": ["EU Ecolabel"]}}',
    9000 + math.random(0, 3000), math.random(5, 40) / 10)
  local token = tokens[counter %% #tokens + 1]
  return wrk.format("POST", "%(path)s", {["Authorization"] = "Bearer " .. token,
                                        ["Content-Type"] = "application/json"}, body)
end
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def siret(n: int) -> str:
    """The ``n``-th made-up SIRET: a Luhn-valid SIREN, then a Luhn-valid whole."""
    from stdnum import luhn

    siren = f"{31000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


# --------------------------------------------------------------------------- database
def bench_schema(url: str):
    """(URL of a fresh schema, drop)."""
    from sqlalchemy import text

    from spar.db import make_engine, upgrade

    schema = f"spar_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    scoped = f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(scoped)
    upgrade(engine)
    engine.dispose()

    def drop():
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return scoped, drop


def seed(url: str, folder: str, offers: int) -> dict:
    """Through the API in process: a buyer, 1,000 suppliers and an open consultation for the
    submissions; a closed consultation whose lot 1 has ``offers`` offers, scored."""
    from spar import create_app
    from spar.services import tokens
    from spar.services.clock import FixedClock
    from spar.services.principal import OPERATOR
    from spar.services.unit_of_work import UnitOfWork
    from tests.api.conftest import CRITERIA_YAML

    real_now = datetime.now(timezone.utc)
    clock = FixedClock(real_now - timedelta(days=2))
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": folder, "CLOCK": clock,
                      "REVIEW_SAMPLE_RATE": 0.0, "TESTING": True,
                      "JOB_SCORING_THRESHOLD": offers})  # scored here, not by a job
    client = app.test_client()

    def token(role, **kwargs) -> str:
        uow = UnitOfWork(app.extensions["spar.db"].sessions, clock, app.config)
        return tokens.create_token(uow, OPERATOR, role, create_organisation_if_missing=True,
                                   **kwargs)[1]

    def call(method, path, secret, expect, **kwargs):
        response = client.open(path, method=method, headers={"Authorization": f"Bearer {secret}"},
                               **kwargs)
        assert response.status_code == expect, (path, response.get_json())
        return response.get_json()

    buyer = token("buyer", organisation="bench")
    call("POST", "/api/v1/criteria-sets", buyer, 201, data=CRITERIA_YAML,
         content_type="application/yaml")

    def consultation(reference: str, deadline: datetime) -> None:
        call("POST", "/api/v1/consultations", buyer, 201, json={
            "reference": reference, "title": "Banc de charge", "criteria_set": "fournitures-test",
            "criteria_version": 1, "deadline": deadline.isoformat(),
            "lots": [{"id": "1", "title": "Papeterie", "estimate": 12000.0}]})
        call("POST", f"/api/v1/consultations/{reference}/publish", buyer, 200)

    consultation("BENCH-OUVERTE", real_now + timedelta(days=1))
    consultation("BENCH-1000", clock.now() + timedelta(hours=1))
    suppliers = [token("supplier", siret=siret(n), name=f"Entreprise {n}")
                 for n in range(max(offers, 1000))]
    for n, secret in enumerate(suppliers[:offers]):
        call("POST", "/api/v1/consultations/BENCH-1000/offers", secret, 201, json={
            "lot": "1", "answers": {"price_eur": 8000 + (n * 37) % 6000,
                                    "co2e_kg": 0.5 + (n * 13) % 45 / 10,
                                    "labels": ["EU Ecolabel"] if n % 3 else ["FSC"]},
            "evidence": {"labels": ["EU Ecolabel"] if n % 2 else []}})
    clock.advance(hours=2)
    scored = call("POST", "/api/v1/consultations/BENCH-1000/lots/1/scoring", buyer, 201)
    app.extensions["spar.db"].engine.dispose()
    return {"buyer": buyer, "suppliers": suppliers, "scored": len(scored["offers"])}


# --------------------------------------------------------------------------- servers
class Server:
    """One gunicorn master with the repository's gunicorn.conf.py."""

    def __init__(self, target: str, chdir: Path, env: dict, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**env, "SPAR_BIND": f"127.0.0.1:{self.port}"}
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), target, "--config", str(ROOT / "gunicorn.conf.py"),
                 "--chdir", str(chdir)], cwd=chdir, env=env, stdout=sink,
                stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn s'est arrêté :\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + path, timeout=5).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn ne répond pas :\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --------------------------------------------------------------------------- wrk
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(urls: list[str], duration: int, connections: int, *,
        scripts: list[Path] | None = None, headers: dict | None = None) -> dict:
    """One wrk per URL (with its Lua script), at once; requests per second added up, the
    worst p50 and p99."""
    runs = []
    for n, url in enumerate(urls):
        script = scripts[n] if scripts else None
        command = ["wrk", "-t1", f"-c{max(1, connections // len(urls))}", f"-d{duration}s",
                   "--latency", "--timeout", "10s"]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        if script:
            command += ["-s", str(script)]
        runs.append(subprocess.Popen(command + [url], stdout=subprocess.PIPE, text=True))
    out = {"rps": 0.0, "p50": 0.0, "p99": 0.0, "requests": 0, "errors": 0}
    for run in runs:
        text = run.communicate()[0]
        out["rps"] += float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
        out["p50"] = max(out["p50"], _ms(re.search(r"\s50%\s+(\S+)", text).group(1)))
        out["p99"] = max(out["p99"], _ms(re.search(r"\s99%\s+(\S+)", text).group(1)))
        out["requests"] += int(re.search(r"(\d+) requests in", text).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                                  r"timeout (\d+)", text)
        out["errors"] += int(errors.group(1)) if errors else 0
        out["errors"] += sum(map(int, socket_errors.groups())) if socket_errors else 0
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        default=os.environ.get("SPAR_BENCH_DATABASE_URL",
                                               "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--duration", type=int, default=10, help="seconds per measure")
    parser.add_argument("--connections", type=int, default=16, help="in all, over two instances")
    parser.add_argument("--offers", type=int, default=1000, help="offers of the ranked lot")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk introuvable : installez-le (Debian : apt-get install wrk)", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="spar-load-"))
    url, drop = bench_schema(args.database_url)
    servers: list[Server] = []
    try:
        print(f"Préparation : {args.offers} offres notées, 1 000 entreprises…", flush=True)
        world = seed(url, str(folder), args.offers)
        (folder / "hello.py").write_text(HELLO)
        env = {key: value for key, value in os.environ.items() if not key.startswith("SPAR_")}
        env.update({"SPAR_WORKERS": os.environ.get("SPAR_WORKERS", "2"),
                    "SPAR_THREADS": os.environ.get("SPAR_THREADS", "4"),
                    "SPAR_DATABASE_URL": url, "SPAR_INSTANCE_PATH": str(folder / "instance"),
                    "SPAR_REVIEW_SAMPLE_RATE": "0", "SPAR_LOG_LEVEL": "info"})
        spar = [Server("wsgi:app", ROOT, env, folder / f"spar-{n}.log") for n in range(2)]
        hello = [Server("hello:app", folder, env, folder / f"hello-{n}.log") for n in range(2)]
        servers = spar + hello
        for server in spar:
            server.wait("/api/v1/readyz")
        for server in hello:
            server.wait("/")

        offers_path = "/api/v1/consultations/BENCH-OUVERTE/offers"
        spar_lua, hello_lua = [], []
        for n in range(2):  # each instance its own half of the suppliers
            half = world["suppliers"][n::2]
            tokens = ", ".join(f'"{t}"' for t in half)
            for scripts, path, name in ((spar_lua, offers_path, "submit"),
                                        (hello_lua, "/", "hello")):
                scripts.append(folder / f"{name}-{n}.lua")
                scripts[-1].write_text(SUBMIT_LUA % {"tokens": tokens, "path": path})
        probe = requests.post(spar[0].url + offers_path, timeout=30, json={
            "lot": "1", "answers": {"price_eur": 9999, "co2e_kg": 2.0, "labels": []},
            "evidence": {}}, headers={"Authorization": f"Bearer {world['suppliers'][0]}"})
        assert probe.status_code == 201, probe.text  # the scenario works before it is timed
        buyer = {"Authorization": f"Bearer {world['buyer']}"}
        has_list = requests.get(spar[0].url + "/api/v1/consultations", timeout=10).status_code
        scenarios = [
            ("submit", "POST offre (PostgreSQL)", dict(scripts=spar_lua), offers_path,
             dict(scripts=hello_lua), "/"),
            ("ranking", f"GET classement, lot de {world['scored']} offres", dict(headers=buyer),
             "/api/v1/consultations/BENCH-1000/lots/1/ranking", {}, "/"),
            ("consultations", "GET liste des consultations", {}, "/api/v1/consultations", {}, "/"),
        ]
        print(f"\n2 instances × SPAR_WORKERS={env['SPAR_WORKERS']} × SPAR_THREADS="
              f"{env['SPAR_THREADS']} (gunicorn.conf.py), wrk {args.connections} connexions, "
              f"{args.duration} s par mesure\n")
        print(f"{'scénario':<34} {'serveur':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'requêtes':>9} {'erreurs':>8}")
        for name, label, spar_kwargs, spar_path, hello_kwargs, hello_path in scenarios:
            if name == "consultations" and has_list in (404, 405):
                print(f"{label:<34} {'spar':<12} {'— route absente (ajoutée avec les pages) :'} "
                      "scénario ignoré")
                continue
            for who, group, kwargs, path in (("hello Flask", hello, hello_kwargs, hello_path),
                                             ("spar", spar, spar_kwargs, spar_path)):
                urls = [s.url + path for s in group]
                wrk(urls, 2, args.connections, **kwargs)  # warm-up: pools, caches, imports
                r = wrk(urls, args.duration, args.connections, **kwargs)
                print(f"{label:<34} {who:<12} {r['rps']:>8.0f} {r['p50']:>8.1f} "
                      f"{r['p99']:>8.1f} {r['requests']:>9} {r['errors']:>8}", flush=True)
    finally:
        for server in servers:
            server.stop()
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
