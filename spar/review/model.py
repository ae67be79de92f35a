"""The review model: an unsupervised novelty score and a calibrated classifier.

``Pipeline([("novelty", NoveltyScore()), ("classifier", NoveltyFloorClassifier(...))])``:
the IsolationForest measures how unusual an offer's features are, with no label
at all; the gradient-boosted classifier, calibrated so that its score reads as a
probability, learns from reviewed history which patterns needed a human look.

A classifier alone learns that the benign look-alikes of the anomalies it knows
are fine, and so scores a kind of anomaly it never saw *below* ordinary offers.
The final score is therefore the larger of the classifier's probability and the
novelty's own calibrated probability: what is very unusual keeps a floor. On
synthetic data this costs about 2 points of recall at a 10 % budget on known
mechanisms and multiplies the recall on unseen ones (see the model card).

The flag threshold comes from a review budget: the score above which that share
of offers lies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
from sklearn.isotonic import IsotonicRegression
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .errors import ReviewInputError
from .features import FEATURE_LABELS, FEATURE_NAMES

#: The pipeline's steps, in order; the loader checks them.
STEP_NAMES = ("novelty", "classifier")
#: One OpenMP thread for fitting and predicting: on lots of a few thousand offers, or
#: on a shared machine, thread synchronisation costs far more than it saves (training
#: measured 6 to 20 times faster on 2 busy cores), and results are the same.
THREADS = 1
#: Probabilities at which the score distribution is kept, to turn any budget into a threshold.
QUANTILE_LEVELS = np.linspace(0.0, 1.0, 401)


class NoveltyScore(TransformerMixin, BaseEstimator):
    """Append an IsolationForest's anomaly score (higher = more unusual) to the features."""

    def __init__(self, n_estimators: int = 100, max_samples: int = 256,
                 random_state: int | None = None):
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.random_state = random_state

    def fit(self, X, y=None, sample_weight=None):
        X = np.asarray(X, dtype=np.float64)
        self.forest_ = IsolationForest(n_estimators=self.n_estimators,
                                       max_samples=min(self.max_samples, len(X)),
                                       random_state=self.random_state)
        self.forest_.fit(X, sample_weight=sample_weight)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        check_is_fitted(self, "forest_")
        X = np.asarray(X, dtype=np.float64)
        return np.column_stack([X, -self.forest_.score_samples(X)])


class NoveltyFloorClassifier(ClassifierMixin, BaseEstimator):
    """A classifier whose probability never falls below the novelty's calibrated probability.

    The last input column is the novelty score (appended by :class:`NoveltyScore`);
    an isotonic regression turns it alone into a probability of needing review.
    """

    def __init__(self, classifier=None):
        self.classifier = classifier

    def fit(self, X, y, sample_weight=None):
        X = np.asarray(X, dtype=np.float64)
        self.classifier_ = clone(self.classifier).fit(X, y, sample_weight=sample_weight)
        self.novelty_calibration_ = IsotonicRegression(y_min=0.0, y_max=1.0,
                                                       out_of_bounds="clip")
        self.novelty_calibration_.fit(X[:, -1], y, sample_weight=sample_weight)
        self.classes_ = self.classifier_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "classifier_")
        X = np.asarray(X, dtype=np.float64)
        p = np.maximum(self.classifier_.predict_proba(X)[:, 1],
                       self.novelty_calibration_.predict(X[:, -1]))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]


@dataclass(frozen=True)
class TrainingParams:
    """Hyper-parameters of the pipeline; recorded in the metadata."""

    forest_trees: int = 100
    forest_samples: int = 256
    boosting_iterations: int = 150
    learning_rate: float = 0.08
    max_leaf_nodes: int = 15
    l2_regularization: float = 1.0
    calibration_folds: int = 3


def build_pipeline(params: TrainingParams, seed: int) -> Pipeline:
    """The untrained pipeline; every random choice follows ``seed``."""
    classifier = HistGradientBoostingClassifier(
        max_iter=params.boosting_iterations, learning_rate=params.learning_rate,
        max_leaf_nodes=params.max_leaf_nodes, l2_regularization=params.l2_regularization,
        early_stopping=False, random_state=seed)
    return Pipeline([
        ("novelty", NoveltyScore(params.forest_trees, params.forest_samples, random_state=seed)),
        ("classifier", NoveltyFloorClassifier(
            CalibratedClassifierCV(classifier, method="isotonic", cv=params.calibration_folds))),
    ])


@dataclass
class ReviewModel:
    """A trained pipeline with what it needs to flag and explain: names, threshold, baseline."""

    pipeline: Pipeline
    version: str
    budget: float
    quantiles: np.ndarray  # score at each of QUANTILE_LEVELS, on held-out offers
    baseline: np.ndarray  # an ordinary offer: the median of every feature in training
    feature_names: tuple[str, ...] = FEATURE_NAMES
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        """The flag threshold for the budget the model was trained for."""
        return self.threshold_for(self.budget)

    def threshold_for(self, budget: float) -> float:
        """The score above which a share ``budget`` of offers lay on held-out data."""
        if not 0 < budget < 1:
            raise ReviewInputError(f"Le budget de revue doit être dans ]0, 1[ (reçu {budget}).")
        return float(np.interp(1 - budget, QUANTILE_LEVELS, self.quantiles))

    def score(self, matrix: np.ndarray) -> np.ndarray:
        """The probability that each offer needs a human look; NaN for rows of NaN."""
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != len(self.feature_names):
            raise ReviewInputError(f"{len(self.feature_names)} caractéristiques attendues par "
                                   f"offre, reçu une matrice {matrix.shape}.")
        ok = np.isfinite(matrix).all(axis=1)
        out = np.full(len(matrix), np.nan)
        if ok.any():
            with threadpool_limits(THREADS):
                out[ok] = self.pipeline.predict_proba(matrix[ok])[:, 1]
        return out

    def explain(self, matrix: np.ndarray, rows: np.ndarray, top: int = 3) -> list[list[dict]]:
        """For each offer of ``rows``, the features that raise its score most, in words.

        A feature's effect is how much the score drops when that feature alone is
        set back to an ordinary offer's value (the training median).
        """
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return []
        x = np.asarray(matrix, dtype=np.float64)[rows]
        f = x.shape[1]
        probe = np.repeat(x, f, axis=0)
        j = np.tile(np.arange(f), len(rows))
        probe[np.arange(len(probe)), j] = self.baseline[j]
        with threadpool_limits(THREADS):
            base = self.pipeline.predict_proba(x)[:, 1]
            moved = self.pipeline.predict_proba(probe)[:, 1].reshape(len(rows), f)
        effect = base[:, None] - moved
        out = []
        for r in range(len(rows)):
            best = [k for k in np.argsort(-effect[r], kind="stable")[:top] if effect[r, k] > 0]
            out.append([{"feature": self.feature_names[k],
                         "label": FEATURE_LABELS[self.feature_names[k]],
                         "value": float(x[r, k]), "effect": float(effect[r, k])} for k in best])
        return out


def weighted_quantiles(scores: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """Scores at :data:`QUANTILE_LEVELS`, each offer counting for its weight."""
    if weight is None:
        return np.quantile(scores, QUANTILE_LEVELS)
    order = np.argsort(scores, kind="stable")
    w = np.asarray(weight, dtype=np.float64)[order]
    cumulative = (np.cumsum(w) - w / 2) / w.sum()
    return np.interp(QUANTILE_LEVELS, cumulative, scores[order])


def model_version(identity: Mapping[str, Any]) -> str:
    """A short, reproducible name for a model: the hash of what made it."""
    text = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    return "rv1-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def fit_model(matrix: np.ndarray, labels: np.ndarray, *, budget: float, seed: int,
              params: TrainingParams = TrainingParams(), weight: np.ndarray | None = None,
              threshold_matrix: np.ndarray | None = None,
              identity: Mapping[str, Any] | None = None) -> ReviewModel:
    """Train the pipeline on labelled offers and set its threshold from ``budget``.

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
    fit_params = {} if weight is None else {"novelty__sample_weight": weight,
                                            "classifier__sample_weight": weight}
    with threadpool_limits(THREADS):
        pipeline.fit(x, y, **fit_params)
        if threshold_matrix is None:
            quantiles = weighted_quantiles(pipeline.predict_proba(x)[:, 1], weight)
        else:
            held = np.asarray(threshold_matrix, dtype=np.float64)
            quantiles = weighted_quantiles(pipeline.predict_proba(held)[:, 1], None)
    version = model_version({"identity": dict(identity or {}), "seed": seed, "budget": budget,
                             "params": asdict(params), "pipeline": structure})
    return ReviewModel(pipeline, version, float(budget), quantiles, np.median(x, axis=0))
