"""The result of a scoring as SPEC §4 writes it, on the SPEC's own criteria set."""

from __future__ import annotations

import json

import pytest

from spar.engine import VERSION
from spar.engine.answers import lot_from_offers
from spar.engine.explain import OfferEntries, result_to_dict
from spar.engine.scoring import score_lot

from .builders import criteria, score

PERFECT = {"price_eur": 10000, "co2e_kg": 0.5, "recycled_pct": 100, "labels": ["EU Ecolabel"],
           "insertion_hours": 300, "egapro_index": 100, "technical_mark": 4}
OFFERS = [
    {"id": "A", "supplier": {"name": "Papeterie Durable", "siret": "73282932000074"},
     "answers": PERFECT, "evidence": {"labels": ["EU Ecolabel"]}},
    # B's FSC label has no evidence, which this criterion requires
    {"id": "B", "answers": {"price_eur": "12 500", "co2e_kg": 1.2, "recycled_pct": 50,
                            "labels": ["FSC"], "insertion_hours": 150, "egapro_index": 80,
                            "technical_mark": 3}},
    # C's equality index is under the required minimum of 75
    {"id": "C", "answers": {**PERFECT, "egapro_index": 70}},
    # D is the cheapest, but its environmental score 0.03 is under the 0.25 gate
    {"id": "D", "answers": {"price_eur": 9000, "co2e_kg": 5.0, "recycled_pct": 10,
                            "labels": [], "insertion_hours": 0, "egapro_index": 75,
                            "technical_mark": 0}},
]
PATHS = ["price", "env.co2", "env.recycled", "env.ecolabel", "social.insertion",
         "social.equality", "technical"]


@pytest.fixture(scope="module")
def result(spec_criteria):
    return score_lot(spec_criteria, lot_from_offers(spec_criteria, OFFERS, lot_id="1"))


@pytest.fixture(scope="module")
def doc(result):
    return result_to_dict(result)


@pytest.fixture(scope="module")
def entries(doc):
    return {entry["id"]: entry for entry in doc["offers"]}


def test_result_names_criteria_set_and_engine(doc, spec_criteria):
    assert doc["criteria"] == {"id": "fournitures-bureau", "version": 2,
                               "sha256": spec_criteria.sha256}
    assert len(spec_criteria.sha256) == 64
    assert doc["engine"] == VERSION and doc["lot"] == "1"


def test_offers_in_rank_order(doc):
    assert [(e["id"], e["status"], e["rank"]) for e in doc["offers"]] == [
        ("A", "ranked", 1), ("B", "ranked", 2), ("D", "eliminated", None),
        ("C", "irregular", None)]


def test_offer_entry_keys(entries):
    for entry in entries.values():
        assert {"id", "status", "rank", "total", "pillars", "reasons", "review",
                "breakdown"} <= set(entry)
        assert set(entry["review"]) == {"flagged", "reasons", "notes", "model_score",
                                        "model_version", "top_features"}
    assert entries["A"]["supplier"]["siret"] == "73282932000074"


def test_breakdown_entries(entries):
    for entry in entries.values():
        assert [b["criterion"] for b in entry["breakdown"]] == PATHS
        for b in entry["breakdown"]:
            assert {"criterion", "input", "value", "score", "max_points", "points",
                    "explanation"} <= set(b)
    co2 = entries["B"]["breakdown"][1]
    assert (co2["input"], co2["value"], co2["max_points"]) == ("co2e_kg", 1.2, 15.0)
    assert co2["explanation"] == "linear: (5.0 − 1.2) / (5.0 − 0.5) = 0.8444"
    assert co2["points"] == pytest.approx(15 * 3.8 / 4.5)


def test_perfect_offer_scores_every_point(entries):
    assert entries["A"]["total"] == pytest.approx(100)
    assert entries["A"]["pillars"] == pytest.approx(
        {"economic": 40, "environmental": 30, "social": 20, "technical": 10})


def test_hand_computed_total(entries):
    # price 10000/12500 × 40 = 32; env (0.8444 × 50 + 0.5 × 30 + 0 × 20) % × 30 = 17.1667;
    # social (0.5 × 60 + 0.2 × 40) % × 20 = 7.6; technical 0.75 × 10 = 7.5
    assert entries["B"]["total"] == pytest.approx(32 + 30 * (0.5 * 3.8 / 4.5 + 0.15) + 7.6 + 7.5)
    assert entries["B"]["breakdown"][3]["explanation"] == \
        "labels (max): FSC (sans justificatif) 0 = 0.0000"


@pytest.mark.parametrize("offer", ["A", "B", "D"])
def test_leaf_points_and_pillars_add_up_to_the_total(entries, offer):
    entry = entries[offer]
    assert sum(b["points"] for b in entry["breakdown"]) == pytest.approx(entry["total"])
    assert sum(entry["pillars"].values()) == pytest.approx(entry["total"])


def test_eliminated_offer_is_scored_with_its_reason(entries):
    entry = entries["D"]
    # first pass: D set the lowest price, so its price score is 1
    assert entry["breakdown"][0]["score"] == 1.0
    assert entry["total"] == pytest.approx(40 + 30 * 0.1 * 0.3)
    (reason,) = entry["reasons"]
    assert reason["code"] == "eliminatory" and reason["criterion"] == "env"


def test_eliminated_offer_does_not_set_the_winner_price(entries):
    assert entries["A"]["breakdown"][0]["explanation"] == \
        "price_lowest_ratio: Pmin / P = 10000.0 / 10000.0 = 1.0000"


def test_irregular_offer_is_not_scored(entries):
    entry = entries["C"]
    assert entry["total"] is None and entry["rank"] is None and entry["pillars"] == {}
    assert [r["code"] for r in entry["reasons"]] == ["below_minimum"]
    for b in entry["breakdown"]:
        assert b["score"] is None and b["points"] is None
        assert b["explanation"] == "offre irrégulière : non notée"
    assert entry["breakdown"][5]["value"] == 70


def test_result_is_strict_json(doc):
    assert json.loads(json.dumps(doc, allow_nan=False, ensure_ascii=False)) == doc


def test_flagged_offer_shows_in_review_and_reasons(spec_criteria):
    offers = [{"id": k, "answers": {**PERFECT, "price_eur": p}}
              for k, p in (("A", 5000), ("B", 10000), ("C", 12000))]
    entry = result_to_dict(score_lot(spec_criteria, lot_from_offers(spec_criteria, offers)))
    first = entry["offers"][0]
    assert first["id"] == "A" and first["status"] == "ranked" and first["review"]["flagged"]
    (flag,) = first["review"]["reasons"]
    assert flag["method"] == "mean_ratio" and flag["threshold"] == pytest.approx(0.8 * 9000)
    assert flag in first["reasons"]
    assert not entry["offers"][1]["review"]["flagged"]


def test_result_without_breakdown(result):
    assert all("breakdown" not in e for e in result_to_dict(result, breakdown=False)["offers"])


def test_entries_built_as_read_are_the_entries_of_the_result(result, doc):
    lazy = OfferEntries(result)
    assert len(lazy) == len(doc["offers"])
    read = [{**entry, "breakdown": list(entry["breakdown"])} for entry in lazy]
    assert read == doc["offers"]
    assert read[0]["total"] == pytest.approx(100)


def test_points_scale_the_result():
    crit = criteria("""
        criteria:
          - {id: price, label: Prix, pillar: economic, weight: 3, input: price,
             method: price_lowest_ratio}
          - {id: eco, label: Écolabel, pillar: environmental, weight: 1, input: eco,
             method: boolean}
        """, points=20)
    entry = result_to_dict(score(crit, {"price": 100, "eco": "oui"}, {"price": 200}))
    assert entry["points"] == 20
    best, other = entry["offers"]
    assert best["total"] == 20 and other["total"] == pytest.approx(7.5)
    assert [b["max_points"] for b in best["breakdown"]] == [15, 5]
