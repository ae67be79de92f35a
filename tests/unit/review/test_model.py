"""The review pipeline: structure, compilation, determinism, thresholds and explanations."""

import numpy as np
import pytest

from spar.review import ReviewInputError
from spar.review.errors import ModelIncompatibleError
from spar.review.features import FEATURE_LABELS, FEATURE_NAMES
from spar.review.model import STEP_NAMES, TrainingParams, compile_pipeline, fit_model
from spar.review.predictor import AdditivePredictor
from spar.review.training import train_on_table

from .conftest import TINY_PARAMS, TINY_SEED


def matrix(table):
    return table[list(FEATURE_NAMES)].to_numpy(dtype=np.float64)


def test_pipeline_has_named_steps(tiny_model):
    assert tuple(tiny_model.pipeline.named_steps) == STEP_NAMES == ("classifier",)


def test_compiled_tables_score_as_the_pipeline(tiny_model, tiny_table):
    x = matrix(tiny_table)
    expected = tiny_model.pipeline.predict_proba(x)[:, 1]
    np.testing.assert_allclose(tiny_model.score(x), expected, rtol=0, atol=1e-12)
    # and far from the training offers: beyond every threshold, on both sides
    rng = np.random.default_rng(0)
    wild = x[rng.integers(len(x), size=500)] * rng.uniform(-3, 3, (500, x.shape[1]))
    np.testing.assert_allclose(tiny_model.score(wild),
                               tiny_model.pipeline.predict_proba(wild)[:, 1], rtol=0, atol=1e-12)


def test_compiled_tables_read_one_or_two_features(tiny_model):
    predictor = tiny_model.predictor
    assert predictor.terms and all(1 <= len(features) <= 2 for features, _ in predictor.terms)
    assert all(table.shape == tuple(len(predictor.grids[f]) + 1 for f in features)
               for features, table in predictor.terms)


def test_compiled_tables_round_trip_through_arrays(tiny_model, tiny_table):
    again = AdditivePredictor.from_arrays(tiny_model.predictor.to_arrays())
    x = matrix(tiny_table)
    np.testing.assert_array_equal(again.probability(x), tiny_model.predictor.probability(x))


def test_arrays_that_do_not_fit_are_refused(tiny_model):
    arrays = tiny_model.predictor.to_arrays()
    with pytest.raises(ModelIncompatibleError, match="valeurs pour une table"):
        AdditivePredictor.from_arrays({**arrays, "term_values": arrays["term_values"][:-1]})
    with pytest.raises(ModelIncompatibleError, match="tableaux manquants : intercept"):
        AdditivePredictor.from_arrays({k: v for k, v in arrays.items() if k != "intercept"})


def test_deeper_trees_are_refused():
    with pytest.raises(ReviewInputError, match="ne se compilent pas"):
        TrainingParams(max_depth=3)


def test_stumps_compile_too(tiny_table):
    params = TrainingParams(boosting_iterations=20, max_depth=1, calibration_folds=2)
    model = fit_model(matrix(tiny_table), tiny_table["label"].to_numpy(), budget=0.1, seed=0,
                      params=params)
    assert all(len(features) == 1 for features, _ in model.predictor.terms)
    again = compile_pipeline(model.pipeline, len(FEATURE_NAMES))
    np.testing.assert_array_equal(again.probability(matrix(tiny_table)),
                                  model.score(matrix(tiny_table)))


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


def test_an_effect_is_the_drop_when_the_feature_alone_is_ordinary(tiny_model, tiny_table):
    """Exact: the tables' effect equals re-scoring the offer with the pipeline itself."""
    x = matrix(tiny_table)
    rows = np.argsort(-tiny_model.score(x))[:20]
    effects = tiny_model.predictor.effects(x[rows], tiny_model.baseline)
    pipeline = tiny_model.pipeline
    for r, row in enumerate(rows):
        probe = np.repeat(x[row][None, :], x.shape[1], axis=0)
        probe[np.arange(x.shape[1]), np.arange(x.shape[1])] = tiny_model.baseline
        expected = pipeline.predict_proba(x[row][None, :])[0, 1] \
            - pipeline.predict_proba(probe)[:, 1]
        np.testing.assert_allclose(effects[r], expected, rtol=0, atol=1e-12)


def test_metadata_records_what_made_the_model(tiny_model):
    meta = tiny_model.metadata
    assert meta["format_version"] == 2
    assert meta["predictor"]["tables"] == len(tiny_model.predictor.terms)
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
