"""The buyer's review of flagged (or randomly drawn) offers, and the decisions it leaves."""

from __future__ import annotations

from typing import Any

from ..db.models import Offer, ReviewDecision, Scoring
from ..pipeline import offer_features
from . import audit
from .audit_records import decision_content
from .clock import paris_time
from .consultations import is_closed
from .criteria_sets import criteria_of
from .errors import Invalid, NotScored, OffersSealed
from .marks import find_offer
from .principal import Principal

DECISIONS = ("cleared", "rejected", "needs_information")


def _reviewed(uow, principal: Principal, public_id: str, action: str
              ) -> tuple[Offer, Scoring, dict[str, Any]]:
    """The offer, the latest scoring of its lot and the offer's entry in it."""
    offer = find_offer(uow, principal, public_id, action)
    consultation = offer.lot.consultation
    if not is_closed(consultation, uow.now()):
        raise OffersSealed("offres scellées jusqu'à la date limite "
                           f"({paris_time(consultation.deadline)})")
    scoring = uow.scorings.latest(offer.lot)
    entry = None if scoring is None else next(
        (o for o in scoring.result["offers"] if o["id"] == public_id), None)
    if entry is None:
        raise NotScored(f"l'offre {public_id} ne figure dans aucune notation : notez d'abord "
                        f"le lot {offer.lot.lot_id}")
    return offer, scoring, entry


def _decisions(uow, offer: Offer) -> list[dict[str, Any]]:
    return [{"decision": d.decision, "comment": d.comment, "decided_at": d.decided_at.isoformat(),
             "decided_by": d.decided_by, "model_version": d.model_version}
            for d in uow.review_decisions.of_offer(offer)]


def _view(offer: Offer, scoring: Scoring, entry: dict[str, Any], decisions) -> dict[str, Any]:
    review = entry.get("review", {})
    return {
        "offer": offer.public_id, "lot": offer.lot.lot_id, "scoring": scoring.public_id,
        "status": entry["status"], "rank": entry["rank"], "total": entry["total"],
        "flagged": review.get("flagged", False), "sampled": review.get("sampled", False),
        "to_review": review.get("to_review", review.get("flagged", False)),
        "sampling_probability": review.get("sampling_probability"),
        "reasons": review.get("reasons", []), "notes": review.get("notes", []),
        "model_score": review.get("model_score"),
        "model_version": review.get("model_version"), "top_features": review.get("top_features"),
        "decisions": decisions,
    }


def get(uow, principal: Principal, public_id: str) -> dict[str, Any]:
    """What the buyer is shown: the reasons, the model's score, earlier decisions."""
    with uow:
        offer, scoring, entry = _reviewed(uow, principal, public_id, "review.read")
        return _view(offer, scoring, entry, _decisions(uow, offer))


def decide(uow, principal: Principal, public_id: str, decision: str, comment: str
           ) -> dict[str, Any]:
    """Record a decision with what it was based on: reasons shown, model version and the
    offer's features at that moment (the labels a retrained model learns from)."""
    comment = (comment or "").strip()
    with uow:
        offer, scoring, entry = _reviewed(uow, principal, public_id, "review.decide")
        if not comment:
            raise Invalid("un commentaire est obligatoire", {"comment": ["obligatoire"]})
        index = [o["id"] for o in scoring.inputs["offers"]].index(public_id)
        features = offer_features(criteria_of(scoring.criteria_set),
                                  scoring.inputs).snapshot(index)
        review = entry.get("review", {})
        if review.get("flagged") or review.get("sampled"):
            # 1 when a rule or the model flagged it, the sample rate when it was drawn
            probability = float(review.get("sampling_probability",
                                           1.0 if review.get("flagged") else 0.0) or 0.0)
        else:
            probability = 0.0  # chosen by the buyer, outside the sampling: not a fair label
        record = ReviewDecision(
            offer_id=offer.id, scoring_id=scoring.id, decision=decision, comment=comment,
            reasons=review.get("reasons", []), features=features or {},
            model_version=review.get("model_version"), model_score=review.get("model_score"),
            sampling_probability=probability, decided_by=principal.token_id,
            decided_at=uow.now())
        uow.review_decisions.add(record)
        consultation = offer.lot.consultation
        audit.record(uow, principal, "review.decide", target=f"offer:{public_id}",
                     consultation=consultation.reference,
                     organisation_id=consultation.organisation_id,
                     content=decision_content(public_id, decision, comment,
                                              scoring.public_id))
        uow.commit()
        return _view(offer, scoring, entry, _decisions(uow, offer))


def reviewed_offers(uow) -> list:
    """Every decision made on a fairly drawn offer (flagged or sampled), latest per offer,
    in the form :func:`spar.review.train_challenger` learns from."""
    from ..review import ReviewedOffer

    with uow:
        rows = uow.review_decisions.fairly_drawn()
    latest_by_offer = {}
    for decision, public_id, lot in rows:
        if decision.features:
            latest_by_offer[public_id] = ReviewedOffer(
                offer=public_id, lot=str(lot), features=decision.features,
                decision=decision.decision, sampling_probability=decision.sampling_probability)
    return list(latest_by_offer.values())
