"""Reading the audit log as auditors and admins may."""

from __future__ import annotations

from typing import Any

from . import audit
from .errors import Forbidden
from .principal import Principal


def page(uow, principal: Principal, *, consultation=None, token_id=None, since=None,
         until=None, page=1, per_page=50, verify=False) -> dict[str, Any]:
    """A page of entries: an auditor sees its organisation's, an admin everything."""
    if principal.role not in ("auditor", "admin"):
        raise Forbidden("journal réservé aux contrôleurs et administrateurs")
    organisation = principal.organisation_id if principal.role == "auditor" else None
    with uow:
        rows, total = audit.entries(uow.session, organisation_id=organisation,
                                    consultation=consultation, token_id=token_id, since=since,
                                    until=until, page=page, per_page=per_page)
        chain = None
        if verify:
            checked, broken = audit.verify(uow.session)
            chain = {"checked": checked, "intact": broken is None, "first_broken": broken}
        return {"entries": [audit.as_dict(e) for e in rows], "total": total, "page": page,
                "per_page": per_page, "chain": chain}
