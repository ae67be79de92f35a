"""Offer features relative to their lot: hand-computed values and invariances."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spar.review.features import FEATURE_LABELS, FEATURE_NAMES, compute_features
from spar.review.frame import frame_from_result

from .conftest import offer
from .frames import frame_of


def features_of(frame):
    f = compute_features(frame)
    return {name: f.matrix[:, k] for k, name in enumerate(FEATURE_NAMES)}


def test_every_feature_has_french_words():
    assert set(FEATURE_LABELS) == set(FEATURE_NAMES)
    assert all(FEATURE_LABELS[n] for n in FEATURE_NAMES)


def test_price_features_of_a_four_offer_lot():
    f = features_of(frame_of([100.0, 120.0, 150.0, 200.0]))
    # medians of the other offers: 150, 150, 120, 120
    np.testing.assert_allclose(f["price_to_others_median"], [100 / 150, 120 / 150, 150 / 120,
                                                             200 / 120])
    np.testing.assert_allclose(f["gap_to_next_price"], [1 - 100 / 120, 1 - 120 / 150,
                                                        1 - 150 / 200, 0.0])
    np.testing.assert_allclose(f["gap_from_previous_price"], [0.0, 120 / 100 - 1,
                                                              150 / 120 - 1, 200 / 150 - 1])
    np.testing.assert_allclose(f["price_rank_share"], [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(f["lot_offers"], 4)


def test_lot_screens_of_a_four_offer_lot():
    f = features_of(frame_of([100.0, 120.0, 150.0, 200.0]))
    # mean 142.5; deviations -42.5, -22.5, 7.5, 57.5
    m2 = (42.5 ** 2 + 22.5 ** 2 + 7.5 ** 2 + 57.5 ** 2) / 4
    m3 = (-42.5 ** 3 - 22.5 ** 3 + 7.5 ** 3 + 57.5 ** 3) / 4
    np.testing.assert_allclose(f["lot_price_cv"], math.sqrt(m2) / 142.5)
    np.testing.assert_allclose(f["lot_price_spread"], 100 / 135)
    np.testing.assert_allclose(f["lot_price_skewness"], m3 / m2 ** 1.5)
    # losing bids 120, 150, 200: population sd sqrt(3266.67 / 3); gap 20
    losers_sd = np.std([120.0, 150.0, 200.0])
    np.testing.assert_allclose(f["lot_relative_distance"], 20 / losers_sd)


def test_price_robust_z_is_taken_on_log_prices():
    prices = np.array([100.0, 110.0, 120.0, 130.0, 400.0])
    f = features_of(frame_of(prices))
    logs = np.log(prices)
    med = logs[2]
    mad = np.median(np.abs(logs - med))
    assert f["price_robust_z"][4] == pytest.approx((logs[4] - med) / (1.4826 * mad))


def test_a_single_offer_gets_neutral_price_features():
    f = features_of(frame_of([5000.0]))
    assert f["price_to_others_median"][0] == 1.0
    assert f["gap_to_next_price"][0] == f["gap_from_previous_price"][0] == 0.0
    assert f["price_rank_share"][0] == 0.5
    assert f["lot_price_cv"][0] == f["lot_price_skewness"][0] == 0.0
    assert f["lot_offers"][0] == 1


def test_identical_prices_count_only_other_suppliers():
    frame = frame_of([100.0, 100.0, 100.0, 130.0], supplier=[1, 1, 2, 3])
    np.testing.assert_array_equal(features_of(frame)["same_price_other_suppliers"], [1, 1, 2, 0])


def test_offers_out_of_competition_have_no_features_and_do_not_count():
    frame = frame_of([100.0, 10.0, 150.0], considered=[True, False, True])
    f = compute_features(frame)
    assert np.isnan(f.matrix[1]).all()
    assert f.snapshot(1) is None
    assert f.snapshot(0)["price_to_others_median"] == pytest.approx(100 / 150)
    assert f.snapshot(0)["lot_offers"] == 2


def test_favourable_figure_z_follows_the_criterion_direction():
    co2 = np.array([[2.0], [2.1], [2.2], [2.3], [0.1]])  # lower is better
    frame = frame_of([100.0] * 5, figures=co2, direction=[-1])
    f = compute_features(frame)
    assert f.column("figure_max_favourable_z")[4] > 3.5
    assert f.column("figure_max_favourable_z")[3] == 0.0  # above the median: worse, not favourable


def test_impossible_shares_are_counted():
    frame = frame_of([100.0, 110.0], figures=[[120.0, 5.0], [50.0, -1.0]], share=[True, False])
    np.testing.assert_array_equal(features_of(frame)["impossible_figures"], [1, 0])


def test_self_assessment_gap_is_the_largest_signed_gap():
    frame = frame_of([100.0, 110.0, 120.0], self_scores=[[1.0, 0.5], [np.nan, np.nan], [0.25, 0.5]],
                     buyer_scores=[[0.25, 0.5], [0.5, 0.5], [0.5, 0.5]])
    np.testing.assert_allclose(features_of(frame)["self_assessment_gap"], [0.75, 0.0, 0.0])


def test_claims_and_scores_read_from_a_scored_lot(score):
    result = score([
        offer("A", 10000, labels=["EU Ecolabel", "FSC"], evidence=["FSC"]),
        offer("B", 11000, labels=["FSC"], evidence=["FSC"]),
        offer("C", 12000, co2=None),
    ])
    f = compute_features(frame_from_result(result))
    # EU Ecolabel (1) unproven on top of FSC (0.5): half of the 6-point label leaf
    np.testing.assert_allclose(f.column("unevidenced_claim_share"), [0.03, 0.0, 0.0])
    np.testing.assert_array_equal(f.column("unevidenced_labels"), [1, 0, 0])
    np.testing.assert_allclose(f.column("missing_answer_share"), [0, 0, 1 / 7])


def test_nonprice_score_gap_is_relative_to_the_lot_median(score):
    result = score([offer("A", 10000, mark=4), offer("B", 10000, mark=2),
                    offer("C", 10000, mark=0)])
    gap = compute_features(frame_from_result(result)).column("nonprice_score_gap")
    # the technical mark is worth 10 of the 60 non-price points: ±2 levels = ±5 points
    np.testing.assert_allclose(gap, [5 / 60, 0.0, -5 / 60])


# ---------------------------------------------------------------- invariances
prices = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)


@st.composite
def batches(draw):
    n = draw(st.integers(min_value=1, max_value=12))
    lots = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    lots = np.unique(lots, return_inverse=True)[1].reshape(-1)
    # a few repeated prices so that ties and identical prices occur
    pool = draw(st.lists(prices, min_size=1, max_size=4))
    price = np.array([draw(st.sampled_from(pool)) if draw(st.booleans()) else draw(prices)
                      for _ in range(n)])
    figures = np.array(draw(st.lists(st.lists(st.floats(0, 500), min_size=2, max_size=2),
                                     min_size=n, max_size=n)))
    supplier = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    considered = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    considered[0] = True
    perm = np.array(draw(st.permutations(range(n))))
    scale = draw(st.floats(min_value=1e-3, max_value=1e3))
    return lots, price, figures, supplier, considered, perm, scale


def _frame(lots, price, figures, supplier, considered):
    return frame_of(price, lots, supplier=supplier, figures=figures, considered=considered,
                    direction=[1, -1], share=[True, False])


@given(batches())
def test_features_do_not_depend_on_the_order_of_offers(batch):
    lots, price, figures, supplier, considered, perm, _ = batch
    base = compute_features(_frame(lots, price, figures, supplier, considered)).matrix
    shuffled = compute_features(_frame(lots[perm], price[perm], figures[perm], supplier[perm],
                                       considered[perm])).matrix
    np.testing.assert_allclose(shuffled, base[perm], rtol=1e-9, atol=1e-12)


@given(batches())
def test_features_do_not_depend_on_the_currency_unit(batch):
    lots, price, figures, supplier, considered, _, scale = batch
    base = compute_features(_frame(lots, price, figures, supplier, considered)).matrix
    scaled = compute_features(_frame(lots, price * scale, figures, supplier, considered)).matrix
    np.testing.assert_allclose(scaled, base, rtol=1e-7, atol=1e-9)


@given(batches())
def test_features_are_finite_for_every_offer_in_competition(batch):
    lots, price, figures, supplier, considered, _, _ = batch
    matrix = compute_features(_frame(lots, price, figures, supplier, considered)).matrix
    assert np.isfinite(matrix[considered]).all()
    assert np.isnan(matrix[~considered]).all()
