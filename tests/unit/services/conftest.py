"""A world kept in memory for the use cases' unit tests: organisations, a criteria set,
consultations, offers and scorings stored in a :class:`~fakes.FakeDatabase`, a clock the
tests move, and the people who call."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from spar.db.models import (CompanyProfile, Consultation, CriteriaSetRecord, Lot, Offer,
                            Organisation, ProgrammeInterest, ProgrammeItem, Scoring)
from spar.services.clock import FixedClock
from spar.services.criteria_sets import criteria_of, parse_upload
from spar.services.principal import Principal
from spar.services.scorings import build_inputs
from tests.api.conftest import CRITERIA_YAML

from .fakes import FakeDatabase, FakeUnitOfWork

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
SIRET_A = "12345678200002"
SIRET_B = "55210055400005"


class World:
    def __init__(self):
        self.database = FakeDatabase()
        self.clock = FixedClock(T0)
        self.metro = self.organisation("metro", "Métropole")
        self.other = self.organisation("autre", "Autre ville")
        self.criteria = self.criteria_set()

    def uow(self, **settings) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.database, self.clock, settings)

    # --- who calls ---------------------------------------------------------------------

    def buyer(self, organisation: Organisation | None = None) -> Principal:
        return Principal(1, "buyer", (organisation or self.metro).id, name="acheteur")

    def auditor(self, organisation: Organisation | None = None) -> Principal:
        return Principal(2, "auditor", (organisation or self.metro).id, name="contrôleur")

    def supplier(self, siret: str = SIRET_A) -> Principal:
        return Principal(3, "supplier", None, siret, f"Entreprise {siret[:4]}")

    admin = Principal(4, "admin")
    anonymous = Principal(None, None)

    # --- what is stored ----------------------------------------------------------------

    def organisation(self, slug: str, name: str) -> Organisation:
        organisation = Organisation(slug=slug, name=name, created_at=T0)
        self.database.store(organisation)
        return organisation

    def criteria_set(self, text: str = CRITERIA_YAML) -> CriteriaSetRecord:
        criteria, _ = parse_upload(text)
        record = CriteriaSetRecord(set_id=criteria.id, version=criteria.version,
                                   sha256=criteria.sha256, title=criteria.title,
                                   category=criteria.category,
                                   document=dict(criteria.document), source=text,
                                   created_at=T0)
        self.database.store(record)
        return record

    def consultation(self, reference: str = "2026-001", *, organisation=None,
                     published: bool = True, days: int = 10,
                     lots: tuple[str, ...] = ("1", "2")) -> Consultation:
        organisation = organisation or self.metro
        consultation = Consultation(
            reference=reference, title=f"Fournitures {reference}",
            organisation_id=organisation.id, organisation=organisation,
            criteria_set_id=self.criteria.id, criteria_set=self.criteria,
            deadline=self.clock.now() + timedelta(days=days), created_at=self.clock.now(),
            published_at=self.clock.now() if published else None)
        consultation.lots = [Lot(lot_id=lot, position=k, title=f"Lot {lot}", estimate=None)
                             for k, lot in enumerate(lots)]
        self.database.store(consultation)
        return consultation

    def offer(self, consultation: Consultation, public_id: str, *, lot: str = "1",
              siret: str = SIRET_A, price: float = 1000.0, superseded: bool = False
              ) -> Offer:
        offer = Offer(public_id=public_id, lot=_lot(consultation, lot), siret=siret,
                      supplier_name=f"Entreprise {public_id}", sme=True,
                      answers={"price_eur": price, "co2e_kg": 2.0, "labels": ["FSC"]},
                      evidence={"labels": ["FSC"]}, content_hash="0" * 64,
                      submitted_at=self.clock.now(),
                      superseded_at=self.clock.now() if superseded else None)
        offer.lot_id = offer.lot.id
        self.database.store(offer)
        return offer

    def offers_of(self, consultation: Consultation, lot: str = "1") -> list[Offer]:
        the_lot = _lot(consultation, lot)
        return [o for o in self.database.all(Offer) if o.lot is the_lot]

    def scoring(self, consultation: Consultation, offers: list[Offer], *, lot: str = "1",
                reviews: dict[str, dict[str, Any]] | None = None) -> Scoring:
        """A stored scoring of ``offers`` as the service stores one: its inputs frozen, its
        result ranking them in the order given, with the review each one had."""
        the_lot = _lot(consultation, lot)
        inputs = build_inputs(criteria_of(consultation.criteria_set), the_lot, offers, {}, {},
                              seed=7)
        result = {"offers": [{"id": o.public_id, "status": "ranked", "rank": k + 1,
                              "total": 90.0 - k, "review": (reviews or {}).get(o.public_id, {})}
                             for k, o in enumerate(offers)]}
        scoring = Scoring(public_id=f"s-{len(self.database.all(Scoring)) + 1}", lot=the_lot,
                          lot_id=the_lot.id, criteria_set=consultation.criteria_set,
                          criteria_set_id=consultation.criteria_set.id,
                          criteria_sha256=consultation.criteria_set.sha256,
                          engine_version="test", model_version="m-1", inputs=inputs,
                          result=result, result_sha256="0" * 64, created_at=self.clock.now())
        self.database.store(scoring)
        return scoring

    def programme_item(self, *, organisation=None, title: str = "Papeterie 2027",
                       month: str = "2027-03", status: str = "planned") -> ProgrammeItem:
        organisation = organisation or self.metro
        item = ProgrammeItem(organisation_id=organisation.id, organisation=organisation,
                             title=title, category=self.criteria.category, description="",
                             expected_publication=month, estimate_min=None,
                             estimate_max=None, criteria_set_id=self.criteria.id,
                             criteria_set=self.criteria, status=status, consultation=None,
                             created_at=T0, updated_at=T0)
        self.database.store(item)
        return item

    def interest(self, item: ProgrammeItem, siret: str = SIRET_A,
                 email: str | None = None) -> ProgrammeInterest:
        interest = ProgrammeInterest(item_id=item.id, siret=siret, company_name="Entreprise",
                                     message="", contact_email=email, created_at=T0)
        self.database.store(interest)
        return interest

    def profile(self, siret: str, visibility: str) -> CompanyProfile:
        profile = CompanyProfile(siret=siret, name=f"Profil {siret[:4]}", size="small",
                                 departement="69", visibility=visibility)
        self.database.store(profile)
        return profile

    def after_deadline(self, days: int = 30) -> None:
        self.clock.advance(days=days)


def _lot(consultation: Consultation, lot_id: str) -> Lot:
    return next(lot for lot in consultation.lots if lot.lot_id == lot_id)


@pytest.fixture
def world() -> World:
    return World()
