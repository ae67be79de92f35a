"""Random review of unflagged offers, with the probability each decision will be weighted by."""

import numpy as np
import pytest

from spar.review import ReviewInputError, sample_for_review


def test_flagged_offers_are_always_reviewed_with_probability_one():
    flagged = np.array([True, False, True, False])
    mask, p = sample_for_review(flagged, rate=0.0, rng=1)
    np.testing.assert_array_equal(mask, flagged)
    np.testing.assert_array_equal(p, [1.0, 0.0, 1.0, 0.0])


def test_unflagged_offers_are_drawn_at_the_rate():
    flagged = np.zeros(100_000, dtype=bool)
    mask, p = sample_for_review(flagged, rate=0.03, rng=7)
    assert mask.mean() == pytest.approx(0.03, abs=0.002)
    assert (p == 0.03).all()


def test_the_draw_is_reproducible_from_a_seed():
    flagged = np.zeros(1000, dtype=bool)
    first, _ = sample_for_review(flagged, rng=42)
    again, _ = sample_for_review(flagged, rng=np.random.default_rng(42))
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("flagged, rate", [([1, 0], 0.03), (np.zeros((2, 2), bool), 0.03),
                                           (np.zeros(3, bool), 1.5)])
def test_bad_input_is_refused(flagged, rate):
    with pytest.raises(ReviewInputError):
        sample_for_review(np.asarray(flagged), rate=rate)
