"""Consultations: created as drafts, published (criteria frozen), closed at the deadline."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Callable

from ..db.models import Consultation, Lot, Organisation
from . import audit
from .clock import paris_time
from .criteria_sets import record_of
from .errors import (AlreadyPublished, DeadlinePassed, Invalid, NotFound, ReferenceTaken,
                     RoleNotAllowed)
from .notices import deliver_soon
from .pagination import DEFAULT_PER_PAGE, Page, check_bounds
from .permissions import MEMBER_ROLES, RULES, is_member, may, require
from .principal import Principal
from .programme import link_consultation, on_publish
from .repositories import Consultations

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LOT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


#: SPEC §6.1: draft → open (published, before the deadline) → closed (deadline passed)
#: → scored (a lot has a stored scoring).
STATES = ("draft", "open", "closed", "scored")


def state_of(session, consultation: Consultation, now: datetime) -> str:
    """The consultation's state among :data:`STATES`, read in ``session``."""
    return _state_in(Consultations(session), consultation, now)


def _state_in(consultations, consultation: Consultation, now: datetime) -> str:
    return state_given(consultation, now, lambda: consultations.scored(consultation))


def state_given(consultation: Consultation, now: datetime, scored: Callable[[], bool]
                ) -> str:
    """The rule of :data:`STATES`, ``scored`` saying whether a lot has a stored scoring
    (asked only of a closed consultation)."""
    if consultation.published_at is None:
        return "draft"
    if now < consultation.deadline:
        return "open"
    return "scored" if scored() else "closed"


def is_closed(consultation: Consultation, now: datetime) -> bool:
    return consultation.published_at is not None and now >= consultation.deadline


def _unknown(reference: str) -> NotFound:
    return NotFound(f"consultation « {reference} » inconnue")


def check_visible(principal: Principal, consultation: Consultation | None,
                  reference: str) -> Consultation:
    """The consultation if the caller may see it: its organisation's buyers and auditors,
    any firm once it is published. NotFound otherwise, so that another organisation's
    consultations do not even show that they exist."""
    if consultation is None:
        raise _unknown(reference)
    require(principal, "consultation.read")
    if principal.role == "supplier":
        if consultation.published_at is None:
            raise _unknown(reference)
    elif consultation.organisation_id != principal.organisation_id:
        raise _unknown(reference)
    return consultation


def check_owned(principal: Principal, consultation: Consultation | None, reference: str,
                action: str = "consultation.manage") -> Consultation:
    """The consultation if the caller may take ``action`` on it: a role the action allows,
    in the consultation's organisation."""
    require(principal, action)
    return check_visible(principal, consultation, reference)


def find(session, reference: str) -> Consultation:
    consultation = Consultations(session).get(reference)
    if consultation is None:
        raise _unknown(reference)
    return consultation


def visible(session, principal: Principal, reference: str) -> Consultation:
    """:func:`check_visible` on the consultation read in ``session``."""
    return check_visible(principal, Consultations(session).get(reference), reference)


def owned(session, principal: Principal, reference: str) -> Consultation:
    """:func:`check_owned` on the consultation read in ``session``."""
    return check_owned(principal, Consultations(session).get(reference), reference)


def find_lot(consultation: Consultation, lot_id: str) -> Lot:
    for lot in consultation.lots:
        if lot.lot_id == lot_id:
            return lot
    known = ", ".join(lot.lot_id for lot in consultation.lots)
    raise NotFound(f"lot « {lot_id} » inconnu dans la consultation {consultation.reference} "
                   f"(lots : {known})")


def create(uow, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """A draft consultation; Invalid/Conflict say what is wrong, nothing is written then."""
    require(principal, "consultation.create")
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
            record = record_of(uow, data["criteria_set"], data["criteria_version"])
        except NotFound as exc:
            errors["criteria_set"] = [exc.message]
            record = None
        if errors:
            raise Invalid("consultation refusée : " + "; ".join(
                f"{k} : {', '.join(v)}" for k, v in errors.items()), errors)
        if uow.consultations.get(reference) is not None:
            raise ReferenceTaken(f"la référence « {reference} » est déjà utilisée",
                                 {"reference": ["déjà utilisée"]})
        consultation = Consultation(
            reference=reference, title=data["title"], organisation_id=principal.organisation_id,
            criteria_set_id=record.id, criteria_set=record, deadline=deadline, created_at=now,
            created_by=principal.token_id)
        consultation.lots = [Lot(lot_id=lot["id"], position=k, title=lot.get("title") or lot["id"],
                                 estimate=lot.get("estimate")) for k, lot in enumerate(lots)]
        uow.consultations.add(consultation)
        if data.get("programme_item") is not None:  # the planned purchase it carries out
            link_consultation(uow, principal, data["programme_item"], consultation)
        view = _describe(uow.consultations, consultation, now, principal)
        audit.record(uow, principal, "consultation.create", target=f"consultation:{reference}",
                     consultation=reference, content=view)
        uow.commit()
        return view


def publish(uow, principal: Principal, reference: str) -> dict[str, Any]:
    with uow:
        consultation = check_owned(principal, uow.consultations.get(reference), reference)
        now = uow.now()
        if consultation.published_at is not None:
            raise AlreadyPublished(f"la consultation {reference} est déjà publiée")
        if consultation.deadline <= now:
            raise DeadlinePassed(f"la date limite {paris_time(consultation.deadline)} est "
                                 "passée : impossible de publier")
        consultation.published_at = now
        audit.record(uow, principal, "consultation.publish", target=f"consultation:{reference}",
                     consultation=reference,
                     details={"criteria_sha256": consultation.criteria_set.sha256})
        told = on_publish(uow, principal, consultation)  # its planned item, interested firms
        uow.commit()
        view = _describe(uow.consultations, consultation, now, principal)
    if told:
        deliver_soon(uow)
    return view


def get(uow, principal: Principal, reference: str) -> dict[str, Any]:
    with uow:
        consultation = check_visible(principal, uow.consultations.get(reference), reference)
        return _describe(uow.consultations, consultation, uow.now(), principal)


def describe(session, consultation: Consultation, now: datetime, principal: Principal
             ) -> dict[str, Any]:
    """What a caller sees of a consultation; offer counts only once offers are unsealed
    (read in ``session``)."""
    return _describe(Consultations(session), consultation, now, principal)


def _describe(consultations, consultation: Consultation, now: datetime, principal: Principal
              ) -> dict[str, Any]:
    record = consultation.criteria_set
    out = {
        "reference": consultation.reference,
        "title": consultation.title,
        "organisation": consultation.organisation.slug if consultation.organisation else None,
        "criteria_set": {"id": record.set_id, "version": record.version, "sha256": record.sha256},
        "deadline": consultation.deadline.astimezone(timezone.utc).isoformat(),
        "deadline_paris": paris_time(consultation.deadline),
        "state": _state_in(consultations, consultation, now),
        "published_at": consultation.published_at.isoformat() if consultation.published_at
        else None,
        "lots": [{"id": lot.lot_id, "title": lot.title, "estimate": lot.estimate}
                 for lot in consultation.lots],
    }
    if principal.role in MEMBER_ROLES and is_closed(consultation, now):
        counts = consultations.current_offer_counts(consultation)
        for lot in out["lots"]:
            lot["offers"] = counts.get(lot["id"], 0)
    return out


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
    member = may(principal, "consultation.list_own") and principal.organisation_id is not None
    if organisation_only and not member:
        raise RoleNotAllowed(RULES["consultation.list_own"].refusal)
    with uow:
        now = uow.now()
        check_bounds(page, per_page)
        found = uow.consultations.search(
            published=not organisation_only,
            organisation_id=principal.organisation_id if member else None, state=state,
            category=category, words=q.strip().lower() if q and q.strip() else None, now=now,
            page=page, per_page=per_page)
        scored = uow.consultations.scored_among(found.items)
        return found.map(lambda c: notice(c, state_given(c, now, lambda: c.id in scored)))


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
        consultation = uow.consultations.get(reference)
        if consultation is None or consultation.published_at is None and not is_member(
                principal, consultation.organisation_id):
            raise _unknown(reference)
        return notice(consultation, _state_in(uow.consultations, consultation, uow.now()))
