"""The unit of work a page hands to the services (as the API's ``auth.uow`` does)."""

from __future__ import annotations

from flask import current_app

from ..services.unit_of_work import UnitOfWork


def uow() -> UnitOfWork:
    app = current_app
    return UnitOfWork(app.extensions["spar.db"].sessions, app.config.get("CLOCK"), app.config)
