"""Error pages a person understands (403, 404, expired session, 500…), never a stack
trace. The API keeps its JSON errors: each handler answers with a page only for a page
address, and hands anything under ``/api/`` (and ``/openapi.json``) to the handler the
API registered before it."""

from __future__ import annotations

import logging

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..api.errors import http_status, refused_by_database
from ..services.errors import ServiceError
from ..services.health import unavailable_retry_after
from .access import here

logger = logging.getLogger(__name__)

API_PATHS = ("/api/", "/openapi.json")


def wants_page() -> bool:
    return not request.path.startswith(API_PATHS)


def page(status: int, kind: str | None = None, message: str | None = None):
    """The error page for ``status`` (``kind`` tells an expired session or a stale form
    apart from other 401s and 400s)."""
    template = {"expired": "errors/expired.html", "csrf": "errors/stale_form.html"}.get(
        kind or "", f"errors/{status}.html" if status in (403, 404, 429, 500) else
        "errors/generic.html")
    return render_template(template, status=status, message=message, back=here()), status


def _http_error(error: HTTPException):
    if isinstance(error, CSRFError):
        return page(400, "csrf")
    if error.code == 401 and error.description == "expired":
        return page(401, "expired")
    return page(error.code or 500, message=_generic_message(error.code))


def _generic_message(code: int | None) -> str | None:
    return {405: _("Cette adresse ne s'utilise pas ainsi."),
            413: _("Le fichier envoyé est trop volumineux."),
            400: _("La demande est incomplète ou mal formée.")}.get(code)


def _service_error(error: ServiceError):
    return page(http_status(error), message=error.message)


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    retry_after = unavailable_retry_after(error, current_app.config["DATABASE_RETRY_AFTER"])
    if retry_after is not None:  # the database is down: a page that says so, not a 500
        logger.warning("database unavailable on page %s: %s", request.path,
                       type(error).__name__)
        body, status = page(503, message=_(
            "La base de données est momentanément injoignable ; rien n'a été enregistré. "
            "Réessayez dans %(seconds)d secondes.", seconds=retry_after))
        return body, status, {"Retry-After": str(retry_after)}
    conflict = refused_by_database(error)
    if conflict is not None:  # two people saving the same thing at once: say so
        return _service_error(conflict)
    logger.exception("unexpected error on page %s", request.path)
    return page(500)


def init_app(app) -> None:
    """Put the page handlers in front of the API's, which still answer ``/api/``."""
    registered = app.error_handler_spec[None][None]
    for cls, handler in ((HTTPException, _http_error), (ServiceError, _service_error),
                         (Exception, _unexpected)):
        api_handler = registered.get(cls)

        def either(error, _page=handler, _api=api_handler):
            if wants_page() or _api is None:
                return _page(error)
            return _api(error)

        app.register_error_handler(cls, either)
