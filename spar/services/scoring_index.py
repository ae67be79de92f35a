"""Which scorings are stored, lot by lot, without loading them: what a desk lists before
anyone opens one (a stored result can weigh megabytes; its identity does not)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..db.models import Consultation, Lot, Scoring
from .errors import Forbidden
from .principal import Principal


def by_lot(uow, principal: Principal, references: list[str]
           ) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{reference: {lot id: [stored scoring, oldest first]}}`` for the consultations of
    the caller's organisation among ``references`` (others are left out, as if unknown).

    Each scoring: ``id``, ``created_at``, ``engine_version``, ``model_version``,
    ``criteria_sha256`` and ``latest`` (the one the ranking and the exports show)."""
    if principal.role not in ("buyer", "auditor") or principal.organisation_id is None:
        raise Forbidden("réservé aux acheteurs et contrôleurs d'une organisation")
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    if not references:
        return out
    with uow:
        rows = uow.session.execute(
            select(Consultation.reference, Lot.lot_id, Scoring.public_id, Scoring.created_at,
                   Scoring.engine_version, Scoring.model_version, Scoring.criteria_sha256)
            .join(Lot, Scoring.lot_id == Lot.id)
            .join(Consultation, Lot.consultation_id == Consultation.id)
            .where(Consultation.reference.in_(references),
                   Consultation.organisation_id == principal.organisation_id)
            .order_by(Scoring.id)).all()
    for row in rows:
        out.setdefault(row.reference, {}).setdefault(row.lot_id, []).append({
            "id": row.public_id, "created_at": row.created_at.isoformat(),
            "engine_version": row.engine_version, "model_version": row.model_version,
            "criteria_sha256": row.criteria_sha256, "latest": False})
    for lots in out.values():
        for scorings in lots.values():
            scorings[-1]["latest"] = True
    return out
