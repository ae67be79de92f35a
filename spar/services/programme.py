"""The purchasing programme (SPEC §8, *programmation des achats*): planned purchases a
buyer publishes ahead of their consultations, and the firms interested in them.

Anyone reads the programme. A buyer edits its organisation's planned items; withdrawing
one (``DELETE``) cancels it rather than erasing it — firms were shown it and some said
they were interested, so it stays on record, marked cancelled, and they are told. An
item whose consultation is published is history: it can no longer be edited or
cancelled. A consultation created with ``programme_item`` is linked to the item; when
it is published the item becomes ``published`` and every interested firm gets a notice.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..db.models import Consultation, ProgrammeInterest, ProgrammeItem
from ..engine.criteria import CATEGORIES
from . import audit, notices
from .clock import PARIS, paris_time
from .criteria_sets import record_of
from .errors import Conflict, Invalid, NotFound, NotYourOrganisation, ProgrammeItemClosed
from .permissions import is_member, require
from .principal import Principal

STATUSES = ("planned", "published", "cancelled")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def month_label(month: str) -> str:
    """``2027-03`` → ``mars 2027``."""
    year, number = month.split("-")
    return f"{MONTHS_FR[int(number) - 1]} {year}"


def current_month(now: datetime) -> str:
    return now.astimezone(PARIS).strftime("%Y-%m")


# --- reading ---------------------------------------------------------------------------


def find(uow, item_id: int) -> ProgrammeItem:
    item = uow.programme_items.get(item_id)
    if item is None:
        raise NotFound(f"achat prévu n° {item_id} inconnu")
    return item


def owned(uow, principal: Principal, item_id: int, action: str = "programme.edit"
          ) -> ProgrammeItem:
    """The item if the caller may take ``action`` in its organisation (buyers edit; an
    auditor may follow what its organisation's buyers follow). The programme is public,
    so another organisation's buyer is told it is not theirs (403), not that it does not
    exist."""
    require(principal, action)
    item = find(uow, item_id)
    if item.organisation_id != principal.organisation_id:
        raise NotYourOrganisation(f"l'achat prévu n° {item_id} relève d'une autre "
                                  "organisation")
    return item


def active_interest(uow, item: ProgrammeItem, siret: str) -> ProgrammeInterest | None:
    """The firm's current interest (the latest, should two requests have raced)."""
    active = uow.programme_interests.active(item, siret)
    return active[-1] if active else None


def describe(uow, item: ProgrammeItem, principal: Principal) -> dict[str, Any]:
    """What a caller sees of an item: everyone the item; its buyers (and auditors) the
    number of interested firms; a firm its own interest."""
    out = {
        "id": item.id, "title": item.title, "category": item.category,
        "description": item.description, "expected_publication": item.expected_publication,
        "expected_publication_label": month_label(item.expected_publication),
        "estimate_min": item.estimate_min, "estimate_max": item.estimate_max,
        "criteria_set": item.criteria_set.set_id, "version": item.criteria_set.version,
        "status": item.status,
        "consultation": item.consultation.reference if item.consultation else None,
        "organisation": {"id": item.organisation.slug, "name": item.organisation.name},
        "created_at": item.created_at.isoformat(), "updated_at": item.updated_at.isoformat(),
        "cancelled_at": item.cancelled_at.isoformat() if item.cancelled_at else None,
    }
    if is_member(principal, item.organisation_id):
        out["interested"] = uow.programme_interests.count_active(item)
    if principal.role == "supplier":
        mine = active_interest(uow, item, principal.siret)
        out["my_interest"] = None if mine is None else interest_view(mine)
    return out


def get(uow, principal: Principal, item_id: int) -> dict[str, Any]:
    with uow:
        return describe(uow, find(uow, item_id), principal)


def list_items(uow, principal: Principal, *, category: str | None = None,
               month: str | None = None, organisation: str | None = None,
               status: str | None = None, own: bool = False, page: int = 1,
               per_page: int = 20) -> dict[str, Any]:
    """The programme, soonest first. Without ``status``, the planned and published items
    (a cancelled one is asked for with ``status=cancelled``); ``own``: only the caller's
    organisation's (its buyers' editor)."""
    errors = {}
    if category is not None and category not in CATEGORIES:
        errors["category"] = [f"catégorie inconnue ; possibles : {', '.join(CATEGORIES)}"]
    if month is not None and not MONTH.match(month):
        errors["month"] = ["mois attendu sous la forme AAAA-MM"]
    if status is not None and status not in STATUSES:
        errors["status"] = [f"statut inconnu ; possibles : {', '.join(STATUSES)}"]
    if errors:
        raise Invalid("filtre invalide : " + "; ".join(f"{k} : {v[0]}" for k, v in
                                                      errors.items()), errors)
    with uow:
        found = uow.programme_items.search(
            statuses=(status,) if status else ("planned", "published"), category=category,
            month=month, organisation=organisation, page=page, per_page=per_page,
            organisation_id=principal.organisation_id if own else None)
        return found.map(lambda item: describe(uow, item, principal)).to_dict()


# --- editing ---------------------------------------------------------------------------


def _checked(uow, data: dict[str, Any], now: datetime, unchanged_month: str | None
             ) -> tuple[dict[str, Any], Any]:
    """The item's fields and its criteria set record; Invalid names every problem."""
    errors: dict[str, list[str]] = {}
    try:
        record = record_of(uow, data["criteria_set"], data["version"])
    except NotFound as exc:
        errors["criteria_set"] = [exc.message]
        record = None
    category = data.get("category") or (record.category if record else None)
    if record is not None and category != record.category:
        errors["category"] = [f"le jeu de critères {record.set_id} est de catégorie "
                              f"{record.category}, pas {category}"]
    month = data["expected_publication"]
    if not MONTH.match(month):
        errors["expected_publication"] = ["mois attendu sous la forme AAAA-MM (ex. 2027-03)"]
    elif month != unchanged_month and month < current_month(now):
        errors["expected_publication"] = [f"{month_label(month)} est déjà passé"]
    low, high = data.get("estimate_min"), data.get("estimate_max")
    if low is not None and high is not None and low > high:
        errors["estimate_max"] = ["l'estimation haute est inférieure à l'estimation basse"]
    if errors:
        raise Invalid("achat prévu refusé : " + "; ".join(f"{k} : {', '.join(v)}"
                                                          for k, v in errors.items()), errors)
    fields = {"title": data["title"].strip(), "category": category,
              "description": (data.get("description") or "").strip(),
              "expected_publication": month, "estimate_min": low, "estimate_max": high,
              "criteria_set_id": record.id, "criteria_set": record}
    return fields, record


def _content(item: ProgrammeItem) -> dict[str, Any]:
    return {"id": item.id, "title": item.title, "category": item.category,
            "description": item.description, "expected_publication": item.expected_publication,
            "estimate_min": item.estimate_min, "estimate_max": item.estimate_max,
            "criteria_set": item.criteria_set.set_id, "version": item.criteria_set.version,
            "status": item.status}


def create(uow, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Publish a planned purchase in the caller's organisation's programme."""
    require(principal, "programme.create")
    with uow:
        now = uow.now()
        fields, _ = _checked(uow, data, now, None)
        item = ProgrammeItem(organisation_id=principal.organisation_id, status="planned",
                             created_at=now, updated_at=now, created_by=principal.token_id,
                             **fields)
        uow.programme_items.add(item)
        audit.record(uow, principal, "programme.create", target=f"programme:{item.id}",
                     content=_content(item))
        uow.commit()
        return describe(uow, item, principal)


def _editable(item: ProgrammeItem, verb: str) -> None:
    if item.status == "published":
        raise ProgrammeItemClosed(f"l'achat prévu n° {item.id} est devenu la consultation "
                                  f"{item.consultation.reference} : impossible de le {verb}")
    if item.status == "cancelled":
        raise ProgrammeItemClosed(f"l'achat prévu n° {item.id} est annulé : impossible de le "
                                  f"{verb}")


def update(uow, principal: Principal, item_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a planned item's fields (the interest already expressed stays)."""
    with uow:
        item = owned(uow, principal, item_id)
        _editable(item, "modifier")
        now = uow.now()
        fields, record = _checked(uow, data, now, item.expected_publication)
        if item.consultation is not None and \
                record.set_id != item.consultation.criteria_set.set_id:
            problem = (f"la consultation liée {item.consultation.reference} utilise le jeu "
                       f"de critères {item.consultation.criteria_set.set_id}")
            raise Conflict(problem, {"criteria_set": [problem]})
        before = _content(item)
        for key, value in fields.items():
            setattr(item, key, value)
        uow.programme_items.refresh(item)
        after = _content(item)
        if after != before:
            item.updated_at = now
            audit.record(uow, principal, "programme.update", target=f"programme:{item.id}",
                         content=after, details={"before": before})
        uow.commit()
        return describe(uow, item, principal)


def cancel(uow, principal: Principal, item_id: int) -> dict[str, Any]:
    """Withdraw a planned item: it is kept, marked cancelled, and every interested firm
    is told. Cancelling a cancelled item changes nothing."""
    with uow:
        item = owned(uow, principal, item_id)
        if item.status == "cancelled":
            return describe(uow, item, principal)
        _editable(item, "annuler")
        now = uow.now()
        item.status, item.cancelled_at, item.updated_at = "cancelled", now, now
        told = _notify(uow, item, "programme_cancelled",
                       f"Achat prévu annulé : {item.title}",
                       f"{item.organisation.name} a annulé l'achat prévu « {item.title} » "
                       f"(publication attendue en {month_label(item.expected_publication)}) "
                       "pour lequel vous aviez signalé votre intérêt. Aucune consultation "
                       "ne sera publiée pour cet achat.")
        audit.record(uow, principal, "programme.cancel", target=f"programme:{item.id}",
                     content=_content(item), details={"notices": told})
        uow.commit()
        view = describe(uow, item, principal)
    if told:
        notices.deliver_soon(uow)
    return view


# --- interest --------------------------------------------------------------------------


def interest_view(interest: ProgrammeInterest) -> dict[str, Any]:
    return {"siret": interest.siret, "name": interest.company_name,
            "message": interest.message, "contact_email": interest.contact_email,
            "created_at": interest.created_at.isoformat()}


def express_interest(uow, principal: Principal, item_id: int, data: dict[str, Any]
                     ) -> tuple[dict[str, Any], bool]:
    """Say the calling firm is interested (or reword what it said): (interest, created)."""
    require(principal, "programme.interest")
    with uow:
        item = find(uow, item_id)
        if item.status != "planned":
            _editable(item, "suivre")
        now = uow.now()
        message = (data.get("message") or "").strip()
        email = data.get("contact_email") or None
        name = (data.get("name") or "").strip() or principal.name
        previous = active_interest(uow, item, principal.siret)
        if previous is not None:
            if (previous.message, previous.contact_email, previous.company_name) == \
                    (message, email, name):
                return interest_view(previous), False
            previous.withdrawn_at = now
        interest = ProgrammeInterest(item_id=item.id, siret=principal.siret,
                                     company_name=name, message=message, contact_email=email,
                                     created_at=now, created_by=principal.token_id)
        uow.programme_interests.add(interest)
        audit.record(uow, principal, "programme.interest", target=f"programme:{item.id}",
                     organisation_id=item.organisation_id,
                     content=interest_view(interest),
                     details={"siret": principal.siret, "replaces": previous is not None})
        uow.commit()
        return interest_view(interest), previous is None


def withdraw_interest(uow, principal: Principal, item_id: int) -> dict[str, Any]:
    """The calling firm is no longer interested; NotFound if it had not said it was."""
    require(principal, "programme.interest")
    with uow:
        item = find(uow, item_id)
        interest = active_interest(uow, item, principal.siret)
        if interest is None:
            raise NotFound(f"vous n'avez pas signalé d'intérêt pour l'achat prévu n° {item_id}")
        for active in uow.programme_interests.active(item, principal.siret):
            active.withdrawn_at = uow.now()
        audit.record(uow, principal, "programme.interest_withdrawn",
                     target=f"programme:{item.id}", organisation_id=item.organisation_id,
                     details={"siret": principal.siret})
        uow.commit()
        return {**interest_view(interest), "withdrawn_at": interest.withdrawn_at.isoformat()}


def interests(uow, principal: Principal, item_id: int, page: int = 1, per_page: int = 20
              ) -> dict[str, Any]:
    """Who is interested in an item, first come first: for the buyers of its organisation.
    A firm's visible profile adds its size and département; a private one adds nothing."""
    with uow:
        item = owned(uow, principal, item_id, "programme.follow")

        def render(row):
            interest, profile = row
            out = interest_view(interest)
            out["profile"] = None if profile is None else {
                "name": profile.name, "size": profile.size, "departement": profile.departement}
            return out

        return uow.programme_interests.page_with_profiles(item, page, per_page).map(
            render).to_dict()


# --- the consultation that follows -----------------------------------------------------


def link_consultation(uow, principal: Principal, item_id: int,
                      consultation: Consultation) -> None:
    """In the transaction creating ``consultation``: link it to the planned item it
    carries out. Invalid when the item is not the caller's organisation's, not planned,
    already linked, or planned with another criteria set (a newer version is fine)."""
    item = uow.programme_items.get(item_id)
    problem = None
    if item is None or item.organisation_id != principal.organisation_id:
        problem = f"achat prévu n° {item_id} inconnu dans votre organisation"
    elif item.status != "planned":
        problem = f"l'achat prévu n° {item_id} est {'annulé' if item.status == 'cancelled' else 'déjà publié'}"
    elif item.consultation_id is not None:
        problem = (f"l'achat prévu n° {item_id} est déjà lié à la consultation "
                   f"{item.consultation.reference}")
    elif consultation.criteria_set.set_id != item.criteria_set.set_id:
        problem = (f"l'achat prévu n° {item_id} prévoit le jeu de critères "
                   f"{item.criteria_set.set_id}, pas {consultation.criteria_set.set_id}")
    if problem:
        raise Invalid(f"consultation refusée : programme_item : {problem}",
                      {"programme_item": [problem]})
    item.consultation_id, item.consultation = consultation.id, consultation
    item.updated_at = uow.now()


def on_publish(uow, principal: Principal, consultation: Consultation) -> int:
    """In the transaction publishing ``consultation``: its planned item becomes published
    and each interested firm gets a notice. The number of notices written."""
    item = uow.programme_items.of_consultation(consultation)
    if item is None:
        return 0
    now = uow.now()
    item.status, item.updated_at = "published", now
    told = _notify(uow, item, "consultation_opened",
                   f"Consultation ouverte : {consultation.title}",
                   f"{item.organisation.name} a publié la consultation {consultation.reference} "
                   f"« {consultation.title} », issue de l'achat prévu « {item.title} » pour "
                   "lequel vous aviez signalé votre intérêt.\n\n"
                   f"Date limite de remise des offres : {paris_time(consultation.deadline)}.\n"
                   f"Consultation : /consultations/{consultation.reference}\n\n"
                   "Vous pouvez évaluer votre offre avec votre profil d'entreprise avant de "
                   "la déposer.")
    audit.record(uow, principal, "programme.published", target=f"programme:{item.id}",
                 consultation=consultation.reference, organisation_id=item.organisation_id,
                 details={"notices": told})
    return told


def _notify(uow, item: ProgrammeItem, kind: str, subject: str, body: str) -> int:
    """A notice to every firm interested in ``item``; how many."""
    told = 0
    for interest in uow.programme_interests.active(item):
        notices.add(uow, siret=interest.siret, kind=kind, subject=subject, body=body,
                    email_to=interest.contact_email, programme_item_id=item.id,
                    consultation=item.consultation.reference if item.consultation else None)
        told += 1
    return told
