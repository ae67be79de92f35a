"""Reasons are worded when read, yet read as one plain list per offer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from spar.engine.low_price import get_rule
from spar.engine.reasons import OfferReasons
from spar.engine.scoring import score_lot

from .builders import criteria, one_leaf, score, values_lot


def counted_reason(calls: list[int]):
    def reason(i: int) -> dict:
        calls.append(i)
        return {"code": "x", "offer": i}
    return reason


def test_a_reason_is_worded_only_when_its_offer_is_read():
    calls: list[int] = []
    reasons = OfferReasons(4)
    reasons.add(np.array([True, False, True, False]), counted_reason(calls))
    assert calls == [] and reasons.any().tolist() == [True, False, True, False]
    assert reasons[2] == [{"code": "x", "offer": 2}] and reasons[1] == []
    assert calls == [2]


def test_an_offer_list_is_kept_and_can_be_appended_to():
    reasons = OfferReasons(2)
    reasons[0].append({"code": "late"})
    assert reasons[0] == [{"code": "late"}] and reasons.any().tolist() == [True, False]


def test_a_batch_added_after_reading_reaches_the_list_read():
    reasons = OfferReasons(2)
    first = reasons[1]
    reasons.add(np.array([False, True]), lambda i: {"code": "y"})
    assert first == [{"code": "y"}]


def test_reads_like_a_list_of_lists():
    reasons = OfferReasons(3)
    reasons.add(np.array([True, False, True]), lambda i: {"i": i})
    assert list(reasons) == [[{"i": 0}], [], [{"i": 2}]]
    assert len(reasons) == 3 and reasons[-1] == [{"i": 2}] and reasons[:2] == list(reasons)[:2]
    with pytest.raises(IndexError):
        reasons[3]


def test_an_offer_reasons_come_in_criteria_order():
    crit = criteria("""
        criteria:
          - {id: a, label: A, pillar: environmental, weight: 1, input: a, method: linear,
             best: 10, worst: 0, minimum: 2, required: true}
          - {id: b, label: B, pillar: social, weight: 1, input: b, method: linear,
             best: 10, worst: 0, maximum: 5}
        """)
    result = score(crit, {"b": 7}, {"a": 1, "b": 9})
    assert [r["code"] for r in result.reasons[0]] == ["missing_required", "above_maximum"]
    assert [r["code"] for r in result.reasons[1]] == ["below_minimum", "above_maximum"]


def test_a_result_is_not_changed_once_returned():
    crit = one_leaf("method: price_lowest_ratio", review="{input: v, method: mean_ratio}")
    result = score_lot(crit, values_lot(crit, [10, 100, 100]))
    assert result.flagged.tolist() == [True, False, False]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.flags = [[], [], [{"code": "model"}]]


def test_a_rule_still_iterates_as_index_reason_pairs():
    prices = np.array([60.0, 100.0, np.nan, 140.0])
    found = get_rule("mean_ratio").evaluate(prices, np.ones(4, bool), {"ratio": 0.8}, None)
    ((i, reason),) = list(found)
    assert i == 0 and reason["threshold"] == pytest.approx(80)


def test_peeking_at_offers_without_reasons_keeps_nothing():
    reasons = OfferReasons(3)
    reasons.add(np.array([False, True, False]), lambda i: {"code": "x"})
    assert [reasons.peek(i) for i in range(3)] == [[], [{"code": "x"}], []]
    assert sorted(reasons._built) == [1]  # only the offer that has a reason was kept
