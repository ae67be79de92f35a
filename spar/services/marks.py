"""Buyers' marks on buyer-assessed criteria, each with its written justification."""

from __future__ import annotations

from typing import Any

from ..db.models import Mark, Offer
from ..engine.answers import lot_from_offers
from ..engine.errors import AnswersError
from . import audit
from .audit_records import mark_content
from .clock import paris_time
from .consultations import check_owned, is_closed
from .criteria_sets import criteria_of
from .errors import Invalid, NotFound, OfferSuperseded, OffersSealed
from .principal import Principal
from .repositories import Marks


def find_offer(uow, principal: Principal, public_id: str,
               action: str = "mark.set") -> Offer:
    """An offer of one of the buyer's consultations; NotFound for anyone else's (and
    RoleNotAllowed for a role that may not take ``action``)."""
    offer = uow.offers.get(public_id)
    if offer is None:
        raise NotFound(f"offre « {public_id} » inconnue")
    consultation = offer.lot.consultation
    try:
        check_owned(principal, consultation, consultation.reference, action)
    except NotFound:
        raise NotFound(f"offre « {public_id} » inconnue") from None
    return offer


def buyer_leaf(criteria, path: str):
    """The buyer-assessed leaf at ``path``; NotFound / Invalid otherwise."""
    try:
        leaf = criteria.node(path)
    except KeyError:
        raise NotFound(f"critère « {path} » inconnu") from None
    if leaf.is_group or leaf.assessed_by != "buyer":
        assessed = [x.path for x in criteria.leaves if x.assessed_by == "buyer"]
        raise Invalid(f"le critère « {path} » n'est pas noté par l'acheteur ; critères notés "
                      "par l'acheteur : " + (", ".join(assessed) or "aucun"),
                      {"criterion": ["non noté par l'acheteur"]})
    return leaf


def level_label(leaf, mark) -> str | None:
    for level in leaf.params.get("levels", ()):
        if float(level["mark"]) == float(mark):
            return level["label"]
    return None


def history(session, offer: Offer, path: str) -> list[dict[str, Any]]:
    """Every mark given to the offer on ``path``, oldest first, read in ``session``."""
    return _history(Marks(session), offer, path)


def _history(marks, offer: Offer, path: str) -> list[dict[str, Any]]:
    return [{"mark": m.mark, "justification": m.justification, "given_at": m.given_at.isoformat(),
             "given_by": m.given_by, "current": m.superseded_at is None}
            for m in marks.history(offer, path)]


def put_mark(uow, principal: Principal, public_id: str, path: str, mark: float,
             justification: str) -> dict[str, Any]:
    """Record a mark; the previous one stays in the history."""
    justification = (justification or "").strip()
    with uow:
        offer = find_offer(uow, principal, public_id)
        consultation = offer.lot.consultation
        now = uow.now()
        if not is_closed(consultation, now):
            raise OffersSealed("offres scellées jusqu'à la date limite "
                               f"({paris_time(consultation.deadline)}) : notation impossible")
        if offer.superseded_at is not None:
            raise OfferSuperseded(f"l'offre {public_id} a été remplacée par son auteur ; notez "
                                  "l'offre en vigueur")
        criteria = criteria_of(consultation.criteria_set)
        leaf = buyer_leaf(criteria, path)
        if not justification:
            raise Invalid("une justification écrite est obligatoire",
                          {"justification": ["obligatoire"]})
        try:
            lot_from_offers(criteria, [{"id": public_id, "answers": {leaf.input: mark}}])
        except AnswersError as exc:
            reason = "; ".join(p.reason for p in exc.problems)
            raise Invalid(f"note {mark:g} refusée : {reason}", {"mark": [reason]}) from None
        for previous in uow.marks.current(offer, path):
            previous.superseded_at = now
        uow.marks.add(Mark(offer_id=offer.id, criterion=path, mark=float(mark),
                           justification=justification, given_by=principal.token_id,
                           given_at=now))
        audit.record(uow, principal, "mark.set", target=f"offer:{public_id}/{path}",
                     consultation=consultation.reference,
                     organisation_id=consultation.organisation_id,
                     content=mark_content(public_id, path, mark, justification))
        uow.commit()
        return {"offer": public_id, "criterion": path, "mark": float(mark),
                "level": level_label(leaf, mark), "justification": justification,
                "given_at": now.isoformat(), "history": _history(uow.marks, offer, path)}
