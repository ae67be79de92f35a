"""CSRF protection on every form of the pages (Flask-WTF).

Every POST to a page must carry the session's ``csrf_token`` (the ``csrf_field()``
macro writes it). The API is exempt: it authenticates with bearer tokens, which a
browser never sends on its own, and never with the session cookie.
"""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app) -> None:
    # a token lives as long as the session (which itself expires after inactivity): a
    # form left open an hour must not lose what was typed in it
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    for name, blueprint in app.blueprints.items():
        if (blueprint.url_prefix or "").startswith("/api/"):
            csrf.exempt(blueprint)
