"""The queues that carry job ids to whoever runs them.

With ``SPAR_REDIS_URL``: RQ over Redis, run by ``spar worker`` (any number, on any
machine). RQ was chosen over Celery and Dramatiq because it needs nothing but the Redis
spar already uses for its rate limits, keeps each job in Redis until a worker has taken
it, runs each job in a forked process that a timeout or a crash cannot leave half-alive
in the worker, and is a small library an operator can read; Celery brings a broker
abstraction, a result backend and a scheduler spar does not need, and Dramatiq has no
job records or registries of its own to inspect. The job's state lives in the database
either way (:mod:`spar.services.jobs`), so the queue only has to deliver ids.

Without Redis: the :class:`~spar.jobs.runner.LocalRunner` of each process reads queued
jobs from the database.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

#: How long RQ keeps a finished or failed job's own record (ours is in the database).
RQ_RECORD_TTL = 24 * 3600


def rq_id(job_id: str, attempt: int) -> str:
    """The RQ id of an attempt: a job put back in the queue is a new RQ job."""
    return f"{job_id}_{attempt}"


class RedisQueue:
    def __init__(self, url: str, timeout: int, name: str = "spar") -> None:
        import redis
        from rq import Queue

        self.url = url
        self.timeout = timeout
        self.connection = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.queue = Queue(name, connection=self.connection)

    def enqueue(self, job_id: str, attempt: int = 0) -> None:
        """Hand ``job_id`` to the workers. Should Redis be down, the job stays queued in the
        database and a worker's sweep enqueues it later (see :func:`enqueue_missing`)."""
        from redis.exceptions import RedisError
        from rq.job import Job as RqJob

        identifier = rq_id(job_id, attempt)
        try:
            if RqJob.exists(identifier, connection=self.connection):
                existing = RqJob.fetch(identifier, connection=self.connection)
                if not existing.is_finished and not existing.is_failed \
                        and not existing.is_stopped and not existing.is_canceled:
                    return  # waiting or running: delivered already
                existing.delete()  # its process died before taking the job: deliver again
            self.queue.enqueue_call("spar.jobs.worker.perform", args=(job_id,),
                                    job_id=identifier, timeout=self.timeout,
                                    result_ttl=RQ_RECORD_TTL, failure_ttl=RQ_RECORD_TTL)
        except (RedisError, OSError):  # the database record is what counts
            logger.warning("redis unavailable: job %s left queued for the next sweep", job_id)

    def ensure_started(self) -> None:
        """Nothing runs in this process: ``spar worker`` does."""


def make_queue(app):
    """The app's queue: RQ when Redis is configured, else the in-process runner."""
    if app.config.get("REDIS_URL"):
        return RedisQueue(app.config["REDIS_URL"], app.config["JOB_TIMEOUT"],
                          app.config["JOB_QUEUE"])
    from .runner import LocalRunner

    return LocalRunner(app)
