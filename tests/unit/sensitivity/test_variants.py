"""What-if for buyers: variants of weights and methods, scored again through the engine."""

from __future__ import annotations

import pytest

from spar.analysis import (Variant, VariantError, compare_variants, parse_method, parse_weight,
                           variant_criteria)
from spar.engine.answers import lot_from_offers

from .lots import document, env, offers, price, scored

TWO = {"A": {"price": 100, "co2": 6}, "B": {"price": 125, "co2": 2}}


def _compare(doc, rows, *variants):
    criteria, _ = scored(doc, rows)
    return compare_variants(criteria, lot_from_offers(criteria, offers(rows)), list(variants))


def _offer(summary, oid):
    return next(o for o in summary["offers"] if o["id"] == oid)


def test_price_formula_that_spreads_prices_changes_the_winner():
    out = _compare(document([price(60), env(40)]), TWO,
                   Variant(methods={"price": {"method": "price_min_max"}}))
    assert out["baseline"]["winner"] == ["B"]
    variant = out["variants"][0]
    assert variant["label"] == "price : méthode price_lowest_ratio → price_min_max"
    assert variant["winner"] == ["A"] and variant["winner_changed"]
    a, b = _offer(variant, "A"), _offer(variant, "B")
    assert (a["previous_rank"], a["rank"], a["move"]) == (2, 1, 1)
    assert (b["previous_rank"], b["rank"], b["move"]) == (1, 2, -1)
    assert b["total"] == pytest.approx(32) and b["previous_total"] == pytest.approx(80)


def test_pillar_shares_declared_and_effective_before_and_after():
    out = _compare(document([price(60), env(40)]), TWO,
                   Variant(methods={"price": {"method": "price_min_max"}}))
    before = {p["pillar"]: p for p in out["baseline"]["pillars"]}
    after = {p["pillar"]: p for p in out["variants"][0]["pillars"]}
    # price spreads 60 − 48 then 60 − 0; environment 32 − 16 in both
    assert before["economic"]["effective_share"] == pytest.approx(12 / 28)
    assert after["economic"]["effective_share"] == pytest.approx(60 / 76)
    assert after["environmental"]["declared_share"] == pytest.approx(0.4)


def test_weight_change_renormalises_among_siblings():
    out = _compare(document([price(60), env(40)]), TWO, Variant(weights={"env": 60}))
    variant = out["variants"][0]
    assert variant["label"] == "env : poids 40 → 60"
    assert not variant["winner_changed"]
    assert _offer(variant, "A")["total"] == pytest.approx(70)
    assert {p["pillar"]: p["declared_share"] for p in variant["pillars"]} == \
        pytest.approx({"economic": 0.5, "environmental": 0.5})
    assert variant["criteria"]["id"] == "test"
    assert variant["criteria"]["sha256"] != out["criteria"]["sha256"]


def test_nested_weight_can_change_an_elimination():
    # unlike a top-level weight, a weight inside a gated group moves the group's score
    group = {"id": "env", "label": "Environnement", "pillar": "environmental", "weight": 40,
             "eliminatory_below": 0.5,
             "criteria": [{"id": "co2", "label": "CO2", "weight": 1, "input": "co2",
                           "method": "linear", "best": 0, "worst": 10},
                          {"id": "rec", "label": "Recyclé", "weight": 1, "input": "rec",
                           "method": "linear", "best": 10, "worst": 0}]}
    rows = {"X": {"price": 100, "co2": 2, "rec": 1}, "Y": {"price": 150, "co2": 5, "rec": 5}}
    out = _compare(document([price(60), group]), rows, Variant(weights={"env.co2": 3}))
    x = _offer(out["variants"][0], "X")
    assert (x["previous_status"], x["status"]) == ("eliminated", "ranked")
    assert x["move"] is None and out["variants"][0]["winner"] == ["X"]


def test_variants_are_compared_one_by_one_with_the_baseline():
    out = _compare(document([price(60), env(40)]), TWO, Variant(weights={"env": 60}),
                   Variant(weights={"price": 90}))
    assert [v["label"] for v in out["variants"]] == ["env : poids 40 → 60",
                                                     "price : poids 60 → 90"]
    assert all(o["previous_rank"] is not None for v in out["variants"] for o in v["offers"])


@pytest.mark.parametrize("variant, message", [
    (Variant(weights={"nope": 3}), "critère « nope » inconnu ; chemins possibles : price, env"),
    (Variant(weights={"price": 0}), "refusée : criteria\\[0\\].weight"),
    (Variant(methods={"price": {"method": "cheapest"}}), "méthode « cheapest » inconnue"),
    (Variant(methods={"env": {"method": "boolean"}}), "de type « oui/non », or « co2 » est de "
                                                      "type « nombre »"),
    (Variant(methods={"env": {"method": "linear", "best": 3}}),
     "paramètre obligatoire « worst » manquant"),
])
def test_bad_variant_is_refused_with_the_reason(variant, message):
    criteria, _ = scored(document([price(60), env(40)]), TWO)
    with pytest.raises(VariantError, match=message):
        variant_criteria(criteria, variant)


def test_method_on_a_group_is_refused():
    group = {"id": "env", "label": "Environnement", "pillar": "environmental", "weight": 40,
             "criteria": [env(1) | {"id": "co2"}, env(1) | {"id": "co2b"}]}
    criteria, _ = scored(document([price(60), group]), TWO)
    with pytest.raises(VariantError, match="« env » est un groupe"):
        variant_criteria(criteria, Variant(methods={"env": {"method": "linear"}}))


def test_answers_the_new_method_refuses_are_reported():
    rows = {"A": {"price": 100, "co2": 0}, "B": {"price": 125, "co2": 2}}
    criteria, _ = scored(document([price(60), env(40)]), rows)
    lot = lot_from_offers(criteria, offers(rows))
    with pytest.raises(VariantError, match="offre A, réponse « co2 » : doit être strictement "
                                           "positif"):
        compare_variants(criteria, lot, [Variant(methods={"env": {"method": "relative",
                                                                  "direction": "lower"}})])


@pytest.mark.parametrize("text, expected", [
    ("price=30", ("price", 30.0)),
    ("env.co2=2,5", ("env.co2", 2.5)),
    (" env = 7 ", ("env", 7.0)),
])
def test_weight_option(text, expected):
    assert parse_weight(text) == expected


@pytest.mark.parametrize("text", ["price", "=30", "price=", "price=trente"])
def test_bad_weight_option(text):
    with pytest.raises(VariantError, match="CHEMIN=POIDS|n'est pas un nombre"):
        parse_weight(text)


def test_method_option_with_and_without_parameters():
    assert parse_method("price=price_min_max") == ("price", {"method": "price_min_max"})
    assert parse_method('env.co2=linear:{"best": 0.5, "worst": 4}') == \
        ("env.co2", {"method": "linear", "best": 0.5, "worst": 4})


@pytest.mark.parametrize("text, message", [
    ("price", "CHEMIN=MÉTHODE"),
    ("env=linear:{best: 1}", "paramètres JSON invalides"),
    ("env=linear:[1]", "objet JSON"),
    ('env=linear:{"method": "steps"}', "avant les deux-points"),
])
def test_bad_method_option(text, message):
    with pytest.raises(VariantError, match=message):
        parse_method(text)
