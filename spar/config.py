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
    "SPAR_AUDIT_KEY": ("AUDIT_KEY", str),
    "SPAR_AUDIT_TRUSTED_KEYS": ("AUDIT_TRUSTED_KEYS", str),
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
    "CLOCK": None,  # an object with now() -> aware datetime; None: the system clock
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
