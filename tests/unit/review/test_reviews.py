"""Retraining on buyers' decisions: weights, champion vs challenger, bad input."""

import numpy as np
import pytest

from spar.review import ReviewedOffer, ReviewInputError, sample_for_review, train_challenger
from spar.review.features import FEATURE_NAMES
from spar.review.reviews import reviews_matrix

from .conftest import TINY_PARAMS


def decisions(table, tiny_model, seed=0):
    """What buyers would have decided: flagged offers all reviewed, 30 % of the others."""
    x = table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)
    flagged = tiny_model.score(x) >= tiny_model.threshold
    mask, p = sample_for_review(flagged, rate=0.3, rng=seed)
    out = []
    for i in np.flatnonzero(mask):
        row = table.iloc[i]
        out.append(ReviewedOffer(offer=row["offer"], lot=row["lot"],
                                 features=dict(zip(FEATURE_NAMES, x[i])),
                                 decision="rejected" if row["label"] else "cleared",
                                 sampling_probability=float(p[i])))
    return out


def test_weights_are_inverse_sampling_probabilities(tiny_table, tiny_model):
    reviews = decisions(tiny_table, tiny_model)
    _, y, w, _ = reviews_matrix(reviews)
    probabilities = np.array([r.sampling_probability for r in reviews])
    np.testing.assert_allclose(w, 1 / probabilities)
    assert set(np.round(w, 6)) <= {1.0, round(1 / 0.3, 6)}


def test_challenger_is_compared_with_the_champion_at_the_same_budget(tiny_table, tiny_model):
    report = train_challenger(decisions(tiny_table, tiny_model), tiny_model, budget=0.1, seed=1,
                              folds=3, params=TINY_PARAMS)
    assert report.champion_metrics["at_budget"][0]["budget"] == 0.1
    assert report.challenger_metrics["at_budget"][0]["budget"] == 0.1
    assert report.challenger.metadata["training"]["source"]["kind"] == "reviews"
    assert report.challenger.version != tiny_model.version
    text = report.to_text()
    assert "champion" in text and "challenger" in text and "budget de revue 10" in text


def test_needs_information_counts_as_needing_review(tiny_table, tiny_model):
    reviews = decisions(tiny_table, tiny_model)[:3]
    reviews[0] = ReviewedOffer(reviews[0].offer, reviews[0].lot, reviews[0].features,
                               "needs_information", 1.0)
    _, y, _, _ = reviews_matrix(reviews)
    assert y[0]


def test_bad_decisions_are_all_named(tiny_table, tiny_model):
    good = decisions(tiny_table, tiny_model)[0]
    bad = [ReviewedOffer("X1", "L", good.features, "maybe", 1.0),
           ReviewedOffer("X2", "L", good.features, "cleared", 0.0),
           ReviewedOffer("X3", "L", {"price": 1.0}, "cleared", 1.0)]
    with pytest.raises(ReviewInputError) as err:
        reviews_matrix(bad)
    message = str(err.value)
    assert "offre « X1 » : décision « maybe » inconnue" in message
    assert "offre « X2 » : probabilité de tirage 0.0 hors de ]0, 1]" in message
    assert "offre « X3 » : caractéristiques différentes" in message


def test_too_few_decisions_are_refused(tiny_table, tiny_model):
    with pytest.raises(ReviewInputError, match="Pas assez de décisions"):
        train_challenger(decisions(tiny_table, tiny_model)[:5], tiny_model, params=TINY_PARAMS)
