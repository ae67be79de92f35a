"""Consultations and sealed offers over HTTP: the supplier's and the buyer's sides."""

from __future__ import annotations


def test_buyer_opens_and_publishes_a_consultation(flow):
    flow.open()
    body = flow.call("GET", f"/api/v1/consultations/{flow.reference}", "buyer", 200).get_json()
    assert body["state"] == "open"
    assert [lot["id"] for lot in body["lots"]] == ["1", "2"]
    assert body["deadline_paris"].endswith("(heure de Paris)")
    assert "offers" not in body["lots"][0]  # nothing about offers before the deadline


def test_supplier_receives_a_receipt_with_the_content_hash(flow):
    flow.open()
    receipt = flow.submit("supplier", 10000)
    assert receipt["id"].startswith("o-")
    assert len(receipt["content_sha256"]) == 64
    assert receipt["replaces"] is None and receipt["warnings"] == []


def test_retried_submission_with_the_same_key_returns_the_same_offer(flow):
    flow.open()
    key = {"Idempotency-Key": "envoi-1"}
    first = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 201,
                      headers=key, json={"lot": "1", "answers": {"price_eur": 9000}}).get_json()
    again = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 200,
                      headers=key, json={"lot": "1", "answers": {"price_eur": 9000}}).get_json()
    assert again["id"] == first["id"]
    mine = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "supplier",
                     200).get_json()["items"]
    assert [o["id"] for o in mine] == [first["id"]]


def test_same_key_with_another_offer_is_a_conflict(flow):
    flow.open()
    key = {"Idempotency-Key": "envoi-1"}
    flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 201,
              headers=key, json={"lot": "1", "answers": {"price_eur": 9000}})
    body = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 409,
                     headers=key, json={"lot": "1", "answers": {"price_eur": 8000}}).get_json()
    assert "Idempotency-Key" in body["message"]


def test_a_new_offer_replaces_the_previous_one(flow):
    flow.open()
    first = flow.submit("supplier", 10000)
    second = flow.submit("supplier", 9500)
    assert second["replaces"] == first["id"]
    mine = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "supplier",
                     200).get_json()["items"]
    assert [(o["id"], o["current"]) for o in mine] == [(first["id"], False), (second["id"], True)]


def test_late_offer_is_refused_and_nothing_is_stored(flow):
    flow.open()
    flow.close()
    body = flow.submit("supplier", 10000, expect=409)
    assert "date limite" in body["message"]
    assert flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "supplier",
                     200).get_json()["items"] == []


def test_offers_are_sealed_for_the_buyer_until_the_deadline(flow):
    flow.open()
    flow.submit("supplier", 10000)
    body = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "buyer",
                     403).get_json()
    assert "scellées" in body["message"]
    flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "auditor", 403)
    flow.close()
    offers = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "buyer",
                       200).get_json()["items"]
    assert [o["answers"]["price_eur"] for o in offers] == [10000]


def test_a_supplier_never_sees_another_suppliers_offer(flow):
    flow.open()
    flow.submit("supplier", 10000)
    flow.submit("supplier_b", 11000)
    flow.close()
    mine = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "supplier_b",
                     200).get_json()["items"]
    assert [o["supplier"]["siret"] for o in mine] == ["55210055400005"]


def test_malformed_answers_are_named_one_by_one(flow):
    flow.open()
    body = flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 422,
                     json={"lot": "1", "answers": {"price_eur": "beaucoup", "co2e_kg": -1,
                                                   "technical_mark": 7, "colour": "bleu"}}
                     ).get_json()
    answers = body["errors"]["answers"]
    assert "price_eur" in answers and "technical_mark" in answers and "colour" in answers


def test_unknown_lot_in_an_offer_is_a_422(flow):
    flow.open()
    body = flow.submit("supplier", 10000, lot="9", expect=422)
    assert "lot" in body["errors"]


def test_missing_required_answer_is_accepted_with_a_warning(flow):
    yaml = __import__("tests.api.conftest", fromlist=["CRITERIA_YAML"]).CRITERIA_YAML.replace(
        "method: linear, best: 0.5, worst: 5.0}", "method: linear, best: 0.5, worst: 5.0, "
        "required: true}")
    flow.call("POST", "/api/v1/criteria-sets", "buyer", 201, data=yaml,
              content_type="application/yaml")
    flow.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": "R-REQ", "title": "t", "criteria_set": "fournitures-test",
        "criteria_version": 1, "deadline": "2026-12-20T12:00:00+01:00",
        "lots": [{"id": "1"}]})
    flow.call("POST", "/api/v1/consultations/R-REQ/publish", "buyer", 200)
    receipt = flow.call("POST", "/api/v1/consultations/R-REQ/offers", "supplier", 201,
                        json={"lot": "1", "answers": {"price_eur": 100}}).get_json()
    assert [w["code"] for w in receipt["warnings"]] == ["missing_required"]


def test_draft_consultation_is_invisible_to_suppliers(flow):
    flow.open(publish=False)
    flow.call("GET", f"/api/v1/consultations/{flow.reference}", "supplier", 404)
    flow.submit("supplier", 10000, expect=404)


def test_another_organisations_buyer_gets_404(flow):
    flow.open()
    flow.call("GET", f"/api/v1/consultations/{flow.reference}", "other_buyer", 404)
    flow.call("GET", f"/api/v1/consultations/{flow.reference}", "other_auditor", 404)
    flow.call("POST", f"/api/v1/consultations/{flow.reference}/publish", "other_buyer", 404)


def test_deadline_in_the_past_is_refused_at_creation(flow):
    flow.upload_criteria()
    body = flow.call("POST", "/api/v1/consultations", "buyer", 422, json={
        "reference": "R-1", "title": "t", "criteria_set": "fournitures-test",
        "criteria_version": 1, "deadline": "2020-01-01T12:00:00+01:00", "lots": [{"id": "1"}]}
    ).get_json()
    assert "deadline" in body["errors"]


def test_naive_deadline_is_read_as_paris_time(flow):
    flow.upload_criteria()
    body = flow.call("POST", "/api/v1/consultations", "buyer", 201, json={
        "reference": "R-2", "title": "t", "criteria_set": "fournitures-test",
        "criteria_version": 1, "deadline": "2026-12-20T12:00:00", "lots": [{"id": "1"}]}
    ).get_json()
    assert body["deadline"] == "2026-12-20T11:00:00+00:00"


def test_marks_need_the_deadline_and_a_justification_and_keep_their_history(flow):
    flow.open()
    offer = flow.submit("supplier", 10000)
    flow.mark(offer["id"], 3, expect=409)
    flow.close()
    flow.call("PUT", f"/api/v1/offers/{offer['id']}/marks/technical", "buyer", 422,
              json={"mark": 3, "justification": "  "})
    flow.call("PUT", f"/api/v1/offers/{offer['id']}/marks/technical", "buyer", 422,
              json={"mark": 7, "justification": "hors échelle"})
    flow.call("PUT", f"/api/v1/offers/{offer['id']}/marks/env.co2", "buyer", 422,
              json={"mark": 1, "justification": "pas un critère de l'acheteur"})
    flow.call("PUT", f"/api/v1/offers/{offer['id']}/marks/nope", "buyer", 404,
              json={"mark": 1, "justification": "inconnu"})
    flow.mark(offer["id"], 2)
    body = flow.mark(offer["id"], 3)
    assert body["level"] == "Satisfaisant"
    assert [(h["mark"], h["current"]) for h in body["history"]] == [(2.0, False), (3.0, True)]


def test_same_criteria_version_with_other_content_is_a_conflict(flow):
    flow.upload_criteria()
    flow.call("POST", "/api/v1/criteria-sets", "buyer", 200, data=__import__(
        "tests.api.conftest", fromlist=["CRITERIA_YAML"]).CRITERIA_YAML,
        content_type="application/yaml")
    changed = __import__("tests.api.conftest", fromlist=["CRITERIA_YAML"]).CRITERIA_YAML.replace(
        "weight: 40, input: price_eur", "weight: 45, input: price_eur")
    body = flow.call("POST", "/api/v1/criteria-sets", "buyer", 409, data=changed,
                     content_type="application/yaml").get_json()
    assert "nouvelle version" in body["message"]


def test_broken_criteria_upload_is_a_422_with_locations(flow):
    body = flow.call("POST", "/api/v1/criteria-sets", "buyer", 422,
                     data="spar: 1\nid: x\n\tversion: 1\n", content_type="application/yaml"
                     ).get_json()
    problem = body["errors"]["criteria"][0]
    assert (problem["line"], problem["column"]) == (3, 1)
