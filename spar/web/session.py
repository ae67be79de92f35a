"""Who is signed in (Flask-Login over :mod:`spar.services.sessions`).

The session cookie is Flask's signed cookie, secure and HTTP-only; it holds the
session's random secret (Flask-Login's "alternative id"), never who the person is.
Each request resumes the session from the database: a sign-out, an expiry after
``SESSION_IDLE_MINUTES`` of inactivity or a disabled account counts everywhere at
once, and an expired session is told apart so the page can say so.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user

from ..services import sessions
from ..services.errors import Unauthorized
from ..services.principal import ANONYMOUS, Principal
from .uow import uow

#: Minutes before the end of an idle session when the page warns the person.
WARN_MINUTES = 5

login_manager = LoginManager()


class SignedInPerson(UserMixin):
    """The person of a live session: their principal, name and when the session ends."""

    def __init__(self, secret: str, signed_in: sessions.SignedIn):
        self.secret = secret
        self.principal: Principal = signed_in.principal
        self.name = signed_in.name
        self.organisation_name = signed_in.organisation_name
        self.expires_at = signed_in.expires_at

    def get_id(self) -> str:
        return self.secret

    @property
    def role(self) -> str:
        return self.principal.role


class Anonymous(AnonymousUserMixin):
    principal = ANONYMOUS
    name = None
    organisation_name = None
    role = None


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


@login_manager.user_loader
def _resume(secret: str):
    try:
        return SignedInPerson(secret, sessions.resume(uow(), secret, idle_limit()))
    except sessions.SessionExpired:
        g.session_expired = True
    except Unauthorized:
        pass
    # the cookie's session is over: forget it, so the next request does not ask again
    session.pop("_user_id", None)
    session.pop("_fresh", None)
    return None


def principal() -> Principal:
    """Who is asking for the page: the signed-in person, or anonymous."""
    return current_user.principal if current_user.is_authenticated else ANONYMOUS


def session_expired() -> bool:
    """True when this request came with a session that expired for inactivity."""
    current_user._get_current_object()  # loads the session, noting an expiry
    return bool(g.get("session_expired"))


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, opened without building the signing serializer
    when the request carries no session cookie (every API call, a first visit): the
    session is new and empty then, exactly as Flask makes it, and the serializer it
    would build at each request costs more than the rest of opening it. An empty
    session is saved as Flask saves it, in fewer steps."""

    def open_session(self, app, request):
        # no Cookie header at all (nearly every API call): no cookie jar to parse either
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        # a session empty and left so (every API call): Flask's own steps for it, without
        # reading the seven cookie settings that only writing or deleting a cookie needs
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    app.session_interface = CookieSessions()
    # Flask's defaults are set already: these replace them (SECURE comes from the config)
    app.config["SESSION_COOKIE_NAME"] = "spar_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    login_manager.anonymous_user = Anonymous
    login_manager.session_protection = "basic"
    login_manager.init_app(app)
