"""SPEC §1 end to end, over HTTP, against gunicorn: criteria, a consultation whose
deadline passes for real, sealed offers, marks, the scoring, the auditor's checks and
what a rejected bidder is told."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.api.conftest import CRITERIA_YAML

from .conftest import SIRET_A, SIRET_B, SIRET_C

pytestmark = pytest.mark.e2e

#: Enough for the offers to arrive before it on a busy machine, short enough to wait for.
DEADLINE_IN = timedelta(seconds=6)
#: A set of its own: the service is shared by the session's e2e tests, and a set another
#: test published first would answer 200 (already there), not 201
CRITERIA = CRITERIA_YAML.replace("id: fournitures-test", "id: fournitures-parcours")


def offer(price: float, co2: float, name: str) -> dict:
    return {"lot": "1", "answers": {"price_eur": price, "co2e_kg": co2, "labels": ["EU Ecolabel"]},
            "evidence": {"labels": ["EU Ecolabel"]}, "supplier_name": name, "sme": True}


def test_a_consultation_from_criteria_to_the_rejected_bidders_letter(service):
    reference = "2026-E2E-001"
    base = f"/api/v1/consultations/{reference}"

    # the buyer publishes its criteria and a consultation closing in a few seconds
    criteria = service.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=CRITERIA,
                            headers={"Content-Type": "application/yaml"}).json()
    deadline = datetime.now(timezone.utc) + DEADLINE_IN
    service.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": reference, "title": "Fournitures de bureau 2027",
        "criteria_set": criteria["id"], "criteria_version": criteria["version"],
        "deadline": deadline.isoformat(), "lots": [{"id": "1", "title": "Papeterie",
                                                    "estimate": 12000}]})
    published = service.call("POST", f"{base}/publish", "buyer", 200).json()
    assert published["state"] == "open"
    assert published["criteria_set"]["sha256"] == criteria["sha256"]

    # suppliers bid; one retries after a lost answer and gets its first receipt back
    key = {"Idempotency-Key": "alpha-envoi-1"}
    first = service.call("POST", f"{base}/offers", "supplier_a", 201, headers=key,
                         json=offer(11000, 2.5, "Papeterie Alpha")).json()
    retried = service.call("POST", f"{base}/offers", "supplier_a", 200, headers=key,
                           json=offer(11000, 2.5, "Papeterie Alpha")).json()
    assert retried == first
    winner = service.call("POST", f"{base}/offers", "supplier_b", 201,
                          json=offer(10000, 1.0, "Bureau Bêta")).json()
    service.call("GET", f"{base}/offers", "buyer", 403)  # sealed

    # the deadline passes: a late offer is refused and nothing of it is kept
    time.sleep(max(0.0, (deadline - datetime.now(timezone.utc)).total_seconds()) + 0.5)
    late = service.call("POST", f"{base}/offers", "supplier_c", 409,
                        json=offer(9000, 0.8, "Gamma Fournitures")).json()
    assert "date limite" in late["message"]
    assert service.call("GET", f"{base}/offers", "supplier_c", 200).json()["items"] == []

    # the buyer opens the offers, marks the technical value and scores the lot
    offers = service.call("GET", f"{base}/offers", "buyer", 200).json()["items"]
    assert {o["id"]: o["supplier"]["siret"] for o in offers} == {first["id"]: SIRET_A,
                                                                  winner["id"]: SIRET_B}
    assert SIRET_C not in {o["supplier"]["siret"] for o in offers}
    for offer_id, mark in ((first["id"], 2), (winner["id"], 4)):
        service.call("PUT", f"/api/v1/offers/{offer_id}/marks/technical", "buyer", 200,
                     json={"mark": mark, "justification": "Mémoire technique lu et noté."})
    result = service.call("POST", f"{base}/lots/1/scoring", "buyer", 201).json()
    ranked = [(o["id"], o["rank"]) for o in result["offers"]]
    assert ranked == [(winner["id"], 1), (first["id"], 2)]
    assert result["criteria"]["sha256"] == criteria["sha256"]

    # the auditor reads the ranking, the intact audit log and the RAO
    ranking = service.call("GET", f"{base}/lots/1/ranking", "auditor", 200).json()
    assert ranking["offers"] == result["offers"]
    log = service.call("GET", "/api/v1/audit-log", "auditor", 200,
                       params={"consultation": reference, "verify": "true",
                               "per_page": 100}).json()
    assert log["total"] <= 100
    actions = [entry["action"] for entry in log["items"]]
    for action in ("consultation.create", "consultation.publish", "offer.submit", "mark.set",
                   "scoring.run", "ranking.read"):
        assert action in actions, actions
    assert actions.count("offer.submit") == 2  # neither the retry nor the late offer
    assert log["chain"]["intact"], log["chain"]
    rao = service.call("GET", f"{base}/export", "auditor", 200, params={"format": "pdf"})
    assert rao.headers["Content-Type"] == "application/pdf"
    assert rao.content.startswith(b"%PDF") and len(rao.content) > 2000
    assert "attachment" in rao.headers["Content-Disposition"]

    # the rejected bidder sees its own lines and the winner's, and gets its letter
    seen = service.call("GET", f"{base}/lots/1/ranking", "supplier_a", 200).json()
    assert [o["id"] for o in seen["offers"]] == [first["id"], winner["id"]]
    assert "review" not in seen["offers"][1]
    assert seen["offers"][1]["supplier"] == {"name": "Bureau Bêta"}
    letter = service.call("GET", f"{base}/export", "supplier_a", 200,
                          params={"format": "letter-json"}).json()
    assert letter["supplier"]["siret"] == SIRET_A
    assert first["id"] in str(letter) and SIRET_B not in str(letter)
    pdf = service.call("GET", f"{base}/export", "supplier_a", 200, params={"format": "letter"})
    assert pdf.content.startswith(b"%PDF")
    service.call("GET", f"{base}/export", "supplier_a", 403, params={"format": "csv"})


def test_health_and_the_published_contract(service):
    assert service.call("GET", "/api/v1/healthz", None, 200).json() == {"status": "ok"}
    ready = service.call("GET", "/api/v1/readyz", None, 200).json()
    assert ready == {"status": "ok", "database": "ok"}
    document = service.call("GET", "/openapi.json", None, 200).json()
    assert document["openapi"] == "3.1.0" and "/api/v1/consultations" in document["paths"]


def test_errors_are_json_for_strangers_and_unknown_addresses(service):
    refused = service.call("POST", "/api/v1/consultations", None, 401, json={})
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["code"] == 401 and refused.json()["message"]
    forged = service.call("GET", "/api/v1/indicators", None, 401, params={"year": 2026},
                          headers={"Authorization": "Bearer spar_pas-un-vrai-jeton"})
    assert forged.json()["message"] == "jeton d'accès inconnu"
    missing = service.call("GET", "/api/v1/nulle-part", "buyer", 404).json()
    assert missing["code"] == 404 and missing["message"]
