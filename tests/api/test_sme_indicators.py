"""The SME portal's indicators (SPEC §8) in GET /indicators, computed by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .portal import Portal, profile_body


def test_sme_shares_interest_and_delay_as_computed_by_hand(flow, client, callers, clock):
    portal = Portal(client, callers, clock)
    deadline = flow.open(days=10)  # lot 1 estimated 12 000 €, lot 2 without estimate
    item = portal.item(expected_publication="2026-12")
    portal.interest("supplier_c", item["id"])
    # the firms' sizes: supplier declares itself an SME in its offer and has no profile;
    # supplier_b declares nothing, its visible profile says large; supplier_c declares
    # nothing and its profile (micro) is private: unknown
    portal.profile("supplier_b", size="large")
    portal.profile("supplier_c", size="micro", visibility="private")
    offers = {who: flow.submit(who, price, **extra)["id"] for who, price, extra in (
        ("supplier", 9000, {"sme": True}), ("supplier_b", 10000, {}),
        ("supplier_c", 11000, {}))}
    sealed = portal.call("GET", "/api/v1/indicators?year=2026", "buyer", 200)
    assert sealed["sme"]["offers"]["total"] == 0  # not before the deadline
    flow.close()
    for offer_id in offers.values():
        flow.mark(offer_id, 3)
    result = flow.score()
    assert [o["id"] for o in result["offers"] if o["rank"] == 1] == [offers["supplier"]]

    figures = portal.call("GET", "/api/v1/indicators?year=2026", "auditor", 200)
    assert figures["sme"]["offers"] == {
        "total": 3, "known": 2, "sme": 1, "share": 0.5,
        "by_size": {"micro": 0, "small": 0, "medium": 0, "large": 1, "unknown": 2}}
    assert figures["sme"]["awards"] == {
        "total": 1, "known": 1, "sme": 1, "share": 1.0,
        "by_size": {"micro": 0, "small": 0, "medium": 0, "large": 0, "unknown": 1}}
    assert figures["sme"]["awarded_amounts"] == {"total": 12000.0, "known": 12000.0,
                                                 "sme": 12000.0, "share": 1.0}
    delay = (clock.now() - deadline) / timedelta(days=1)
    assert figures["deadline_to_scoring"] == {"lots": 1, "median_days": pytest.approx(delay),
                                              "mean_days": pytest.approx(delay),
                                              "max_days": pytest.approx(delay)}
    assert figures["programme"]["items"] == [{
        "id": item["id"], "title": item["title"], "status": "planned",
        "expected_publication": "2026-12", "interested": 1}]
    assert (figures["programme"]["interested"], figures["programme"]["items_with_interest"]) \
        == (1, 1)
    pdf = client.get("/api/v1/indicators?year=2026&format=pdf", headers=callers["buyer"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_profile_made_visible_gives_its_size(flow, client, callers, clock):
    portal = Portal(client, callers, clock)
    flow.open(days=10)
    portal.profile("supplier", size="medium", visibility="private")
    flow.submit("supplier", 9000)
    flow.close()
    hidden = portal.call("GET", "/api/v1/indicators?year=2026", "buyer", 200)["sme"]["offers"]
    assert (hidden["known"], hidden["by_size"]["unknown"]) == (0, 1)
    portal.call("PUT", "/api/v1/suppliers/me", "supplier", 200,
                json=profile_body(size="medium"))
    shown = portal.call("GET", "/api/v1/indicators?year=2026", "buyer", 200)["sme"]["offers"]
    assert (shown["known"], shown["sme"], shown["by_size"]["medium"]) == (1, 1, 1)
