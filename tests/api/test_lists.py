"""Lists (SPEC §6.1): one shape, ``{"items", "page", "per_page", "total"}``, and the
consultation list with its filters."""

from __future__ import annotations

from datetime import timedelta

import pytest

LISTS = ["/api/v1/criteria-sets", "/api/v1/consultations", "/api/v1/audit-log",
         "/api/v1/consultations/2026-FOUR-001/offers",
         "/api/v1/consultations/2026-FOUR-001/rescore"]


def _new(flow, reference: str, title: str, days: int, publish: bool = True,
         who: str = "buyer"):
    deadline = flow.clock.now() + timedelta(days=days)
    flow.call("POST", "/api/v1/consultations", who, 201, json={
        "reference": reference, "title": title, "criteria_set": "fournitures-test",
        "criteria_version": 1, "deadline": deadline.isoformat(),
        "lots": [{"id": "1", "title": "Lot unique", "estimate": 5000}]})
    if publish:
        flow.call("POST", f"/api/v1/consultations/{reference}/publish", who, 200)


@pytest.mark.parametrize("path", LISTS)
def test_every_list_has_the_same_shape_and_bounds(flow, path):
    flow.open()
    flow.close()
    who = "admin" if "audit" in path else "buyer"
    body = flow.call("GET", path, who, 200).get_json()
    assert set(body) - {"chain"} == {"items", "page", "per_page", "total"}
    assert body["page"] == 1 and body["per_page"] == 20
    assert body["total"] >= len(body["items"])
    for bad in ("per_page=101", "per_page=0", "page=0", "page=x"):
        refused = flow.call("GET", f"{path}?{bad}", who, 422).get_json()
        assert refused["errors"], bad
    assert flow.call("GET", f"{path}?per_page=100", who, 200).get_json()["per_page"] == 100


def test_pages_cut_the_list_and_a_page_past_the_end_is_empty(flow):
    flow.upload_criteria()
    for k in range(5):
        _new(flow, f"R-{k}", f"Consultation {k}", days=10 + k)
    first = flow.call("GET", "/api/v1/consultations?state=open&per_page=2", "anonymous",
                      200).get_json()
    second = flow.call("GET", "/api/v1/consultations?state=open&per_page=2&page=2",
                       "anonymous", 200).get_json()
    assert first["total"] == second["total"] == 5
    assert [c["reference"] for c in first["items"] + second["items"]] == [
        "R-0", "R-1", "R-2", "R-3"]  # open ones: the soonest deadline first
    beyond = flow.call("GET", "/api/v1/consultations?page=9", "anonymous", 200).get_json()
    assert beyond["items"] == [] and beyond["total"] == 5


def test_the_list_filters_by_state_category_and_text(flow):
    flow.upload_criteria()
    _new(flow, "VOIRIE-2027", "Entretien de la voirie", days=5)
    _new(flow, "PAPIER-2027", "Papier recyclé", days=60)
    _new(flow, "BROUILLON-1", "Projet de papier", days=60, publish=False)
    flow.clock.advance(days=10)  # VOIRIE-2027 is now closed

    def refs(query, who="buyer"):
        body = flow.call("GET", f"/api/v1/consultations?{query}", who, 200).get_json()
        return sorted(c["reference"] for c in body["items"])

    assert refs("state=open") == ["PAPIER-2027"]
    assert refs("state=closed") == ["VOIRIE-2027"]
    assert refs("state=scored") == []
    assert refs("state=draft") == ["BROUILLON-1"]
    assert refs("state=draft", "anonymous") == refs("state=draft", "other_buyer") == []
    assert refs("q=papier") == ["BROUILLON-1", "PAPIER-2027"]
    assert refs("q=PAPIER", "supplier") == ["PAPIER-2027"]
    assert refs("q=voirie-2027") == ["VOIRIE-2027"]
    assert refs("q=%25") == []  # a wildcard is searched as text
    assert refs("category=supplies") == ["BROUILLON-1", "PAPIER-2027", "VOIRIE-2027"]
    assert refs("category=works") == []
    flow.call("GET", "/api/v1/consultations?category=food", "buyer", 422)


def test_a_notice_says_what_a_candidate_needs_and_nothing_sealed(flow):
    flow.open()
    flow.submit("supplier", 10000)
    body = flow.call("GET", "/api/v1/consultations", "anonymous", 200).get_json()
    (notice,) = body["items"]
    assert notice["reference"] == flow.reference and notice["state"] == "open"
    assert notice["buyer"] == {"slug": "metro", "name": "metro"}
    assert notice["category"] == "supplies"
    assert notice["criteria_set"]["id"] == "fournitures-test"
    assert notice["criteria_set"]["title"] == "Fournitures (test)"
    assert [lot["id"] for lot in notice["lots"]] == ["1", "2"]
    assert "offers" not in str(notice)
    assert notice["deadline_paris"].endswith("(heure de Paris)")
