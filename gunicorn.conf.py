"""Production defaults for ``gunicorn wsgi:app``; every value can be overridden on the
command line or with GUNICORN_CMD_ARGS."""

import multiprocessing
import os

bind = os.environ.get("SPAR_BIND", "127.0.0.1:8000")
# threads share one database pool per worker; scoring is numpy work that releases the GIL
worker_class = "gthread"
workers = int(os.environ.get("SPAR_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("SPAR_THREADS", 4))
timeout = 120  # a scoring or an export of a large lot takes a while
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers to bound memory growth
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("SPAR_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
