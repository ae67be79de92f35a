"""CPU per ``POST /api/v1/self-assessment`` in process, against a hello-world Flask JSON POST.

Run: ``.venv/bin/python benchmarks/self_assessment_cpu_bench.py [--bodies 300] [--rounds 7]``

Where the load test (``self_assessment_load_bench.py``) says how many requests a second
gunicorn serves, this says where one request's CPU goes, without a server or a socket:
the app is called as a WSGI callable, each request with other answers (the load test's
draft offers), on a temporary SQLite database with the 20-criterion set of
``score_bench.py``. The request log is formatted as in production (JSON lines), into
memory. Figures are the thread's CPU time (``time.thread_time``) per request, the best
of ``--rounds`` passes over every body, the garbage collector held off during a pass
(its pauses fall on whichever request runs). It prints, in µs per request:

- the hello-world app (one view reading the JSON body, answering a small object) and
  the whole self-assessment request, and their ratio;
- within the latter, measured alone on the same bodies: the use case
  (``services.self_assessment.assess``: the engine and its result as a dict) and the
  JSON response (``app.json.response``) — each measured alone runs with warmer caches
  than inside the request, so the rest (the hooks, Flask, webargs) is at most what
  the difference shows.

On a noisy machine compare only figures from one run, or runs alternated side by side.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_bench import CRITERIA  # noqa: E402  (the 20-criterion set, one place)
from self_assessment_load_bench import draft_offers  # noqa: E402

URL = "/api/v1/self-assessment"


def spar_app(folder: Path):
    """The app on a migrated SQLite database in ``folder``, the criteria set uploaded."""
    from spar import create_app
    from spar.serving.request_log import JsonFormatter
    from spar.services import tokens
    from spar.services.principal import OPERATOR
    from spar.services.unit_of_work import UnitOfWork

    url = f"sqlite:///{folder / 'spar.db'}"
    settings = {"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance"),
                "SELF_ASSESSMENT_LIMIT": 10 ** 9, "SECRET_KEY": "benchmark-only"}
    spar = str(Path(sys.executable).with_name("spar"))
    env = {"SPAR_DATABASE_URL": url, "SPAR_INSTANCE_PATH": settings["INSTANCE_PATH"],
           "PATH": str(Path(sys.executable).parent)}
    subprocess.run([spar, "db", "upgrade"], env=env, cwd=folder, check=True, timeout=120,
                   capture_output=True)
    app = create_app(settings)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger().setLevel(logging.INFO)
    buyer = tokens.create_token(UnitOfWork(app.extensions["spar.db"].sessions, None, app.config),
                                OPERATOR, "buyer", create_organisation_if_missing=True,
                                organisation="banc")[1]
    uploaded = app.test_client().post("/api/v1/criteria-sets", data=CRITERIA.encode(),
                                      content_type="application/yaml",
                                      headers={"Authorization": f"Bearer {buyer}"})
    if uploaded.status_code != 201:
        sys.exit(f"envoi du jeu de critères refusé : {uploaded.get_json()}")
    return app


def hello_app():
    from flask import Flask, jsonify, request

    hello = Flask("hello")

    @hello.post("/")
    def view():
        return jsonify(ok=True, n=len(request.get_json()))

    return hello


def environ(body: bytes, path: str) -> dict:
    return {"REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "wsgi.version": (1, 0)}


def per_call(action, items) -> float:
    """µs of thread CPU per item for one pass of ``action`` over ``items``."""
    gc.collect()
    gc.disable()
    try:
        started = time.thread_time()
        for item in items:
            action(item)
        return (time.thread_time() - started) / len(items) * 1e6
    finally:
        gc.enable()


def through_wsgi(app, bodies, path) -> float:
    def call(env):
        chunks = app(env, lambda status, headers, exc_info=None: None)
        b"".join(chunks)
        getattr(chunks, "close", lambda: None)()

    return per_call(call, [environ(b, path) for b in bodies])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bodies", type=int, default=300, help="corps de requête différents")
    p.add_argument("--rounds", type=int, default=7, help="passes ; la meilleure compte")
    args = p.parse_args()

    from spar.api.auth import uow
    from spar.api.self_assessment import published_criteria
    from spar.services import self_assessment

    offers = draft_offers(args.bodies)
    bodies = [json.dumps(o, ensure_ascii=False).encode() for o in offers]
    with tempfile.TemporaryDirectory(prefix="spar-cpu-") as tmp:
        app, hello = spar_app(Path(tmp)), hello_app()
        with app.test_request_context():
            published = published_criteria()
            # the set read once, as the view reads it; then no unit of work is needed
            published.get(uow(), offers[0]["criteria_set"], offers[0]["version"])
            results = [self_assessment.assess(None, o, published) for o in offers]
        figures = {"hello": [], "request": [], "assess": [], "json": []}
        for _ in range(args.rounds + 1):  # the first pass warms up and is not counted
            figures["hello"].append(through_wsgi(hello, bodies, "/"))
            figures["request"].append(through_wsgi(app, bodies, URL))
            with app.test_request_context():
                figures["assess"].append(per_call(
                    lambda o: self_assessment.assess(None, o, published), offers))
                figures["json"].append(per_call(app.json.response, results))
        best = {name: min(values[1:]) for name, values in figures.items()}
        app.extensions["spar.db"].engine.dispose()
    rest = best["request"] - best["assess"] - best["json"]
    print(f"CPU par requête (meilleure de {args.rounds} passes sur {args.bodies} corps) :")
    print(f"  Flask « hello world » POST JSON   {best['hello']:7.0f} µs")
    print(f"  POST {URL}        {best['request']:7.0f} µs   "
          f"(référence / auto-évaluation : {best['hello'] / best['request']:.0%})")
    print(f"    dont, mesurés seuls : assess {best['assess']:.0f} µs, réponse JSON "
          f"{best['json']:.0f} µs ; le reste (crochets, Flask, webargs) ≤ {rest:.0f} µs")


if __name__ == "__main__":
    main()
