"""Operating spar for real: gunicorn with two workers on real sockets, and ``spar serve``
from a fresh instance folder."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import requests

from tests.api.conftest import CRITERIA_YAML

from .conftest import BIN, _free_port

pytestmark = pytest.mark.e2e


def _chunked_post(url: str, path: str, token: str, size: int) -> tuple[int, dict]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def body():
        sent = 0
        while sent < size:
            piece = b"# " + b"x" * 65_000 + b"\n"
            sent += len(piece)
            yield piece

    connection.request("POST", path, body=body(), encode_chunked=True,
                       headers={"Authorization": f"Bearer {token}",
                                "Content-Type": "application/yaml",
                                "Transfer-Encoding": "chunked"})
    response = connection.getresponse()
    answer = response.status, json.loads(response.read() or b"{}")
    connection.close()
    return answer


def test_a_chunked_body_over_the_limit_is_refused_not_truncated(service):
    status, body = _chunked_post(service.url, "/api/v1/criteria-sets", service.tokens["buyer"],
                                 3 * 1024 * 1024)
    assert status == 413 and body["code"] == 413
    # the worker is free again
    assert service.call("GET", "/api/v1/readyz", None, 200).json()["status"] == "ok"


def test_metrics_add_up_the_requests_of_every_worker(service):
    def served() -> float:
        text = service.call("GET", "/metrics", None, 200).text
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("spar_http_requests_total{")
                   and 'route="/api/v1/healthz"' in line)

    before = served()
    for _ in range(40):  # new connections: both workers answer some of them
        requests.get(service.url + "/api/v1/healthz", timeout=10)
    assert served() - before == 40


def test_a_background_scoring_runs_in_the_servers_own_runner(service):
    reference = "2026-E2E-JOB"
    base = f"/api/v1/consultations/{reference}"
    service.call("POST", "/api/v1/criteria-sets", "buyer", None, data=CRITERIA_YAML,
                 headers={"Content-Type": "application/yaml"})
    deadline = datetime.now(timezone.utc) + timedelta(seconds=4)
    service.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": reference, "title": "Travail de fond", "criteria_set": "fournitures-test",
        "criteria_version": 1, "deadline": deadline.isoformat(),
        "lots": [{"id": "1", "title": "Papeterie"}]})
    service.call("POST", f"{base}/publish", "buyer", 200)
    for who, price in (("supplier_a", 11000), ("supplier_b", 10000)):
        service.call("POST", f"{base}/offers", who, 201, json={
            "lot": "1", "answers": {"price_eur": price, "co2e_kg": 2.0, "labels": []},
            "evidence": {}})
    time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds()) + 0.5)
    accepted = service.call("POST", f"{base}/lots/1/scoring", "buyer", 202,
                            headers={"Prefer": "respond-async"})
    location = accepted.headers["Location"]
    waited = time.monotonic() + 30
    while (job := service.call("GET", location, "buyer", 200).json())["state"] != "done":
        assert job["state"] in ("queued", "running"), job
        assert time.monotonic() < waited, job
        time.sleep(0.3)
    ranking = service.call("GET", job["result_url"], "buyer", 200).json()
    assert ranking["scoring"]["id"] == job["result"]["scoring"]


def test_spar_serve_runs_a_production_server_from_a_fresh_folder(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPAR_")}
    env.update({"SPAR_INSTANCE_PATH": str(tmp_path / "instance"), "SPAR_WORKERS": "1",
                "PYTHONUNBUFFERED": "1"})
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([str(BIN / "spar"), "serve", "--port", str(port)], cwd=tmp_path,
                                   env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/v1/readyz", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        response = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert response.headers["Server"].startswith("gunicorn")
        text = log.read_text()
        assert "development server" not in text and "WARNING: This is" not in text
        assert (tmp_path / "instance" / "spar.db").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
