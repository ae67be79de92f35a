"""The demo: the shipped criteria sets, an organisation, tokens, closed consultations with
the example offers, marked and scored, one consultation still open for offers, and
people to sign in as: a buyer, an auditor, an admin and two companies."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..criteria_file import read_text
from ..db.models import Consultation
from . import (accounts, consultations, criteria_sets, demo_portal, marks, offers, scorings,
               tokens)
from .clock import FixedClock
from .principal import OPERATOR, Principal
from .unit_of_work import UnitOfWork

ORGANISATION = "metropole-exemple"
ORGANISATION_NAME = "Métropole exemple"
OPEN_REFERENCE = "DEMO-OUVERTE"
#: The people of the demo: role, e-mail address, name. Companies take the SIRET and the
#: name of the first two suppliers of the example offers, so they find their own offers.
PEOPLE = (("buyer", "acheteur@demo.spar.fr", "Camille Acheteur"),
          ("auditor", "controleur@demo.spar.fr", "Dominique Contrôleur"),
          ("admin", "admin@demo.spar.fr", "Alex Administrateur"))
COMPANY_EMAILS = ("entreprise1@demo.spar.fr", "entreprise2@demo.spar.fr")


def _principal(token) -> Principal:
    return Principal(token.id, token.role, token.organisation_id, token.siret, token.name)


def seed(sessions, settings: dict[str, Any], criteria_dir: Path, now) -> dict[str, Any]:
    """Seed once; returns the tokens and the people's passwords to show (once) and what
    was created.

    Running it again changes nothing and says so (``already`` is True).
    """
    def uow(at=None) -> UnitOfWork:
        return UnitOfWork(sessions, FixedClock(at or now), settings)

    with uow() as u:
        if u.session.execute(select(Consultation.id).where(
                Consultation.reference == OPEN_REFERENCE)).first():
            return {"already": True, "tokens": {}, "consultations": [], "people": []}
    tokens.create_organisation(uow(), OPERATOR, ORGANISATION, ORGANISATION_NAME)
    shown = {}
    for role, name in (("admin", "Administrateur"), ("buyer", "Service achats"),
                       ("auditor", "Contrôle de gestion")):
        token, secret = tokens.create_token(uow(), OPERATOR, role, name=name,
                                            organisation=None if role == "admin" else ORGANISATION)
        shown[role] = secret
    buyer = tokens.authenticate(uow(), shown["buyer"])

    created = []
    supplier_tokens: dict[str, Principal] = {}
    companies: dict[str, str] = {}  # SIRET → name, in the order the offers name them
    opened_at = now - timedelta(days=30)
    deadline = now - timedelta(days=1)
    for path in sorted(criteria_dir.glob("*.yaml")):
        record, _, _ = criteria_sets.upload(uow(opened_at), buyer, text=read_text(path))
        examples = criteria_dir / "examples" / f"{record.set_id}.offers.json"
        if not examples.exists():
            continue
        data = json.loads(examples.read_text(encoding="utf-8"))["offers"]
        lot_id = str(data[0].get("lot") or "1")
        reference = f"DEMO-{record.set_id}"[:64]
        consultations.create(uow(opened_at - timedelta(hours=1)), buyer, {
            "reference": reference, "title": record.title, "criteria_set": record.set_id,
            "criteria_version": record.version, "deadline": deadline,
            "lots": [{"id": lot_id, "title": record.title}]})
        consultations.publish(uow(opened_at), buyer, reference)
        criteria = criteria_sets.criteria_of(record)
        buyer_inputs = {leaf.input: leaf for leaf in criteria.leaves if leaf.assessed_by == "buyer"}
        given_marks = []
        for k, example in enumerate(data):
            supplier = example.get("supplier") or {}
            siret = tokens.clean_siret(supplier.get("siret", ""))
            companies.setdefault(siret, supplier.get("name") or siret)
            if siret not in supplier_tokens:
                token, secret = tokens.create_token(uow(opened_at), OPERATOR, "supplier",
                                                    siret=siret, name=supplier.get("name"))
                supplier_tokens[siret] = _principal(token)
                shown.setdefault("supplier", secret)
            answers = {key: value for key, value in example["answers"].items()
                       if key not in buyer_inputs}
            receipt, _ = offers.submit(uow(opened_at + timedelta(hours=k + 1)),
                                       supplier_tokens[siret], reference,
                                       {"lot": lot_id, "answers": answers,
                                        "evidence": example.get("evidence") or {},
                                        "supplier_name": supplier.get("name")})
            for name, leaf in buyer_inputs.items():
                if example["answers"].get(name) is not None:
                    given_marks.append((receipt["id"], leaf, example["answers"][name]))
        for offer_id, leaf, mark in given_marks:
            marks.put_mark(uow(), buyer, offer_id, leaf.path, mark,
                           "Mémoire technique examiné par la commission : note reprise du "
                           "rapport d'analyse (démonstration).")
        scorings.run(uow(), buyer, reference, lot_id)
        created.append(reference)

    with uow() as u:
        record = u.session.execute(select(criteria_sets.CriteriaSetRecord).order_by(
            criteria_sets.CriteriaSetRecord.id).limit(1)).scalar_one_or_none()
    if record is not None:  # one consultation still open, so suppliers can try submitting
        consultations.create(uow(), buyer, {
            "reference": OPEN_REFERENCE, "title": f"{record.title} (ouverte)",
            "criteria_set": record.set_id, "criteria_version": record.version,
            "deadline": now + timedelta(days=30),
            "lots": [{"id": "1", "title": "Lot unique", "estimate": 100000.0}]})
        consultations.publish(uow(), buyer, OPEN_REFERENCE)
        created.append(OPEN_REFERENCE)
    # the SME portal: a programme of planned purchases and company profiles (SPEC §8)
    portal = demo_portal.seed(uow, buyer, next(iter(supplier_tokens.values()), None), now)
    return {"already": False, "tokens": shown, "consultations": created,
            "portal": portal,
            "people": _people(uow, list(companies.items())[:len(COMPANY_EMAILS)])}


def _password() -> str:
    return secrets.token_urlsafe(12)


def _people(uow, companies: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The demo's people, invited and signed up as anyone would be; their passwords."""
    out = []
    for role, email, name in PEOPLE:
        _, link_secret = accounts.invite(uow(), OPERATOR, role=role, email=email,
                                         organisation=None if role == "admin" else ORGANISATION)
        password = _password()
        accounts.accept_invitation(uow(), link_secret, name=name, password=password)
        out.append({"role": role, "email": email, "name": name, "password": password})
    for email, (siret, company) in zip(COMPANY_EMAILS, companies):
        password = _password()
        accounts.register_company(uow(), siret=siret, company_name=company,
                                  name=f"Contact {company}", email=email, password=password)
        out.append({"role": "supplier", "email": email, "name": company, "password": password})
    return out
