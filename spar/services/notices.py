"""Notices to firms: an outbox written in the same transaction as the change it reports.

A firm reads its notices on its page (and ``GET /suppliers/me/notices``) in any case.
When SMTP is configured and the firm left an address, the notice is also e-mailed by
:mod:`spar.services.mail` once the transaction has committed; a failed e-mail is
recorded and retried, the notice itself stays.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from ..db.models import Notice
from .portal_paging import page_of_query
from .permissions import require
from .principal import Principal

#: What a notice says happened.
KINDS = {"consultation_opened": "Consultation ouverte",
         "programme_cancelled": "Achat prévu annulé"}


def add(uow, *, siret: str, kind: str, subject: str, body: str, email_to: str | None,
        programme_item_id: int | None = None, consultation: str | None = None) -> Notice:
    """Write a notice in the caller's transaction; it is e-mailed after the commit when
    SMTP is configured and the firm gave an address."""
    emailed = bool(email_to) and bool(uow.settings.get("SMTP_URL"))
    notice = Notice(siret=siret, kind=kind, programme_item_id=programme_item_id,
                    consultation=consultation, subject=subject, body=body,
                    created_at=uow.now(), email_to=email_to or None,
                    email_status="pending" if emailed else "none", email_attempts=0)
    uow.notices.add(notice)
    return notice


def view(notice: Notice) -> dict[str, Any]:
    """A notice as its firm reads it (the e-mail's delivery included, so the firm knows
    whether to expect a message)."""
    return {"id": notice.id, "kind": notice.kind, "subject": notice.subject,
            "body": notice.body, "created_at": notice.created_at.isoformat(),
            "programme_item": notice.programme_item_id, "consultation": notice.consultation,
            "email": {"to": notice.email_to, "status": notice.email_status,
                      "sent_at": _iso(notice.email_sent_at)}}


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(timezone.utc).isoformat() if at else None


def mine(uow, principal: Principal, page: int = 1, per_page: int = 20) -> dict[str, Any]:
    """The calling firm's notices, newest first."""
    require(principal, "notice.read_own")
    with uow:
        query = select(Notice).where(Notice.siret == principal.siret).order_by(Notice.id.desc())
        return page_of_query(uow.session, query, page, per_page, view)


def deliver_soon(uow) -> None:
    """After a commit that wrote notices: e-mail the pending ones in the background, so
    the request that published the consultation never waits on an SMTP server. What the
    background delivery does not send (a crash, a restart) stays pending for the next
    delivery or ``spar notices send``."""
    if not uow.settings.get("SMTP_URL"):
        return
    from .mail import deliver_pending

    fresh = uow.fresh()
    threading.Thread(target=deliver_pending, args=(fresh,), name="spar-mail",
                     daemon=True).start()
