"""The review queue of a lot (SPEC §6.1): the offers of its latest stored scoring that need
a decision before the award, highest priority first, each with its reasons put in words a
buyer understands and the decisions taken so far.

Read from the stored scoring (SPEC §4.1), never by scoring again. The order says what the
law and the budget ask first:

1. the lot's abnormally-low rules — the buyer must ask the firm to justify its price
   before it may reject the offer; the further under the threshold, the sooner;
2. the review model's score above the budget's threshold, highest score first;
3. the random audit sample, in ranking order.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import select

from ..collector import paused
from ..db.models import Offer, ReviewDecision, Scoring
from ..exports.stored_document import iter_offers
from .consultations import find_lot, visible
from .errors import Forbidden, NotFound
from .pagination import DEFAULT_PER_PAGE, Page, page_of_list
from .principal import Principal

#: The grounds of a review, by priority; a reason's ``code`` → its ground.
GROUNDS = ("abnormally_low", "model", "audit_sample")
SOURCES = {"abnormally_low": "rule", "model": "model", "audit_sample": "sample"}

#: The abnormally-low methods of SPEC §2.4, as a buyer would say them.
LOW_PRICE_METHODS = {
    "mean_ratio": "prix inférieur à une part de la moyenne des offres",
    "mean_minus_std": "prix inférieur à la moyenne des offres moins un multiple de leur "
                      "écart-type",
    "estimate_ratio": "prix inférieur à une part de l'estimation du lot",
    "two_pass_mean": "prix inférieur à la moyenne des offres, recalculée sans les plus chères",
    "next_offer_gap": "prix très éloigné de la moyenne des autres offres ou de l'offre suivante",
}


def _worded(reason: dict[str, Any]) -> dict[str, Any]:
    """A stored reason with what it means for the buyer: its source (a rule of the lot, the
    review model, the audit sample), a title and what to do."""
    code = reason.get("code")
    out = {**reason, "source": SOURCES.get(code, "rule")}
    if code == "abnormally_low":
        method = reason.get("method", "")
        out["title"] = ("Offre anormalement basse selon la règle du lot : "
                        + LOW_PRICE_METHODS.get(method, method))
        out["explanation"] = (
            "La loi impose de demander à l'entreprise de justifier son prix avant de pouvoir "
            "écarter son offre (code de la commande publique, art. L2152-5 et R2152-3) ; "
            "l'offre n'est pas exclue d'office.")
    elif code == "model":
        out["title"] = "Signalée par le modèle de revue"
        out["explanation"] = (
            "Son score dépasse le seuil fixé pour le budget de revue : elle ressemble aux "
            "offres que des acheteurs ont dû examiner de près (prix, déclarations, écarts "
            "avec les autres offres). Ce n'est pas une accusation : vérifiez les éléments "
            "cités.")
    elif code == "audit_sample":
        out["title"] = "Tirée au sort pour un contrôle"
        out["explanation"] = (
            "Rien de particulier ne la signale : votre décision sert à vérifier, sans biais, "
            "que la revue ne laisse rien passer.")
    else:
        out["title"] = "Motif de revue"
        out["explanation"] = reason.get("message", "")
    return out


def _ground(reasons: list[dict[str, Any]]) -> str:
    codes = {r.get("code") for r in reasons}
    return next((g for g in GROUNDS if g in codes), "audit_sample")


def _urgency(entry: dict[str, Any], ground: str) -> float:
    """Within a ground, smaller comes first."""
    review = entry.get("review", {})
    if ground == "abnormally_low":  # the furthest under its threshold first
        ratios = [r["value"] / r["threshold"] for r in review.get("reasons", [])
                  if r.get("code") == "abnormally_low" and r.get("threshold")]
        return min(ratios) if ratios else 1.0
    if ground == "model":
        return -(review.get("model_score") or 0.0)
    return 0.0


def _decisions(session, scoring: Scoring) -> dict[str, list[dict[str, Any]]]:
    """Every decision taken on the offers of this scoring, oldest first, by offer."""
    rows = session.execute(select(ReviewDecision, Offer.public_id).join(
        Offer, ReviewDecision.offer_id == Offer.id).where(
        ReviewDecision.scoring_id == scoring.id).order_by(ReviewDecision.id)).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for decision, public_id in rows:
        out.setdefault(public_id, []).append({
            "decision": decision.decision, "comment": decision.comment,
            "decided_at": decision.decided_at.isoformat()})
    return out


def queue_of(session, scoring: Scoring, offers: Iterable[dict[str, Any]] | None = None
             ) -> list[dict[str, Any]]:
    """The whole queue of a stored scoring, in priority order. ``offers``: the stored
    offers when the caller reads them otherwise than from ``scoring.result``."""
    decided = _decisions(session, scoring)
    entries = []
    for position, entry in enumerate(scoring.result["offers"] if offers is None else offers):
        review = entry.get("review") or {}
        if not review.get("flagged"):
            continue
        reasons = review.get("reasons", [])
        ground = _ground(reasons)
        order = (GROUNDS.index(ground), _urgency(entry, ground), position)
        entries.append((order, ground, entry))
    entries.sort(key=lambda e: e[0])
    out = []
    for priority, (_order, ground, entry) in enumerate(entries, start=1):
        review = entry.get("review") or {}
        history = decided.get(entry["id"], [])
        supplier = entry.get("supplier") or {}
        out.append({
            "priority": priority, "offer": entry["id"], "ground": ground,
            "supplier": {"name": supplier.get("name"), "siret": supplier.get("siret")},
            "status": entry["status"], "rank": entry.get("rank"), "total": entry.get("total"),
            "reasons": sorted((_worded(r) for r in review.get("reasons", [])),
                              key=lambda r: GROUNDS.index(r["code"])
                              if r.get("code") in GROUNDS else len(GROUNDS)),
            "notes": review.get("notes", []), "model_score": review.get("model_score"),
            "sampled": bool(review.get("sampled")),
            "decisions": history, "decision": history[-1] if history else None,
            "scoring": scoring.public_id,
        })
    return out


def review_queue(uow, principal: Principal, reference: str, lot_id: str, *, page: int = 1,
                 per_page: int = DEFAULT_PER_PAGE) -> Page[dict[str, Any]]:
    """One page of the lot's review queue (buyers and auditors of its organisation)."""
    if principal.role not in ("buyer", "auditor"):
        raise Forbidden("réservé aux acheteurs et contrôleurs")
    with uow:
        consultation = visible(uow.session, principal, reference)
        lot = find_lot(consultation, lot_id)
        scoring = uow.scorings.latest_unread(lot)
        if scoring is None:
            raise NotFound(f"le lot {lot_id} n'a pas encore été noté")
        # one pass over the offers keeps the flagged ones: decoded one at a time from the
        # text read a piece at a time, not all of them at once (2 GB for 100,000 offers)
        with paused():
            queue = queue_of(uow.session, scoring,
                             iter_offers(uow.scorings.stored_text(scoring, "result")))
        return page_of_list(queue, page, per_page)
