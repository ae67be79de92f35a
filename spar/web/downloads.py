"""Files to download from the pages: a consultation's exports (SPEC §7 export links),
through the same service as the API's ``GET …/export``, which decides who gets what —
buyers and auditors of the organisation every format once offers are unsealed, a
company its own letter only."""

from __future__ import annotations

from flask import Blueprint, Response

from ..services import exports
from .access import page_for
from .session import principal
from .uow import uow

bp = Blueprint("downloads", __name__)


@bp.get("/consultations/<reference>/exports/<fmt>")
@page_for("buyer", "auditor", "supplier")
def export(reference: str, fmt: str):
    """One export of the consultation, streamed as an attachment."""
    chunks, media_type, filename = exports.export(uow(), principal(), reference, fmt)
    return Response(chunks, mimetype=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
