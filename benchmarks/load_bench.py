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
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_harness import (ROOT, Server, clean_env, figures, hello_app, start_wrk,  # noqa: E402
                          wrk_missing)

sys.path.insert(0, str(ROOT))

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


def siret(n: int) -> str:
    """The ``n``-th made-up SIRET: a Luhn-valid SIREN, then a Luhn-valid whole."""
    from stdnum import luhn

    siren = f"{31000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


# --------------------------------------------------------------------------- database
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


# --------------------------------------------------------------------------- wrk
def wrk(urls: list[str], duration: int, connections: int, *,
        scripts: list[Path] | None = None, headers: dict | None = None) -> dict:
    """One wrk per URL (with its Lua script), at once; requests per second and errors
    added up, the worst p50 and p99."""
    runs = [start_wrk(url, duration, connections // len(urls), headers=headers,
                      script=scripts[n] if scripts else None) for n, url in enumerate(urls)]
    out = {"rps": 0.0, "p50": 0.0, "p99": 0.0, "requests": 0, "errors": 0}
    for run in runs:
        measured = figures(run)
        out["rps"] += measured["rps"]
        out["p50"] = max(out["p50"], measured["p50"])
        out["p99"] = max(out["p99"], measured["p99"])
        out["requests"] += measured["requests"]
        out["errors"] += measured["failed"] + measured["socket_errors"]
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
    missing = wrk_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 2

    from tests.conftest import postgres_schema

    folder = Path(tempfile.mkdtemp(prefix="spar-load-"))
    with postgres_schema(args.database_url, prefix="spar_bench") as url:
        run(args, url, folder)
    return 0


def run(args, url: str, folder: Path) -> None:
    """Seed, start two instances of each server, measure every scenario, print; every
    server is stopped whatever happens."""
    print(f"Préparation : {args.offers} offres notées, 1 000 entreprises…", flush=True)
    world = seed(url, str(folder), args.offers)
    hello_target = hello_app(folder)
    env = clean_env(SPAR_WORKERS=os.environ.get("SPAR_WORKERS", "2"),
                    SPAR_THREADS=os.environ.get("SPAR_THREADS", "4"),
                    SPAR_DATABASE_URL=url, SPAR_INSTANCE_PATH=str(folder / "instance"),
                    SPAR_REVIEW_SAMPLE_RATE="0", SPAR_LOG_LEVEL="info")
    config = ROOT / "gunicorn.conf.py"
    spar: list[Server] = []
    hello: list[Server] = []
    try:
        for n in range(2):
            spar.append(Server("wsgi:app", ROOT, env, folder / f"spar-{n}.log", config=config))
            hello.append(Server(hello_target, folder, env, folder / f"hello-{n}.log",
                                config=config))
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
        for server in spar + hello:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
