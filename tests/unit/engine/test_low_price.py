"""Abnormally low offers (SPEC §2.4): every rule with hand-computed thresholds."""

from __future__ import annotations

import pytest

from spar.engine.scoring import score_lot
from spar.engine.text import fr_number

from .builders import by_id, criteria, one_leaf, score, values_lot


def flags(review: str, prices, estimate=None) -> dict[str, list[dict]]:
    """Offer id → its abnormally-low reasons, for offers A, B… priced ``prices``."""
    crit = one_leaf("method: price_lowest_ratio", review=review)
    result = score_lot(crit, values_lot(crit, prices, estimate=estimate))
    return {oid: result.flags[i] for oid, i in by_id(result).items() if result.flags[i]}


def only(found: dict[str, list[dict]]) -> tuple[str, dict]:
    """The one flagged offer and its one reason."""
    ((oid, (reason,)),) = found.items()
    return oid, reason


@pytest.mark.parametrize("review, prices, estimate, offer, threshold, value", [
    # mean 100 → 0.8 × 100
    ("{input: v, method: mean_ratio}", [60, 100, 100, 140], None, "A", 80, 60),
    # mean 5, population std 2 → 5 − 1 × 2
    ("{input: v, method: mean_minus_std}", [2, 4, 4, 4, 5, 5, 7, 9], None, "A", 3, 2),
    # 0.7 × 1000; 700 itself is not under the threshold
    ("{input: v, method: estimate_ratio}", [650, 700, 900], 1000, "A", 700, 650),
    # m1 = 120; m2 = mean of prices ≤ 144 = 90; 0.9 × 90 (one mean would give 108)
    ("{input: v, method: two_pass_mean}", [70, 90, 100, 100, 240], None, "A", 81, 70),
    # next higher price 100: 1 − 65/100 = 0.35 ≥ 0.3; others' mean 105: 0.38 < 0.4
    ("{input: v, method: next_offer_gap}", [65, 100, 105, 110], None, "A", 70, 65),
], ids=["mean_ratio", "mean_minus_std", "estimate_ratio", "two_pass_mean", "next_offer_gap"])
def test_rule_threshold(review, prices, estimate, offer, threshold, value):
    flagged, reason = only(flags(review, prices, estimate))
    assert flagged == offer
    assert reason["code"] == "abnormally_low"
    assert reason["threshold"] == pytest.approx(threshold)
    assert reason["value"] == value
    assert fr_number(value) in reason["message"]


def test_price_on_the_threshold_is_not_flagged():
    assert flags("{input: v, method: mean_ratio, ratio: 0.8}", [80, 100, 120]) == {}


def test_mean_minus_std_uses_the_population_deviation():
    # mean 100, population std 40 × √0.4 = 25.30 → 100 − 1.5 × 25.30 = 62.05 flags 60;
    # the sample std (28.28) would give 57.57 and flag nothing
    found = flags("{input: v, method: mean_minus_std, k: 1.5}", [60, 100, 100, 100, 140])
    assert only(found)[1]["threshold"] == pytest.approx(100 - 1.5 * 40 * 0.4 ** 0.5)


def test_next_offer_gap_flags_on_the_mean_of_the_others_alone():
    # A: next price 70 is only 14 % higher, but the others' mean 133.33 is 55 % higher
    found = flags("{input: v, method: next_offer_gap, next_gap: 1}", [60, 70, 160, 170])
    assert set(found) == {"A", "B"}
    assert found["A"][0]["threshold"] == pytest.approx(0.6 * 400 / 3)


def test_next_offer_gap_compares_with_the_next_higher_price():
    # equal prices are not "the next offer": both 50s are 50 % under 100
    found = flags("{input: v, method: next_offer_gap, mean_gap: 1}", [50, 50, 100])
    assert set(found) == {"A", "B"}
    assert found["A"][0]["threshold"] == pytest.approx(70)


def test_next_offer_gap_needs_two_offers():
    assert flags("{input: v, method: next_offer_gap}", [10]) == {}


def test_estimate_ratio_without_estimate_warns_and_flags_nothing():
    crit = one_leaf("method: price_lowest_ratio", review="{input: v, method: estimate_ratio}")
    result = score_lot(crit, values_lot(crit, [1, 1000]))
    assert not result.flagged.any()
    assert any("estimate_ratio" in w and "estimation" in w for w in result.warnings)


def test_several_rules_each_give_their_reason():
    review = ("\n    - {input: v, method: mean_ratio, ratio: 0.8}"
              "\n    - {input: v, method: estimate_ratio, ratio: 0.7}")
    found = flags(review, [600, 1000, 1400], estimate=1000)
    assert set(found) == {"A"}
    by_method = {r["method"]: r for r in found["A"]}
    assert by_method["mean_ratio"]["threshold"] == pytest.approx(800)
    assert by_method["estimate_ratio"]["threshold"] == pytest.approx(700)
    for method, reason in by_method.items():
        assert reason["value"] == 600
        for part in (method, fr_number(600), fr_number(reason["threshold"])):
            assert part in reason["message"]


def test_a_flagged_offer_stays_ranked():
    crit = one_leaf("method: price_lowest_ratio", review="{input: v, method: mean_ratio}")
    result = score_lot(crit, values_lot(crit, [10, 100, 100]))
    assert list(result.status) == ["ranked"] * 3 and result.rank[0] == 1
    assert result.flagged.tolist() == [True, False, False]


MIXED = """
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 50, input: price,
     method: price_lowest_ratio}
  - {id: co2, label: CO2, pillar: environmental, weight: 50, input: co2, method: linear,
     best: 0, worst: 10, required: true, eliminatory_below: 0.5}
review:
  abnormally_low: {input: price, method: mean_ratio, ratio: 0.8}
"""


def test_irregular_offers_do_not_count_but_eliminated_ones_do():
    result = score(criteria(MIXED), {"price": 70, "co2": 1}, {"price": 100, "co2": 1},
                   {"price": 40, "co2": 9},  # C is eliminated: co2 scores 0.1
                   {"price": 130, "co2": 1},
                   {"price": 10})  # E is irregular: co2 is required
    assert list(result.status) == ["ranked", "ranked", "eliminated", "ranked", "irregular"]
    # prices of A to D: mean 85, threshold 68, only C is under it. Counting E would give
    # a mean of 70 and flag E; leaving C out would give a mean of 100 and flag A.
    assert result.flagged.tolist() == [False, False, True, False, False]
    assert result.flags[2][0]["threshold"] == pytest.approx(68)
