"""Reasons are worded when read, yet read as one plain list per offer."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spar.engine.low_price import get_rule
from spar.engine.reasons import OfferReasons, by_batch
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


@given(st.lists(st.lists(st.booleans(), min_size=6, max_size=6), max_size=4),
       st.lists(st.integers(0, 5), max_size=12), st.lists(st.integers(0, 5), max_size=3))
def test_offers_read_together_are_the_offers_read_one_by_one(masks, rows, read_first):
    """Batch by batch or offer by offer, each offer gets the same reasons in the same order,
    whether its batch words one offer or many at once, and lists already kept are kept."""
    def build() -> OfferReasons:
        reasons = OfferReasons(6)
        for b, mask in enumerate(masks):
            one = (lambda i, b=b: {"batch": b, "offer": i})
            many = by_batch(lambda rows, b=b: [{"batch": b, "offer": i} for i in rows])
            reasons.add(np.array(mask), many if b % 2 else one)
        return reasons
    together, alone = build(), build()
    for i in read_first:
        together[i].append({"late": i})
        alone[i].append({"late": i})
    assert together.lists(rows) == [alone.peek(i) for i in rows]
    assert all(together.lists([i])[0] is together[i] for i in rows if together.peek(i))


def test_a_batch_worded_at_once_words_each_offer_once_and_one_offer_alone():
    calls: list[list[int]] = []

    def words(rows: list[int]) -> list[dict]:
        calls.append(list(rows))
        return [{"offer": i} for i in rows]
    reasons = OfferReasons(5)
    reasons.add(np.array([True, False, True, True, False]), by_batch(words))
    assert reasons[3] == [{"offer": 3}] and calls == [[3]]
    assert reasons.lists([4, 0, 2, 3, 0]) == [[], [{"offer": 0}], [{"offer": 2}],
                                              [{"offer": 3}], [{"offer": 0}]]
    assert calls == [[3], [0, 2]]  # the offers in the order first asked, 3 already worded
    with pytest.raises(IndexError):
        reasons.lists([5])
