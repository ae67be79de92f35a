"""The predictor's faster paths equal the ones they replaced, bit for bit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spar.review.features import FEATURE_LABELS, FEATURE_NAMES

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


def explain_per_offer(model, x, top=3):
    """The former explain: a list per offer of every feature, filtered one by one."""
    effect = effects_by_copy(model.predictor, x, model.baseline)
    best = np.argsort(-effect, axis=1, kind="stable")[:, :top]
    names = model.feature_names
    return [[{"feature": names[k], "label": FEATURE_LABELS[names[k]], "value": values[k],
              "effect": effects[k]} for k in top_k if effects[k] > 0]
            for values, effects, top_k in zip(x.tolist(), effect.tolist(), best.tolist())]


def probes(table):
    """Offers of the table, some features moved anywhere (beyond every threshold too) or
    set to the baseline, so that effects are positive, nil, negative and tied."""
    x = matrix(table)
    return st.tuples(
        st.lists(st.integers(0, len(x) - 1), min_size=1, max_size=40),
        st.integers(0, 2 ** 32 - 1),
    ).map(lambda t: _moved(x[t[0]], np.random.default_rng(t[1])))


def _moved(rows, rng):
    rows = rows.copy()
    scale = rng.choice([0.0, 0.5, 1.0, 3.0, -2.0], size=rows.shape)
    return np.where(rng.random(rows.shape) < 0.3, rows * scale, rows)


def test_effects_equal_the_copy_path(tiny_model, tiny_table):
    x = matrix(tiny_table)[:500]
    np.testing.assert_array_equal(tiny_model.predictor.effects(x, tiny_model.baseline),
                                  effects_by_copy(tiny_model.predictor, x, tiny_model.baseline))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), top=st.integers(1, len(FEATURE_NAMES) + 1))
def test_explanations_equal_the_per_offer_path(tiny_model, tiny_table, data, top):
    x = data.draw(probes(tiny_table))
    # the baseline itself among the offers: every effect nil, nothing to explain
    x = np.vstack([x, tiny_model.baseline])
    got = tiny_model.explain(x, np.arange(len(x)), top=top)
    assert got == explain_per_offer(tiny_model, x, top)
    assert got[-1] == []
    # the same floats, not merely equal ones (== would take -0.0 for 0.0)
    assert [[(d["value"].hex(), d["effect"].hex()) for d in row] for row in got] \
        == [[(d["value"].hex(), d["effect"].hex()) for d in row]
            for row in explain_per_offer(tiny_model, x, top)]


@given(arrays(np.float64, (7, len(FEATURE_NAMES)),
              elements=st.floats(-1e6, 1e6, allow_nan=False)))
@settings(max_examples=40, deadline=None)
def test_effects_equal_the_copy_path_anywhere(tiny_model, x):
    np.testing.assert_array_equal(tiny_model.predictor.effects(x, tiny_model.baseline),
                                  effects_by_copy(tiny_model.predictor, x, tiny_model.baseline))
