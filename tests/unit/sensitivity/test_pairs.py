"""Adjacent ranks: the smallest top-level weight change that swaps each pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings

from spar.engine.sensitivity import analyse_result, pair_stability

from .lots import document, env, on_a_gate, price, random_lot, scored, with_top_share

THREE = {"A": {"price": 100, "co2": 6}, "B": {"price": 125, "co2": 2},
         "C": {"price": 200, "co2": 0}}


def test_each_adjacent_pair_gets_its_swap_threshold_per_criterion():
    _, result = scored(document([price(60), env(40)]), THREE)
    pairs = pair_stability(result)
    assert [p["offers"] for p in pairs] == [["B", "A"], ["A", "C"]]
    assert [p["ranks"] for p in pairs] == [[1, 2], [2, 3]]
    first, second = ({c["criterion"]: c for c in p["criteria"]} for p in pairs)
    assert first["price"]["increase_points"] == pytest.approx(100 * (2 / 3 - 0.6))
    assert first["price"]["decrease_points"] is None
    assert first["env"]["decrease_points"] == pytest.approx(-100 * (0.4 - 1 / 3))
    # A = 100 (0.4 + 0.6 x) and C = 100 (1 − 0.5 x) cross at x = 6/11
    assert second["price"]["decrease_points"] == pytest.approx(100 * (6 / 11 - 0.6))
    assert second["env"]["increase_points"] == pytest.approx(100 * (0.6 - 6 / 11))
    assert pairs[1]["smallest_change_points"] == pytest.approx(100 * (0.6 - 6 / 11))
    assert pairs[1]["gap_points"] == pytest.approx(6)


def test_pairs_only_on_request():
    _, result = scored(document([price(60), env(40)]), THREE)
    assert "pairs" not in analyse_result(result)
    assert len(analyse_result(result, pairs=True)["pairs"]) == 2


@settings(max_examples=60)
@given(random_lot())
def test_swap_thresholds_agree_with_the_engine(case):
    doc, rows = case
    _, result = scored(doc, rows)
    assume(not on_a_gate(result))
    index = {oid: i for i, oid in enumerate(result.lot.offer_ids)}
    shares = [e["declared_share"] for e in analyse_result(result)["stability"]["criteria"]]
    for pair in pair_stability(result):
        up, low = (index[o] for o in pair["offers"])
        for k, entry in enumerate(pair["criteria"]):
            for key in ("decrease_points", "increase_points"):
                change = entry[key]
                if change is None or change == 0:
                    continue
                d = change / result.criteria.points
                before = _totals(doc, rows, k, shares[k] + d * (1 - 1e-4))
                after = _totals(doc, rows, k, shares[k] + d + np.sign(d) * 1e-5)
                assert before[up] >= before[low] - 1e-9
                if 1e-6 < shares[k] + d + np.sign(d) * 1e-5 < 1 - 1e-6:
                    assert after[low] > after[up]


def _totals(doc, rows, k, share):
    share = min(max(share, 1e-6), 1 - 1e-6)
    return scored(with_top_share(doc, k, share), rows)[1].totals
