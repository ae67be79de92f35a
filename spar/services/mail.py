"""E-mailing the notices of the outbox through SMTP (``SPAR_SMTP_URL``).

``smtp://[user:password@]host[:port]`` (plain, port 25 by default),
``smtp+starttls://…`` (STARTTLS, port 587) or ``smtps://…`` (TLS, port 465).

Each delivery claims the due notices (``pending``, or ``sending`` whose claim expired:
a delivery that died mid-way), sends them over one connection with a timeout, and
records each outcome: ``sent``; a refusal the server says is permanent (5xx) is
``failed`` at once; anything else (server down, timeout, 4xx) is retried later, with a
growing delay, until :data:`MAX_ATTEMPTS`. Two deliveries never send the same notice:
a notice is claimed by a conditional update before it is sent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import and_, or_, select, update

from ..config import DEFAULTS
from ..db.models import Notice

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: Delay before the next try, after the 1st, 2nd… failed attempt.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2))
#: How long a claimed notice is left to its delivery before another may take it over.
LEASE = timedelta(minutes=15)


class SmtpUrlError(ValueError):
    """``SPAR_SMTP_URL`` cannot be read."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # plain | starttls | tls
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"SmtpServer({self.security}://{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SmtpServer:
    """The server named by ``SPAR_SMTP_URL``; SmtpUrlError says what is wrong."""
    parts = urlsplit(url)
    security = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}.get(parts.scheme)
    if security is None:
        raise SmtpUrlError("SPAR_SMTP_URL : schéma smtp://, smtp+starttls:// ou smtps:// "
                           "attendu")
    try:
        port = parts.port
    except ValueError:
        raise SmtpUrlError("SPAR_SMTP_URL : port invalide") from None
    if not parts.hostname:
        raise SmtpUrlError("SPAR_SMTP_URL : nom du serveur manquant")
    default_port = {"plain": 25, "starttls": 587, "tls": 465}[security]
    return SmtpServer(parts.hostname, port or default_port, security,
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def _connect(server: SmtpServer, timeout: float) -> smtplib.SMTP:
    if server.security == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
        if server.security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if server.user:
        client.login(server.user, server.password or "")
    return client


def _message(notice: Notice, sender: str, now) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = notice.email_to
    message["Subject"] = notice.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(idstring=f"avis-{notice.id}", domain="spar.invalid")
    message.set_content(notice.body)
    return message


def _claim(uow, limit: int) -> list[int]:
    """Mark the due notices ``sending`` (each by a conditional update, so a concurrent
    delivery cannot take the same one) and commit; their ids."""
    with uow:
        now = uow.now()
        due = or_(and_(Notice.email_status == "pending",
                       or_(Notice.email_next_attempt_at.is_(None),
                           Notice.email_next_attempt_at <= now)),
                  and_(Notice.email_status == "sending", Notice.email_next_attempt_at <= now))
        ids = uow.session.execute(select(Notice.id).where(due).order_by(Notice.id).limit(limit)
                                  ).scalars().all()
        claimed = []
        for notice_id in ids:
            done = uow.session.execute(update(Notice).where(Notice.id == notice_id, due).values(
                email_status="sending", email_next_attempt_at=now + LEASE))
            if done.rowcount == 1:
                claimed.append(notice_id)
        uow.commit()
        return claimed


def _permanent(exc: Exception) -> bool:
    """A refusal the server says will not change (5xx) — retrying would only spam it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def deliver_pending(uow, limit: int = 200) -> dict[str, int]:
    """Send the due notices' e-mails; counts of ``sent``, ``retry`` (will be tried again)
    and ``failed`` (given up). Nothing to do without ``SMTP_URL``."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    url = uow.settings.get("SMTP_URL")
    if not url:
        return counts
    try:
        server = parse_smtp_url(url)
        claimed = _claim(uow, limit)
    except Exception:  # noqa: BLE001 - a background delivery reports, never raises
        logger.exception("e-mail delivery could not start")
        return counts
    if not claimed:
        return counts
    timeout = float(uow.settings.get("SMTP_TIMEOUT") or DEFAULTS["SMTP_TIMEOUT"])
    sender = uow.settings.get("MAIL_FROM") or DEFAULTS["MAIL_FROM"]
    outcomes: dict[int, tuple[str, str | None]] = {}
    with uow:
        notices = uow.session.execute(select(Notice).where(Notice.id.in_(claimed))
                                      .order_by(Notice.id)).scalars().all()
        now = uow.now()
    try:
        client = _connect(server, timeout)
    except (OSError, smtplib.SMTPException) as exc:
        # even a refused login is retried: the operator fixes the settings, not the firm
        error = f"serveur SMTP injoignable ({type(exc).__name__}: {exc})"
        outcomes = {n.id: ("retry", error) for n in notices}
    else:
        try:
            for notice in notices:
                try:
                    client.send_message(_message(notice, sender, now))
                    outcomes[notice.id] = ("sent", None)
                except (OSError, smtplib.SMTPException) as exc:
                    outcomes[notice.id] = ("failed" if _permanent(exc) else "retry",
                                           f"{type(exc).__name__}: {exc}")
                    if isinstance(exc, (OSError, smtplib.SMTPServerDisconnected)):
                        break  # the connection is gone: the rest waits for the next try
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                pass
        for notice in notices:
            outcomes.setdefault(notice.id, ("retry", "connexion SMTP interrompue"))
    _record(uow, outcomes, counts)
    logger.info("notices e-mailed", extra={"notices": counts})
    return counts


def _record(uow, outcomes: dict[int, tuple[str, str | None]], counts: dict[str, int]) -> None:
    with uow:
        now = uow.now()
        for notice in uow.session.execute(select(Notice).where(Notice.id.in_(list(outcomes)))
                                          ).scalars():
            outcome, error = outcomes[notice.id]
            notice.email_attempts += 1
            notice.email_last_error = error[:1000] if error else None
            if outcome == "sent":
                notice.email_status, notice.email_sent_at = "sent", now
                notice.email_next_attempt_at = None
            elif outcome == "retry" and notice.email_attempts < MAX_ATTEMPTS:
                notice.email_status = "pending"
                notice.email_next_attempt_at = now + BACKOFF[min(notice.email_attempts,
                                                                 len(BACKOFF)) - 1]
            else:
                outcome = "failed"
                notice.email_status, notice.email_next_attempt_at = "failed", None
            counts[outcome] += 1
        uow.commit()


def status(uow) -> dict[str, Any]:
    """How many notices wait for each e-mail state (for the operator)."""
    from sqlalchemy import func

    with uow:
        rows = uow.session.execute(select(Notice.email_status, func.count(Notice.id))
                                   .group_by(Notice.email_status)).all()
        return {state: count for state, count in rows}
