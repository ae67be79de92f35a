"""The hash-chained audit log: every write, and every read of sealed content.

Each entry holds the hash of the one before it, so altering, removing or
reordering any row breaks the chain from that row on; :func:`verify` finds the
first broken entry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select, text

from ..db.models import AuditEntry
from .principal import Principal

GENESIS = "0" * 64


def content_hash(content: Any) -> str:
    """SHA-256 of a record's canonical JSON form."""
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _entry_hash(entry_id: int, at: datetime, token_id, role, action, target, consultation,
                content_sha256, details, prev_hash: str) -> str:
    return content_hash({
        "id": entry_id, "at": at.isoformat(), "token_id": token_id, "role": role,
        "action": action, "target": target, "consultation": consultation,
        "content_sha256": content_sha256, "details": details, "prev_hash": prev_hash,
    })


def entry_hash_of(entry: AuditEntry) -> str:
    """The hash an entry should carry given its own fields."""
    return _entry_hash(entry.id, entry.at, entry.token_id, entry.role, entry.action,
                       entry.target, entry.consultation, entry.content_sha256, entry.details,
                       entry.prev_hash)


def record(uow, principal: Principal, action: str, *, target: str | None = None,
           consultation: str | None = None, organisation_id: int | None = None,
           content: Any = None, details: dict[str, Any] | None = None) -> AuditEntry:
    """Append an entry in the caller's transaction (committed with the change it records)."""
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":
        # one writer at a time, or two entries could chain to the same predecessor
        session.execute(text("SELECT pg_advisory_xact_lock(5170001)"))
    last = session.execute(select(AuditEntry.id, AuditEntry.entry_hash)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()
    entry_id = (last.id + 1) if last else 1
    prev = last.entry_hash if last else GENESIS
    # hashed as stored: in UTC, as the database gives it back
    at = uow.now().astimezone(timezone.utc)
    content_sha = None if content is None else content_hash(content)
    details = json.loads(json.dumps({**(details or {}), **principal.audit_person()},
                                    default=str))
    entry = AuditEntry(id=entry_id, at=at, token_id=principal.token_id, role=principal.role,
                       action=action, target=target, consultation=consultation,
                       organisation_id=organisation_id or principal.organisation_id,
                       content_sha256=content_sha, details=details, prev_hash=prev)
    entry.entry_hash = entry_hash_of(entry)
    session.add(entry)
    session.flush()
    return entry


def verify(session) -> tuple[int, dict[str, Any] | None]:
    """Walk the chain: (entries checked, None) or the first broken entry with why."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars():
        problem = None
        if entry.id != expected_id:
            problem = f"entrée {expected_id} manquante (la suivante est la {entry.id})"
        elif entry.prev_hash != prev:
            problem = "ne suit pas l'entrée précédente (entrée supprimée, déplacée ou modifiée)"
        elif entry_hash_of(entry) != entry.entry_hash:
            problem = "contenu modifié après écriture"
        if problem:
            return checked, {"id": entry.id, "action": entry.action, "at": entry.at.isoformat(),
                             "problem": problem}
        prev = entry.entry_hash
        expected_id += 1
        checked += 1
    return checked, None


def entries(session, *, organisation_id: int | None = None, consultation: str | None = None,
            token_id: int | None = None,
            since: datetime | None = None, until: datetime | None = None,
            page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """A page of entries, oldest first, and the total number matching the filters."""
    query = select(AuditEntry)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    if consultation is not None:
        query = query.where(AuditEntry.consultation == consultation)
    if token_id is not None:
        query = query.where(AuditEntry.token_id == token_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(AuditEntry.id).offset((page - 1) * per_page)
                           .limit(per_page)).scalars().all()
    return list(rows), total


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "at": entry.at.isoformat(), "token_id": entry.token_id,
            "role": entry.role, "action": entry.action, "target": entry.target,
            "consultation": entry.consultation, "organisation_id": entry.organisation_id,
            "content_sha256": entry.content_sha256,
            "details": entry.details, "prev_hash": entry.prev_hash,
            "entry_hash": entry.entry_hash}
