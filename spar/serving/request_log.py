"""Structured logs: one JSON line per request, and every other log record as JSON too.

A request's line holds its id (the ``X-Request-ID`` a proxy sent, when well formed, else
a new one; echoed in the response), the method, the path without its query string, the
route, the caller's role and token number, the status and the duration. It never holds a
header, a query string or a body: no token, password or offer content can reach the log.
Database errors are logged without the statement's parameters (see :func:`redact`).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

from flask import g, request

logger = logging.getLogger("spar.request")

#: A request id a proxy may hand us: short, printable, nothing a log reader could trip on.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: SQLAlchemy appends the statement and its parameters to database errors; parameters may
#: hold an offer's answers, the statement is kept.
_PARAMETERS = re.compile(r"\[parameters: .*?\]\s*(?=\(Background|\[SQL|$)", re.DOTALL)
_BEARER = re.compile(r"(?i)(bearer\s+)\S+|spar_[A-Za-z0-9_-]{20,}")
#: Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
#: What ``json.dumps(out, ensure_ascii=False, default=str)`` builds at every call, built
#: once: encoding keeps no state between calls, so threads may share it.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def redact(text: str) -> str:
    """``text`` without SQL parameters or anything shaped like an access token."""
    text = _PARAMETERS.sub("[parameters hidden] ", text)
    return _BEARER.sub(lambda m: (m.group(1) or "") + "[secret hidden]", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the ``extra`` fields and,
    for an exception, its type and redacted text with the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"time": datetime.fromtimestamp(record.created, timezone.utc)
               .isoformat(timespec="milliseconds"),
               "level": record.levelname.lower(), "logger": record.name,
               "message": redact(record.getMessage())}
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["error"] = record.exc_info[0].__name__
            out["traceback"] = redact(self.formatException(record.exc_info))
        return _ENCODER.encode(out)


def logging_config(level: str = "INFO") -> dict:
    """A ``logging.config.dictConfig`` (also gunicorn's ``logconfig_dict``) sending every
    record, gunicorn's included, to standard error as JSON lines."""
    json_handler = {"class": "logging.StreamHandler", "formatter": "json",
                    "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "spar.serving.request_log.JsonFormatter"}},
        "handlers": {"json": json_handler},
        "root": {"level": level.upper(), "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": ["json"], "propagate": False},
            # the request lines below replace gunicorn's access log
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            # the migrations' plugin chatter at every start
            "alembic": {"level": "WARNING"},
        },
    }


def start_request() -> None:
    # the environ rather than request.headers, which raise and catch an exception for
    # a header that is absent, as this one is unless a proxy sets it
    given = request.environ.get("HTTP_X_REQUEST_ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def log_request(response):
    # the request and its globals read once, not through Flask's proxies at each use
    req, here = request._get_current_object(), g._get_current_object()
    started = here.get("request_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    who = here.get("principal")
    response.headers["X-Request-ID"] = here.get("request_id", "")
    rule = req.url_rule
    logger.info("request", extra={
        "request_id": here.get("request_id"), "method": req.method, "path": req.path,
        "route": rule.rule if rule else None,
        "status": response.status_code, "duration_ms": round(duration * 1000, 2),
        "role": (who.role or "anonymous") if who is not None else "anonymous",
        "token_id": who.token_id if who is not None else None,
    })
    return response
