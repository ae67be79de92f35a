"""The audit log over HTTP: every write leaves an entry, chained, filtered and paged."""

from __future__ import annotations


def _actions(body):
    return [e["action"] for e in body["items"]]


def test_every_write_and_every_unsealing_read_is_logged(flow):
    flow.open()
    offer = flow.submit("supplier", 10000)
    flow.submit("supplier", 9000)
    flow.close()
    flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "buyer", 200)
    current = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "supplier",
                        200).get_json()["items"][-1]
    flow.mark(current["id"], 3)
    flow.score()
    body = flow.call("GET", "/api/v1/audit-log?per_page=100", "admin", 200).get_json()
    actions = _actions(body)
    for action in ("token.create", "criteria_set.upload", "consultation.create",
                   "consultation.publish", "offer.submit", "offer.replace", "offers.read",
                   "mark.set", "scoring.run"):
        assert action in actions, action
    submit = next(e for e in body["items"] if e["action"] == "offer.submit")
    assert submit["target"] == f"offer:{offer['id']}"
    assert submit["content_sha256"] == offer["content_sha256"]
    assert "answers" not in str(submit["details"])  # the sealed content never enters the log
    entries = body["items"]
    assert all(b["prev_hash"] == a["entry_hash"] for a, b in zip(entries, entries[1:]))


def test_filters_and_pages(flow):
    flow.open()
    flow.submit("supplier", 10000)
    url = "/api/v1/audit-log"
    by_consultation = flow.call("GET", f"{url}?consultation={flow.reference}", "admin",
                                200).get_json()
    assert set(_actions(by_consultation)) == {"consultation.create", "consultation.publish",
                                              "offer.submit"}
    page = flow.call("GET", f"{url}?per_page=2&page=2", "admin", 200).get_json()
    assert len(page["items"]) == 2 and page["total"] > 4
    assert page["items"][0]["id"] == 3
    future = flow.call("GET", f"{url}?since=2030-01-01T00:00:00%2B00:00", "admin",
                       200).get_json()
    assert future["items"] == [] and future["total"] == 0
    flow.call("GET", f"{url}?page=0", "admin", 422)
    flow.call("GET", f"{url}?since=demain", "admin", 422)


def test_an_auditor_sees_only_its_organisations_entries(flow):
    flow.open()
    mine = flow.call("GET", "/api/v1/audit-log?per_page=100", "auditor", 200).get_json()
    theirs = flow.call("GET", "/api/v1/audit-log?per_page=100", "other_auditor",
                       200).get_json()
    assert "consultation.create" in _actions(mine)
    assert "consultation.create" not in _actions(theirs)


def test_the_chain_can_be_verified_over_http(flow):
    flow.open()
    body = flow.call("GET", "/api/v1/audit-log?verify=true", "auditor", 200).get_json()
    assert body["chain"]["intact"] is True and body["chain"]["checked"] > 5


def test_indicators_of_the_year(flow, clock):
    flow.open()
    flow.submit("supplier", 10000, sme=True)
    flow.close()
    flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "buyer", 200)
    flow.score()
    body = flow.call("GET", "/api/v1/indicators?year=2026", "buyer", 200).get_json()
    assert body["consultations"] == 1 and body["awards"] == 1
    assert body["with_environmental_share"] == 1.0
    assert body["sme_award_share"] == 1.0
    assert abs(sum(body["pillar_weights"].values()) - 1) < 1e-9
    pdf = flow.call("GET", "/api/v1/indicators?year=2026&format=pdf", "auditor", 200)
    assert pdf.data.startswith(b"%PDF")
    assert flow.call("GET", "/api/v1/indicators?year=2025", "buyer",
                     200).get_json()["consultations"] == 0
    flow.call("GET", "/api/v1/indicators?year=1900", "buyer", 422)
    flow.call("GET", "/api/v1/indicators?year=2026", "supplier", 403)
