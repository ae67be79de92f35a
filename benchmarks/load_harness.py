"""What the load benchmarks share: a hello-world Flask app for the baseline, gunicorn
servers started and always stopped, and wrk runs read into figures.

``load_bench.py`` (offers, rankings, lists under the repository's gunicorn.conf.py) and
``self_assessment_load_bench.py`` (the self-assessment under fixed gunicorn flags) each
measure spar beside :data:`HELLO` under the same settings, with wrk on 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

#: The baseline: Flask reading a JSON body and answering a small JSON object — the
#: framework's ceiling on this machine. ``GET /`` answers too, to probe it.
HELLO = '''\
from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def hello():
    return {"status": "ok"}


@app.post("/")
def echo():
    return {"received": len(request.get_json())}, 201
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wrk_missing() -> str | None:
    """Why a load benchmark cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk introuvable : installez le paquet Debian « wrk » (apt-get install wrk)"
    return None


def hello_app(folder: Path) -> str:
    """Write :data:`HELLO` into ``folder``; the WSGI target to serve from there."""
    (folder / "hello.py").write_text(HELLO, encoding="utf-8")
    return "hello:app"


def clean_env(**settings: str) -> dict[str, str]:
    """This environment without any SPAR_* variable, plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPAR_")}
    env.update(settings)
    return env


class Server:
    """One gunicorn master serving ``target`` from ``chdir`` on a free loopback port, with
    the given configuration file and flags; :meth:`stop` whatever happens."""

    def __init__(self, target: str, chdir: Path, env: dict[str, str], log: Path, *,
                 config: Path, flags: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**env, "SPAR_BIND": f"127.0.0.1:{self.port}"}
        with log.open("wb") as sink:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), target, "--config", str(config), "--chdir", str(chdir),
                 "-b", f"127.0.0.1:{self.port}", *flags],
                cwd=chdir, env=env, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait(self, path: str, limit: float = 90.0) -> None:
        """Until ``path`` answers without a server error (a 404 too: the server is up; a
        503 is a service not ready yet)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn s'est arrêté :\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(self.url + path, timeout=5).read()
                return
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn ne répond pas sur {self.url}{path} :\n"
                         f"{self.log.read_text()[-3000:]}")

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


def start_wrk(url: str, duration: float, connections: int, *, threads: int = 1,
              script: Path | None = None, script_args: Sequence[str] = (),
              headers: dict[str, str] | None = None) -> subprocess.Popen:
    """One wrk run on ``url``, started; read it with :func:`figures`."""
    command = ["wrk", f"-t{threads}", f"-c{max(1, connections)}", f"-d{duration:g}s",
               "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def figures(run: subprocess.Popen, timeout: float | None = None) -> dict[str, float]:
    """What a wrk run measured: requests per second, p50 and p99 latency (ms), requests,
    non-2xx answers and socket errors."""
    text = run.communicate(timeout=timeout)[0]
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if rate is None:
        raise SystemExit(f"sortie de wrk inattendue :\n{text}")

    def latency(pct: str) -> float:
        number, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
        return float(number) * _UNITS[unit]

    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        text)
    return {"rps": float(rate.group(1)), "p50": latency("50"), "p99": latency("99"),
            "requests": int(re.search(r"(\d+) requests in", text).group(1)),
            "failed": int(failed.group(1)) if failed else 0,
            "socket_errors": sum(map(int, sockets.groups())) if sockets else 0}
