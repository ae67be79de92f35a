"""Load test of ``POST /api/v1/self-assessment`` against a hello-world Flask JSON POST.

Run: ``.venv/bin/python benchmarks/self_assessment_load_bench.py [--duration 10] [--connections 16]``

Both servers run under the same gunicorn settings (``-k gthread -w 2 --threads 4``, no
configuration file, access log off) on 127.0.0.1, one after the other so they never
share the cores, and ``wrk`` (Debian's ``wrk`` package: ``apt-get install wrk``) loads
each with the same connections and duration after a short warm-up:

- the baseline, a Flask app whose one view reads the JSON body and answers a small
  JSON object — the framework's ceiling on this machine;
- spar on a temporary SQLite database (``spar db upgrade``, a buyer token, the
  20-criterion set of ``score_bench.py`` uploaded through the API), the
  self-assessment rate limit raised out of the way.

Every request carries other answers (a Lua script cycles through ``--bodies`` distinct
draft offers, each wrk thread from its own starting point), so nothing is one request
repeated into a cache; the baseline receives the same bodies. Each server is stopped
whatever happens, and every step has a time limit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_bench import CRITERIA  # noqa: E402  (the 20-criterion set, one place)

GUNICORN = ["-k", "gthread", "-w", "2", "--threads", "4"]
HELLO = '''\
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/hello")
def hello():
    body = request.get_json()
    return jsonify({"hello": "world", "answers": len(body.get("answers", {}))})
'''
WRK_SCRIPT = '''\
local bodies = {}
local next_body = 0
local counter = 1
local thread_no = 0

function setup(thread)
  thread:set("offset", thread_no * 7919)
  thread_no = thread_no + 1
end

function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  next_body = tonumber(offset or 0)
end

function request()
  next_body = next_body + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
                    bodies[next_body % #bodies + 1])
end
'''


def draft_offers(count: int, seed: int = 12) -> list[dict]:
    """``count`` different self-assessment requests on the 20-criterion set."""
    rng = np.random.default_rng(seed)
    labels = [[], ["EU Ecolabel"], ["FSC"], ["NF Environnement", "FSC"], ["Blauer Engel"]]
    out = []
    for _ in range(count):
        claimed = labels[int(rng.integers(len(labels)))]
        answers = {
            "price_eur": round(float(rng.normal(100_000, 15_000)), 2),
            "co2e_kg": round(float(rng.uniform(0.3, 6)), 3),
            "recycled_pct": round(float(rng.uniform(0, 100)), 1),
            "energy_kwh": round(float(rng.uniform(50, 500)), 1),
            "distance_km": float(rng.integers(5, 800)),
            "packaging_g": float(rng.integers(10, 400)),
            "labels": claimed,
            "fleet": str(rng.choice(["électrique", "bioGNV", "hybride", "diesel"])),
            "repairable": bool(rng.random() < 0.5),
            "waste_pct": round(float(rng.uniform(0, 100)), 1),
            "insertion_hours": int(rng.integers(0, 500)),
            "egapro_index": int(rng.integers(60, 101)),
            "apprentices": int(rng.integers(0, 20)),
            "local_share": str(rng.choice(["fort", "moyen", "faible"])),
            "disability_ok": bool(rng.random() < 0.5),
            "training_hours": int(rng.integers(0, 200)),
            "method_mark": int(rng.integers(0, 5)),
            "delay_days": int(rng.integers(1, 40)),
            "support_mark": int(rng.integers(0, 3)),
            "warranty_years": int(rng.integers(0, 7)),
        }
        body = {"criteria_set": "bench-mixed", "version": 1, "answers": answers,
                "evidence": {"labels": claimed if rng.random() < 0.7 else []}}
        if rng.random() < 0.5:
            body["assumptions"] = {"price_eur": round(float(rng.normal(95_000, 10_000)), 2),
                                   "energy_kwh": {"best": round(float(rng.uniform(40, 200)), 1)},
                                   "apprentices": [int(rng.integers(0, 25)) for _ in range(3)]}
        out.append(body)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:  # an answer, even an error, means it is up
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    sys.exit(f"le serveur ne répond pas sur {url} après {limit:.0f} s")


@contextmanager
def gunicorn(app: str, workdir: Path, env: dict[str, str], pythonpath: Path,
             probe: str) -> Iterator[str]:
    """A gunicorn serving ``app`` on a free loopback port; stopped on the way out."""
    port = free_port()
    empty_config = workdir / "no-config.py"
    empty_config.write_text("", encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    proc = subprocess.Popen(
        [str(bin_dir / "gunicorn"), *GUNICORN, "-b", f"127.0.0.1:{port}", "-c", str(empty_config),
         "--pythonpath", str(pythonpath), "--log-level", "warning", app],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + probe)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wrk(url: str, script: Path, bodies: Path, duration: float, connections: int
        ) -> dict[str, float]:
    """Requests per second, p50 and p99 latency (ms) and failed responses of one wrk run."""
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration:g}s", "--latency",
           "--timeout", "5s", "-s", str(script), url, "--", str(bodies)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        sys.exit(f"sortie de wrk inattendue :\n{out}")

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return {"rate": float(rate.group(1)), "p50": latency("50"), "p99": latency("99"),
            "failed": int(failed.group(1)) if failed else 0,
            "socket_errors": errors.group(0) if errors else ""}


def spar_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPAR_")}
    env.update({"SPAR_DATABASE_URL": f"sqlite:///{tmp / 'spar.db'}",
                "SPAR_INSTANCE_PATH": str(tmp / "instance"),
                "SPAR_SELF_ASSESSMENT_LIMIT": str(10 ** 9),
                "SPAR_SECRET_KEY": "benchmark-only"})
    return env


def prepare_spar(tmp: Path, env: dict[str, str]) -> str:
    """Migrate the temporary database; a buyer token's secret."""
    spar = str(Path(sys.executable).with_name("spar"))
    subprocess.run([spar, "db", "upgrade"], env=env, cwd=tmp, check=True, timeout=120,
                   capture_output=True)
    made = subprocess.run([spar, "token", "create", "--role", "buyer", "--org", "banc"], env=env,
                          cwd=tmp, check=True, timeout=120, capture_output=True, text=True)
    return made.stdout.strip().splitlines()[-1]


def upload_criteria(base: str, token: str) -> None:
    request = urllib.request.Request(
        base + "/api/v1/criteria-sets", data=CRITERIA.encode("utf-8"), method="POST",
        headers={"Content-Type": "application/yaml", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status not in (200, 201):
            sys.exit(f"envoi du jeu de critères refusé : {response.status}")


def check_answer(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def measure(url: str, script: Path, bodies: Path, args) -> dict[str, float]:
    wrk(url, script, bodies, args.warmup, args.connections)
    return wrk(url, script, bodies, args.duration, args.connections)


def run(args) -> tuple[dict[str, float], dict[str, float]]:
    """(baseline, spar) figures."""
    with tempfile.TemporaryDirectory(prefix="spar-load-") as tmp:
        tmp = Path(tmp)
        offers = draft_offers(args.bodies)
        bodies = tmp / "bodies.txt"
        bodies.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in offers),
                          encoding="utf-8")
        script = tmp / "vary.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        (tmp / "hello.py").write_text(HELLO, encoding="utf-8")

        base_env = {k: v for k, v in os.environ.items() if not k.startswith("SPAR_")}
        with gunicorn("hello:app", tmp, base_env, tmp, "/hello-missing-is-404") as base:
            baseline = measure(base + "/hello", script, bodies, args)

        env = spar_env(tmp)
        token = prepare_spar(tmp, env)
        with gunicorn("wsgi:app", tmp, env, ROOT, "/api/v1/healthz") as base:
            upload_criteria(base, token)
            answer = check_answer(base + "/api/v1/self-assessment", offers[0])
            if "total" not in answer or not answer.get("hints"):
                sys.exit(f"réponse inattendue de l'auto-évaluation : {answer}")
            spar = measure(base + "/api/v1/self-assessment", script, bodies, args)
    return baseline, spar


def report(baseline: dict[str, float], spar: dict[str, float], args) -> list[str]:
    share = spar["rate"] / baseline["rate"]
    lines = [
        f"gunicorn {' '.join(GUNICORN)} · wrk {args.connections} connexions, {args.duration:g} s "
        f"(après {args.warmup:g} s de mise en route) · {args.bodies} corps de requête différents",
        f"  Flask « hello world » POST JSON (référence) {baseline['rate']:9.0f} req/s   "
        f"p50 {baseline['p50']:6.1f} ms   p99 {baseline['p99']:6.1f} ms",
        f"  POST /api/v1/self-assessment, 20 critères   {spar['rate']:9.0f} req/s   "
        f"p50 {spar['p50']:6.1f} ms   p99 {spar['p99']:6.1f} ms",
        f"  → {share:.0%} de la référence (cible ≥ 50 %), p99 {spar['p99']:.1f} ms "
        f"(cible < 50 ms)",
    ]
    for name, fig in (("référence", baseline), ("spar", spar)):
        if fig["failed"] or fig["socket_errors"]:
            lines.append(f"  ATTENTION {name} : {fig['failed']} réponses en erreur "
                         f"{fig['socket_errors']}")
    return lines


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=10.0, help="secondes mesurées par serveur")
    p.add_argument("--warmup", type=float, default=3.0, help="secondes de mise en route")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--bodies", type=int, default=2000, help="corps de requête différents")
    return p


def wrk_missing() -> str | None:
    """Why the load test cannot run here, or None."""
    if shutil.which("wrk") is None:
        return ("wrk introuvable : installer le paquet Debian « wrk » (sudo apt-get install wrk) "
                "pour le test de charge")
    return None


def main() -> None:
    args = parser().parse_args()
    missing = wrk_missing()
    if missing:
        sys.exit(missing)
    baseline, spar = run(args)
    print("\n".join(report(baseline, spar, args)))


if __name__ == "__main__":
    main()
