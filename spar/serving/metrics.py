"""Prometheus metrics at ``GET /metrics``, correct under several gunicorn workers.

Each worker is a process with its own counters. With ``PROMETHEUS_MULTIPROC_DIR`` set
(``gunicorn.conf.py`` and ``spar serve`` set it before any worker starts), prometheus_client
keeps every process's values in files there and ``/metrics`` adds them up, whichever
worker answers; the master marks a finished worker's files dead (``child_exit``). Without
it (tests, a single process) the values live in this process.

Labels are the route (``/api/v1/consultations/<reference>``), never the path, so their
number stays bounded whatever callers send.
"""

from __future__ import annotations

import os
import time

from flask import Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest)

REQUESTS = Counter("spar_http_requests", "Requêtes HTTP servies",
                   ["method", "route", "status"])
DURATION = Histogram("spar_http_request_duration_seconds", "Durée des requêtes HTTP",
                     ["method", "route"],
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))


def start_timer() -> None:
    g.metrics_started = time.perf_counter()


def observe(response):
    # the request read once, not through Flask's proxy at each use
    req = request._get_current_object()
    rule = req.url_rule
    route = rule.rule if rule else "<sans route>"
    started = g.get("metrics_started")
    REQUESTS.labels(req.method, route, str(response.status_code)).inc()
    if started is not None:
        DURATION.labels(req.method, route).observe(time.perf_counter() - started)
    return response


class JobsCollector:
    """Background jobs by kind and state, read from the database at each scrape: the
    queue every instance and worker shares, whoever runs it."""

    def __init__(self, counts) -> None:
        self.counts = counts

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        family = GaugeMetricFamily("spar_jobs", "Travaux de fond par type et état",
                                   labels=["kind", "state"])
        try:
            counts = self.counts()
        except Exception:  # noqa: BLE001 - a scrape must answer while the database is down
            counts = {}
        for (kind, state), n in sorted(counts.items()):
            family.add_metric([kind, state], n)
        yield family


def exposition(job_counts=None) -> bytes:
    """The metrics of every worker (multiprocess mode) or of this process, and the jobs
    when ``job_counts`` (a callable) is given."""
    from prometheus_client import REGISTRY

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    if job_counts is None:
        return generate_latest(registry)
    scrape = CollectorRegistry()
    scrape.register(JobsCollector(job_counts))
    return generate_latest(registry) + generate_latest(scrape)


def metrics_view():
    from flask import current_app

    from ..services.jobs import counts_by_state
    from ..services.unit_of_work import UnitOfWork

    app = current_app

    def job_counts():
        return counts_by_state(UnitOfWork(app.extensions["spar.db"].sessions,
                                          app.config.get("CLOCK"), app.config))

    return Response(exposition(job_counts), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


def worker_exited(pid: int) -> None:
    """gunicorn's ``child_exit``: fold a finished worker's live gauges away."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
