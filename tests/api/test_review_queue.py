"""The review queue (SPEC §6.1): the offers of the latest stored scoring that need a
decision, highest priority first, with their reasons in plain words and the decisions so
far — read from the stored scoring, never by scoring again."""

from __future__ import annotations

from sqlalchemy import select

from spar.db.models import Scoring

QUEUE = "/api/v1/consultations/2026-FOUR-001/lots/1/review-queue"


def scored_lot(flow, sample_rate: float | None = None):
    """Four offers on lot 1: one far under the mean (abnormally low), one just under, two at
    the market price; marked and scored. Returns the offers' ids by name."""
    flow.open()
    ids = {
        "cheapest": flow.submit("supplier", 5000, co2=2.0)["id"],
        "cheap": flow.submit("supplier_b", 8800, co2=2.0)["id"],
        "market": flow.submit("supplier_c", 14000, co2=2.0)["id"],
    }
    flow.close()
    for offer in ids.values():
        flow.mark(offer, 3)
    flow.score()
    return ids


def queue(flow, who="buyer", expect=200, query=""):
    return flow.call("GET", QUEUE + query, who, expect).get_json()


def test_abnormally_low_offers_come_first_furthest_under_first_with_plain_reasons(flow):
    ids = scored_lot(flow)
    body = queue(flow)
    assert set(body) == {"items", "page", "per_page", "total"}
    offers = [item["offer"] for item in body["items"]]
    # mean of the three = 9 266,67; 0,8 × mean = 7 413,33: only the cheapest is under it
    assert offers[0] == ids["cheapest"]
    first = body["items"][0]
    assert first["priority"] == 1 and first["ground"] == "abnormally_low"
    reason = first["reasons"][0]
    assert reason["source"] == "rule" and reason["code"] == "abnormally_low"
    assert "anormalement basse" in reason["title"] and "moyenne" in reason["title"]
    assert "justifier son prix" in reason["explanation"]
    assert reason["threshold"] < 7500 and reason["value"] == 5000
    assert first["decisions"] == [] and first["decision"] is None
    assert first["supplier"]["siret"] and first["scoring"].startswith("s-")
    assert [i["priority"] for i in body["items"]] == list(range(1, len(offers) + 1))
    assert body["total"] == len(offers)
    # every offer listed was flagged by the stored scoring, and no other
    ranking = flow.call("GET", "/api/v1/consultations/2026-FOUR-001/lots/1/ranking", "buyer",
                        200).get_json()
    flagged = {o["id"] for o in ranking["offers"] if o["review"]["flagged"]}
    assert set(offers) == flagged


def test_the_decisions_so_far_come_with_each_offer(flow):
    ids = scored_lot(flow)
    for decision, comment in (("needs_information", "Demande de justification envoyée."),
                              ("cleared", "Devis détaillé reçu : prix justifié.")):
        flow.call("POST", f"/api/v1/offers/{ids['cheapest']}/review", "buyer", 201,
                  json={"decision": decision, "comment": comment})
    item = next(i for i in queue(flow, "auditor")["items"] if i["offer"] == ids["cheapest"])
    assert [d["decision"] for d in item["decisions"]] == ["needs_information", "cleared"]
    assert item["decision"]["comment"] == "Devis détaillé reçu : prix justifié."


def test_the_audit_sample_comes_after_the_rules_and_says_it_is_random(app, flow):
    app.config["REVIEW_SAMPLE_RATE"] = 1.0  # every offer nothing flagged is drawn
    ids = scored_lot(flow)
    items = queue(flow)["items"]
    grounds = [i["ground"] for i in items]
    assert grounds == sorted(grounds, key=["abnormally_low", "model", "audit_sample"].index)
    sampled = [i for i in items if i["ground"] == "audit_sample"]
    assert sampled and all(i["sampled"] for i in sampled)
    assert ids["market"] in {i["offer"] for i in sampled}
    assert sampled[0]["reasons"][0]["source"] == "sample"
    assert "Tirée au sort" in sampled[0]["reasons"][0]["title"]


def test_the_queue_is_paginated(app, flow):
    app.config["REVIEW_SAMPLE_RATE"] = 1.0
    scored_lot(flow)
    whole = queue(flow)["items"]
    assert len(whole) >= 2
    first = queue(flow, query="?per_page=1")
    second = queue(flow, query="?per_page=1&page=2")
    assert first["total"] == second["total"] == len(whole)
    assert [first["items"][0]["offer"], second["items"][0]["offer"]] == [
        whole[0]["offer"], whole[1]["offer"]]
    assert queue(flow, query="?per_page=500", expect=422)["errors"]


def test_the_queue_reads_the_stored_scoring_not_a_new_one(app, flow, uow):
    ids = scored_lot(flow)
    with uow() as unit:  # what the stored record says is what the queue says
        scoring = unit.session.execute(select(Scoring)).scalar_one()
        result = dict(scoring.result)
        offers = [dict(o) for o in result["offers"]]
        for offer in offers:
            offer["review"] = {**offer["review"], "flagged": offer["id"] == ids["market"],
                               "reasons": [{"code": "audit_sample", "value": 0.1,
                                            "message": "tirée au sort"}]
                               if offer["id"] == ids["market"] else []}
        scoring.result = {**result, "offers": offers}
        unit.commit()
    assert [i["offer"] for i in queue(flow)["items"]] == [ids["market"]]


def test_before_any_scoring_and_for_strangers(flow):
    flow.open()
    flow.submit("supplier", 5000)
    body = queue(flow, expect=404)
    assert "pas encore été noté" in body["message"]
    flow.close()
    queue(flow, "other_buyer", 404)
    queue(flow, "supplier", 403)
    queue(flow, "anonymous", 401)
    flow.call("GET", "/api/v1/consultations/2026-FOUR-001/lots/9/review-queue", "buyer", 404)
