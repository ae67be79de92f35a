"""The stored scoring results (SPEC §4) of every lot, with the criteria set, as JSON.

Shape::

    {"consultation": {reference, title, buyer, category, deadline, published_at},
     "criteria": {id, version, sha256, title, category, points, document},
     "lots": [{"id", "title", "estimate", "scored": bool, "scoring_id", "scored_at",
               "result": SPEC §4 object | null, "sensitivity": {...} | null}]}

Each offer of ``result.offers`` is SPEC §4's entry plus ``supplier`` (name, SIRET,
SME), ``marks`` (criterion path → the buyer's mark and justification) and
``review.decision`` (the buyer's decision on a flagged offer, or null). Offers are
written one at a time, so the export streams.
"""

from __future__ import annotations

from typing import Any, Iterator

from spar.engine.explain import offer_entry
from spar.engine.scoring import LotResult

from .bundle import ConsultationExport, LotExport
from .french import NOT_SCORED
from .json_stream import iter_json


def _stamped(record: Any) -> Any:
    """A mark or a review with its ``at`` as ISO 8601 text."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in record.items()}


def consultation_header(consultation: ConsultationExport) -> dict[str, Any]:
    """What identifies the consultation in every JSON export."""
    return {
        "reference": consultation.reference,
        "title": consultation.title,
        "buyer": consultation.buyer,
        "category": consultation.category,
        "deadline": consultation.deadline.isoformat(),
        "published_at": consultation.published_at.isoformat() if consultation.published_at
        else None,
    }


class _Masked:
    """A per-offer list read through the bundle, which skips offers that have none."""

    def __init__(self, read):
        self._read = read

    def __getitem__(self, i: int) -> list[dict[str, Any]]:
        return self._read(i)


class _QuietResult:
    """The lot's result as :func:`offer_entry` reads it, except that offers without
    reasons read an empty list instead of making the engine word and keep one: every
    offer is read here, and the export must not grow with the lot."""

    def __init__(self, lot: LotExport):
        self._result = lot.result
        self.reasons = _Masked(lot.reasons)
        self.flags = _Masked(lot.flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)


def _offers(lot: LotExport) -> Iterator[dict[str, Any]]:
    result = _QuietResult(lot)
    for i in lot.result.order:
        i = int(i)
        entry = offer_entry(result, i)
        entry["supplier"] = lot.supplier(i)
        entry["marks"] = {path: _stamped(m) for path, m in lot.offer_marks(i).items()}
        review = lot.review(i)
        entry["review"]["decision"] = _stamped(review) if review else None
        yield entry


def result_json(lot: LotExport) -> dict[str, Any]:
    """SPEC §4's result of ``lot``, its offers as a lazy iterator."""
    result: LotResult = lot.result
    return {
        "criteria": result.criteria.identity,
        "engine": result.engine,
        "lot": result.lot.lot_id,
        "points": float(result.criteria.points),
        "warnings": list(result.warnings),
        "offers": _offers(lot),
    }


def _lot(lot: LotExport) -> dict[str, Any]:
    return {
        "id": lot.lot_id,
        "title": lot.title,
        "estimate": lot.estimate,
        "scored": lot.scored,
        "scoring_id": lot.scoring_id,
        "scored_at": lot.scored_at.isoformat() if lot.scored_at else None,
        "result": result_json(lot) if lot.scored else None,
        "message": None if lot.scored else NOT_SCORED,
        "sensitivity": lot.sensitivity,
    }


def scoring_json(consultation: ConsultationExport) -> Iterator[bytes]:
    """The consultation's stored scorings as JSON chunks."""
    criteria = consultation.criteria
    return iter_json({
        "consultation": consultation_header(consultation),
        "criteria": {**criteria.identity, "title": criteria.title,
                     "category": criteria.category, "points": criteria.points,
                     "document": criteria.document},
        "lots": (_lot(lot) for lot in consultation.lots),
    })
