"""What the service commands share: the app built from SPAR_* settings, its database
migrated, and a unit of work on it."""

from __future__ import annotations

import click


def service_app(migrate: bool = True):
    """The Flask app for the current settings; ClickException on bad settings."""
    from .. import create_app
    from ..db import upgrade

    try:
        app = create_app()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if migrate:
        try:
            upgrade(app.extensions["spar.db"].engine)
        except Exception as exc:  # noqa: BLE001 - shown to the operator, not a traceback
            raise click.ClickException(f"base de données inaccessible ou migration impossible "
                                       f"({app.config['DATABASE_URL']}) : {exc}") from None
    return app


def unit_of_work(app):
    from ..services.unit_of_work import UnitOfWork

    return UnitOfWork(app.extensions["spar.db"].sessions, app.config["CLOCK"], app.config)


def fail_on_service_error(func):
    """Turn the use cases' typed errors into a clean message and exit code 1."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from ..services.errors import ServiceError

        try:
            return func(*args, **kwargs)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None

    return wrapper
