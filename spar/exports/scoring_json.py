"""The stored scoring results (SPEC §4) of every lot, with the criteria set, as JSON.

Shape::

    {"consultation": {reference, title, buyer, category, deadline, published_at},
     "criteria": {id, version, sha256, title, category, points, document},
     "lots": [{"id", "title", "estimate", "scored": bool, "scoring_id", "scored_at",
               "result": SPEC §4 object | null, "sensitivity": {...} | null}]}

``result`` is the stored result, as it was written when the lot was scored (SPEC
§4.1), and each of its offers gains ``supplier`` (name, SIRET, SME), ``marks``
(criterion path → the buyer's mark and justification) and ``review.decision`` (the
buyer's decision on a flagged offer, or null). ``spar score --format json`` writes the
same object for the lot it scores. Offers are written one at a time, so the export
streams.
"""

from __future__ import annotations

from typing import Any, Iterator

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


def _offers(lot: LotExport) -> Iterator[dict[str, Any]]:
    for stored in lot.entries:
        entry = dict(stored)
        entry["supplier"] = lot.supplier(stored)
        entry["marks"] = {path: _stamped(m) for path, m in lot.offer_marks(stored).items()}
        decision = lot.decision(stored)
        entry["review"] = {**(stored.get("review") or {}),
                           "decision": _stamped(decision) if decision else None}
        yield entry


def result_json(lot: LotExport) -> dict[str, Any]:
    """The stored result of ``lot`` (SPEC §4) as it was written, its offers streamed as a
    lazy iterator, each with the supplier, the buyer's marks and review decision."""
    return {**lot.result, "offers": _offers(lot)}


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
