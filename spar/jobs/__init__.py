"""Background jobs (SPEC §9): scoring a very large lot, exporting a large consultation,
retraining the review model.

A client asks for one through the API: ``POST …/lots/{lot}/scoring`` answers 202 with
``Location: /api/v1/jobs/{id}`` when the lot has more offers than
``SPAR_JOB_SCORING_THRESHOLD`` (or when the request says ``Prefer: respond-async``),
``POST /consultations/{ref}/exports`` and ``POST /review-model/trainings`` always do. The
job's record is in the database (:mod:`spar.services.jobs`); :mod:`spar.jobs.queues`
carries it to a worker (RQ over Redis, ``spar worker``) or to the in-process runner.
"""

from __future__ import annotations

from typing import Any

from ..services import jobs as job_records
from ..services.principal import Principal
from ..services.unit_of_work import UnitOfWork


def init_jobs(app) -> None:
    """The app's queue. Without Redis, the processes that serve (gunicorn's
    ``post_worker_init``: ``gunicorn wsgi:app`` with gunicorn.conf.py, ``spar serve``) or
    ``spar worker`` start the in-process runner; an app made for a command or a test runs
    no thread of its own."""
    from .queues import make_queue

    app.extensions["spar.jobs"] = make_queue(app)


def start(app, principal: Principal, kind: str, params: dict[str, Any], size: int):
    """Record a job for ``principal`` and hand it to the app's queue; returns its record."""
    uow = UnitOfWork(app.extensions["spar.db"].sessions, app.config.get("CLOCK"), app.config)
    job = job_records.create(uow, principal, kind, params, size)
    app.extensions["spar.jobs"].enqueue(job.id)
    return job
