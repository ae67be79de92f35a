"""gunicorn's settings and hooks for spar, shared by ``gunicorn wsgi:app`` (through the
repository's ``gunicorn.conf.py``) and ``spar serve``. Every value can be overridden on
gunicorn's command line or with GUNICORN_CMD_ARGS."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from .request_log import logging_config


def settings(environ=os.environ) -> dict:
    """The settings, from ``SPAR_*`` variables."""
    level = environ.get("SPAR_LOG_LEVEL", "info")
    return {
        "bind": environ.get("SPAR_BIND", "127.0.0.1:8000"),
        # threads share one database pool per worker; scoring is numpy work that releases
        # the GIL
        "worker_class": "gthread",
        "workers": int(environ.get("SPAR_WORKERS", min(4, multiprocessing.cpu_count() * 2))),
        "threads": int(environ.get("SPAR_THREADS", 4)),
        "timeout": 120,  # a scoring or an export of a large lot takes a while
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": 2000,  # recycle workers to bound memory growth
        "max_requests_jitter": 200,
        # the app writes one JSON line per request (spar.serving.request_log) instead
        "accesslog": None,
        "errorlog": "-",
        "loglevel": level,
        "logconfig_dict": logging_config(level),
        "forwarded_allow_ips": environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # gunicorn's control socket (one per user by default) is not used by spar
        "control_socket_disable": True,
    }


def prepare_metrics_dir() -> str:
    """Point prometheus_client at a folder shared by this server's workers, emptied at
    start; must run before anything imports prometheus_client in the master."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="spar-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):  # values of a previous run's workers
        stale.unlink()
    return folder


def on_exit(server) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if Path(folder).name.startswith("spar-metrics-"):  # only the folder we made
        shutil.rmtree(folder, ignore_errors=True)


def post_worker_init(worker) -> None:
    """Each worker runs the in-process job runner when there is no Redis queue."""
    extensions = getattr(worker.wsgi, "extensions", {})
    if "spar.jobs" in extensions:
        extensions["spar.jobs"].ensure_started()


def child_exit(server, worker) -> None:
    from .metrics import worker_exited

    worker_exited(worker.pid)


HOOKS = {"post_worker_init": post_worker_init, "child_exit": child_exit, "on_exit": on_exit}
