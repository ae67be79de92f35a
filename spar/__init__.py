"""spar — responsible-purchasing scoring for public buyers (SPAR / SPASER)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def create_app(config: dict[str, Any] | None = None):
    """The Flask application: configuration, database, API, errors — the only wiring place.

    ``config`` overrides the defaults and the ``SPAR_*`` environment variables.
    """
    from flask import Flask

    from . import config as settings
    from .api import init_api
    from .db import Database
    from .services.clock import SystemClock
    from .services.rate_limit import MemoryCounter, RateLimiter, RedisCounter

    values = {**settings.DEFAULTS, **settings.from_environment(), **(config or {})}
    instance = values.get("INSTANCE_PATH") or str(Path.cwd() / "instance")
    app = Flask(__name__, instance_path=str(Path(instance).resolve()),
                instance_relative_config=True)
    app.config.update(values)
    app.config["INSTANCE_PATH"] = app.instance_path
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = settings.sqlite_url(app.instance_path)
    app.config["CLOCK"] = app.config.get("CLOCK") or SystemClock()
    app.config.update(
        API_TITLE="spar", API_VERSION="v1", OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/", OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from .services.audit_signing import keyring

    keyring(app.config)  # a malformed SPAR_AUDIT_KEY stops the start, not the first write
    Database().init_app(app)
    counter = RedisCounter(app.config["REDIS_URL"]) if app.config["REDIS_URL"] else MemoryCounter()
    app.extensions["spar.rate_limiter"] = RateLimiter(counter, app.config["SELF_ASSESSMENT_LIMIT"],
                                                      app.config["SELF_ASSESSMENT_WINDOW"])
    init_api(app)
    from .web import init_web

    init_web(app)
    return app
