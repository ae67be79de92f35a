"""Scoring a lot over HTTP: marks, the stored run, the ranking per role, sensitivity."""

from __future__ import annotations


def _scored(flow):
    flow.open()
    a = flow.submit("supplier", 10000, co2=1.0)
    b = flow.submit("supplier_b", 12000, co2=0.8)
    c = flow.submit("supplier_c", 11000, co2=3.0, labels=())
    flow.close()
    for offer, mark in ((a, 3), (b, 4), (c, 2)):
        flow.mark(offer["id"], mark)
    return a, b, c, flow.score()


def test_scoring_is_refused_before_the_deadline(flow):
    flow.open()
    flow.submit("supplier", 10000)
    body = flow.score(expect=409)
    assert "scellées" in body["message"]


def test_scoring_a_lot_without_offers_is_a_conflict(flow):
    flow.open()
    flow.close()
    flow.score(lot="2", expect=409)


def test_scoring_returns_the_stored_result_with_its_identity(flow):
    a, b, c, result = _scored(flow)
    assert result["criteria"]["id"] == "fournitures-test"
    assert len(result["criteria"]["sha256"]) == 64
    assert result["engine"] and result["scoring"]["id"].startswith("s-")
    ranked = [o["id"] for o in result["offers"] if o["status"] == "ranked"]
    assert set(ranked) == {a["id"], b["id"], c["id"]}
    for entry in result["offers"]:
        total = sum(leaf["points"] for leaf in entry["breakdown"])
        assert abs(total - entry["total"]) < 1e-9
        assert set(entry["review"]) >= {"flagged", "reasons", "model_score", "to_review"}
    assert result["sensitivity"]["stability"]["winner"]


def test_buyer_marks_replace_the_suppliers_own_mark(flow):
    flow.open()
    offer = flow.submit("supplier", 10000)
    flow.call("POST", f"/api/v1/consultations/{flow.reference}/offers", "supplier", 201,
              json={"lot": "1", "answers": {"price_eur": 10000, "technical_mark": 4}})
    flow.close()
    current = flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "buyer",
                        200).get_json()["items"][0]
    assert current["id"] != offer["id"]
    flow.mark(current["id"], 1)
    result = flow.score()
    tech = next(b for b in result["offers"][0]["breakdown"] if b["criterion"] == "technical")
    assert tech["value"] == 1


def test_a_missing_mark_is_a_warning_and_scores_zero(flow):
    flow.open()
    flow.submit("supplier", 10000)
    flow.close()
    result = flow.score()
    assert any("pas de note" in w for w in result["warnings"])
    tech = next(b for b in result["offers"][0]["breakdown"] if b["criterion"] == "technical")
    assert tech["points"] == 0


def test_ranking_views_per_role(flow):
    a, b, c, result = _scored(flow)
    winner = next(o for o in result["offers"] if o["rank"] == 1)
    url = f"/api/v1/consultations/{flow.reference}/lots/1/ranking"
    full = flow.call("GET", url, "auditor", 200).get_json()
    assert [o["id"] for o in full["offers"]] == [o["id"] for o in result["offers"]]
    loser = next(name for name, o in (("supplier", a), ("supplier_b", b), ("supplier_c", c))
                 if o["id"] != winner["id"])
    own = {"supplier": a, "supplier_b": b, "supplier_c": c}[loser]["id"]
    seen = flow.call("GET", url, loser, 200).get_json()
    assert [o["id"] for o in seen["offers"]] == [own, winner["id"]]
    shown_winner = seen["offers"][1]
    assert "review" not in shown_winner and set(shown_winner["supplier"]) == {"name"}
    assert "review" not in seen["offers"][0]  # the buyer's review stays the buyer's
    assert "sensitivity" not in seen and seen["warnings"] == []
    flow.call("GET", url, "other_buyer", 404)


def test_a_supplier_without_an_offer_in_the_lot_sees_no_ranking(flow):
    flow.open()
    flow.submit("supplier", 10000)
    flow.close()
    flow.score()
    flow.call("GET", f"/api/v1/consultations/{flow.reference}/lots/1/ranking", "supplier_b", 404)


def test_sensitivity_of_the_latest_scoring(flow):
    _scored(flow)
    url = f"/api/v1/consultations/{flow.reference}/lots/1/sensitivity"
    body = flow.call("GET", url, "buyer", 200).get_json()
    assert body["effective_weights"]["criteria"]
    with_pairs = flow.call("GET", url + "?pairs=true", "auditor", 200).get_json()
    assert "pairs" in with_pairs
    flow.call("GET", url, "supplier", 403)


def test_consultation_state_moves_to_scored(flow):
    _scored(flow)
    body = flow.call("GET", f"/api/v1/consultations/{flow.reference}", "buyer", 200).get_json()
    assert body["state"] == "scored"
    assert body["lots"][0]["offers"] == 3


def test_review_shows_reasons_and_records_a_decision_with_its_basis(flow):
    flow.open()
    cheap = flow.submit("supplier", 5000)
    flow.submit("supplier_b", 12000)
    flow.submit("supplier_c", 11000)
    flow.close()
    result = flow.score()
    entry = next(o for o in result["offers"] if o["id"] == cheap["id"])
    assert entry["review"]["flagged"]
    url = f"/api/v1/offers/{cheap['id']}/review"
    shown = flow.call("GET", url, "buyer", 200).get_json()
    assert "abnormally_low" in [r["code"] for r in shown["reasons"]]
    flow.call("POST", url, "buyer", 422, json={"decision": "rejected", "comment": " "})
    flow.call("POST", url, "buyer", 422, json={"decision": "maybe", "comment": "x"})
    body = flow.call("POST", url, "buyer", 201, json={
        "decision": "needs_information",
        "comment": "Demande de justification du prix envoyée le 2 janvier."}).get_json()
    assert [d["decision"] for d in body["decisions"]] == ["needs_information"]
    flow.call("POST", url, "other_buyer", 404, json={"decision": "cleared", "comment": "x"})
    flow.call("GET", url, "auditor", 403)


def test_review_before_scoring_is_a_conflict(flow):
    flow.open()
    offer = flow.submit("supplier", 5000)
    flow.call("GET", f"/api/v1/offers/{offer['id']}/review", "buyer", 409)
    flow.close()
    flow.call("GET", f"/api/v1/offers/{offer['id']}/review", "buyer", 409)


def test_decisions_feed_the_retraining_set(flow, uow):
    from spar.services import reviews

    flow.open()
    cheap = flow.submit("supplier", 5000)
    flow.submit("supplier_b", 12000)
    flow.submit("supplier_c", 11000)
    flow.close()
    flow.score()
    flow.call("POST", f"/api/v1/offers/{cheap['id']}/review", "buyer", 201,
              json={"decision": "rejected", "comment": "Prix non justifié."})
    stored = reviews.reviewed_offers(uow())
    assert [(r.offer, r.decision, r.sampling_probability) for r in stored] == [
        (cheap["id"], "rejected", 1.0)]
    assert stored[0].features


def test_auditor_rescores_every_stored_run_over_http(flow):
    _scored(flow)
    flow.score()
    body = flow.call("GET", f"/api/v1/consultations/{flow.reference}/rescore", "auditor",
                     200).get_json()
    reports = body["items"]
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert len(reports) == 2 and all(r["reproduced"] for r in reports)
    second = flow.call("GET", f"/api/v1/consultations/{flow.reference}/rescore?per_page=1&page=2",
                       "auditor", 200).get_json()
    assert [r["scoring"] for r in second["items"]] == [reports[1]["scoring"]]
    flow.call("GET", f"/api/v1/consultations/{flow.reference}/rescore", "supplier", 403)
    flow.call("GET", f"/api/v1/consultations/{flow.reference}/rescore", "other_auditor", 404)


def test_exports_are_sealed_then_streamed_to_buyer_and_auditor(flow):
    flow.open()
    flow.submit("supplier", 10000)
    url = f"/api/v1/consultations/{flow.reference}/export?format=csv"
    flow.call("GET", url, "buyer", 409)
    flow.close()
    flow.mark(flow.call("GET", f"/api/v1/consultations/{flow.reference}/offers", "buyer",
                        200).get_json()["items"][0]["id"], 3)
    flow.score()
    for who in ("buyer", "auditor"):
        response = flow.call("GET", url, who, 200)
        assert response.data.startswith(b"\xef\xbb\xbf")
        assert "attachment" in response.headers["Content-Disposition"]
    pdf = flow.call("GET", url.replace("csv", "pdf"), "auditor", 200)
    assert pdf.data.startswith(b"%PDF")
    flow.call("GET", url, "other_auditor", 404)
    flow.call("GET", url.replace("csv", "docx"), "buyer", 422)


def test_a_candidate_gets_its_own_letter_and_nothing_else(flow):
    a, b, c, result = _scored(flow)
    base = f"/api/v1/consultations/{flow.reference}/export?format="
    letter = flow.call("GET", base + "letter-json", "supplier_b", 200).get_data(as_text=True)
    assert b["id"] in letter
    winner = next(o for o in result["offers"] if o["rank"] == 1)["id"]
    for other in (a, c):  # other bidders stay anonymous, save the winner
        if other["id"] != winner:
            assert other["id"] not in letter
    flow.call("GET", base + "csv", "supplier_b", 403)
    flow.call("GET", base + "letter", "supplier_b", 200)
