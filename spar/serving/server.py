"""``spar serve``: the service under gunicorn (a production WSGI server), not Flask's
development server, with the settings of ``gunicorn wsgi:app``."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from . import gunicorn_config


class SparServer(BaseApplication):
    """gunicorn serving ``create_app()``, built in each worker after the fork (no
    database connection or thread crosses it)."""

    def __init__(self, bind: str, overrides: dict | None = None) -> None:
        self.bind = bind
        self.overrides = overrides or {}
        super().__init__()

    def load_config(self) -> None:
        values = {**gunicorn_config.settings(), **gunicorn_config.HOOKS, **self.overrides,
                  "bind": self.bind}
        for key, value in values.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        from .. import create_app
        from . import settle_worker

        app = create_app()
        settle_worker()
        return app


def serve(host: str, port: int) -> None:
    """Serve until interrupted; the metrics folder must be ready before this process
    imports prometheus_client (see :func:`gunicorn_config.prepare_metrics_dir`)."""
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    SparServer(address).run()
