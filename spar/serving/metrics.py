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
    route = request.url_rule.rule if request.url_rule else "<sans route>"
    started = g.get("metrics_started")
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    if started is not None:
        DURATION.labels(request.method, route).observe(time.perf_counter() - started)
    return response


def exposition() -> bytes:
    """The metrics of every worker (multiprocess mode) or of this process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def metrics_view():
    return Response(exposition(), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


def worker_exited(pid: int) -> None:
    """gunicorn's ``child_exit``: fold a finished worker's live gauges away."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)
