"""Sealed offers: submitted and replaced by suppliers until the deadline, unsealed after."""

from __future__ import annotations

import random
import secrets
import time
from datetime import timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..db.models import Consultation, Lot, Mark, Offer, Scoring
from ..engine.answers import lot_from_offers
from ..engine.errors import AnswersError
from ..engine.scoring import IRREGULAR, score_lot
from . import audit, locks
from .audit_records import offer_content
from .clock import paris_time
from .consultations import check_visible, find_lot, is_closed, visible
from .criteria_sets import criteria_of
from .errors import Conflict, Invalid, NotFound, SealedUntilDeadline
from .pagination import DEFAULT_PER_PAGE, Page, page_of_query
from .permissions import require
from .principal import Principal
from .repositories import Marks, Offers


def answers_problems(problems) -> dict[str, Any]:
    """Engine answer problems → ``{"answers": {input: [reasons]}}`` for a 422."""
    out: dict[str, list[str]] = {}
    for p in problems:
        key = p.input or "_offre"
        if key.startswith("evidence."):
            out.setdefault("evidence", []).append(f"{key[9:]} : {p.reason}")
        else:
            out.setdefault(key, []).append(p.reason)
    evidence = out.pop("evidence", None)
    errors: dict[str, Any] = {"answers": out} if out else {}
    if evidence:
        errors["evidence"] = evidence
    return errors


def _irregularity_warnings(criteria, offer: dict) -> list[dict[str, Any]]:
    """What would make this offer irregular once the deadline passes (the supplier can
    still fix it); buyer-assessed criteria are not the supplier's to answer."""
    result = score_lot(criteria, lot_from_offers(criteria, [offer]))
    if result.status[0] != IRREGULAR:
        return []
    buyer_inputs = {leaf.input for leaf in criteria.leaves if leaf.assessed_by == "buyer"}
    return [r for r in result.reasons[0] if r.get("input") not in buyer_inputs]


#: A submission that loses a race the lock did not cover is tried again, after a short
#: random pause so that the losers do not collide again; each round one of them wins.
ATTEMPTS = 8
PAUSE = 0.02  # seconds, at most, times the attempt's number
#: PostgreSQL's answers to a lost race besides a unique violation: deadlock, serialisation.
_RACE_STATES = {"40P01", "40001"}


def _lost_race(error: DBAPIError) -> bool:
    return (isinstance(error, IntegrityError)
            or getattr(error.orig, "sqlstate", None) in _RACE_STATES)


def submit(uow, principal: Principal, reference: str, data: dict[str, Any],
           idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
    """Store an offer (or return the one a retried key already stored): (receipt, created).

    One supplier's submissions take turns (:mod:`.locks`), so a retry sent while the
    first request is still running waits for it and replays its receipt, and two offers
    sent at once leave one in force: the later. The database holds the same line (one
    current offer per supplier and lot, one offer per supplier and key); should a race
    slip past the lock, the losing submission is run again and sees the winner."""
    require(principal, "offer.submit")
    for attempt in range(ATTEMPTS):
        try:
            return _submit_once(uow, principal, reference, data, idempotency_key)
        except DBAPIError as exc:
            if not _lost_race(exc):
                raise
        time.sleep(random.uniform(0, PAUSE) * (attempt + 1))
    raise Conflict("envois simultanés de la même offre : réessayez avec la même "
                   "Idempotency-Key")


def _submit_once(uow, principal: Principal, reference: str, data: dict[str, Any],
                 idempotency_key: str | None) -> tuple[dict[str, Any], bool]:
    with uow:
        locks.serialise(uow.session, locks.SUPPLIER, principal.siret)
        consultation = visible(uow.session, principal, reference)
        lot = _lot_of(consultation, data)
        content = offer_content(data["answers"], data.get("evidence") or {})
        digest = audit.content_hash(content)
        if idempotency_key:
            existing = uow.session.execute(select(Offer).where(
                Offer.siret == principal.siret, Offer.idempotency_key == idempotency_key)
            ).scalar_one_or_none()
            if existing is not None:
                if existing.content_hash != digest or existing.lot_id != lot.id:
                    raise Conflict("cette clé Idempotency-Key a déjà servi pour une autre offre ; "
                                   "utilisez une nouvelle clé pour une nouvelle offre",
                                   {"Idempotency-Key": ["déjà utilisée"]})
                return _receipt(uow, existing), False
        now = uow.now()
        if now >= consultation.deadline:
            raise _too_late(consultation)
        warnings = _checked(consultation, content)
        previous = current_offer(uow.session, lot, principal.siret)
        if previous is not None:
            # out of force before its successor is written: the database allows one current
            # offer per supplier and lot
            previous.superseded_at = now
            uow.session.flush()
        offer = Offer(
            public_id="o-" + secrets.token_hex(6), lot_id=lot.id, siret=principal.siret,
            supplier_name=data.get("supplier_name") or principal.name or principal.siret,
            sme=data.get("sme"), answers=data["answers"], evidence=content["evidence"],
            content_hash=digest, idempotency_key=idempotency_key,
            submitted_by=principal.token_id, submitted_at=now)
        uow.session.add(offer)
        uow.session.flush()
        if previous is not None:
            previous.superseded_by = offer.id
        # the log keeps the hash, never the sealed content
        entry = audit.record(uow, principal, "offer.replace" if previous else "offer.submit",
                             target=f"offer:{offer.public_id}", consultation=reference,
                             organisation_id=consultation.organisation_id, content=content,
                             details={"lot": lot.lot_id, "siret": principal.siret,
                                      "replaces": previous.public_id if previous else None})
        uow.commit()
        return _receipt_of(offer, lot, consultation, entry.entry_hash, previous, warnings), True


def _lot_of(consultation: Consultation, data: dict[str, Any]) -> Lot:
    """The lot an offer is for; Invalid, on the ``lot`` field, when there is no such lot."""
    try:
        return find_lot(consultation, data["lot"])
    except NotFound as exc:
        raise Invalid(exc.message, {"lot": [exc.message]}) from None


def _too_late(consultation: Consultation) -> Conflict:
    return Conflict(f"la date limite de remise des offres ({paris_time(consultation.deadline)}) "
                    "est passée : offre non enregistrée")


def _checked(consultation: Consultation, content: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers checked against the consultation's criteria (Invalid, by input, when
    the engine cannot read one); the warnings of what would make the offer irregular."""
    criteria = criteria_of(consultation.criteria_set)
    try:
        return _irregularity_warnings(criteria, {"id": "offre", **content})
    except AnswersError as exc:
        raise Invalid("réponses invalides : " + "; ".join(str(p) for p in exc.problems[:10]),
                      answers_problems(exc.problems)) from None


def preview(uow, principal: Principal, reference: str, data: dict[str, Any]
            ) -> dict[str, Any]:
    """What :func:`submit` would store, checked as it checks it, nothing stored: the lot,
    the content with the SHA-256 the receipt will carry, the warnings, and the current
    offer the submission would supersede (``replaces``: id and submission time, or None).
    The check step of the submission page (RGAA 11.12) shows it before confirming."""
    require(principal, "offer.submit")
    with uow:
        consultation = visible(uow.session, principal, reference)
        lot = _lot_of(consultation, data)
        content = offer_content(data["answers"], data.get("evidence") or {})
        if uow.now() >= consultation.deadline:
            raise _too_late(consultation)
        warnings = _checked(consultation, content)
        previous = current_offer(uow.session, lot, principal.siret)
        return {"consultation": consultation.reference, "lot": lot.lot_id,
                "content": content, "content_sha256": audit.content_hash(content),
                "warnings": warnings,
                "replaces": None if previous is None else {
                    "offer": previous.public_id,
                    "submitted_at": previous.submitted_at.isoformat()}}


def _receipt_of(offer: Offer, lot: Lot, consultation: Consultation, entry_hash: str | None,
                previous: Offer | None, warnings: list) -> dict[str, Any]:
    """The acknowledgement a supplier keeps (SPEC §6.1): what was received, when, its
    hash, and the audit entry that recorded it; the same whenever it is asked again."""
    return {
        "offer": offer.public_id, "id": offer.public_id, "consultation": consultation.reference,
        "lot": lot.lot_id, "siret": offer.siret,
        "submitted_at": offer.submitted_at.isoformat(), "content_sha256": offer.content_hash,
        "audit_entry_hash": entry_hash,
        "replaces": previous.public_id if previous else None, "warnings": warnings,
        "deadline": consultation.deadline.astimezone(timezone.utc).isoformat(),
    }


def _receipt(uow, offer: Offer) -> dict[str, Any]:
    """A stored offer's receipt, rebuilt from what was stored."""
    lot = offer.lot
    consultation = lot.consultation
    previous = uow.offers.replaced_by(offer)
    entry_hash = uow.audit_log.first_hash(f"offer:{offer.public_id}",
                                          ("offer.submit", "offer.replace"))
    criteria = criteria_of(consultation.criteria_set)
    warnings = _irregularity_warnings(criteria, {"id": "offre", **offer_content(
        offer.answers, offer.evidence)})
    return _receipt_of(offer, lot, consultation, entry_hash, previous, warnings)


def receipt(uow, principal: Principal, offer_id: str) -> dict[str, Any]:
    """An offer's receipt again: for the company that submitted it, at any time; for the
    buyer and the auditors of the consultation's organisation, once the deadline passed.
    Anyone else is told the offer does not exist."""
    require(principal, "offer.receipt")
    unknown = NotFound(f"offre « {offer_id} » inconnue")
    with uow:
        offer = uow.offers.get(offer_id)
        if offer is None:
            raise unknown
        consultation = offer.lot.consultation
        if principal.role == "supplier":
            if offer.siret != principal.siret:
                raise unknown
        else:
            if consultation.organisation_id != principal.organisation_id:
                raise unknown
            if not is_closed(consultation, uow.now()):
                raise SealedUntilDeadline("offres scellées jusqu'à la date limite "
                                          f"({paris_time(consultation.deadline)})")
        return _receipt(uow, offer)


def current_offer(session, lot: Lot, siret: str) -> Offer | None:
    return session.execute(select(Offer).where(
        Offer.lot_id == lot.id, Offer.siret == siret, Offer.superseded_at.is_(None))
    ).scalar_one_or_none()


def current_offers(session, lot: Lot) -> list[Offer]:
    """The offers that count: the last one of each supplier, in order of submission."""
    return Offers(session).current_of(lot)


def current_marks(session, offer_ids: list[int]) -> dict[int, dict[str, Mark]]:
    """offer id → criterion path → its current mark."""
    return Marks(session).current_of(offer_ids)


def _offer_view(offer: Offer, marks: dict[str, Mark] | None = None) -> dict[str, Any]:
    out = {
        "id": offer.public_id, "lot": offer.lot.lot_id,
        "supplier": {"name": offer.supplier_name, "siret": offer.siret, "sme": offer.sme},
        "answers": offer.answers, "evidence": offer.evidence,
        "submitted_at": offer.submitted_at.isoformat(), "content_sha256": offer.content_hash,
        "current": offer.superseded_at is None,
    }
    if marks is not None:
        out["marks"] = {path: {"mark": m.mark, "justification": m.justification,
                               "given_at": m.given_at.isoformat()} for path, m in marks.items()}
    return out


def list_offers(uow, principal: Principal, reference: str) -> list[dict[str, Any]]:
    """Buyers and auditors: every current offer, after the deadline only.
    Suppliers: their own offers, replaced ones included, at any time."""
    with uow:
        consultation = check_visible(principal, uow.consultations.get(reference), reference)
        if principal.role == "supplier":
            return [_offer_view(o) for o in uow.offers.in_consultation(
                consultation, siret=principal.siret)]
        if not is_closed(consultation, uow.now()):
            raise SealedUntilDeadline("offres scellées jusqu'à la date limite "
                                      f"({paris_time(consultation.deadline)})")
        offers = uow.offers.in_consultation(consultation, current=True)
        marks = uow.marks.current_of([o.id for o in offers])
        audit.record(uow, principal, "offers.read", target=f"consultation:{reference}",
                     consultation=reference, organisation_id=consultation.organisation_id,
                     details={"offers": len(offers)})
        uow.commit()
        return [_offer_view(o, marks.get(o.id, {})) for o in offers]


def own_offers(uow, principal: Principal, page: int = 1, per_page: int = DEFAULT_PER_PAGE
               ) -> Page:
    """The calling company's offers in every consultation, replaced ones included: by
    consultation (latest deadline first) and lot, the latest submission first. Each says
    whether it is the one in force, whether the deadline passed and whether its lot has
    been scored, so the company knows where to look for its results."""
    require(principal, "offer.read_own")
    with uow:
        query = (select(Offer).join(Lot, Offer.lot_id == Lot.id)
                 .join(Consultation, Lot.consultation_id == Consultation.id)
                 .where(Offer.siret == principal.siret)
                 .order_by(Consultation.deadline.desc(), Consultation.reference, Lot.lot_id,
                           Offer.id.desc()))
        found = page_of_query(uow.session, query, page, per_page)
        lot_ids = {offer.lot_id for offer in found.items}
        scored = set(uow.session.execute(select(Scoring.lot_id).where(
            Scoring.lot_id.in_(lot_ids)).distinct()).scalars()) if lot_ids else set()
        now = uow.now()

        def view(offer: Offer) -> dict[str, Any]:
            consultation = offer.lot.consultation
            return {"offer": offer.public_id, "lot": offer.lot.lot_id,
                    "lot_title": offer.lot.title,
                    "consultation": {"reference": consultation.reference,
                                     "title": consultation.title,
                                     "deadline": consultation.deadline.astimezone(
                                         timezone.utc).isoformat(),
                                     "closed": is_closed(consultation, now)},
                    "submitted_at": offer.submitted_at.isoformat(),
                    "content_sha256": offer.content_hash,
                    "current": offer.superseded_at is None,
                    "scored": offer.lot_id in scored}

        return found.map(view)
