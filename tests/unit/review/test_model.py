"""The review pipeline: structure, determinism, thresholds and explanations."""

import numpy as np
import pytest

from spar.review import ReviewInputError
from spar.review.features import FEATURE_LABELS, FEATURE_NAMES
from spar.review.model import STEP_NAMES, fit_model
from spar.review.training import train_on_table

from .conftest import TINY_PARAMS, TINY_SEED


def matrix(table):
    return table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)


def test_pipeline_has_named_steps(tiny_model):
    assert tuple(tiny_model.pipeline.named_steps) == STEP_NAMES == ("novelty", "classifier")


def test_scores_are_probabilities(tiny_model, tiny_table):
    s = tiny_model.score(matrix(tiny_table))
    assert ((s >= 0) & (s <= 1)).all()


def test_rows_out_of_competition_get_no_score(tiny_model, tiny_table):
    x = matrix(tiny_table)[:3].copy()
    x[1] = np.nan
    s = tiny_model.score(x)
    assert np.isnan(s[1]) and not np.isnan(s[[0, 2]]).any()


def test_training_is_deterministic_given_the_seed(tiny_model, tiny_table):
    again = train_on_table(tiny_table, seed=TINY_SEED, budget=0.1,
                           source=tiny_model.metadata["training"]["source"], params=TINY_PARAMS)
    np.testing.assert_array_equal(again.score(matrix(tiny_table)),
                                  tiny_model.score(matrix(tiny_table)))
    assert again.version == tiny_model.version
    assert again.metadata["metrics"] == tiny_model.metadata["metrics"]


def test_threshold_follows_the_budget(tiny_model, tiny_table):
    assert tiny_model.threshold_for(0.05) >= tiny_model.threshold_for(0.1) \
        >= tiny_model.threshold_for(0.2)
    assert tiny_model.threshold == tiny_model.threshold_for(0.1)
    with pytest.raises(ReviewInputError, match="budget"):
        tiny_model.threshold_for(0)


def test_explanations_name_the_features_that_raise_the_score(tiny_model, tiny_table):
    x = matrix(tiny_table)
    top_row = int(np.argmax(tiny_model.score(x)))
    (explained,) = tiny_model.explain(x, np.array([top_row]))
    assert explained and len(explained) <= 3
    for item in explained:
        assert item["label"] == FEATURE_LABELS[item["feature"]]
        assert item["effect"] > 0
        assert item["value"] == x[top_row, FEATURE_NAMES.index(item["feature"])]
    assert [e["effect"] for e in explained] == sorted((e["effect"] for e in explained),
                                                       reverse=True)


def test_metadata_records_what_made_the_model(tiny_model):
    meta = tiny_model.metadata
    assert meta["format_version"] == 1
    assert meta["feature_names"] == list(FEATURE_NAMES)
    assert meta["training"]["seed"] == TINY_SEED
    assert len(meta["training"]["data_sha256"]) == 64
    assert {"scikit-learn", "numpy", "skops", "python"} <= set(meta["libraries"])
    assert {"model", "rules"} == set(meta["metrics"]["validation"])


def test_training_refuses_a_single_class(tiny_table):
    x = matrix(tiny_table)
    with pytest.raises(ReviewInputError, match="Pas assez d'exemples"):
        fit_model(x, np.zeros(len(x)), budget=0.1, seed=0, params=TINY_PARAMS)


def test_training_refuses_missing_values(tiny_table):
    x = matrix(tiny_table)
    x[0, 0] = np.nan
    with pytest.raises(ReviewInputError, match="manquantes"):
        fit_model(x, tiny_table["label"].to_numpy(), budget=0.1, seed=0, params=TINY_PARAMS)
