"""Who may open a page: the signed-in roles it is for. Anyone else is sent to sign in
(or told that their session expired), or refused with a 403 page that shows nothing
of the page itself."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ..services.permissions import allowed_roles
from .session import session_expired


def here() -> str:
    """This page's address, to come back to after signing in."""
    return request.full_path.rstrip("?") if request.method == "GET" else request.path


def sign_in_first():
    """The answer to someone who must sign in: the expired-session page or the sign-in
    page, either leading back here."""
    if session_expired():
        abort(401, description="expired")
    return redirect(url_for("account.sign_in", next=here()))


def page_for(*roles: str):
    """Only signed-in people with one of ``roles`` (any role when none is given); a name
    with a dot is an action of :data:`spar.services.permissions.RULES`, standing for
    the roles it allows, so that a page and its use case read the same rule."""
    allowed = allowed_roles(*roles)

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return sign_in_first()
            if allowed and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator
