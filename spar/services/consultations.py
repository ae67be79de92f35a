"""Consultations: created as drafts, published (criteria frozen), closed at the deadline."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..db.models import Consultation, CriteriaSetRecord, Lot, Offer, Organisation, Scoring
from . import audit
from .clock import paris_time
from .criteria_sets import get_record
from .errors import Conflict, Forbidden, Invalid, NotFound
from .notices import deliver_soon
from .pagination import DEFAULT_PER_PAGE, Page, page_of_query
from .principal import Principal
from .programme import link_consultation, on_publish

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LOT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


#: SPEC §6.1: draft → open (published, before the deadline) → closed (deadline passed)
#: → scored (a lot has a stored scoring).
STATES = ("draft", "open", "closed", "scored")


def state_of(session, consultation: Consultation, now: datetime) -> str:
    """The consultation's state among :data:`STATES`."""
    return _state(consultation, now, lambda: session.execute(
        select(func.count(Scoring.id)).join(Lot).where(Lot.consultation_id == consultation.id)
    ).scalar_one() > 0)


def _state(consultation: Consultation, now: datetime, scored: Callable[[], bool]) -> str:
    if consultation.published_at is None:
        return "draft"
    if now < consultation.deadline:
        return "open"
    return "scored" if scored() else "closed"


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


def _scored():
    return exists().where(Scoring.lot_id == Lot.id, Lot.consultation_id == Consultation.id)


def _state_condition(state: str, now: datetime):
    """The SQL condition of :func:`state_of`'s answer being ``state``."""
    published = Consultation.published_at.is_not(None)
    if state == "draft":
        return Consultation.published_at.is_(None)
    if state == "open":
        return published & (Consultation.deadline > now)
    closed = published & (Consultation.deadline <= now)
    return closed & (_scored() if state == "scored" else ~_scored())


def list_consultations(uow, principal: Principal, *, state: str | None = None,
                       category: str | None = None, q: str | None = None,
                       organisation_only: bool = False, page: int = 1,
                       per_page: int = DEFAULT_PER_PAGE) -> Page[dict[str, Any]]:
    """The public notices of published consultations, for anyone; a buyer or auditor also
    sees its organisation's drafts (and with ``organisation_only`` only its
    organisation's consultations). Open ones come soonest deadline first, the others
    latest deadline first."""
    if state is not None and state not in STATES:
        raise Invalid(f"état « {state} » inconnu ; états possibles : " + ", ".join(STATES),
                      {"state": ["Valeur possible : " + ", ".join(STATES) + "."]})
    member = principal.role in ("buyer", "auditor") and principal.organisation_id is not None
    if organisation_only and not member:
        raise Forbidden("réservé aux acheteurs et contrôleurs d'une organisation")
    with uow:
        now = uow.now()
        query = (select(Consultation).join(CriteriaSetRecord)
                 .options(contains_eager(Consultation.criteria_set),
                          selectinload(Consultation.lots),
                          selectinload(Consultation.organisation)))
        ours = Consultation.organisation_id == principal.organisation_id
        if organisation_only:
            query = query.where(ours)
        elif member:
            query = query.where(or_(Consultation.published_at.is_not(None), ours))
        else:
            query = query.where(Consultation.published_at.is_not(None))
        if state is not None:
            query = query.where(_state_condition(state, now))
        if category:
            query = query.where(CriteriaSetRecord.category == category)
        if q and q.strip():
            words = q.strip().lower()
            query = query.where(or_(func.lower(Consultation.title).contains(words,
                                                                            autoescape=True),
                                    func.lower(Consultation.reference).contains(words,
                                                                                autoescape=True)))
        if state == "open":
            query = query.order_by(Consultation.deadline, Consultation.id)
        else:
            query = query.order_by(Consultation.deadline.desc(), Consultation.id.desc())
        found = page_of_query(uow.session, query, page, per_page)
        scored = _scored_among(uow.session, [c.id for c in found.items])
        return found.map(lambda c: notice(c, _state(c, now, lambda: c.id in scored)))


def _scored_among(session, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.execute(select(Lot.consultation_id).join(Scoring, Scoring.lot_id == Lot.id)
                               .where(Lot.consultation_id.in_(ids)).distinct()).scalars())


def notice(consultation: Consultation, state: str) -> dict[str, Any]:
    """The public notice of a consultation: what anyone may read once it is published."""
    record = consultation.criteria_set
    organisation: Organisation = consultation.organisation
    return {
        "reference": consultation.reference,
        "title": consultation.title,
        "buyer": {"slug": organisation.slug, "name": organisation.name},
        "category": record.category,
        "deadline": consultation.deadline.astimezone(timezone.utc).isoformat(),
        "deadline_paris": paris_time(consultation.deadline),
        "state": state,
        "published_at": consultation.published_at.isoformat() if consultation.published_at
        else None,
        "criteria_set": {"id": record.set_id, "version": record.version,
                         "sha256": record.sha256, "title": record.title},
        "lots": [{"id": lot.lot_id, "title": lot.title, "estimate": lot.estimate}
                 for lot in consultation.lots],
    }


def read_notice(uow, principal: Principal, reference: str) -> dict[str, Any]:
    """The notice of one consultation: anyone once published; before, only the buyers and
    auditors of its organisation (anyone else is told it does not exist)."""
    with uow:
        consultation = find(uow.session, reference)
        if consultation.published_at is None and not (
                principal.role in ("buyer", "auditor")
                and principal.organisation_id == consultation.organisation_id):
            raise NotFound(f"consultation « {reference} » inconnue")
        return notice(consultation, state_of(uow.session, consultation, uow.now()))
