"""Effective weights: the spread of points each criterion actually awarded."""

from __future__ import annotations

import pytest
from hypothesis import given

from spar.engine.sensitivity import analyse_result, effective_weights

from .lots import document, env, price, random_lot, scored

SQUEEZED = {"A": {"price": 100, "co2": 0}, "B": {"price": 101, "co2": 5},
            "C": {"price": 102, "co2": 10}}


def _by_path(rows):
    return {row["criterion"]: row for row in rows}


def test_spread_is_the_range_of_points_among_ranked_offers():
    _, result = scored(document([price(60), env(40)]), SQUEEZED)
    rows = _by_path(effective_weights(result)["criteria"])
    # price: 60 × (1 − 100/102); environment: 40 − 0
    assert rows["price"]["spread_points"] == pytest.approx(120 / 102)
    assert rows["env"]["spread_points"] == pytest.approx(40)
    assert rows["price"]["effective_share"] == pytest.approx(1 / 35)
    assert rows["env"]["effective_share"] == pytest.approx(34 / 35)
    assert rows["price"]["declared_share"] == pytest.approx(0.6)


def test_squeezed_price_is_reported_as_reduced_and_environment_as_amplified():
    _, result = scored(document([price(60), env(40)]), SQUEEZED)
    out = effective_weights(result, factor=2.0)
    rows = _by_path(out["criteria"])
    assert rows["price"]["divergent"] and rows["env"]["divergent"]
    assert any(w.startswith("Prix (price)") and "réduit son influence d'un facteur 21,0" in w
               for w in out["warnings"])
    assert any("Environnement (env)" in w and "amplifie" in w for w in out["warnings"])


def test_a_larger_factor_silences_the_warning():
    _, result = scored(document([price(60), env(40)]), SQUEEZED)
    out = effective_weights(result, factor=25.0)
    assert not out["warnings"]
    assert not any(row["divergent"] for row in out["criteria"] + out["pillars"])


def test_group_whose_sub_criteria_cancel_out_is_neutralised():
    group = {"id": "env", "label": "Environnement", "pillar": "environmental", "weight": 40,
             "criteria": [{"id": "co2", "label": "CO2", "weight": 1, "input": "co2",
                           "method": "linear", "best": 0, "worst": 10},
                          {"id": "rec", "label": "Recyclé", "weight": 1, "input": "rec",
                           "method": "linear", "best": 10, "worst": 0}]}
    _, result = scored(document([price(60), group]),
                       {"A": {"price": 100, "co2": 0, "rec": 0},
                        "B": {"price": 200, "co2": 10, "rec": 10}})
    out = effective_weights(result)
    top, leaves = _by_path(out["criteria"]), _by_path(out["leaves"])
    assert top["env"]["effective_share"] == 0 and top["price"]["effective_share"] == 1
    assert leaves["env.co2"]["effective_share"] == pytest.approx(20 / 70)
    assert leaves["price"]["effective_share"] == pytest.approx(30 / 70)
    assert any("neutralise" in w for w in out["warnings"])


def test_eliminated_offers_do_not_count_in_the_spread():
    doc = document([price(60), env(40, eliminatory_below=0.2)])
    _, result = scored(doc, {"A": {"price": 100, "co2": 2}, "B": {"price": 120, "co2": 4},
                             "D": {"price": 50, "co2": 10}})
    rows = _by_path(effective_weights(result)["criteria"])
    # D is eliminated: among A and B the lowest price is 100, so B has 60 × 100/120
    assert rows["price"]["spread_points"] == pytest.approx(10)
    assert rows["env"]["spread_points"] == pytest.approx(8)


def test_pillars_are_reported_only_when_they_carry_weight():
    _, result = scored(document([price(60), env(40)]), SQUEEZED)
    pillars = [row["pillar"] for row in effective_weights(result)["pillars"]]
    assert pillars == ["economic", "environmental"]


def test_a_single_ranked_offer_has_no_effective_weight():
    _, result = scored(document([price(60), env(40)]), {"A": {"price": 100, "co2": 1}})
    out = effective_weights(result)
    assert all(row["effective_share"] is None and row["ratio"] is None
               for row in out["criteria"] + out["leaves"] + out["pillars"])
    assert out["warnings"] == ["Poids effectifs non calculables : il faut au moins deux offres "
                               "classées dont les notes diffèrent."]


def test_factor_must_exceed_one():
    _, result = scored(document([price(60), env(40)]), SQUEEZED)
    with pytest.raises(ValueError, match="facteur"):
        analyse_result(result, factor=1.0)


@given(random_lot())
def test_effective_shares_add_up_to_one_at_every_level(case):
    doc, rows = case
    _, result = scored(doc, rows)
    out = effective_weights(result)
    for level in ("criteria", "leaves", "pillars"):
        shares = [row["effective_share"] for row in out[level]]
        if any(s is not None for s in shares):
            assert sum(shares) == pytest.approx(1.0)
            assert all(0 <= s <= 1 for s in shares)
        declared = sum(row["declared_share"] for row in out[level])
        assert declared == pytest.approx(1.0)
