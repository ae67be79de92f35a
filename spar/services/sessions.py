"""Browser sessions of signed-in people, kept in the database so that a sign-out, an
expiry or a disabled account takes effect on every instance at once (SPEC §9).

The cookie carries only a random secret; its SHA-256 finds the session. A session
expires after ``idle`` without a request; activity is written at most once a minute.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..db.models import Person, WebSession
from . import audit
from .errors import Unauthorized
from .principal import Principal
from .tokens import hash_secret, person_principal

#: Writing the last activity on every request would make every page view a write.
TOUCH_EVERY = timedelta(minutes=1)


class SessionExpired(Unauthorized):
    """The session existed but was left idle too long: the person signs in again."""


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, and when it expires if nothing happens before."""

    principal: Principal
    name: str
    organisation_name: str | None
    expires_at: datetime


def open_session(uow, person_id: int) -> str:
    """A new session for a person who just proved who they are; its secret."""
    secret = secrets.token_urlsafe(32)
    with uow:
        person = uow.session.get(Person, person_id)
        now = uow.now()
        uow.session.add(WebSession(secret_hash=hash_secret(secret), person_id=person.id,
                                   created_at=now, last_seen_at=now))
        person.last_sign_in_at = now
        audit.record(uow, person_principal(person), "session.open",
                     target=f"person:{person.id}", organisation_id=person.organisation_id)
        uow.commit()
    return secret


def resume(uow, secret: str, idle: timedelta) -> SignedIn:
    """The session of a cookie's secret, its activity noted; Unauthorized when it is
    unknown or closed, SessionExpired when it was left idle longer than ``idle``."""
    with uow:
        found = uow.session.execute(select(WebSession, Person).join(Person).where(
            WebSession.secret_hash == hash_secret(secret or ""))).first()
        if found is None:
            raise Unauthorized("session inconnue")
        web_session, person = found
        now = uow.now()
        if web_session.closed_at is not None or person.disabled_at is not None:
            raise Unauthorized("session fermée")
        if now - web_session.last_seen_at >= idle:
            web_session.closed_at = web_session.last_seen_at + idle
            uow.commit()
            raise SessionExpired("session expirée après une période d'inactivité")
        if now - web_session.last_seen_at >= TOUCH_EVERY:
            web_session.last_seen_at = now
            uow.commit()
        return SignedIn(person_principal(person), person.name,
                        person.organisation.name if person.organisation else None,
                        web_session.last_seen_at + idle)


def close_session(uow, secret: str) -> None:
    """Sign out: the session's cookie no longer opens anything, on any instance."""
    with uow:
        found = uow.session.execute(select(WebSession, Person).join(Person).where(
            WebSession.secret_hash == hash_secret(secret or ""))).first()
        if found is None or found[0].closed_at is not None:
            return
        web_session, person = found
        web_session.closed_at = uow.now()
        audit.record(uow, person_principal(person), "session.close",
                     target=f"person:{person.id}", organisation_id=person.organisation_id)
        uow.commit()


def close_other_sessions(uow, principal: Principal, keep_secret: str) -> int:
    """Close every session of the person but the one whose secret is given (after a
    password change); how many were closed."""
    keep = hash_secret(keep_secret or "")
    with uow:
        now = uow.now()
        closed = 0
        for web_session in uow.session.execute(select(WebSession).where(
                WebSession.person_id == principal.person_id, WebSession.closed_at.is_(None),
                WebSession.secret_hash != keep)).scalars():
            web_session.closed_at = now
            closed += 1
        uow.commit()
        return closed
