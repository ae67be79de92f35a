"""The receipt (accusé de réception, SPEC §6.1): what a supplier keeps to prove later what
it submitted and when, given again by ``GET /offers/{id}/receipt``."""

from __future__ import annotations

import hashlib
import json

SPEC_FIELDS = {"offer", "consultation", "lot", "siret", "submitted_at", "content_sha256",
               "audit_entry_hash"}


def _offers_url(flow) -> str:
    return f"/api/v1/consultations/{flow.reference}/offers"


def test_the_receipt_lets_a_supplier_recompute_its_hash_and_find_its_log_entry(flow):
    flow.open()
    body = {"lot": "1", "answers": {"price_eur": 10500.5, "co2e_kg": 2, "labels": ["FSC"]},
            "evidence": {"labels": ["FSC"]}}
    receipt = flow.call("POST", _offers_url(flow), "supplier", 201, json=body).get_json()
    assert SPEC_FIELDS <= set(receipt)
    assert receipt["offer"] == receipt["id"] and receipt["consultation"] == flow.reference
    assert receipt["lot"] == "1" and receipt["siret"] == "12345678200002"
    # what the supplier sent, canonical: keys sorted, no spaces, UTF-8
    canonical = json.dumps({"answers": body["answers"], "evidence": body["evidence"]},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert receipt["content_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    log = flow.call("GET", "/api/v1/audit-log?per_page=500", "admin", 200).get_json()
    entry = next(e for e in log["entries"] if e["entry_hash"] == receipt["audit_entry_hash"])
    assert entry["action"] == "offer.submit" and entry["target"] == f"offer:{receipt['offer']}"
    assert entry["content_sha256"] == receipt["content_sha256"]
    assert entry["at"] >= receipt["submitted_at"]


def test_the_receipt_is_given_again_exactly(flow):
    flow.open()
    first = flow.submit("supplier", 10000, labels=())  # no label: nothing irregular
    again = flow.call("GET", f"/api/v1/offers/{first['offer']}/receipt", "supplier",
                      200).get_json()
    assert again == first


def test_a_replay_and_a_replaced_offer_keep_their_first_receipt(flow):
    flow.open()
    key = {"Idempotency-Key": "envoi-42"}
    body = {"lot": "1", "answers": {"price_eur": 9000}}
    first = flow.call("POST", _offers_url(flow), "supplier", 201, headers=key,
                      json=body).get_json()
    second = flow.submit("supplier", 8500)
    assert second["replaces"] == first["offer"]
    replayed = flow.call("POST", _offers_url(flow), "supplier", 200, headers=key,
                         json=body).get_json()
    assert replayed == first
    assert flow.call("GET", f"/api/v1/offers/{second['offer']}/receipt", "supplier",
                     200).get_json() == second
    entry = flow.call("GET", "/api/v1/audit-log?per_page=500", "admin", 200).get_json()
    replaced = next(e for e in entry["entries"] if e["entry_hash"] == second["audit_entry_hash"])
    assert replaced["action"] == "offer.replace"


def test_the_same_key_for_another_lot_is_a_conflict(flow):
    flow.open()
    key = {"Idempotency-Key": "envoi-lot"}
    answers = {"price_eur": 9000}
    flow.call("POST", _offers_url(flow), "supplier", 201, headers=key,
              json={"lot": "1", "answers": answers})
    flow.call("POST", _offers_url(flow), "supplier", 409, headers=key,
              json={"lot": "2", "answers": answers})


def test_the_buyer_reads_receipts_only_after_the_deadline_and_others_never(flow):
    flow.open()
    receipt = flow.submit("supplier", 10000)
    url = f"/api/v1/offers/{receipt['offer']}/receipt"
    sealed = flow.call("GET", url, "buyer", 403).get_json()
    assert "scellées" in sealed["message"]
    flow.call("GET", url, "supplier_b", 404)
    flow.call("GET", url, "other_buyer", 404)
    flow.call("GET", url, "admin", 403)
    flow.call("GET", "/api/v1/offers/o-inconnue/receipt", "supplier", 404)
    flow.close()
    for who in ("buyer", "auditor", "supplier"):
        assert flow.call("GET", url, who, 200).get_json() == receipt
    flow.call("GET", url, "other_auditor", 404)
