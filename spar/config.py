"""Configuration: defaults, overridden by ``SPAR_*`` environment variables.

Nothing is read at import time; :func:`from_environment` is called by the app
factory, so tests and the command line can pass their own values. The review
model's folder is read by :mod:`spar.review` itself (``SPAR_MODEL_DIR``), so the
service, ``spar score`` and the exports all use the same model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

def boolean(value: str) -> bool:
    """``1``/``true``/``oui`` or ``0``/``false``/``non``; ValueError otherwise."""
    text = value.strip().lower()
    if text in ("1", "true", "yes", "oui", "on"):
        return True
    if text in ("0", "false", "no", "non", "off"):
        return False
    raise ValueError(value)


#: Environment variables read, their config key and how to convert them.
ENVIRONMENT = {
    "SPAR_DATABASE_URL": ("DATABASE_URL", str),
    "SPAR_SECRET_KEY": ("SECRET_KEY", str),
    "SPAR_INSTANCE_PATH": ("INSTANCE_PATH", str),
    "SPAR_MAX_CONTENT_LENGTH": ("MAX_CONTENT_LENGTH", int),
    "SPAR_REDIS_URL": ("REDIS_URL", str),
    "SPAR_SELF_ASSESSMENT_LIMIT": ("SELF_ASSESSMENT_LIMIT", int),
    "SPAR_SELF_ASSESSMENT_WINDOW": ("SELF_ASSESSMENT_WINDOW", int),
    "SPAR_REVIEW_SAMPLE_RATE": ("REVIEW_SAMPLE_RATE", float),
    "SPAR_REVIEW_BUDGET": ("REVIEW_BUDGET", float),
    "SPAR_CRITERIA_DIR": ("CRITERIA_DIR", str),
    "SPAR_OCDS_PREFIX": ("OCDS_PREFIX", str),
    "SPAR_DATABASE_CONNECT_TIMEOUT": ("DATABASE_CONNECT_TIMEOUT", int),
    "SPAR_DATABASE_STATEMENT_TIMEOUT": ("DATABASE_STATEMENT_TIMEOUT", int),
    "SPAR_DATABASE_RETRY_AFTER": ("DATABASE_RETRY_AFTER", int),
    "SPAR_PROXY_FIX": ("PROXY_FIX", int),
    "SPAR_HSTS_MAX_AGE": ("HSTS_MAX_AGE", int),
    "SPAR_JOB_SCORING_THRESHOLD": ("JOB_SCORING_THRESHOLD", int),
    "SPAR_JOB_TIMEOUT": ("JOB_TIMEOUT", int),
    "SPAR_JOB_QUEUE": ("JOB_QUEUE", str),
    "SPAR_AUDIT_KEY": ("AUDIT_KEY", str),
    "SPAR_AUDIT_TRUSTED_KEYS": ("AUDIT_TRUSTED_KEYS", str),
    # the SME portal (SPEC §8)
    "SPAR_SMTP_URL": ("SMTP_URL", str),
    "SPAR_SMTP_TIMEOUT": ("SMTP_TIMEOUT", float),
    "SPAR_MAIL_FROM": ("MAIL_FROM", str),
    "SPAR_SIRENE_URL": ("SIRENE_URL", str),
    "SPAR_SIRENE_TIMEOUT": ("SIRENE_TIMEOUT", float),
    # the web pages' accounts and sessions (SPEC §7)
    "SPAR_BASE_URL": ("BASE_URL", str),
    "SPAR_SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "SPAR_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", boolean),
    "SPAR_SIGN_IN_LIMIT": ("SIGN_IN_LIMIT", int),
    "SPAR_SIGN_IN_WINDOW": ("SIGN_IN_WINDOW", int),
}

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: SQLite under the instance folder
    "SECRET_KEY": "dev-only-change-me",
    "INSTANCE_PATH": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "REDIS_URL": None,  # None: rate limits counted in memory, per process
    "SELF_ASSESSMENT_LIMIT": 30,  # requests per window and client address
    "SELF_ASSESSMENT_WINDOW": 60,  # seconds
    "REVIEW_SAMPLE_RATE": 0.03,
    "REVIEW_BUDGET": 0.10,
    "CRITERIA_DIR": None,
    "OCDS_PREFIX": "ocds-spar00",
    "AUDIT_KEY": None,  # Ed25519 seed (hex) signing the audit log; None: the public demo key
    "AUDIT_TRUSTED_KEYS": None,  # former public keys (hex, comma-separated) still trusted
    "BASE_URL": "http://127.0.0.1:8000",  # how people reach the service (invitation links)
    "SESSION_IDLE_MINUTES": 30,  # a signed-in browser is signed out after this long idle
    "SESSION_COOKIE_SECURE": True,  # browsers send it over HTTPS (and to 127.0.0.1) only
    "SIGN_IN_LIMIT": 10,  # sign-in attempts per window and account (10 × that per address)
    "SIGN_IN_WINDOW": 900,  # seconds
    "CLOCK": None,  # an object with now() -> aware datetime; None: the system clock
    "SMTP_URL": None,  # None: notices are read on the firm's page only, never e-mailed
    "SMTP_TIMEOUT": 10.0,  # seconds, per SMTP operation
    "MAIL_FROM": "spar <ne-pas-repondre@spar.invalid>",
    "SIRENE_URL": None,  # None: a SIRET is checked by its Luhn key only
    "SIRENE_TIMEOUT": 3.0,  # seconds
    # a database that accepts connections but never answers must not hold a thread long
    "DATABASE_CONNECT_TIMEOUT": 5,  # seconds
    "DATABASE_STATEMENT_TIMEOUT": 30,  # seconds, PostgreSQL; 0: none
    # after a failed connection, database routes answer 503 at once for this long (the
    # Retry-After given), then one request tries again
    "DATABASE_RETRY_AFTER": 5,  # seconds
    "PROXY_FIX": 0,  # how many reverse proxies set X-Forwarded-*; 0: trust none
    "HSTS_MAX_AGE": 63072000,  # seconds, sent on HTTPS responses only; 0: no HSTS
    # offers: larger lots are scored as a background job (2,000 offers took 13 s to score
    # and store on the 2-core benchmark machine: a request should not wait that long)
    "JOB_SCORING_THRESHOLD": 500,
    "JOB_TIMEOUT": 3600,  # seconds a background job may run before its worker stops it
    "JOB_QUEUE": "spar",  # the RQ queue's name: several deployments may share one Redis
}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given by ``SPAR_*`` variables; ValueError names a malformed one."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for name, (key, convert) in ENVIRONMENT.items():
        if name in environ and environ[name] != "":
            try:
                out[key] = convert(environ[name])
            except ValueError:
                raise ValueError(f"{name}={environ[name]!r} : valeur invalide "
                                 f"({convert.__name__} attendu)") from None
    return out


def repository_path(*parts: str) -> Path:
    """A path in the source checkout (criteria/, models/) next to the ``spar`` package."""
    return Path(__file__).resolve().parent.parent.joinpath(*parts)


def sqlite_url(instance_path: str | Path) -> str:
    return f"sqlite:///{Path(instance_path) / 'spar.db'}"
