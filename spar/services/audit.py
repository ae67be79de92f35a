"""The hash-chained audit log: every write, and every read of sealed content.

Each entry holds the hash of the one before it, so altering, removing or
reordering any row breaks the chain from that row on; each is signed as the head of
the log when written (:mod:`.audit_signing`), so a chain rewritten without the key is
found too, and a head kept outside the database (:func:`checkpoint`) finds a
truncated tail. :func:`verify` finds the first broken entry.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from ..db.models import AuditEntry
from .audit_signing import ALGORITHM, LOG_NAME, Keyring, keyring
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
    # the head is held until the transaction ends: one writer at a time
    head = uow.audit_log.head()
    entry_id, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
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
    keys = keyring(uow.settings)
    entry.key_id = keys.key_id
    entry.signature = keys.sign(entry.id, entry.entry_hash, entry.at.isoformat())
    uow.audit_log.add(entry)
    return entry


def verify(session, keys: Keyring) -> tuple[int, dict[str, Any] | None, AuditEntry | None]:
    """Walk the chain: (entries checked, the first broken entry with why or None, the head).

    Entries written before the log was signed may be unsigned; from the first signed one
    on every entry must carry a trusted key's signature, and so must the head."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    signing = False
    head = None
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.execute(query).scalars():
        problem = None
        if entry.id != expected_id:
            problem = f"entrée {expected_id} manquante (la suivante est la {entry.id})"
        elif entry.prev_hash != prev:
            problem = "ne suit pas l'entrée précédente (entrée supprimée, déplacée ou modifiée)"
        elif entry_hash_of(entry) != entry.entry_hash:
            problem = "contenu modifié après écriture"
        elif entry.signature or signing:
            signing = True
            why = keys.check(entry.key_id, entry.signature, entry.id, entry.entry_hash,
                             entry.at.isoformat())
            if why:
                problem = f"{why} : chaîne réécrite depuis cette entrée, ou signature retirée"
        if problem:
            return checked, _broken(entry, problem), head
        prev = entry.entry_hash
        expected_id += 1
        checked += 1
        head = entry
    if head is not None and not head.signature:
        return checked - 1, _broken(head, "tête du journal non signée : rien n'ancre la "
                                          "chaîne (une écriture suivante la signera)"), head
    return checked, None, head


def _broken(entry: AuditEntry, problem: str) -> dict[str, Any]:
    return {"id": entry.id, "action": entry.action, "at": entry.at.isoformat(),
            "problem": problem}


def signed_head(entry: AuditEntry, keys: Keyring) -> dict[str, Any]:
    """The signed tree head an entry carries, as an auditor exports and keeps it."""
    return {"log": LOG_NAME, "size": entry.id, "head": entry.entry_hash,
            "timestamp": entry.at.isoformat(), "algorithm": ALGORITHM,
            "key_id": entry.key_id, "signature": entry.signature,
            "public_key": keys.public_hex if entry.key_id == keys.key_id else None,
            "demo_key": keys.demo and entry.key_id == keys.key_id}


def checkpoint(session, keys: Keyring) -> dict[str, Any] | None:
    """The latest signed head of the log (None while it is empty or not yet signed)."""
    head = session.execute(select(AuditEntry).where(AuditEntry.signature.is_not(None))
                           .order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    return None if head is None else signed_head(head, keys)


def check_kept(session, keys: Keyring, kept: dict[str, Any]) -> str | None:
    """None when the log still holds the head an auditor kept (``size`` and ``head``, and
    when given its ``signature``), else what went wrong."""
    size, head = kept["size"], kept["head"]
    if kept.get("signature"):
        why = keys.check(kept.get("key_id"), kept["signature"], size, head,
                         str(kept.get("timestamp", "")))
        if why:
            return f"point de contrôle conservé {why} : il ne vient pas de ce service"
    entry = session.get(AuditEntry, size)
    if entry is None:
        count = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
        return (f"journal tronqué : le point de contrôle conservé couvre {size} entrée(s), la "
                f"base n'en a plus que {count}")
    if entry.entry_hash != head:
        return (f"chaîne réécrite : l'entrée {size} ne correspond plus au point de contrôle "
                "conservé")
    return None


def entries(session, *, organisation_id: int | None = None, consultation: str | None = None,
            token_id: int | None = None, action: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """A page of entries, oldest first, and the total number matching the filters.

    ``action`` is one action (``offer.submit``) or a family of them (``offer``: every
    ``offer.…``)."""
    query = select(AuditEntry)
    if action is not None:
        query = query.where(AuditEntry.action == action if "." in action else
                            AuditEntry.action.startswith(action + ".", autoescape=True))
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
            "entry_hash": entry.entry_hash, "key_id": entry.key_id,
            "signature": entry.signature}
