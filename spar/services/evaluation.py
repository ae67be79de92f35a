"""What the evaluation pages read (SPEC §7): a consultation's lots with their latest stored
scoring, a lot's offers page by page with the buyer's current marks, and one offer with
its marks' history, its line of the latest scoring and the review decisions on it.

Buyers and auditors of the consultation's organisation, after the deadline (offers are
sealed before). Every figure of a scoring comes from the stored record (SPEC §4.1).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..db.models import Mark, Offer, Scoring
from . import audit
from .clock import paris_time
from .consultations import describe, find_lot, is_closed, visible
from .criteria_sets import criteria_of
from .errors import Conflict, Forbidden, NotFound
from .marks import history, level_label
from .offers import current_marks
from .pagination import DEFAULT_PER_PAGE, Page, page_of_query
from .principal import Principal
from .review_queue import queue_of
from .scorings import latest


def _reader(principal: Principal) -> None:
    if principal.role not in ("buyer", "auditor"):
        raise Forbidden("réservé aux acheteurs et contrôleurs de l'organisation")


def _sealed(consultation) -> Conflict:
    return Conflict("offres scellées jusqu'à la date limite "
                     f"({paris_time(consultation.deadline)})")


def scoring_summary(session, scoring: Scoring) -> dict[str, Any]:
    """A stored scoring in a few figures: when, how many offers by status, the review."""
    statuses: dict[str, int] = {}
    for entry in scoring.result["offers"]:
        statuses[entry["status"]] = statuses.get(entry["status"], 0) + 1
    queue = queue_of(session, scoring)
    return {"id": scoring.public_id, "created_at": scoring.created_at.isoformat(),
            "offers": len(scoring.result["offers"]), "statuses": statuses,
            "to_review": len(queue), "decided": sum(1 for q in queue if q["decision"]),
            "warnings": list(scoring.result.get("warnings", []))}


def _stamp(session, lot) -> dict[str, Any] | None:
    """The latest stored scoring's id and time, without reading its (large) result."""
    row = session.execute(select(Scoring.public_id, Scoring.created_at)
                          .where(Scoring.lot_id == lot.id).order_by(Scoring.id.desc())
                          .limit(1)).first()
    return None if row is None else {"id": row.public_id, "created_at": row.created_at
                                     .isoformat()}


def overview(uow, principal: Principal, reference: str, *, summaries: bool = False
             ) -> dict[str, Any]:
    """The consultation as its buyers see it (lots, state, offer counts once unsealed), each
    lot with its latest stored scoring (or None): its id and time, and with ``summaries``
    its figures too (which read the whole stored result)."""
    _reader(principal)
    with uow:
        consultation = visible(uow.session, principal, reference)
        out = describe(uow.session, consultation, uow.now(), principal)
        out["closed"] = is_closed(consultation, uow.now())
        for lot, entry in zip(consultation.lots, out["lots"]):
            if summaries:
                scoring = latest(uow.session, lot)
                entry["scoring"] = None if scoring is None else scoring_summary(uow.session,
                                                                                scoring)
            else:
                entry["scoring"] = _stamp(uow.session, lot)
        return out


def _marks_view(criteria, marks) -> dict[str, dict[str, Any]]:
    out = {}
    for path, mark in marks.items():
        try:
            leaf = criteria.node(path)
        except KeyError:
            leaf = None
        out[path] = {"mark": mark.mark, "level": level_label(leaf, mark.mark) if leaf else None,
                     "justification": mark.justification, "given_at": mark.given_at.isoformat()}
    return out


def _offer_view(offer: Offer, marks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"id": offer.public_id, "supplier": {"name": offer.supplier_name,
                                                "siret": offer.siret, "sme": offer.sme},
            "answers": offer.answers, "evidence": offer.evidence,
            "submitted_at": offer.submitted_at.isoformat(), "marks": marks}


def _opened_lot(uow, principal: Principal, reference: str, lot_id: str):
    """The consultation and its lot, once the deadline has opened the offers; Conflict while
    they are sealed."""
    consultation = visible(uow.session, principal, reference)
    lot = find_lot(consultation, lot_id)
    if not is_closed(consultation, uow.now()):
        raise _sealed(consultation)
    return consultation, lot


def lot_offers(uow, principal: Principal, reference: str, lot_id: str, *, page: int = 1,
               per_page: int = DEFAULT_PER_PAGE) -> Page[dict[str, Any]]:
    """One page of the lot's current offers, in order of submission, with their marks;
    Conflict while they are sealed."""
    _reader(principal)
    with uow:
        consultation, lot = _opened_lot(uow, principal, reference, lot_id)
        found = page_of_query(uow.session, select(Offer).where(
            Offer.lot_id == lot.id, Offer.superseded_at.is_(None)).order_by(Offer.id),
            page, per_page)
        criteria = criteria_of(consultation.criteria_set)
        marks = current_marks(uow.session, [o.id for o in found.items])
        audit.record(uow, principal, "offers.read", target=f"consultation:{reference}",
                     consultation=reference, organisation_id=consultation.organisation_id,
                     details={"lot": lot_id, "offers": len(found.items)})
        uow.commit()
        return found.map(lambda o: _offer_view(o, _marks_view(criteria, marks.get(o.id, {}))))


def offer_detail(uow, principal: Principal, reference: str, lot_id: str, offer_id: str
                 ) -> dict[str, Any]:
    """One current offer of the lot: its answers, its marks with their history, its line of
    the latest stored scoring (or None) and the review decisions taken on it."""
    _reader(principal)
    with uow:
        consultation, lot = _opened_lot(uow, principal, reference, lot_id)
        offer = uow.session.execute(select(Offer).where(
            Offer.lot_id == lot.id, Offer.public_id == offer_id)).scalar_one_or_none()
        if offer is None:
            raise NotFound(f"offre « {offer_id} » inconnue dans le lot {lot_id}")
        criteria = criteria_of(consultation.criteria_set)
        view = _offer_view(offer, _marks_view(
            criteria, current_marks(uow.session, [offer.id]).get(offer.id, {})))
        view["current"] = offer.superseded_at is None
        view["history"] = {leaf.path: history(uow.session, offer, leaf.path)
                           for leaf in criteria.leaves if leaf.assessed_by == "buyer"}
        scoring = latest(uow.session, lot)
        view["scoring"] = None
        view["review"] = None
        if scoring is not None:
            entry = next((o for o in scoring.result["offers"] if o["id"] == offer_id), None)
            view["scoring"] = {"id": scoring.public_id,
                               "created_at": scoring.created_at.isoformat(), "entry": entry}
            view["review"] = next((q for q in queue_of(uow.session, scoring)
                                   if q["offer"] == offer_id), None)
        audit.record(uow, principal, "offer.read", target=f"offer:{offer_id}",
                     consultation=reference, organisation_id=consultation.organisation_id)
        uow.commit()
        return view



def offer_names(uow, principal: Principal, reference: str, lot_id: str) -> dict[str, str]:
    """Offer id → its company's name, as the latest stored scoring records them (to name
    the winners of the robustness analysis)."""
    _reader(principal)
    with uow:
        lot = find_lot(visible(uow.session, principal, reference), lot_id)
        scoring = latest(uow.session, lot)
        if scoring is None:
            return {}
        return {o["id"]: (o.get("supplier") or {}).get("name") or o["id"]
                for o in scoring.result["offers"]}


def changed_since_scoring(uow, principal: Principal, reference: str, lot_id: str) -> bool:
    """Whether a mark was given after the lot's latest stored scoring: its ranking does not
    count that mark yet (offers cannot change after the deadline)."""
    _reader(principal)
    with uow:
        lot = find_lot(visible(uow.session, principal, reference), lot_id)
        stamp = uow.session.execute(select(func.max(Scoring.created_at))
                                    .where(Scoring.lot_id == lot.id)).scalar_one()
        if stamp is None:
            return False
        marked = uow.session.execute(select(func.max(Mark.given_at)).join(
            Offer, Mark.offer_id == Offer.id).where(Offer.lot_id == lot.id)).scalar_one()
        return marked is not None and marked > stamp
