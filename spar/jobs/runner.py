"""Running one job, whoever carries it, and the in-process runner of the embedded default.

:func:`execute` claims the job (a conditional UPDATE: one process only), runs its kind for
the person who started it while a heartbeat thread keeps its progress and liveness
fresh, and records the outcome. A job whose process dies stays ``running`` until
:func:`spar.services.jobs.requeue_abandoned` puts it back in the queue.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time

from ..services import jobs
from ..services.errors import ServiceError
from ..services.unit_of_work import UnitOfWork
from .kinds import KINDS

logger = logging.getLogger(__name__)


def _plain(value):
    """JSON for what numpy and friends return (float32, int64…)."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} n'est pas sérialisable en JSON")


class _Heartbeat(threading.Thread):
    """Every few seconds: the job is alive, and its progress estimated from the time jobs
    of its kind take per unit of work."""

    def __init__(self, new_uow, job, worker: str, interval: float) -> None:
        super().__init__(daemon=True, name=f"spar-job-{job.id}")
        self.new_uow, self.job, self.worker, self.interval = new_uow, job, worker, interval
        self.expected = max(1.0, jobs.seconds_per_unit(new_uow(), job.kind) * job.size)
        self.started = time.monotonic()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            elapsed = time.monotonic() - self.started
            progress = 0.05 + 0.9 * min(1.0, elapsed / self.expected)
            try:
                jobs.beat(self.new_uow(), self.job.id, self.worker, progress)
            except Exception:  # noqa: BLE001 - a missed beat is retried at the next one
                logger.warning("job heartbeat not written", extra={"job": self.job.id})


def execute(app, job_id: str, *, heartbeat: float = jobs.HEARTBEAT_SECONDS) -> str | None:
    """Run job ``job_id`` in this process if it is still queued; returns its final state,
    or None when another process has it."""
    def new_uow() -> UnitOfWork:
        return UnitOfWork(app.extensions["spar.db"].sessions, app.config.get("CLOCK"),
                          app.config)

    worker = jobs.this_process()
    job = jobs.claim(new_uow(), job_id, worker)
    if job is None:
        return None
    beat = _Heartbeat(new_uow, job, worker, heartbeat)
    beat.start()
    started = time.monotonic()
    try:
        principal = jobs.starter(new_uow(), job)
        outcome = KINDS[job.kind](new_uow, principal, job.params, job.id)
        result = json.loads(json.dumps(outcome.result, default=_plain))
        final = "done" if jobs.finish(new_uow(), job.id, worker, result,
                                      media_type=outcome.media_type,
                                      filename=outcome.filename) else None
    except ServiceError as exc:
        jobs.fail(new_uow(), job.id, worker, exc.message)
        final = "failed"
    except Exception as exc:  # noqa: BLE001 - recorded on the job, never lost silently
        from ..review import ReviewError

        if isinstance(exc, ReviewError):
            message = str(exc)
        else:
            logger.exception("job failed", extra={"job": job.id, "kind": job.kind})
            message = "erreur interne pendant le travail ; l'incident est journalisé"
        jobs.fail(new_uow(), job.id, worker, message)
        final = "failed"
    finally:
        beat.stopped.set()
        beat.join()
    logger.info("job finished", extra={"job": job.id, "kind": job.kind, "state": final,
                                       "duration_ms": round((time.monotonic() - started) * 1000)})
    return final


class LocalRunner:
    """The queue of the embedded default: a thread per process that takes queued jobs
    from the database (so they survive a restart), one at a time, and first puts back
    the jobs of processes that died. Several processes may run one each: the claim
    decides who runs a job."""

    def __init__(self, app, poll: float = 2.0) -> None:
        self.app = app
        self.poll = poll
        self.wake = threading.Event()
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def new_uow(self) -> UnitOfWork:
        return UnitOfWork(self.app.extensions["spar.db"].sessions, self.app.config.get("CLOCK"),
                          self.app.config)

    def enqueue(self, job_id: str, attempt: int = 0) -> None:
        self.wake.set()  # this process's thread, if it runs, looks now

    def ensure_started(self) -> None:
        """Start this process's thread (again after a fork: threads do not survive one)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            threading.Thread(target=self._loop, daemon=True, name="spar-jobs").start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()

    def run_pending(self) -> int:
        """Requeue the abandoned jobs, then run every queued one; returns how many ran."""
        jobs.requeue_abandoned(self.new_uow())
        ran = 0
        for job_id, _ in jobs.queued(self.new_uow()):
            if self._stop.is_set():
                break
            if execute(self.app, job_id):
                ran += 1
        return ran

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - the database may be down: try again later
                logger.warning("job runner: database unavailable, retrying")
            self.wake.wait(self.poll)
            self.wake.clear()
