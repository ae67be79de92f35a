"""Scoring runs: stored immutably with their inputs; the latest one is the ranking."""

from __future__ import annotations

import secrets
from typing import Any, Iterable

from sqlalchemy import select

from ..db.models import Lot, Offer, ReviewDecision, Scoring
from ..engine import VERSION
from ..engine.criteria import CriteriaSet
from ..pipeline import evaluate_inputs
from . import audit
from .clock import paris_time
from .consultations import check_owned, check_visible, find_lot, is_closed, visible
from .criteria_sets import criteria_of
from .errors import NotFound, NothingToScore, OffersSealed
from .permissions import require
from .principal import Principal
from .repositories import Scorings


def build_inputs(criteria: CriteriaSet, lot: Lot, offers: list[Offer], marks, settings,
                 seed: int) -> dict[str, Any]:
    """Everything the engine needs, frozen as a document: answers with the buyer's marks
    in place of any mark the supplier announced (kept apart for the review)."""
    buyer_leaves = [leaf for leaf in criteria.leaves if leaf.assessed_by == "buyer"]
    warnings = []
    offers_doc, marks_doc, self_marks = [], {}, {}
    for offer in offers:
        answers = dict(offer.answers)
        given = marks.get(offer.id, {})
        for leaf in buyer_leaves:
            if leaf.input in answers:
                self_marks.setdefault(offer.public_id, {})[leaf.input] = answers.pop(leaf.input)
            mark = given.get(leaf.path)
            if mark is not None:
                answers[leaf.input] = mark.mark
                marks_doc.setdefault(offer.public_id, {})[leaf.path] = {
                    "mark": mark.mark, "justification": mark.justification,
                    "given_at": mark.given_at.isoformat()}
            else:
                warnings.append(f"Offre {offer.public_id} ({offer.supplier_name}) : pas de note "
                                f"pour « {leaf.label} » ({leaf.path}), comptée 0")
        offers_doc.append({
            "id": offer.public_id,
            "supplier": {"name": offer.supplier_name, "siret": offer.siret, "sme": offer.sme},
            "answers": answers, "evidence": offer.evidence,
            "submitted_at": offer.submitted_at.isoformat(),
        })
    inputs = {
        "lot": lot.lot_id, "estimate": lot.estimate, "offers": offers_doc, "marks": marks_doc,
        "self_marks": self_marks,
        "review": {"seed": seed, "sample_rate": float(settings.get("REVIEW_SAMPLE_RATE", 0.0))},
        "warnings": warnings,
    }
    return inputs


def run(uow, principal: Principal, reference: str, lot_id: str) -> dict[str, Any]:
    """Score a lot after the deadline and store the run; returns the result (SPEC §4)."""
    with uow:
        consultation = check_owned(principal, uow.consultations.get(reference), reference)
        lot = find_lot(consultation, lot_id)
        now = uow.now()
        if not is_closed(consultation, now):
            raise OffersSealed("offres scellées jusqu'à la date limite "
                               f"({paris_time(consultation.deadline)}) : notation impossible")
        offers = uow.offers.current_of(lot)
        if not offers:
            raise NothingToScore(f"aucune offre reçue pour le lot {lot_id}")
        criteria = criteria_of(consultation.criteria_set)
        marks = uow.marks.current_of([o.id for o in offers])
        inputs = build_inputs(criteria, lot, offers, marks, uow.settings, secrets.randbits(31))
        evaluation = evaluate_inputs(criteria, inputs)
        doc = evaluation.document()
        scoring = Scoring(
            public_id="s-" + secrets.token_hex(6), lot_id=lot.id,
            criteria_set_id=consultation.criteria_set_id, criteria_sha256=criteria.sha256,
            engine_version=VERSION, model_version=evaluation.review.model_version,
            inputs=inputs, result=doc, result_sha256=audit.content_hash(doc),
            created_by=principal.token_id, created_at=now)
        uow.scorings.add(scoring)
        audit.record(uow, principal, "scoring.run", target=f"scoring:{scoring.public_id}",
                     consultation=reference, organisation_id=consultation.organisation_id,
                     content=doc, details={"lot": lot_id, "offers": len(offers),
                                           "inputs_sha256": audit.content_hash(inputs)})
        uow.commit()
        return with_meta(scoring, doc)


def with_meta(scoring: Scoring, doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "scoring": {"id": scoring.public_id, "created_at": scoring.created_at.isoformat(),
                               "model_version": scoring.model_version}}


def latest(session, lot: Lot) -> Scoring | None:
    return Scorings(session).latest(lot)


def decisions(session, scoring: Scoring, offer_ids: Iterable[str] | None = None
              ) -> dict[str, dict[str, Any]]:
    """The buyer's stored review decisions on the offers of a scoring, the latest per offer:
    ``{offer id: {"decision", "comment", "by", "at"}}``. ``offer_ids``: the ids of the
    scoring's offers when the caller has them (read from ``scoring.inputs`` otherwise)."""
    offer_ids = {o["id"] for o in scoring.inputs["offers"]} if offer_ids is None \
        else set(offer_ids)
    rows = session.execute(select(ReviewDecision, Offer.public_id).join(
        Offer, ReviewDecision.offer_id == Offer.id).where(
        ReviewDecision.scoring_id == scoring.id).order_by(ReviewDecision.id)).all()
    out: dict[str, dict[str, Any]] = {}
    for decision, public_id in rows:  # the latest decision per offer counts
        if public_id in offer_ids:
            out[public_id] = {"decision": decision.decision, "comment": decision.comment,
                              "by": decision.decided_by, "at": decision.decided_at.isoformat()}
    return out


def ranking(uow, principal: Principal, reference: str, lot_id: str) -> dict[str, Any]:
    """The latest stored scoring as the caller may see it: whole for the buyer and the
    auditor; for a supplier, its own lines and the winner's, other bidders left out."""
    require(principal, "scoring.read")
    with uow:
        consultation, lot, scoring = _latest_scoring(uow, principal, reference, lot_id)
        doc = dict(scoring.result)
        if principal.role == "supplier":
            own = {o.public_id for o in uow.offers.of_supplier(lot, principal.siret)}
            relative = _relative_criteria(criteria_of(scoring.criteria_set))
            mine = [_own_view(o, relative) for o in doc["offers"] if o["id"] in own]
            if not mine:
                raise NotFound(f"vous n'avez pas remis d'offre pour le lot {lot_id}")
            winners = [o for o in doc["offers"] if o["rank"] == 1 and o["id"] not in own]
            doc["offers"] = mine + [_winner_view(o, relative) for o in winners]
            # the buyer's working notes: warnings, robustness (it names other bidders)
            doc["warnings"] = []
            doc.pop("sensitivity", None)
        audit.record(uow, principal, "ranking.read", target=f"scoring:{scoring.public_id}",
                     consultation=reference, organisation_id=consultation.organisation_id)
        uow.commit()
        return with_meta(scoring, doc)


def _latest_scoring(uow, principal: Principal, reference: str, lot_id: str):
    """(consultation, lot, its latest scoring) as the caller may see them."""
    consultation = check_visible(principal, uow.consultations.get(reference), reference)
    lot = find_lot(consultation, lot_id)
    scoring = uow.scorings.latest(lot)
    if scoring is None:
        raise NotFound(f"le lot {lot_id} n'a pas encore été noté")
    return consultation, lot, scoring


#: What a bidder reads instead of the arithmetic of a criterion scored against the other
#: offers: that arithmetic quotes their values (the highest price of price_min_max, the
#: worst value of min_max…), which a bidder may not learn (as in the letter).
RELATIVE_EXPLANATION = "{method} : note calculée par rapport aux autres offres, dont les " \
    "valeurs restent confidentielles"


def _relative_criteria(criteria: CriteriaSet) -> dict[str, str]:
    """Criterion path → method name, for the criteria scored against the other offers."""
    from ..engine.methods import get_method

    return {leaf.path: leaf.method for leaf in criteria.leaves
            if get_method(leaf.method).RELATIVE}


def _without_others(breakdown, relative: dict[str, str]) -> list[dict[str, Any]]:
    """A breakdown whose relative criteria no longer quote the other offers' values."""
    return [{**line, "explanation": RELATIVE_EXPLANATION.format(method=relative[line[
        "criterion"]])} if line.get("criterion") in relative else line
            for line in breakdown or ()]


def _own_view(entry: dict[str, Any], relative: dict[str, str]) -> dict[str, Any]:
    """A bidder's own line: its scores and why it was excluded, not the buyer's review,
    nor what the other offers answered."""
    review = entry.get("review", {}).get("reasons", [])
    out = {k: v for k, v in entry.items() if k != "review"}
    out["reasons"] = [r for r in entry.get("reasons", []) if r not in review]
    if "breakdown" in out:
        out["breakdown"] = _without_others(out["breakdown"], relative)
    return out


def _winner_view(entry: dict[str, Any], relative: dict[str, str]) -> dict[str, Any]:
    """The winner as a rejected bidder may see it: name, answers and scores, not its
    review, nor what the offers other than the winner's answered."""
    out = {k: v for k, v in entry.items() if k not in ("review", "reasons")}
    if "supplier" in out:
        out["supplier"] = {"name": out["supplier"].get("name")}
    if "breakdown" in out:
        out["breakdown"] = _without_others(out["breakdown"], relative)
    return out


def sensitivity(uow, principal: Principal, reference: str, lot_id: str, *, pairs: bool = False
                ) -> dict[str, Any]:
    """Effective weights and winner stability of the latest scoring, as stored with it;
    with ``pairs``, every adjacent pair of ranks too, from the stored leaf scores."""
    from ..engine.sensitivity import stored_pairs

    require(principal, "scoring.sensitivity")
    with uow:
        _, _, scoring = _latest_scoring(uow, principal, reference, lot_id)
        analysis = dict(scoring.result.get("sensitivity") or {})
        if pairs:
            analysis["pairs"] = stored_pairs(criteria_of(scoring.criteria_set),
                                             scoring.result["offers"])
        return {**analysis, "scoring": {"id": scoring.public_id,
                                        "created_at": scoring.created_at.isoformat()}}


def stored_scorings(session, principal: Principal, reference: str, lot_id: str | None = None
                    ) -> list[tuple[Lot, Scoring]]:
    """Every stored scoring of a consultation (or of one lot), oldest first. Admins (the
    operator's command line) reach every organisation's."""
    from .consultations import find

    consultation = (find(session, reference) if principal.role == "admin"
                    else visible(session, principal, reference))
    lots = [find_lot(consultation, lot_id)] if lot_id else list(consultation.lots)
    out = []
    for lot in lots:
        for scoring in session.execute(select(Scoring).where(Scoring.lot_id == lot.id)
                                       .order_by(Scoring.id)).scalars():
            out.append((lot, scoring))
    return out
