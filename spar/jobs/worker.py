"""``spar worker``: RQ workers running spar's jobs, and the sweep that keeps jobs alive.

Each worker forks a process per job (RQ's default), which runs :func:`perform`. Between
jobs, and at least every :data:`SWEEP_SECONDS` while idle, a worker puts back in the queue
the jobs whose process died and hands Redis any queued job it does not hold (queued while
Redis was down, or lost with it), so that no job is lost as long as the database keeps it.
"""

from __future__ import annotations

import logging
import os

from rq import Worker

from ..services import jobs
from ..services.unit_of_work import UnitOfWork
from .queues import RedisQueue

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 30
_app = None
_app_pid: int | None = None


def _application():
    """The app of this worker: the one ``spar worker`` built, its database pool renewed
    in the forked process that runs the job (connections must not cross a fork)."""
    global _app, _app_pid
    if _app is None:
        from .. import create_app

        _app, _app_pid = create_app(), os.getpid()
    if _app_pid != os.getpid():
        _app.extensions["spar.db"].engine.dispose(close=False)
        _app_pid = os.getpid()
    return _app


def perform(job_id: str) -> str | None:
    """RQ's entry point: run spar job ``job_id`` (its outcome is recorded in the database)."""
    from .runner import execute

    return execute(_application(), job_id)


def sweep(app, queue: RedisQueue) -> None:
    """Put back the abandoned jobs and make sure Redis holds every queued one."""
    uow = UnitOfWork(app.extensions["spar.db"].sessions, app.config.get("CLOCK"), app.config)
    jobs.requeue_abandoned(uow)
    for job_id, attempts in jobs.queued(uow):
        queue.enqueue(job_id, attempts)


class SparWorker(Worker):
    """An RQ worker that sweeps spar's jobs with its own maintenance."""

    spar_queue: RedisQueue | None = None

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            sweep(_application(), self.spar_queue)
        except Exception:  # noqa: BLE001 - the database may be down: next time
            logger.warning("job sweep skipped: database unavailable")


def run(app, *, burst: bool = False) -> bool:
    """Work on spar's queue until stopped (or, with ``burst``, until it is empty)."""
    global _app, _app_pid
    _app, _app_pid = app, os.getpid()
    queue = RedisQueue(app.config["REDIS_URL"], app.config["JOB_TIMEOUT"],
                       app.config["JOB_QUEUE"])
    sweep(app, queue)
    app.extensions["spar.db"].engine.dispose()  # no connection crosses the fork
    worker = SparWorker([queue.queue], connection=queue.connection,
                        worker_ttl=SWEEP_SECONDS + 15, maintenance_interval=SWEEP_SECONDS)
    worker.spar_queue = queue
    return worker.work(burst=burst, logging_level=logging.getLevelName(
        logging.getLogger().getEffectiveLevel()))
