"""A whole small world built through the API, for tests that ask many questions of one
state: who may do what (the access matrix) and whether answers match the contract.

One organisation ("metro") has a consultation past its deadline with two offers, marks
and a scoring; one still open with a sealed offer; one draft. Another organisation
("autre") has a draft of its own. ``supplier`` has offers (and loses lot 1),
``supplier_b`` wins it, ``supplier_c`` has no offer anywhere.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from spar import create_app
from spar.db import make_engine
from spar.db.models import Base
from spar.services import tokens
from spar.services.clock import FixedClock
from spar.services.principal import OPERATOR
from spar.services.unit_of_work import UnitOfWork

from .conftest import CAST, CRITERIA_YAML, T0

CRITERIA_SET = "fournitures-test"


def clear(database_url: str) -> None:
    """Delete every row of every table (what ``empty_database`` does for one test)."""
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


class World:
    """The app, its clock, the callers' headers and the names of what was built."""

    def __init__(self, database_url: str, instance_path: str):
        self.clock = FixedClock(T0)
        self.app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": instance_path,
                               "CLOCK": self.clock, "REVIEW_SAMPLE_RATE": 0.0,
                               "TESTING": True, "SELF_ASSESSMENT_LIMIT": 100_000})
        self.client = self.app.test_client()
        self.engine = self.app.extensions["spar.db"].engine
        self._counter = itertools.count(1)
        self.headers = self._cast()

    def close(self) -> None:
        self.engine.dispose()

    def _uow(self) -> UnitOfWork:
        return UnitOfWork(self.app.extensions["spar.db"].sessions, self.clock, self.app.config)

    def _cast(self) -> dict[str, dict[str, str]]:
        out = {}
        for name, (role, org, siret) in CAST.items():
            _, secret = tokens.create_token(self._uow(), OPERATOR, role, organisation=org,
                                            siret=siret, name=name,
                                            create_organisation_if_missing=True)
            out[name] = {"Authorization": f"Bearer {secret}"}
        out["anonymous"] = {}
        return out

    def unique(self) -> int:
        """A number never handed out before in this world (references, slugs, keys)."""
        return next(self._counter)

    def call(self, method: str, path: str, who: str, expect: int | None = None, **kwargs):
        headers = {**self.headers[who], **kwargs.pop("headers", {})}
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, who, response.get_json())
        return response

    # --- building blocks -------------------------------------------------------------

    def consultation(self, who: str = "buyer", *, days: int = 90, publish: bool = True,
                     reference: str | None = None) -> str:
        """A consultation with lots 1 and 2 and a deadline ``days`` ahead; its reference."""
        reference = reference or f"2026-TEST-{self.unique():04d}"
        deadline = self.clock.now() + timedelta(days=days)
        self.call("POST", "/api/v1/consultations", who, 201, json={
            "reference": reference, "title": "Fournitures de bureau 2027",
            "criteria_set": CRITERIA_SET, "criteria_version": 1,
            "deadline": deadline.isoformat(),
            "lots": [{"id": "1", "title": "Papeterie", "estimate": 12000.0},
                     {"id": "2", "title": "Consommables"}]})
        if publish:
            self.call("POST", f"/api/v1/consultations/{reference}/publish", who, 200)
        return reference

    def submit(self, who: str, reference: str, price: float, co2: float, lot: str = "1"
               ) -> str:
        body = {"lot": lot, "answers": {"price_eur": price, "co2e_kg": co2,
                                        "labels": ["EU Ecolabel"]},
                "evidence": {"labels": ["EU Ecolabel"]}, "supplier_name": f"Entreprise {who}"}
        return self.call("POST", f"/api/v1/consultations/{reference}/offers", who, 201,
                         json=body).get_json()["id"]

    def mark(self, offer_id: str, mark: float) -> None:
        self.call("PUT", f"/api/v1/offers/{offer_id}/marks/technical", "buyer", 200,
                  json={"mark": mark, "justification": "Mémoire technique complet."})

    def token(self) -> int:
        """A fresh buyer token of "metro", created by the admin; its id."""
        return self.call("POST", "/api/v1/tokens", "admin", 201, json={
            "role": "buyer", "organisation": "metro", "name": f"jeton {self.unique()}"}
        ).get_json()["id"]

    # --- what changed ------------------------------------------------------------------

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table, in key order: equal snapshots mean nothing changed."""
        out = {}
        with self.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                rows = connection.execute(select(table).order_by(*table.primary_key.columns))
                out[table.name] = [tuple(row) for row in rows]
        return out


def build(database_url: str, instance_path: str) -> World:
    """The world of the module docstring, with the clock 30 days after T0."""
    clear(database_url)
    world = World(database_url, instance_path)
    world.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=CRITERIA_YAML,
               content_type="application/yaml")
    world.closed = world.consultation(days=5, reference="2026-CLOS-001")
    world.open = world.consultation(days=90, reference="2026-OUVERT-001")
    world.draft = world.consultation(days=90, publish=False, reference="2026-BROUILLON-001")
    world.other_draft = world.consultation("other_buyer", days=90, publish=False,
                                           reference="2026-AUTRE-001")
    world.offer = world.submit("supplier", world.closed, 12000, co2=3.0)  # loses lot 1
    world.winner_offer = world.submit("supplier_b", world.closed, 10000, co2=1.0)
    world.open_offer = world.submit("supplier", world.open, 11000, co2=2.0)
    world.clock.advance(days=30)
    world.mark(world.offer, 2)
    world.mark(world.winner_offer, 4)
    world.result = world.call("POST", f"/api/v1/consultations/{world.closed}/lots/1/scoring",
                              "buyer", 201).get_json()
    winner = next(o["id"] for o in world.result["offers"] if o["rank"] == 1)
    assert winner == world.winner_offer, world.result["offers"]
    # a buyer's scoring job, still queued, and an auditor's finished export job
    world.job = world.call("POST", f"/api/v1/consultations/{world.closed}/lots/1/scoring",
                           "buyer", 202, headers={"Prefer": "respond-async"}).get_json()["id"]
    world.export_job = world.call("POST", f"/api/v1/consultations/{world.closed}/exports",
                                  "auditor", 202, json={"format": "csv"}).get_json()["id"]
    from spar.jobs.runner import execute

    assert execute(world.app, world.export_job) == "done"
    return world
