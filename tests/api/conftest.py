"""Fixtures for the HTTP API: an app on the test database with a clock the tests move,
and a cast of callers — two organisations' buyers and auditors, an admin, suppliers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from spar import create_app
from spar.services import tokens
from spar.services.clock import FixedClock
from spar.services.principal import OPERATOR
from spar.services.unit_of_work import UnitOfWork

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
SIRET_A = "12345678200002"
SIRET_B = "55210055400005"
SIRET_C = "73282932000009"

CRITERIA_YAML = """\
spar: 1
id: fournitures-test
version: 1
title: Fournitures (test)
category: supplies
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 40, input: price_eur, unit: EUR HT,
     method: price_lowest_ratio}
  - id: env
    label: Performance environnementale
    pillar: environmental
    weight: 40
    eliminatory_below: 0.2
    criteria:
      - {id: co2, label: Empreinte carbone, weight: 60, input: co2e_kg, unit: kgCO2e,
         method: linear, best: 0.5, worst: 5.0}
      - {id: ecolabel, label: Écolabel, weight: 40, input: labels, method: labels,
         labels: {EU Ecolabel: 1, FSC: 0.5}, evidence: required}
  - id: technical
    label: Valeur technique
    pillar: technical
    weight: 20
    input: technical_mark
    method: scale
    levels: [{mark: 0, label: Absent, score: 0}, {mark: 1, label: Insuffisant, score: 0.25},
             {mark: 2, label: Moyen, score: 0.5}, {mark: 3, label: Satisfaisant, score: 0.75},
             {mark: 4, label: Très satisfaisant, score: 1}]
ranking:
  tie_break: [env, price]
review:
  abnormally_low: {input: price_eur, method: mean_ratio, ratio: 0.8}
"""


#: Every caller of the tests: name → (role, organisation, SIRET).
CAST = {
    "admin": ("admin", None, None),
    "buyer": ("buyer", "metro", None),
    "auditor": ("auditor", "metro", None),
    "other_buyer": ("buyer", "autre", None),
    "other_auditor": ("auditor", "autre", None),
    "supplier": ("supplier", None, SIRET_A),
    "supplier_b": ("supplier", None, SIRET_B),
    "supplier_c": ("supplier", None, SIRET_C),
}


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def app(empty_database, clock, tmp_path):
    app = create_app({"DATABASE_URL": empty_database, "INSTANCE_PATH": str(tmp_path),
                      "CLOCK": clock, "REVIEW_SAMPLE_RATE": 0.0, "TESTING": True,
                      "SELF_ASSESSMENT_LIMIT": 1000})
    yield app
    app.extensions["spar.db"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def uow(app, clock):
    """A unit of work on the app's database, for arranging what the API does not do."""
    return lambda: UnitOfWork(app.extensions["spar.db"].sessions, clock, app.config)


@pytest.fixture
def callers(uow) -> dict[str, dict[str, str]]:
    """Authorization headers by caller name."""
    out = {}
    for name, (role, org, siret) in CAST.items():
        _, secret = tokens.create_token(uow(), OPERATOR, role, organisation=org, siret=siret,
                                        name=name, create_organisation_if_missing=True)
        out[name] = {"Authorization": f"Bearer {secret}"}
    out["anonymous"] = {}
    return out


class Flow:
    """Drives a consultation through the API, asserting each step succeeds."""

    def __init__(self, client, callers, clock):
        self.client, self.callers, self.clock = client, callers, clock
        self.reference = "2026-FOUR-001"

    def call(self, method: str, url: str, who: str, expect: int | None = None, **kwargs):
        response = self.client.open(url, method=method, headers={
            **self.callers[who], **kwargs.pop("headers", {})}, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, url, who, response.get_json())
        return response

    def upload_criteria(self, text: str = CRITERIA_YAML):
        return self.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=text,
                         content_type="application/yaml").get_json()

    def open(self, days: int = 10, publish: bool = True, estimate: float | None = 12000.0):
        self.upload_criteria()
        deadline = self.clock.now().replace(hour=12) + __import__("datetime").timedelta(days=days)
        body = {"reference": self.reference, "title": "Fournitures de bureau 2027",
                "criteria_set": "fournitures-test", "criteria_version": 1,
                "deadline": deadline.isoformat(),
                "lots": [{"id": "1", "title": "Papeterie", "estimate": estimate},
                         {"id": "2", "title": "Consommables"}]}
        self.call("POST", "/api/v1/consultations", "buyer", 201, json=body)
        if publish:
            self.call("POST", f"/api/v1/consultations/{self.reference}/publish", "buyer", 200)
        return deadline

    def submit(self, who: str, price: float, co2: float = 2.0, labels=("EU Ecolabel",),
               lot: str = "1", expect: int = 201, **extra):
        body = {"lot": lot, "answers": {"price_eur": price, "co2e_kg": co2,
                                        "labels": list(labels)},
                "evidence": {"labels": list(labels)}, "supplier_name": f"Entreprise {who}"}
        body.update(extra)
        return self.call("POST", f"/api/v1/consultations/{self.reference}/offers", who, expect,
                         json=body).get_json()

    def close(self):
        self.clock.advance(days=30)

    def mark(self, offer_id: str, mark: float, expect: int = 200):
        return self.call("PUT", f"/api/v1/offers/{offer_id}/marks/technical", "buyer", expect,
                         json={"mark": mark, "justification": "Mémoire technique complet."}
                         ).get_json()

    def score(self, lot: str = "1", expect: int = 201):
        return self.call("POST", f"/api/v1/consultations/{self.reference}/lots/{lot}/scoring",
                         "buyer", expect).get_json()

    def two_offers_scored(self) -> "Flow":
        """Open, two suppliers' offers (the cheaper one marked 4), closed and scored."""
        self.open(days=5)
        a = self.submit("supplier", 10_000)
        self.submit("supplier_b", 12_000)
        self.close()
        self.mark(a["offer"], 4)
        self.score()
        return self


@pytest.fixture
def flow(client, callers, clock) -> Flow:
    return Flow(client, callers, clock)
