"""Reading and checking the audit log as auditors and admins may."""

from __future__ import annotations

import re
from typing import Any

from . import audit, audit_records
from .audit_signing import keyring
from .errors import Invalid, NotFound
from .permissions import require
from .principal import Principal

_KEPT = re.compile(r"^(\d{1,12}):([0-9a-f]{64})$")


def _allowed(principal: Principal) -> None:
    require(principal, "audit_log.read")


def page(uow, principal: Principal, *, consultation=None, token_id=None, action=None,
         since=None, until=None, page=1, per_page=50, verify=False, checkpoints=()
         ) -> dict[str, Any]:
    """A page of entries: an auditor sees its organisation's, an admin everything; with
    ``verify``, the whole verification (:func:`verification`) under ``chain``."""
    _allowed(principal)
    organisation = principal.organisation_id if principal.role == "auditor" else None
    with uow:
        rows, total = audit.entries(uow.session, organisation_id=organisation,
                                    consultation=consultation, token_id=token_id, action=action,
                                    since=since,
                                    until=until, page=page, per_page=per_page)
        entries = [audit.as_dict(e) for e in rows]
    chain = verification(uow, principal, checkpoints) if verify or checkpoints else None
    return {"entries": entries, "total": total, "page": page, "per_page": per_page,
            "chain": chain}


def parse_kept(values: list[str]) -> list[dict[str, Any]]:
    """Kept checkpoints given as ``SIZE:HEAD`` (the query string's short form)."""
    out = []
    for value in values:
        match = _KEPT.match(value.strip().lower())
        if not match or int(match.group(1)) < 1:
            raise Invalid("point de contrôle attendu sous la forme TAILLE:EMPREINTE (un entier "
                          "puis 64 caractères hexadécimaux)", {"checkpoint": [value[:100]]})
        out.append({"size": int(match.group(1)), "head": match.group(2)})
    return out


def kept_head(document: Any) -> dict[str, Any]:
    """A signed head as exported (``spar audit checkpoint``), checked for its shape."""
    if not (isinstance(document, dict) and isinstance(document.get("size"), int)
            and isinstance(document.get("head"), str)):
        raise Invalid("point de contrôle : objet JSON avec size (entier) et head attendu")
    parse_kept([f"{document['size']}:{document['head']}"])
    return document


def verification(uow, principal: Principal, checkpoints=()) -> dict[str, Any]:
    """Everything that proves the log and the records unaltered: the chain and its
    signatures, each stored record against the hash its entry recorded, and the heads an
    auditor kept (``{"size", "head"}`` and optionally the rest of a signed head)."""
    _allowed(principal)
    keys = keyring(uow.settings)
    with uow:
        checked, broken, head = audit.verify(uow.session, keys)
        findings = audit_records.check(uow.session)
        kept = [{"size": c["size"], "head": c["head"],
                 "problem": audit.check_kept(uow.session, keys, c)} for c in checkpoints]
        signed = audit.signed_head(head, keys) if head is not None and head.signature else None
    return {
        "intact": broken is None and findings.total_problems == 0
        and all(c["problem"] is None for c in kept),
        "checked": checked, "first_broken": broken,
        "head": signed, "demo_key": keys.demo,
        "records": findings.counts, "record_problems": findings.problems,
        "record_problem_count": findings.total_problems,
        "checkpoints": kept,
    }


def checkpoint(uow, principal: Principal) -> dict[str, Any]:
    """The log's latest signed head, for an auditor to keep outside spar."""
    _allowed(principal)
    keys = keyring(uow.settings)
    with uow:
        head = audit.checkpoint(uow.session, keys)
    if head is None:
        raise NotFound("le journal ne contient encore aucune entrée signée")
    return head
