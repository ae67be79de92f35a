"""Who is calling (bearer tokens) and the unit of work each request uses."""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request

from ..services import permissions, tokens
from ..services.errors import RoleNotAllowed, Unauthorized
from ..services.principal import ANONYMOUS, Principal
from ..services.unit_of_work import UnitOfWork

ROLE_LABELS = {"admin": "administrateurs", "buyer": "acheteurs", "supplier": "entreprises",
               "auditor": "contrôleurs"}


def uow() -> UnitOfWork:
    """A fresh unit of work bound to the app's database, clock and settings."""
    app = current_app
    return UnitOfWork(app.extensions["spar.db"].sessions, app.config.get("CLOCK"), app.config)


def principal() -> Principal:
    """The caller; anonymous without an Authorization header, 401 for a bad token."""
    if "principal" in g:
        return g.principal
    # the environ, as request.headers raises and catches an exception for an absent header
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    if not header:
        g.principal = ANONYMOUS
        return ANONYMOUS
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("en-tête Authorization attendu sous la forme « Bearer <jeton> »")
    g.principal = tokens.authenticate(uow(), secret.strip())
    return g.principal


def requires(*roles: str):
    """Only callers with one of ``roles`` — or, for a name with a dot, one of the roles
    :data:`spar.services.permissions.RULES` gives that action: 401 for anonymous
    callers, 403 for others."""
    allowed_roles = permissions.allowed_roles(*roles)
    allowed = ", ".join(ROLE_LABELS[r] for r in allowed_roles)
    refusal = permissions.refusal(*roles) or f"action réservée aux {allowed}"

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            who = principal()
            if who.anonymous:
                raise Unauthorized("authentification requise : en-tête « Authorization: "
                                   "Bearer <jeton> »")
            if who.role not in allowed_roles:
                raise RoleNotAllowed(refusal)
            return view(*args, **kwargs)

        return wrapper

    return decorator


SECURED = [{"bearerAuth": []}]
OPTIONAL_AUTH = [{}, {"bearerAuth": []}]
