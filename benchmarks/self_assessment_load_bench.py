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
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_harness import (ROOT, Server, clean_env, figures, hello_app, start_wrk,  # noqa: E402
                          wrk_missing)
from score_bench import CRITERIA  # noqa: E402  (the 20-criterion set, one place)

GUNICORN = ["-k", "gthread", "-w", "2", "--threads", "4"]
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


def serve(target: str, chdir: Path, env: dict[str, str], probe: str) -> Server:
    """``target`` under gunicorn with :data:`GUNICORN` and no configuration file, up."""
    config = chdir / "no-config.py"
    config.write_text("", encoding="utf-8")
    server = Server(target, chdir, env, chdir / f"{target.split(':')[0]}.log", config=config,
                    flags=[*GUNICORN, "--pythonpath", str(ROOT), "--log-level", "warning"])
    try:
        server.wait(probe, limit=60)
    except BaseException:
        server.stop()
        raise
    return server


def wrk(url: str, script: Path, bodies: Path, duration: float, connections: int
        ) -> dict[str, float]:
    """The figures of one wrk run sending the bodies of ``bodies`` in turn."""
    run = start_wrk(url, duration, connections, threads=2, script=script,
                    script_args=[str(bodies)])
    return figures(run, timeout=duration + 60)


def spar_env(tmp: Path) -> dict[str, str]:
    return clean_env(SPAR_DATABASE_URL=f"sqlite:///{tmp / 'spar.db'}",
                     SPAR_INSTANCE_PATH=str(tmp / "instance"),
                     SPAR_SELF_ASSESSMENT_LIMIT=str(10 ** 9),
                     SPAR_SECRET_KEY="benchmark-only")


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

        # one server after the other, so that they never share the cores
        with serve(hello_app(tmp), tmp, clean_env(), "/") as hello:
            baseline = measure(hello.url + "/", script, bodies, args)

        env = spar_env(tmp)
        token = prepare_spar(tmp, env)
        with serve("wsgi:app", tmp, env, "/api/v1/healthz") as spar_server:
            base = spar_server.url
            upload_criteria(base, token)
            answer = check_answer(base + "/api/v1/self-assessment", offers[0])
            if "total" not in answer or not answer.get("hints"):
                sys.exit(f"réponse inattendue de l'auto-évaluation : {answer}")
            spar = measure(base + "/api/v1/self-assessment", script, bodies, args)
    return baseline, spar


def report(baseline: dict[str, float], spar: dict[str, float], args) -> list[str]:
    share = spar["rps"] / baseline["rps"]
    lines = [
        f"gunicorn {' '.join(GUNICORN)} · wrk {args.connections} connexions, {args.duration:g} s "
        f"(après {args.warmup:g} s de mise en route) · {args.bodies} corps de requête différents",
        f"  Flask « hello world » POST JSON (référence) {baseline['rps']:9.0f} req/s   "
        f"p50 {baseline['p50']:6.1f} ms   p99 {baseline['p99']:6.1f} ms",
        f"  POST /api/v1/self-assessment, 20 critères   {spar['rps']:9.0f} req/s   "
        f"p50 {spar['p50']:6.1f} ms   p99 {spar['p99']:6.1f} ms",
        f"  → {share:.0%} de la référence (cible ≥ 50 %), p99 {spar['p99']:.1f} ms "
        f"(cible < 50 ms)",
    ]
    for name, fig in (("référence", baseline), ("spar", spar)):
        if fig["failed"] or fig["socket_errors"]:
            lines.append(f"  ATTENTION {name} : {fig['failed']} réponses en erreur, "
                         f"{fig['socket_errors']} erreurs de connexion")
    return lines


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=10.0, help="secondes mesurées par serveur")
    p.add_argument("--warmup", type=float, default=3.0, help="secondes de mise en route")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--bodies", type=int, default=2000, help="corps de requête différents")
    return p


def main() -> None:
    args = parser().parse_args()
    missing = wrk_missing()
    if missing:
        sys.exit(missing)
    baseline, spar = run(args)
    print("\n".join(report(baseline, spar, args)))


if __name__ == "__main__":
    main()
