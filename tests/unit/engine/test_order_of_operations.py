"""SPEC §2.3: irregular → compete → eliminate once → re-evaluate → rank."""

from __future__ import annotations

import numpy as np
import pytest

from spar.engine.explain import explanation
from spar.engine.scoring import Weights

from .builders import criteria, score

PRICE_AND_CO2 = """
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 50, input: price,
     method: price_lowest_ratio}
  - {id: co2, label: CO2, pillar: environmental, weight: 50, input: co2, unit: kg,
     method: linear, best: 0, worst: 10, eliminatory_below: 0.5}
"""


def test_missing_required_answer_makes_the_offer_irregular():
    crit = criteria(PRICE_AND_CO2.replace("method: price_lowest_ratio",
                                          "method: price_lowest_ratio, required: true"))
    result = score(crit, {"price": 100, "co2": 1}, {"co2": 1})
    assert list(result.status) == ["ranked", "irregular"]
    (reason,) = result.reasons[1]
    assert reason["code"] == "missing_required"
    assert (reason["criterion"], reason["input"]) == ("price", "price")
    assert "Prix" in reason["message"]


@pytest.mark.parametrize("bound, value, code", [
    ("minimum: 2", 1.5, "below_minimum"),
    ("maximum: 8", 8.5, "above_maximum"),
])
def test_value_outside_its_bounds_makes_the_offer_irregular(bound, value, code):
    crit = criteria(PRICE_AND_CO2.replace("eliminatory_below: 0.5", bound))
    result = score(crit, {"price": 100, "co2": 5}, {"price": 100, "co2": value})
    assert list(result.status) == ["ranked", "irregular"]
    (reason,) = result.reasons[1]
    assert reason["code"] == code
    assert reason["value"] == value and reason["threshold"] == float(bound.split()[-1])
    assert reason["criterion"] == "co2" and "kg" in reason["message"]


def test_value_on_its_bound_is_regular():
    crit = criteria(PRICE_AND_CO2.replace("eliminatory_below: 0.5", "minimum: 2, maximum: 8"))
    result = score(crit, {"price": 100, "co2": 2}, {"price": 100, "co2": 8})
    assert list(result.status) == ["ranked", "ranked"]


def test_irregular_offer_does_not_set_the_lowest_price():
    crit = criteria(PRICE_AND_CO2.replace("eliminatory_below: 0.5", "maximum: 8"))
    result = score(crit, {"price": 50, "co2": 9}, {"price": 100, "co2": 1},
                   {"price": 200, "co2": 1})
    assert result.status[0] == "irregular"
    assert result.scores[1:, 0].tolist() == [1.0, 0.5]


def test_irregular_offer_is_not_scored():
    crit = criteria(PRICE_AND_CO2.replace("eliminatory_below: 0.5", "maximum: 8"))
    result = score(crit, {"price": 50, "co2": 9}, {"price": 100, "co2": 1})
    assert np.isnan(result.scores[0]).all() and np.isnan(result.totals[0])
    assert result.rank[0] == 0
    assert explanation(result, 0, 0) == "offre irrégulière : non notée"


def test_missing_optional_answer_scores_zero_and_competes():
    result = score(criteria(PRICE_AND_CO2.replace(", eliminatory_below: 0.5", "")),
                   {"price": 100, "co2": 1}, {"price": 100})
    assert list(result.status) == ["ranked", "ranked"]
    assert result.scores[1].tolist() == [1.0, 0.0]
    assert explanation(result, 1, 1) == "pas de réponse : 0.0000"


def test_eliminated_cheapest_offer_does_not_set_the_lowest_price():
    # A is the cheapest but its CO2 score (0.1) is under 0.5: it is eliminated, and the
    # final price scores are computed over B and C only
    result = score(criteria(PRICE_AND_CO2), {"price": 50, "co2": 9}, {"price": 100, "co2": 1},
                   {"price": 200, "co2": 1})
    assert list(result.status) == ["eliminated", "ranked", "ranked"]
    assert result.scores[1:, 0].tolist() == [1.0, 0.5]
    assert result.stats_first[0]["min"] == 50 and result.stats_final[0]["min"] == 100


def test_eliminated_offer_keeps_its_first_pass_scores_with_a_reason():
    result = score(criteria(PRICE_AND_CO2), {"price": 50, "co2": 9}, {"price": 100, "co2": 1})
    assert result.scores[0].tolist() == pytest.approx([1.0, 0.1])
    assert result.totals[0] == pytest.approx(55)
    assert explanation(result, 0, 0) == "price_lowest_ratio: Pmin / P = 50.0 / 50.0 = 1.0000"
    assert explanation(result, 1, 0) == "price_lowest_ratio: Pmin / P = 100.0 / 100.0 = 1.0000"
    (reason,) = result.reasons[0]
    assert reason["code"] == "eliminatory" and reason["criterion"] == "co2"
    assert reason["score"] == pytest.approx(0.1) and reason["threshold"] == 0.5


def test_elimination_is_decided_once_on_the_first_pass():
    # first pass over 0, 4, 10: A scores 0 and is eliminated, B scores 0.4 and passes;
    # re-evaluated over 4 and 10, B scores 0, under the gate, yet it stays ranked
    crit = criteria("""
        criteria:
          - {id: local, label: Emplois locaux, pillar: social, weight: 1, input: jobs,
             method: min_max, eliminatory_below: 0.3}
          - {id: eco, label: Écolabel, pillar: environmental, weight: 1, input: eco,
             method: boolean}
        """)
    result = score(crit, {"jobs": 0}, {"jobs": 4}, {"jobs": 10})
    assert list(result.status) == ["eliminated", "ranked", "ranked"]
    assert result.scores[:, 0].tolist() == [0.0, 0.0, 1.0]
    assert list(result.rank) == [0, 2, 1]


def test_group_gate_eliminates_on_the_group_score():
    crit = criteria("""
        criteria:
          - {id: price, label: Prix, pillar: economic, weight: 50, input: price,
             method: price_lowest_ratio}
          - id: env
            label: Environnement
            pillar: environmental
            weight: 50
            eliminatory_below: 0.5
            criteria:
              - {id: co2, label: CO2, weight: 1, input: co2, method: linear, best: 0, worst: 10}
              - {id: rec, label: Recyclé, weight: 1, input: rec, method: linear, best: 100,
                 worst: 0}
        """)
    # A: (0.2 + 0.6) / 2 = 0.4 < 0.5; B: (0.4 + 0.6) / 2 = 0.5, not under the gate
    result = score(crit, {"price": 1, "co2": 8, "rec": 60}, {"price": 1, "co2": 6, "rec": 60})
    assert list(result.status) == ["eliminated", "ranked"]
    (reason,) = result.reasons[0]
    assert reason["criterion"] == "env" and reason["score"] == pytest.approx(0.4)
    assert "Environnement" in reason["message"] and "40,0 %" in reason["message"]


def test_irregular_offer_is_not_also_eliminated():
    crit = criteria(PRICE_AND_CO2.replace("method: price_lowest_ratio",
                                          "method: price_lowest_ratio, required: true"))
    result = score(crit, {"price": 100, "co2": 1}, {"co2": 10})
    assert result.status[1] == "irregular"
    assert [r["code"] for r in result.reasons[1]] == ["missing_required"]


def test_display_order_is_ranked_then_eliminated_then_irregular():
    crit = criteria(PRICE_AND_CO2.replace("method: price_lowest_ratio",
                                          "method: price_lowest_ratio, required: true"))
    result = score(crit, {"co2": 1}, {"price": 50, "co2": 9}, {"price": 200, "co2": 1},
                   {"price": 100, "co2": 1}, {"price": 50, "co2": 10})
    # D (100) beats C (200); B's first-pass total 55 comes before E's 50
    assert [result.lot.offer_ids[i] for i in result.order] == ["D", "C", "B", "E", "A"]


def test_empty_lot_scores_to_an_empty_result():
    result = score(criteria(PRICE_AND_CO2))
    assert len(result.order) == 0 and result.scores.shape == (0, 2)


@pytest.mark.parametrize("price_weight, group_weight", [(1, 1), (3, 7), (1, 9), (7, 3)])
def test_a_group_score_on_its_threshold_passes_whatever_the_weights_above(price_weight,
                                                                          group_weight):
    # 1/4 · 0.1 + 3/4 · 0.1 sits exactly on 0.1; global-share ratios used to make it
    # 0.0999… for some top-level weights and eliminate the offer
    criteria_set = criteria(f"""
criteria:
  - {{id: price, label: Prix, pillar: economic, weight: {price_weight}, input: price,
     method: price_lowest_ratio}}
  - id: g1
    label: Groupe
    pillar: environmental
    weight: {group_weight}
    eliminatory_below: 0.1
    criteria:
      - {{id: a, label: A, weight: 1, input: a, method: linear, best: 10, worst: 0}}
      - {{id: b, label: B, weight: 3, input: b, method: linear, best: 10, worst: 0}}
""")
    result = score(criteria_set, {"price": 50, "a": 1, "b": 1})
    assert list(result.status) == ["ranked"]
    weights = Weights.of(criteria_set)
    column = weights.node_matrix[:, weights.node_paths.index("g1")]
    assert column.tolist() == [0.0, 0.25, 0.75]  # exactly, not 0.7499999999999999
