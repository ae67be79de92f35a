"""Training the review model: boosted trees of depth two, calibrated, then compiled.

``Pipeline([("classifier", CalibratedClassifierCV(HistGradientBoostingClassifier(
max_depth=2), method="isotonic", ensemble=False))])``: gradient-boosted trees
learn from labelled offers which patterns needed a human look; the isotonic
calibration, fitted on out-of-fold scores, makes the score read as a
probability. The pipeline is the record (``model.skops``); what scores is its
compiled form, :class:`spar.review.predictor.AdditivePredictor`, checked against
the pipeline on the training offers before a model is returned.

Why depth two and nothing else: trees that read at most two features compile
into tables, so scoring 100,000 offers takes a few milliseconds and explaining an
offer is exact; on the second, independent generator (:mod:`spar.review.market`)
they ranked as well as deeper trees, and better than the same trees with an
IsolationForest novelty floor, which mistook a foreign market for anomalies
(see the model card). The flag threshold comes from a review budget: the score
above which that share of held-out offers lies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any, Mapping

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from .errors import ReviewInputError
from .features import FEATURE_NAMES
from .predictor import AdditivePredictor, ReviewModel, weighted_quantiles

#: The pipeline's steps, in order; the loader checks them.
STEP_NAMES = ("classifier",)
#: One OpenMP thread for fitting: on a shared machine thread synchronisation costs far
#: more than it saves (training measured 6 to 20 times faster on 2 busy cores), and
#: results are the same.
THREADS = 1
#: Trees deeper than this do not compile into tables of one or two features.
MAX_DEPTH = 2
#: The compiled predictor must reproduce the pipeline to this (probabilities differ
#: only by the order floating-point sums are taken in).
COMPILE_TOLERANCE = 1e-9

__all__ = ["STEP_NAMES", "ReviewModel", "TrainingParams", "build_pipeline", "compile_pipeline",
           "fit_model", "model_version", "weighted_quantiles"]


@dataclass(frozen=True)
class TrainingParams:
    """Hyper-parameters of the pipeline; recorded in the metadata."""

    boosting_iterations: int = 300
    learning_rate: float = 0.08
    max_depth: int = 2
    l2_regularization: float = 1.0
    calibration_folds: int = 3

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= MAX_DEPTH:
            raise ReviewInputError(f"max_depth doit être 1 ou {MAX_DEPTH} : des arbres plus "
                                   f"profonds ne se compilent pas en tables (reçu {self.max_depth}).")


def build_pipeline(params: TrainingParams, seed: int) -> Pipeline:
    """The untrained pipeline; every random choice follows ``seed``."""
    classifier = HistGradientBoostingClassifier(
        max_iter=params.boosting_iterations, learning_rate=params.learning_rate,
        max_depth=params.max_depth, max_leaf_nodes=2 ** params.max_depth,
        l2_regularization=params.l2_regularization, early_stopping=False, random_state=seed)
    return Pipeline([
        ("classifier", CalibratedClassifierCV(classifier, method="isotonic",
                                              cv=params.calibration_folds, ensemble=False)),
    ])


# --------------------------------------------------------------------------- compiling
def _leaf_paths(nodes) -> list[tuple[list[tuple[int, float, bool]], float]]:
    """Every leaf of one tree: its conditions (feature, threshold, goes left) and value."""
    out = []
    pending = [(0, [])]
    while pending:
        index, conditions = pending.pop()
        node = nodes[index]
        if node["is_leaf"]:
            out.append((conditions, float(node["value"])))
            continue
        if node["is_categorical"]:
            raise ReviewInputError("Caractéristique catégorielle inattendue dans un arbre.")
        feature, threshold = int(node["feature_idx"]), float(node["num_threshold"])
        pending.append((int(node["left"]), conditions + [(feature, threshold, True)]))
        pending.append((int(node["right"]), conditions + [(feature, threshold, False)]))
    return out


def _interval(grid: np.ndarray, conditions, feature: int) -> slice:
    """The bins of ``feature`` where all its conditions hold (x <= t ⟺ bin <= index of t)."""
    lo, hi = 0, len(grid)  # bins lo..hi inclusive
    for f, threshold, left in conditions:
        if f != feature:
            continue
        k = int(np.searchsorted(grid, threshold))
        if left:
            hi = min(hi, k)
        else:
            lo = max(lo, k + 1)
    return slice(lo, hi + 1)


def compile_pipeline(pipeline: Pipeline, n_features: int) -> AdditivePredictor:
    """The tables equal to a fitted pipeline of :func:`build_pipeline`.

    Relies on the fitted trees' node arrays (``_predictors``) and on the isotonic
    calibrator's thresholds; :func:`fit_model` checks the result against the
    pipeline itself, so a change of scikit-learn's internals fails at training,
    never silently at scoring.
    """
    calibrated = pipeline.named_steps["classifier"].calibrated_classifiers_
    if len(calibrated) != 1 or len(calibrated[0].calibrators) != 1:
        raise ReviewInputError("Un seul classifieur calibré (ensemble=False) est attendu.")
    boosting, calibrator = calibrated[0].estimator, calibrated[0].calibrators[0]
    trees = [predictors[0].nodes for predictors in boosting._predictors]
    paths = [_leaf_paths(nodes) for nodes in trees]
    thresholds: list[set[float]] = [set() for _ in range(n_features)]
    for tree in paths:
        for conditions, _ in tree:
            for feature, threshold, _ in conditions:
                thresholds[feature].add(threshold)
    grids = tuple(np.array(sorted(t), dtype=np.float64) for t in thresholds)
    tables: dict[tuple[int, ...], np.ndarray] = {}
    for tree in paths:
        for conditions, value in tree:
            features = tuple(sorted({f for f, _, _ in conditions}))
            if len(features) > MAX_DEPTH:
                raise ReviewInputError(f"Arbre de profondeur supérieure à {MAX_DEPTH}.")
            if not features:  # a tree reduced to its root adds a constant
                features = (0,)
            table = tables.setdefault(features, np.zeros(tuple(len(grids[f]) + 1
                                                               for f in features)))
            table[tuple(_interval(grids[f], conditions, f) for f in features)] += value
    terms = tuple((features, tables[features]) for features in sorted(tables))
    x_cal = np.asarray(calibrator.X_thresholds_, dtype=np.float64)
    y_cal = np.asarray(calibrator.y_thresholds_, dtype=np.float64)
    return AdditivePredictor(grids, terms, float(np.ravel(boosting._baseline_prediction)[0]),
                             x_cal, y_cal)


def check_compiled(pipeline: Pipeline, predictor: AdditivePredictor, x: np.ndarray) -> float:
    """The largest gap between the pipeline's and the tables' probabilities on ``x``."""
    with threadpool_limits(THREADS):
        expected = pipeline.predict_proba(x)[:, 1]
    return float(np.max(np.abs(expected - predictor.probability(x)))) if len(x) else 0.0


# --------------------------------------------------------------------------- training
def model_version(identity: Mapping[str, Any]) -> str:
    """A short, reproducible name for a model: the hash of what made it."""
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return "rv2-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def fit_model(matrix: np.ndarray, labels: np.ndarray, *, budget: float, seed: int,
              params: TrainingParams = TrainingParams(), weight: np.ndarray | None = None,
              threshold_matrix: np.ndarray | None = None,
              identity: Mapping[str, Any] | None = None) -> ReviewModel:
    """Train the pipeline on labelled offers, compile it and set its threshold from ``budget``.

    ``weight`` weights the offers (inverse sampling probability for reviewed
    history); the score distribution, hence the threshold, is taken on
    ``threshold_matrix`` (held-out offers) when given, else on the training
    offers with their weights.
    """
    x = np.asarray(matrix, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if x.ndim != 2 or x.shape[1] != len(FEATURE_NAMES) or len(x) != len(y):
        raise ReviewInputError(f"Données d'entraînement mal formées : {x.shape} pour "
                               f"{len(y)} étiquettes et {len(FEATURE_NAMES)} caractéristiques.")
    if not np.isfinite(x).all():
        raise ReviewInputError("Données d'entraînement : valeurs manquantes ou infinies.")
    folds = params.calibration_folds
    if min(int(y.sum()), int(len(y) - y.sum())) < folds:
        raise ReviewInputError(f"Pas assez d'exemples : il faut au moins {folds} offres à revoir "
                               f"et {folds} offres sans problème (reçu {int(y.sum())} et "
                               f"{int(len(y) - y.sum())}).")
    if not 0 < budget < 1:
        raise ReviewInputError(f"Le budget de revue doit être dans ]0, 1[ (reçu {budget}).")
    pipeline = build_pipeline(params, seed)
    structure = repr(pipeline)  # the steps' classes and settings, so a code change renames it
    fit_params = {} if weight is None else {"classifier__sample_weight": weight}
    with threadpool_limits(THREADS):
        pipeline.fit(x, y, **fit_params)
    predictor = compile_pipeline(pipeline, x.shape[1])
    gap = check_compiled(pipeline, predictor, x)
    if not gap <= COMPILE_TOLERANCE:
        raise ReviewInputError(f"Les tables compilées s'écartent du pipeline de {gap:.3g} : "
                               "version de scikit-learn non prise en charge ?")
    if threshold_matrix is None:
        quantiles = weighted_quantiles(predictor.probability(x), weight)
    else:
        held = np.asarray(threshold_matrix, dtype=np.float64)
        quantiles = weighted_quantiles(predictor.probability(held), None)
    version = model_version({"identity": dict(identity or {}), "seed": seed, "budget": budget,
                             "params": asdict(params), "pipeline": structure})
    return ReviewModel(predictor, version, float(budget), quantiles, np.median(x, axis=0),
                       pipeline=pipeline)
