"""People who sign in (SPEC §7): a company registers itself with its SIRET; buyers,
auditors and admins are invited by an admin through a single-use link.

Passwords are hashed by Werkzeug (scrypt); invitation secrets, like token secrets, are
kept only as their SHA-256. Every change is written to the audit log.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..db.models import Invitation, Organisation, Person, WebSession
from . import audit
from .errors import Conflict, Invalid, NotFound, Unauthorized
from .pagination import DEFAULT_PER_PAGE, Page, page_of_query
from .principal import Principal
from .tokens import clean_siret, hash_secret, person_principal, resolve_organisation

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN = 12  # ANSSI's advice for a password alone
PASSWORD_MAX = 200
INVITATION_DAYS = 7
INVITATION_PREFIX = "inv_"
#: Roles an admin invites; a company registers its own people (SPEC §7).
INVITED_ROLES = ("buyer", "auditor", "admin", "supplier")

#: The same message whatever was wrong, so sign-in tells no one which addresses exist.
BAD_CREDENTIALS = "adresse électronique ou mot de passe incorrect"
# checked against when the address is unknown, so both cases take the same time
_DUMMY_HASH = generate_password_hash("spar-no-such-person")


def _clean_email(raw: str | None, errors: dict[str, list[str]]) -> str:
    email = (raw or "").strip().lower()
    if not email:
        errors["email"] = ["Champ obligatoire."]
    elif len(email) > 254 or not EMAIL.match(email):
        errors["email"] = ["Adresse électronique invalide (exemple : nom@entreprise.fr)."]
    return email


def _check_password(password: str | None, confirmation: str | None,
                    errors: dict[str, list[str]]) -> None:
    if not password:
        errors["password"] = ["Champ obligatoire."]
    elif len(password) < PASSWORD_MIN:
        errors["password"] = [f"Trop court : {PASSWORD_MIN} caractères au moins."]
    elif len(password) > PASSWORD_MAX:
        errors["password"] = [f"Trop long : {PASSWORD_MAX} caractères au plus."]
    elif confirmation is not None and confirmation != password:
        errors["password_confirmation"] = ["Les deux mots de passe diffèrent."]


def _required_text(value: str | None, field: str, errors: dict[str, list[str]],
                   max_length: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        errors[field] = ["Champ obligatoire."]
    elif len(text) > max_length:
        errors[field] = [f"Trop long : {max_length} caractère(s) ou élément(s) au plus."]
    return text


def _refuse(errors: dict[str, list[str]], what: str) -> None:
    if errors:
        raise Invalid(f"{what} : " + "; ".join(f"{k} : {' '.join(v)}" for k, v in errors.items()),
                      errors)


def _email_taken(session, email: str) -> bool:
    return session.execute(select(Person.id).where(Person.email == email)).first() is not None


def _add_person(uow, person: Person) -> Person:
    try:
        with uow.session.begin_nested():
            uow.session.add(person)
            uow.session.flush()
    except IntegrityError:  # the same address registered by a concurrent request
        raise Conflict("un compte existe déjà avec cette adresse",
                       {"email": ["Un compte existe déjà avec cette adresse."]}) from None
    return person


def person_view(person: Person) -> dict[str, Any]:
    """A person as pages and lists show them (never the password hash)."""
    return {"id": person.id, "email": person.email, "name": person.name, "role": person.role,
            "organisation": person.organisation.slug if person.organisation else None,
            "organisation_name": person.organisation.name if person.organisation else None,
            "siret": person.siret, "company_name": person.company_name,
            "created_at": person.created_at, "last_sign_in_at": person.last_sign_in_at,
            "disabled": person.disabled_at is not None}


# --------------------------------------------------------------------------- registration


def register_company(uow, *, siret: str, company_name: str, name: str, email: str,
                     password: str, password_confirmation: str | None = None) -> Person:
    """A company's person, registered with the company's SIRET (several people may share
    one); Invalid names every wrong field, Conflict an address already used."""
    errors: dict[str, list[str]] = {}
    try:
        siret = clean_siret(siret)
    except Invalid:
        errors["siret"] = ["SIRET invalide : 14 chiffres dont le dernier est une clé de "
                           "contrôle (il figure sur votre extrait Kbis ou avis de situation "
                           "SIRENE)."]
    company_name = _required_text(company_name, "company_name", errors)
    name = _required_text(name, "name", errors)
    email = _clean_email(email, errors)
    _check_password(password, password_confirmation, errors)
    _refuse(errors, "inscription refusée")
    with uow:
        if _email_taken(uow.session, email):
            raise Conflict("un compte existe déjà avec cette adresse",
                           {"email": ["Un compte existe déjà avec cette adresse."]})
        person = _add_person(uow, Person(
            email=email, name=name, password_hash=generate_password_hash(password),
            role="supplier", siret=siret, company_name=company_name, created_at=uow.now()))
        audit.record(uow, _acting(person), "person.register", target=f"person:{person.id}",
                     content={"email": email, "siret": siret, "company_name": company_name})
        uow.commit()
        return person


def _acting(person: Person) -> Principal:
    return person_principal(person)


# --------------------------------------------------------------------------- invitations


def invite(uow, principal: Principal, *, role: str, email: str,
           organisation: str | None = None, siret: str | None = None,
           create_organisation_if_missing: bool = False) -> tuple[Invitation, str]:
    """An invitation and its secret (shown once, in the link). Buyers and auditors belong
    to an organisation, suppliers to a SIRET."""
    errors: dict[str, list[str]] = {}
    if role not in INVITED_ROLES:
        errors["role"] = ["Valeur possible : " + ", ".join(INVITED_ROLES) + "."]
    email = _clean_email(email, errors)
    organisation = (organisation or "").strip() or None
    if role in ("buyer", "auditor") and not organisation:
        errors["organisation"] = ["Obligatoire pour un acheteur ou un contrôleur."]
    if role == "supplier":
        try:
            siret = clean_siret(siret or "")
        except Invalid:
            errors["siret"] = ["SIRET invalide (14 chiffres, clé de Luhn)."]
    elif siret:
        errors["siret"] = ["Seule une entreprise porte un SIRET."]
    if role in ("admin", "supplier") and organisation:
        errors["organisation"] = ["Seuls les acheteurs et contrôleurs appartiennent à une "
                                  "organisation."]
    _refuse(errors, "invitation refusée")
    with uow:
        if _email_taken(uow.session, email):
            raise Conflict(f"un compte existe déjà avec l'adresse {email}",
                           {"email": ["Un compte existe déjà avec cette adresse."]})
        org = resolve_organisation(uow, principal, organisation,
                                   create_organisation_if_missing) if organisation else None
        secret = INVITATION_PREFIX + secrets.token_urlsafe(32)
        now = uow.now()
        invitation = Invitation(secret_hash=hash_secret(secret), email=email, role=role,
                                organisation_id=org.id if org else None, siret=siret or None,
                                invited_by=principal.person_id, created_at=now,
                                expires_at=now + timedelta(days=INVITATION_DAYS))
        uow.session.add(invitation)
        uow.session.flush()
        audit.record(uow, principal, "invitation.create", target=f"invitation:{invitation.id}",
                     organisation_id=invitation.organisation_id,
                     content={"email": email, "role": role, "organisation": organisation,
                              "siret": siret or None})
        uow.commit()
        return invitation, secret


def _pending(session, secret: str, now) -> Invitation:
    invitation = session.execute(select(Invitation).where(
        Invitation.secret_hash == hash_secret(secret or ""))).scalar_one_or_none()
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("lien d'invitation inconnu ou annulé ; demandez-en un nouveau à "
                       "l'administrateur")
    if invitation.accepted_at is not None:
        raise Conflict("cette invitation a déjà servi : connectez-vous avec l'adresse "
                       f"{invitation.email}")
    if now >= invitation.expires_at:
        raise Conflict("cette invitation a expiré ; demandez-en une nouvelle à "
                       "l'administrateur")
    return invitation


def invitation_view(invitation: Invitation) -> dict[str, Any]:
    return {"id": invitation.id, "email": invitation.email, "role": invitation.role,
            "organisation": invitation.organisation.slug if invitation.organisation else None,
            "organisation_name": invitation.organisation.name if invitation.organisation
            else None,
            "siret": invitation.siret, "created_at": invitation.created_at,
            "expires_at": invitation.expires_at, "accepted_at": invitation.accepted_at,
            "revoked_at": invitation.revoked_at}


def read_invitation(uow, secret: str) -> dict[str, Any]:
    """What an invitation link is for, while it can still be used."""
    with uow:
        return invitation_view(_pending(uow.session, secret, uow.now()))


def accept_invitation(uow, secret: str, *, name: str, password: str,
                      password_confirmation: str | None = None,
                      company_name: str | None = None) -> Person:
    """The invited person's account, with the password they chose; the link is spent."""
    errors: dict[str, list[str]] = {}
    name = _required_text(name, "name", errors)
    _check_password(password, password_confirmation, errors)
    with uow:
        invitation = _pending(uow.session, secret, uow.now())
        if invitation.role == "supplier":
            company_name = _required_text(company_name, "company_name", errors)
        _refuse(errors, "compte non créé")
        if _email_taken(uow.session, invitation.email):
            raise Conflict("un compte existe déjà avec cette adresse : connectez-vous")
        now = uow.now()
        person = _add_person(uow, Person(
            email=invitation.email, name=name, password_hash=generate_password_hash(password),
            role=invitation.role, organisation_id=invitation.organisation_id,
            siret=invitation.siret, company_name=company_name if invitation.role == "supplier"
            else None, created_at=now))
        invitation.accepted_at = now
        invitation.person_id = person.id
        audit.record(uow, _acting(person), "invitation.accept",
                     target=f"invitation:{invitation.id}",
                     organisation_id=invitation.organisation_id,
                     content={"person": person.id, "email": person.email})
        uow.commit()
        return person


def revoke_invitation(uow, principal: Principal, invitation_id: int) -> dict[str, Any]:
    with uow:
        invitation = uow.session.get(Invitation, invitation_id)
        if invitation is None:
            raise NotFound(f"invitation n° {invitation_id} inconnue")
        if invitation.accepted_at is not None:
            raise Conflict("invitation déjà acceptée : désactivez plutôt le compte")
        if invitation.revoked_at is None:
            invitation.revoked_at = uow.now()
            audit.record(uow, principal, "invitation.revoke",
                         target=f"invitation:{invitation.id}",
                         organisation_id=invitation.organisation_id)
        uow.commit()
        return invitation_view(invitation)


def page_of_invitations(uow, page: int = 1, per_page: int = DEFAULT_PER_PAGE
                        ) -> Page[dict[str, Any]]:
    with uow:
        return page_of_query(uow.session, select(Invitation).order_by(Invitation.id.desc()),
                             page, per_page).map(invitation_view)


# --------------------------------------------------------------------------- signing in


def check_credentials(uow, email: str, password: str) -> Person:
    """The person with this address and password; Unauthorized says nothing more than
    that one of them is wrong (or the account disabled)."""
    email = (email or "").strip().lower()
    with uow:
        person = uow.session.execute(select(Person).where(Person.email == email)
                                     ).scalar_one_or_none()
        valid = check_password_hash(person.password_hash if person else _DUMMY_HASH,
                                    password or "")
        if person is None or not valid:
            raise Unauthorized(BAD_CREDENTIALS)
        if person.disabled_at is not None:
            raise Unauthorized("compte désactivé ; adressez-vous à l'administrateur")
        return person


def change_password(uow, principal: Principal, *, current: str, password: str,
                    password_confirmation: str | None = None) -> None:
    """A new password; the person's other browser sessions are closed."""
    errors: dict[str, list[str]] = {}
    _check_password(password, password_confirmation, errors)
    with uow:
        person = uow.session.get(Person, principal.person_id)
        if person is None or not check_password_hash(person.password_hash, current or ""):
            errors["current"] = ["Mot de passe actuel incorrect."]
        _refuse(errors, "mot de passe inchangé")
        person.password_hash = generate_password_hash(password)
        audit.record(uow, principal, "person.password", target=f"person:{person.id}")
        uow.commit()


# --------------------------------------------------------------------------- administration


def page_of_people(uow, *, role: str | None = None, page: int = 1,
                   per_page: int = DEFAULT_PER_PAGE) -> Page[dict[str, Any]]:
    with uow:
        query = select(Person).order_by(Person.role, func.lower(Person.name), Person.id)
        if role:
            query = query.where(Person.role == role)
        return page_of_query(uow.session, query, page, per_page).map(person_view)


def set_disabled(uow, principal: Principal, person_id: int, disabled: bool) -> dict[str, Any]:
    """Disable (sessions closed, personal tokens refused) or enable an account."""
    with uow:
        person = uow.session.get(Person, person_id)
        if person is None:
            raise NotFound(f"personne n° {person_id} inconnue")
        if disabled and person.id == principal.person_id:
            raise Conflict("vous ne pouvez pas désactiver votre propre compte")
        now = uow.now()
        if disabled and person.disabled_at is None:
            person.disabled_at = now
            for web_session in uow.session.execute(select(WebSession).where(
                    WebSession.person_id == person.id, WebSession.closed_at.is_(None))).scalars():
                web_session.closed_at = now
            audit.record(uow, principal, "person.disable", target=f"person:{person.id}",
                         organisation_id=person.organisation_id)
        elif not disabled and person.disabled_at is not None:
            person.disabled_at = None
            audit.record(uow, principal, "person.enable", target=f"person:{person.id}",
                         organisation_id=person.organisation_id)
        uow.commit()
        return person_view(person)


def list_organisations(uow) -> list[dict[str, Any]]:
    """Every organisation with how many people belong to it."""
    with uow:
        counts = dict(uow.session.execute(select(Person.organisation_id, func.count(Person.id))
                                          .group_by(Person.organisation_id)).all())
        return [{"slug": o.slug, "name": o.name, "created_at": o.created_at,
                 "people": counts.get(o.id, 0)}
                for o in uow.session.execute(select(Organisation).order_by(
                    func.lower(Organisation.name))).scalars()]
