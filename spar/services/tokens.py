"""Organisations and access tokens: created by admins, stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from stdnum.fr import siret as siret_number

from ..db.models import Organisation, Person, Token
from . import audit
from .errors import Conflict, Invalid, NotFound, Unauthorized
from .pagination import DEFAULT_PER_PAGE, Page, page_of_query
from .principal import ROLES, Principal

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOKEN_PREFIX = "spar_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def clean_siret(raw: str) -> str:
    """A SIRET without spaces; Invalid unless it is 14 digits with a valid Luhn key."""
    compact = siret_number.compact(raw or "")
    if not siret_number.is_valid(compact):
        raise Invalid(f"SIRET « {raw} » invalide (14 chiffres, clé de Luhn)",
                      {"siret": ["SIRET invalide"]})
    return compact


def create_organisation(uow, principal: Principal, slug: str, name: str) -> Organisation:
    with uow:
        organisation = _new_organisation(uow, principal, slug, name)
        uow.commit()
        return organisation


def _new_organisation(uow, principal, slug, name) -> Organisation:
    if not SLUG.match(slug or ""):
        raise Invalid(f"identifiant d'organisation « {slug} » invalide (minuscules, chiffres, "
                      "tirets)", {"slug": ["identifiant invalide"]})
    if uow.session.execute(select(Organisation).where(Organisation.slug == slug)).first():
        raise Conflict(f"l'organisation « {slug} » existe déjà")
    organisation = Organisation(slug=slug, name=name or slug, created_at=uow.now())
    try:
        with uow.session.begin_nested():
            uow.session.add(organisation)
            uow.session.flush()
    except IntegrityError:  # created by a concurrent request since the check above
        raise Conflict(f"l'organisation « {slug} » existe déjà") from None
    audit.record(uow, principal, "organisation.create", target=f"organisation:{slug}",
                 organisation_id=organisation.id, content={"slug": slug, "name": name})
    return organisation


def find_organisation(session, slug: str) -> Organisation:
    organisation = session.execute(select(Organisation).where(Organisation.slug == slug)
                                   ).scalar_one_or_none()
    if organisation is None:
        raise NotFound(f"organisation « {slug} » inconnue",
                       {"organisation": ["Organisation inconnue."]})
    return organisation


def resolve_organisation(uow, principal: Principal, slug: str,
                         create_if_missing: bool = False) -> Organisation:
    """The organisation ``slug``, created (and audited) when missing if asked to."""
    try:
        return find_organisation(uow.session, slug)
    except NotFound:
        if not create_if_missing:
            raise
        try:
            return _new_organisation(uow, principal, slug, slug)
        except Conflict:  # a concurrent call created it: use theirs
            return find_organisation(uow.session, slug)


def create_token(uow, principal: Principal, role: str, *, organisation: str | None = None,
                 siret: str | None = None, name: str | None = None,
                 expires_at: datetime | None = None,
                 create_organisation_if_missing: bool = False,
                 person_id: int | None = None) -> tuple[Token, str]:
    """A new token and its secret (shown once). Buyers and auditors need an
    organisation, suppliers a SIRET. With ``person_id`` it is that person's own token;
    with ``expires_at`` (aware, in the future) the token stops working then."""
    if role not in ROLES:
        raise Invalid(f"rôle « {role} » inconnu ; rôles possibles : " + ", ".join(ROLES),
                      {"role": ["rôle inconnu"]})
    if role in ("buyer", "auditor") and not organisation:
        raise Invalid(f"un jeton {role} doit être rattaché à une organisation (--org)",
                      {"organisation": ["obligatoire pour ce rôle"]})
    if role == "supplier":
        if not siret:
            raise Invalid("un jeton supplier doit porter le SIRET de l'entreprise (--siret)",
                          {"siret": ["obligatoire pour ce rôle"]})
        siret = clean_siret(siret)
    elif siret:
        raise Invalid("seul un jeton supplier porte un SIRET", {"siret": ["inattendu"]})
    if expires_at is not None and expires_at <= uow.now():
        raise Invalid("la date d'expiration d'un jeton doit être dans le futur",
                      {"expires_at": ["date passée"]})
    with uow:
        org = resolve_organisation(uow, principal, organisation,
                                   create_organisation_if_missing) if organisation else None
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = Token(secret_hash=hash_secret(secret), prefix=secret[:12], role=role,
                      organisation_id=org.id if org else None, siret=siret, name=name,
                      created_at=uow.now(), expires_at=expires_at, person_id=person_id)
        uow.session.add(token)
        uow.session.flush()
        audit.record(uow, principal, "token.create", target=f"token:{token.id}",
                     organisation_id=token.organisation_id,
                     content={"role": role, "organisation": organisation, "siret": siret,
                              "name": name, "prefix": token.prefix, "person_id": person_id,
                              **({"expires_at": expires_at.isoformat()} if expires_at else {})})
        uow.commit()
        return token, secret


def revoke_token(uow, principal: Principal, token_ref: str) -> Token:
    """Revoke by id or by the secret's first characters (as ``spar token list`` shows)."""
    with uow:
        query = select(Token)
        if token_ref.isdigit():
            query = query.where(Token.id == int(token_ref))
        else:
            query = query.where(Token.prefix == token_ref[:12])
        token = uow.session.execute(query).scalar_one_or_none()
        if token is None:
            raise NotFound(f"jeton « {token_ref} » inconnu")
        if token.revoked_at is None:
            token.revoked_at = uow.now()
            audit.record(uow, principal, "token.revoke", target=f"token:{token.id}",
                         organisation_id=token.organisation_id)
        uow.commit()
        return token


def token_record(token: Token, now: datetime) -> dict:
    """A token as a plain record (never its secret), saying whether it expired by ``now``."""
    return {"id": token.id, "prefix": token.prefix, "role": token.role,
            "organisation": token.organisation.slug if token.organisation else None,
            "siret": token.siret, "name": token.name, "revoked": token.revoked_at is not None,
            "created_at": token.created_at, "revoked_at": token.revoked_at,
            "person_id": token.person_id, "expires_at": token.expires_at,
            "expired": _expired(token, now)}


def list_tokens(uow) -> list[dict]:
    """Every token as a plain record (never its secret)."""
    with uow:
        now = uow.now()
        return [token_record(t, now) for t in uow.session.execute(
            select(Token).order_by(Token.id)).scalars()]


def page_of_tokens(uow, *, person_id: int | None = None, page: int = 1,
                   per_page: int = DEFAULT_PER_PAGE) -> Page[dict]:
    """A page of tokens, newest first; with ``person_id`` only that person's own."""
    with uow:
        query = select(Token).order_by(Token.id.desc())
        if person_id is not None:
            query = query.where(Token.person_id == person_id)
        now = uow.now()
        return page_of_query(uow.session, query, page, per_page).map(
            lambda token: token_record(token, now))


def create_personal_token(uow, principal: Principal, name: str) -> tuple[Token, str]:
    """A signed-in person's own API token: it acts as that person (SPEC §7)."""
    if principal.person_id is None:
        raise Unauthorized("connectez-vous pour créer un jeton personnel")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("nommez le jeton (200 caractères au plus), par exemple l'outil qui "
                      "l'utilisera", {"name": ["Champ obligatoire (200 caractères au plus)."]})
    with uow:
        person = uow.session.get(Person, principal.person_id)
        organisation = person.organisation.slug if person.organisation else None
    return create_token(uow, principal, person.role, organisation=organisation,
                        siret=person.siret, name=name, person_id=person.id)


def revoke_personal_token(uow, principal: Principal, token_id: int) -> Token:
    """Revoke one of the signed-in person's own tokens; anyone else's is unknown."""
    with uow:
        token = uow.session.get(Token, token_id)
        if token is None or principal.person_id is None or token.person_id != principal.person_id:
            raise NotFound(f"jeton n° {token_id} inconnu")
    return revoke_token(uow, principal, str(token_id))


def _expired(token: Token, now: datetime) -> bool:
    return token.expires_at is not None and token.expires_at <= now


def authenticate(uow, secret: str) -> Principal:
    """The principal of a bearer secret; Unauthorized if unknown, revoked or expired, or if
    the person it belongs to was disabled. A personal token acts as its person now: their
    current role, organisation and SIRET.

    The token is found by its prefix (not secret: ``spar token list`` shows it) and its
    secret's hash compared in constant time, so the time an answer takes says nothing
    about how close a guess came.
    """
    wanted = hash_secret(secret)
    with uow:
        candidates = uow.session.execute(select(Token).where(Token.prefix == secret[:12])
                                         ).scalars().all()
        token = None
        for candidate in candidates:
            if hmac.compare_digest(candidate.secret_hash, wanted):
                token = candidate
        if token is None:
            raise Unauthorized("jeton d'accès inconnu")
        return _principal(uow, token)


def _principal(uow, token: Token) -> Principal:
    if token.revoked_at is not None:
        raise Unauthorized("jeton d'accès révoqué")
    if _expired(token, uow.now()):
        raise Unauthorized("jeton d'accès expiré")
    if token.person_id is None:
        return Principal(token.id, token.role, token.organisation_id, token.siret, token.name)
    person = uow.session.get(Person, token.person_id)
    if person.disabled_at is not None:
        raise Unauthorized("compte désactivé : ses jetons personnels ne valent plus")
    return person_principal(person, token_id=token.id)


def person_principal(person: Person, token_id: int | None = None) -> Principal:
    """Who a person acts as: a company's people as the company (its name on offers)."""
    return Principal(token_id, person.role, person.organisation_id, person.siret,
                     person.company_name or person.name, person_id=person.id,
                     email=person.email)


def principal_of(uow, token_id: int) -> Principal:
    """Who holds token ``token_id`` now (a background job acts for whoever started it);
    Unauthorized if that token was revoked or expired since."""
    with uow:
        token = uow.session.get(Token, token_id)
        if token is None:
            raise Unauthorized("jeton d'accès inconnu")
        return _principal(uow, token)
