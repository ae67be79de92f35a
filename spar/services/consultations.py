"""Consultations: created as drafts, published (criteria frozen), closed at the deadline."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select

from ..db.models import Consultation, Lot, Offer, Scoring
from . import audit
from .clock import paris_time
from .criteria_sets import get_record
from .errors import Conflict, Forbidden, Invalid, NotFound
from .notices import deliver_soon
from .principal import Principal
from .programme import link_consultation, on_publish

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LOT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


def state_of(session, consultation: Consultation, now: datetime) -> str:
    """draft → published → closed (deadline passed) → scored (a lot has a scoring)."""
    if consultation.published_at is None:
        return "draft"
    if now < consultation.deadline:
        return "published"
    scored = session.execute(select(func.count(Scoring.id)).join(Lot)
                             .where(Lot.consultation_id == consultation.id)).scalar_one()
    return "scored" if scored else "closed"


def is_closed(consultation: Consultation, now: datetime) -> bool:
    return consultation.published_at is not None and now >= consultation.deadline


def find(session, reference: str) -> Consultation:
    consultation = session.execute(select(Consultation).where(
        Consultation.reference == reference)).scalar_one_or_none()
    if consultation is None:
        raise NotFound(f"consultation « {reference} » inconnue")
    return consultation


def visible(session, principal: Principal, reference: str) -> Consultation:
    """The consultation if the caller may see it; NotFound otherwise, so that another
    organisation's consultations do not even show that they exist."""
    consultation = find(session, reference)
    if principal.role in ("buyer", "auditor"):
        if consultation.organisation_id != principal.organisation_id:
            raise NotFound(f"consultation « {reference} » inconnue")
    elif principal.role == "supplier":
        if consultation.published_at is None:
            raise NotFound(f"consultation « {reference} » inconnue")
    else:
        raise Forbidden("accès réservé aux acheteurs, contrôleurs et entreprises")
    return consultation


def owned(session, principal: Principal, reference: str) -> Consultation:
    """The consultation if the caller is a buyer of its organisation."""
    if principal.role != "buyer":
        raise Forbidden("action réservée aux acheteurs")
    return visible(session, principal, reference)


def find_lot(consultation: Consultation, lot_id: str) -> Lot:
    for lot in consultation.lots:
        if lot.lot_id == lot_id:
            return lot
    known = ", ".join(lot.lot_id for lot in consultation.lots)
    raise NotFound(f"lot « {lot_id} » inconnu dans la consultation {consultation.reference} "
                   f"(lots : {known})")


def create(uow, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """A draft consultation; Invalid/Conflict say what is wrong, nothing is written then."""
    if principal.role != "buyer":
        raise Forbidden("action réservée aux acheteurs")
    errors: dict[str, list[str]] = {}
    reference = data["reference"]
    if not REFERENCE.match(reference):
        errors["reference"] = ["lettres, chiffres, « . », « _ » ou « - », 64 caractères au plus"]
    deadline: datetime = data["deadline"]
    with uow:
        now = uow.now()
        if deadline <= now:
            errors["deadline"] = [f"la date limite {paris_time(deadline)} est déjà passée"]
        lots = data["lots"]
        seen = set()
        for k, lot in enumerate(lots):
            if not LOT_ID.match(lot["id"]):
                errors.setdefault("lots", []).append(f"lot {k + 1} : identifiant « {lot['id']} » "
                                                     "invalide")
            if lot["id"] in seen:
                errors.setdefault("lots", []).append(f"lot « {lot['id']} » en double")
            seen.add(lot["id"])
        try:
            record = get_record(uow.session, data["criteria_set"], data["criteria_version"])
        except NotFound as exc:
            errors["criteria_set"] = [exc.message]
            record = None
        if errors:
            raise Invalid("consultation refusée : " + "; ".join(
                f"{k} : {', '.join(v)}" for k, v in errors.items()), errors)
        if uow.session.execute(select(Consultation.id).where(
                Consultation.reference == reference)).first():
            raise Conflict(f"la référence « {reference} » est déjà utilisée",
                           {"reference": ["déjà utilisée"]})
        consultation = Consultation(
            reference=reference, title=data["title"], organisation_id=principal.organisation_id,
            criteria_set_id=record.id, deadline=deadline, created_at=now,
            created_by=principal.token_id)
        consultation.lots = [Lot(lot_id=lot["id"], position=k, title=lot.get("title") or lot["id"],
                                 estimate=lot.get("estimate")) for k, lot in enumerate(lots)]
        uow.session.add(consultation)
        uow.session.flush()
        if data.get("programme_item") is not None:  # the planned purchase it carries out
            link_consultation(uow, principal, data["programme_item"], consultation)
        view = describe(uow.session, consultation, now, principal)
        audit.record(uow, principal, "consultation.create", target=f"consultation:{reference}",
                     consultation=reference, content=view)
        uow.commit()
        return view


def publish(uow, principal: Principal, reference: str) -> dict[str, Any]:
    with uow:
        consultation = owned(uow.session, principal, reference)
        now = uow.now()
        if consultation.published_at is not None:
            raise Conflict(f"la consultation {reference} est déjà publiée")
        if consultation.deadline <= now:
            raise Conflict(f"la date limite {paris_time(consultation.deadline)} est passée : "
                           "impossible de publier")
        consultation.published_at = now
        audit.record(uow, principal, "consultation.publish", target=f"consultation:{reference}",
                     consultation=reference,
                     details={"criteria_sha256": consultation.criteria_set.sha256})
        told = on_publish(uow, principal, consultation)  # its planned item, interested firms
        uow.commit()
        view = describe(uow.session, consultation, now, principal)
    if told:
        deliver_soon(uow)
    return view


def get(uow, principal: Principal, reference: str) -> dict[str, Any]:
    with uow:
        consultation = visible(uow.session, principal, reference)
        return describe(uow.session, consultation, uow.now(), principal)


def describe(session, consultation: Consultation, now: datetime, principal: Principal
             ) -> dict[str, Any]:
    """What a caller sees of a consultation; offer counts only once offers are unsealed."""
    record = consultation.criteria_set
    out = {
        "reference": consultation.reference,
        "title": consultation.title,
        "organisation": consultation.organisation.slug if consultation.organisation else None,
        "criteria_set": {"id": record.set_id, "version": record.version, "sha256": record.sha256},
        "deadline": consultation.deadline.astimezone(timezone.utc).isoformat(),
        "deadline_paris": paris_time(consultation.deadline),
        "state": state_of(session, consultation, now),
        "published_at": consultation.published_at.isoformat() if consultation.published_at
        else None,
        "lots": [{"id": lot.lot_id, "title": lot.title, "estimate": lot.estimate}
                 for lot in consultation.lots],
    }
    if principal.role in ("buyer", "auditor") and is_closed(consultation, now):
        counts = dict(session.execute(
            select(Lot.lot_id, func.count(Offer.id)).join(Offer, Offer.lot_id == Lot.id)
            .where(Lot.consultation_id == consultation.id, Offer.superseded_at.is_(None))
            .group_by(Lot.lot_id)).all())
        for lot in out["lots"]:
            lot["offers"] = counts.get(lot["id"], 0)
    return out
