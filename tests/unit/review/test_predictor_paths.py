"""The predictor's faster paths equal the ones they replaced, bit for bit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spar.review.features import FEATURE_NAMES

from .test_model import matrix


def effects_by_copy(predictor, x, baseline):
    """The former effects: every feature's bins set back on a copy, every table re-read."""
    bins = predictor.bins(x)
    base_bins = predictor.bins(baseline[None, :])[:, 0]
    values = [predictor._term(k, bins) for k in range(len(predictor.terms))]
    raw = np.full(len(x), predictor.intercept)
    for v in values:
        raw += v
    p = predictor.calibrate(raw)
    out = np.empty(x.shape)
    for j in range(predictor.n_features):
        moved = bins.copy()
        moved[j] = base_bins[j]
        delta = np.zeros(len(x))
        for k, (features, _) in enumerate(predictor.terms):
            if j in features:
                delta += predictor._term(k, moved) - values[k]
        out[:, j] = p - predictor.calibrate(raw + delta)
    return out


def test_effects_equal_the_copy_path(tiny_model, tiny_table):
    x = matrix(tiny_table)[:500]
    np.testing.assert_array_equal(tiny_model.predictor.effects(x, tiny_model.baseline),
                                  effects_by_copy(tiny_model.predictor, x, tiny_model.baseline))


@given(arrays(np.float64, (7, len(FEATURE_NAMES)),
              elements=st.floats(-1e6, 1e6, allow_nan=False)))
@settings(max_examples=40, deadline=None)
def test_effects_equal_the_copy_path_anywhere(tiny_model, x):
    np.testing.assert_array_equal(tiny_model.predictor.effects(x, tiny_model.baseline),
                                  effects_by_copy(tiny_model.predictor, x, tiny_model.baseline))
