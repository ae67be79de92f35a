"""Per-lot statistics over flat arrays, checked against hand-computed values."""

import numpy as np
import pytest

from spar.review.grouped import Sorted, robust_z

NAN = np.nan
# two lots: lot 0 = 3, 1, 2, (missing), 2 ; lot 1 = 10, 40
VALUES = np.array([3.0, 10.0, 1.0, NAN, 2.0, 40.0, 2.0])
CODES = np.array([0, 1, 0, 0, 0, 1, 0])


def test_median_per_lot_ignores_missing_values():
    s = Sorted(VALUES, CODES, 3)
    np.testing.assert_allclose(s.median(), [2.0, 25.0, NAN])
    np.testing.assert_allclose(s.count(), [4, 2, 0])


def test_mean_and_moments_per_lot():
    s = Sorted(VALUES, CODES, 2)
    np.testing.assert_allclose(s.mean(), [2.0, 25.0])
    # lot 0: deviations 1, -1, 0, 0 → variance 0.5 ; lot 1: ±15 → 225
    np.testing.assert_allclose(s.central_moment(2), [0.5, 225.0])


def test_median_of_the_other_offers():
    s = Sorted(VALUES, CODES, 2)
    # lot 0 without 3 → 1, 2, 2 → 2 ; without 1 → 2, 2, 3 → 2 ; without a 2 → 1, 2, 3 → 2
    # lot 1: each offer's only other offer
    np.testing.assert_allclose(s.median_of_others(), [2.0, 40.0, 2.0, NAN, 2.0, 10.0, 2.0])


def test_median_of_others_with_an_even_number_of_others():
    s = Sorted(np.array([1.0, 2.0, 4.0, 8.0, 16.0]), np.zeros(5, dtype=np.int64), 1)
    # without 1 → 2, 4, 8, 16 → 6 ; without 8 → 1, 2, 4, 16 → 3
    np.testing.assert_allclose(s.median_of_others(), [6.0, 6.0, 5.0, 3.0, 3.0])


def test_an_offer_alone_has_no_others():
    s = Sorted(np.array([5.0]), np.array([0]), 1)
    assert np.isnan(s.median_of_others()[0])


def test_next_distinct_value_above_and_below_skips_ties():
    s = Sorted(VALUES, CODES, 2)
    np.testing.assert_allclose(s.next_distinct(above=True), [NAN, 40.0, 2.0, NAN, 3.0, NAN, 3.0])
    np.testing.assert_allclose(s.next_distinct(above=False), [2.0, NAN, NAN, NAN, 1.0, 10.0, 1.0])


def test_rank_share_gives_tied_values_their_mid_rank():
    s = Sorted(VALUES, CODES, 2)
    # lot 0 sorted 1, 2, 2, 3: ranks 0, 1.5, 1.5, 3 over 3
    np.testing.assert_allclose(s.rank_share(), [1.0, 0.0, 0.0, NAN, 0.5, 1.0, 0.5])


def test_kth_smallest_value_per_lot():
    s = Sorted(VALUES, CODES, 2)
    np.testing.assert_allclose(s.kth(1), [2.0, 40.0])
    np.testing.assert_allclose(s.kth(2), [2.0, NAN])


def test_robust_z_uses_the_median_absolute_deviation():
    values = np.array([10.0, 11.0, 12.0, 13.0, 30.0])
    z = robust_z(values, np.zeros(5, dtype=np.int64), 1, min_count=4)
    # median 12, |deviations| 2, 1, 0, 1, 18 → MAD 1 → scale 1.4826
    np.testing.assert_allclose(z, (values - 12.0) / 1.4826)


def test_robust_z_falls_back_on_the_mean_deviation_when_the_mad_is_zero():
    values = np.array([5.0, 5.0, 5.0, 5.0, 15.0])
    z = robust_z(values, np.zeros(5, dtype=np.int64), 1, min_count=4)
    # MAD 0; mean absolute deviation 2 → scale 1.2533 × 2
    assert z[-1] == pytest.approx(10.0 / (1.2533 * 2.0))


def test_robust_z_is_zero_for_small_lots_and_nan_where_missing():
    values = np.array([1.0, 2.0, 100.0, NAN])
    z = robust_z(values, np.zeros(4, dtype=np.int64), 1, min_count=4)
    np.testing.assert_array_equal(z[:3], [0.0, 0.0, 0.0])
    assert np.isnan(z[3])


def test_robust_z_scale_has_a_relative_floor():
    values = np.array([100.0, 100.0, 101.0, 101.0, 120.0])
    z = robust_z(values, np.zeros(5, dtype=np.int64), 1, min_count=4, relative_floor=0.1)
    # median 101, MAD 1 → scale 1.48, under 10 % of the median (10.1)
    assert z[-1] == pytest.approx(19.0 / 10.1)


@pytest.mark.parametrize("seed", range(20))
def test_one_lot_gives_bit_for_bit_what_the_per_lot_sort_gives(seed):
    # one lot takes partitions instead of sorts: the same order statistics, the same bits
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    values = np.round(rng.lognormal(3, 1, n), int(rng.integers(0, 3)))  # ties, some MAD 0
    values[rng.random(n) < 0.2] = np.nan
    if seed % 4 == 0:
        values[: n // 2 + 1] = 7.0  # most offers equal: the mean deviation stands in
    codes = np.zeros(n, dtype=np.int64)
    one = robust_z(values, codes, 1, 4, floor=0.01, relative_floor=0.001)
    # two lots, the second empty, go through Sorted
    two = robust_z(values, codes, 2, 4, floor=0.01, relative_floor=0.001)
    np.testing.assert_array_equal(one, two)
    from spar.review.grouped import median
    np.testing.assert_array_equal(median(values, codes, 1), median(values, codes, 2)[:1])
