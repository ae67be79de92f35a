"""Background jobs on the in-process runner of the embedded default (and, marked
``redis``, on RQ with a real ``spar worker``): who may start and read them, their
progress and results, and that a job outlives the instance that queued it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from spar import create_app
from spar.services import jobs
from spar.services.clock import FixedClock
from tests.conftest import REDIS_URL, ROOT


@pytest.fixture
def clock() -> FixedClock:
    # in the past of the real clock, so that a worker in another process (which reads
    # the system clock) also sees the deadline passed
    return FixedClock(datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=90))


def _closed_lot(flow, offers: int = 3):
    flow.open()
    for who, price in (("supplier", 10000), ("supplier_b", 11000), ("supplier_c", 12500))[:offers]:
        flow.submit(who, price)
    flow.close()


def _job(flow, who: str, location: str, expect: int = 200):
    return flow.call("GET", location, who, expect).get_json()


def test_a_lot_above_the_threshold_is_scored_as_a_job(flow, app):
    app.config["JOB_SCORING_THRESHOLD"] = 2
    _closed_lot(flow)
    response = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                         "buyer", 202)
    job = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{job['id']}" == job["location"]
    assert (job["state"], job["progress"], job["kind"]) == ("queued", 0.0, "scoring")
    assert job["params"] == {"reference": flow.reference, "lot": "1"}
    assert job["result_url"] is None
    assert app.extensions["spar.jobs"].run_pending() == 1
    done = _job(flow, "buyer", job["location"])
    assert (done["state"], done["progress"], done["error"]) == ("done", 1.0, None)
    assert done["result"]["offers"] == 3 and done["result"]["statuses"] == {"ranked": 3}
    ranking = flow.call("GET", done["result_url"], "buyer", 200).get_json()
    assert ranking["scoring"]["id"] == done["result"]["scoring"]


def test_small_lots_stay_synchronous_unless_the_client_prefers_a_job(flow, app):
    _closed_lot(flow)
    assert flow.score()["offers"]
    response = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                         "buyer", 202, headers={"Prefer": "respond-async, wait=5"})
    assert response.get_json()["state"] == "queued"


def test_only_who_started_a_job_sees_it(flow, app):
    _closed_lot(flow)
    location = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                         "buyer", 202, headers={"Prefer": "respond-async"}
                         ).headers["Location"]
    for who in ("auditor", "other_buyer", "admin", "supplier"):
        assert _job(flow, who, location, 404)["code"] == 404
    assert _job(flow, "anonymous", location, 401)["code"] == 401
    _job(flow, "buyer", location)


def test_a_job_is_refused_at_once_when_the_synchronous_call_would_be(flow):
    flow.open()
    base = f"/api/v1/consultations/{flow.reference}"
    flow.call("POST", f"{base}/lots/1/scoring", "buyer", 409, headers={"Prefer": "respond-async"})
    flow.call("POST", f"{base}/exports", "auditor", 409, json={"format": "csv"})
    flow.call("POST", f"{base}/lots/1/scoring", "auditor", 403)
    flow.call("POST", f"{base}/exports", "supplier", 403, json={"format": "csv"})
    flow.call("POST", f"{base}/exports", "other_buyer", 404, json={"format": "csv"})
    flow.call("POST", "/api/v1/review-model/trainings", "buyer", 403, json={})


def test_a_background_export_gives_the_same_file_as_the_direct_one(flow, app, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 512)  # several pieces, read back in order
    _closed_lot(flow)
    flow.score()
    base = f"/api/v1/consultations/{flow.reference}"
    job = flow.call("POST", f"{base}/exports", "auditor", 202, json={"format": "csv"}).get_json()
    before = flow.call("GET", f"/api/v1/jobs/{job['id']}/result", "auditor", 409).get_json()
    assert "pas terminé" in before["message"]
    app.extensions["spar.jobs"].run_pending()
    done = _job(flow, "auditor", job["location"])
    assert done["result_url"] == f"/api/v1/jobs/{job['id']}/result"
    file = flow.call("GET", done["result_url"], "auditor", 200)
    direct = flow.call("GET", f"{base}/export?format=csv", "auditor", 200)
    assert file.data == direct.data and len(file.data) > 512 * 2
    assert done["result"]["bytes"] == len(file.data)
    assert file.headers["Content-Disposition"] == direct.headers["Content-Disposition"]
    assert file.headers["Cache-Control"] == "no-store"
    flow.call("GET", done["result_url"], "buyer", 404)


def test_retraining_without_enough_decisions_fails_with_the_reason(flow, app):
    job = flow.call("POST", "/api/v1/review-model/trainings", "admin", 202,
                    json={"budget": 0.2}).get_json()
    assert job["params"] == {"budget": 0.2, "seed": 1}
    app.extensions["spar.jobs"].run_pending()
    failed = _job(flow, "admin", job["location"])
    assert failed["state"] == "failed" and "décision" in failed["error"]
    flow.call("GET", f"/api/v1/jobs/{job['id']}/result", "admin", 404)


def test_a_job_outlives_the_instance_that_queued_it(flow, app, empty_database, tmp_path, clock):
    _closed_lot(flow)
    location = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                         "buyer", 202, headers={"Prefer": "respond-async"}).headers["Location"]
    app.extensions["spar.db"].engine.dispose()  # the instance stops before running it
    restarted = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                            "CLOCK": clock, "REVIEW_SAMPLE_RATE": 0.0, "TESTING": True})
    assert restarted.extensions["spar.jobs"].run_pending() == 1
    answer = restarted.test_client().get(location, headers=flow.callers["buyer"])
    assert answer.get_json()["state"] == "done"
    restarted.extensions["spar.db"].engine.dispose()


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_process_died_is_run_again(flow, app, uow):
    import socket

    _closed_lot(flow)
    job_id = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                       "buyer", 202, headers={"Prefer": "respond-async"}).get_json()["id"]
    assert jobs.claim(uow(), job_id, f"{socket.gethostname()}:{_dead_pid()}") is not None
    assert _job(flow, "buyer", f"/api/v1/jobs/{job_id}")["state"] == "running"
    assert app.extensions["spar.jobs"].run_pending() == 1
    assert _job(flow, "buyer", f"/api/v1/jobs/{job_id}")["state"] == "done"


def test_a_job_interrupted_too_often_is_failed_not_retried_forever(flow, app, uow):
    import socket

    _closed_lot(flow)
    job_id = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                       "buyer", 202, headers={"Prefer": "respond-async"}).get_json()["id"]
    for _ in range(jobs.MAX_ATTEMPTS):
        assert jobs.claim(uow(), job_id, f"{socket.gethostname()}:{_dead_pid()}")
        jobs.requeue_abandoned(uow())
    failed = _job(flow, "buyer", f"/api/v1/jobs/{job_id}")
    assert failed["state"] == "failed" and "interrompu 3 fois" in failed["error"]


def test_a_job_whose_starter_was_revoked_fails_and_stores_nothing(flow, app):
    _closed_lot(flow)
    job = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                    "buyer", 202, headers={"Prefer": "respond-async"}).get_json()
    token_id = flow.call("POST", "/api/v1/tokens", "admin", 201, json={
        "role": "buyer", "organisation": "metro"}).get_json()["id"]
    from spar.services import tokens
    from spar.services.principal import OPERATOR

    buyer_token = tokens.authenticate(
        app.extensions["spar.jobs"].new_uow(),
        flow.callers["buyer"]["Authorization"].split()[1]).token_id
    assert token_id != buyer_token
    tokens.revoke_token(app.extensions["spar.jobs"].new_uow(), OPERATOR, str(buyer_token))
    app.extensions["spar.jobs"].run_pending()
    with app.extensions["spar.jobs"].new_uow() as u:
        from spar.db.models import Job, Scoring

        stored = u.session.get(Job, job["id"])
        assert stored.state == "failed" and stored.error == "jeton d'accès révoqué"
        assert u.session.query(Scoring).count() == 0


def test_the_metrics_count_jobs_by_state(flow, app):
    _closed_lot(flow)
    flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring", "buyer", 202,
              headers={"Prefer": "respond-async"})
    text = flow.client.get("/metrics").get_data(as_text=True)
    assert 'spar_jobs{kind="scoring",state="queued"} 1.0' in text


def test_spar_worker_runs_the_queued_jobs_without_redis(flow, app, empty_database, tmp_path):
    _closed_lot(flow)
    location = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                         "buyer", 202, headers={"Prefer": "respond-async"}).headers["Location"]
    done = _worker(empty_database, None, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Pas de SPAR_REDIS_URL" in done.stderr and "Traceback" not in done.stderr
    assert _job(flow, "buyer", location)["state"] == "done"


# --------------------------------------------------------------------------- RQ
def _redis_app(database: str, tmp_path: Path, clock, queue: str, redis_url: str = REDIS_URL):
    return create_app({"DATABASE_URL": database, "INSTANCE_PATH": str(tmp_path), "CLOCK": clock,
                       "REVIEW_SAMPLE_RATE": 0.0, "TESTING": True, "REDIS_URL": redis_url,
                       "JOB_QUEUE": queue})


def _worker(database: str, queue: str | None, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPAR_")}
    env.update({"SPAR_DATABASE_URL": database, "SPAR_INSTANCE_PATH": str(tmp_path),
                "SPAR_REVIEW_SAMPLE_RATE": "0"})
    if queue:
        env.update({"SPAR_REDIS_URL": REDIS_URL, "SPAR_JOB_QUEUE": queue})
    return subprocess.run([str(Path(sys.executable).parent / "spar"), "worker", "--burst"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.redis
def test_rq_carries_a_scoring_job_to_a_real_worker(flow, empty_database, tmp_path, clock):
    queue = f"spar-test-{uuid.uuid4().hex[:8]}"
    app = _redis_app(empty_database, tmp_path, clock, queue)
    flow.client = app.test_client()
    _closed_lot(flow)
    job = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                    "buyer", 202, headers={"Prefer": "respond-async"}).get_json()
    rq_queue = app.extensions["spar.jobs"].queue
    assert rq_queue.count == 1
    app.extensions["spar.db"].engine.dispose()  # the instance that queued it is gone
    done = _worker(empty_database, queue, tmp_path)
    assert done.returncode == 0, done.stderr
    assert _job(flow, "buyer", job["location"])["state"] == "done"
    assert rq_queue.count == 0
    app.extensions["spar.db"].engine.dispose()


@pytest.mark.redis
def test_a_job_queued_while_redis_was_down_is_delivered_by_the_sweep(
        flow, empty_database, tmp_path, clock):
    from tests.integration.sockets import free_port

    queue = f"spar-test-{uuid.uuid4().hex[:8]}"
    down = _redis_app(empty_database, tmp_path, clock, queue,
                      redis_url=f"redis://127.0.0.1:{free_port()}/0")
    flow.client = down.test_client()
    _closed_lot(flow)
    job = flow.call("POST", f"/api/v1/consultations/{flow.reference}/lots/1/scoring",
                    "buyer", 202, headers={"Prefer": "respond-async"}).get_json()
    assert job["state"] == "queued"
    done = _worker(empty_database, queue, tmp_path)  # its start-up sweep enqueues it
    assert done.returncode == 0, done.stderr
    assert _job(flow, "buyer", job["location"])["state"] == "done"
    down.extensions["spar.db"].engine.dispose()
