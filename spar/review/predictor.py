"""The review model as it scores: tables of numbers and numpy, no scikit-learn.

Training (:mod:`spar.review.model`) fits gradient-boosted trees of depth two at
most. Every such tree is a sum of functions of one or two features: a leaf is
reached when one or two conditions hold, and the conditions of a leaf at depth
two bear on the feature of the root and on the feature of its child. Summing the
leaves of all trees by the features they read gives one table per feature and
per pair of features, indexed by where each value falls among the thresholds
the trees use. Scoring an offer is then a few table look-ups and a sum, whatever
the number of trees, and the calibration is a piecewise-linear interpolation.

The same structure explains exactly and cheaply: setting one feature back to an
ordinary offer's value changes only the tables that read it.

:class:`ReviewModel` is what callers use: the predictor, the threshold of a
review budget, the baseline explanations start from, and the metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping

import numpy as np

from .errors import ModelIncompatibleError, ReviewInputError
from .features import FEATURE_LABELS, FEATURE_NAMES

#: Probabilities at which the score distribution is kept, to turn any budget into a threshold.
QUANTILE_LEVELS = np.linspace(0.0, 1.0, 401)
#: The arrays of a predictor, as stored in ``predictor.npz``.
ARRAYS = ("grid_values", "grid_offsets", "term_features", "term_offsets", "term_values",
          "intercept", "calibration_x", "calibration_y")


@dataclass(frozen=True)
class AdditivePredictor:
    """raw(x) = intercept + Σ tables over the bins of one or two features; p = calibration(raw).

    ``grids[j]`` are the thresholds the trees compare feature ``j`` with, ascending;
    a value's bin is the number of thresholds strictly below it, so ``x <= t_k``
    exactly when ``bin <= k``. ``terms`` pairs the features a table reads (one or
    two) with the table. The calibration is the isotonic regression fitted on
    out-of-fold raw scores: interpolation between ``calibration_x`` and
    ``calibration_y``, clipped to their range.
    """

    grids: tuple[np.ndarray, ...]
    terms: tuple[tuple[tuple[int, ...], np.ndarray], ...]
    intercept: float
    calibration_x: np.ndarray
    calibration_y: np.ndarray

    @property
    def n_features(self) -> int:
        return len(self.grids)

    # -- scoring -----------------------------------------------------------------
    def bins(self, x: np.ndarray) -> np.ndarray:
        """(features, n) bin of every value of the (n, features) ``x``; rows must be finite.

        Feature-major, so that each table look-up reads contiguous memory."""
        out = np.empty((x.shape[1], x.shape[0]), dtype=np.intp)
        for j, grid in enumerate(self.grids):
            out[j] = np.searchsorted(grid, x[:, j], side="left")
        return out

    @cached_property
    def _flat(self) -> tuple[tuple[int, int, int, np.ndarray], ...]:
        """Per term: first feature, second feature (or -1), row stride, flat table."""
        out = []
        for features, table in self.terms:
            second = features[1] if len(features) == 2 else -1
            stride = table.shape[1] if len(features) == 2 else 0
            out.append((features[0], second, stride, np.ascontiguousarray(table).ravel()))
        return tuple(out)

    def _term(self, k: int, bins: np.ndarray) -> np.ndarray:
        first, second, stride, flat = self._flat[k]
        if second < 0:
            return flat.take(bins[first])
        return flat.take(bins[first] * stride + bins[second])

    def _term_moved(self, k: int, bins: np.ndarray, j: int, base_bin: int) -> np.ndarray:
        """:meth:`_term` with feature ``j`` in bin ``base_bin`` for every row: the same
        numbers as on a copy of ``bins`` with that row replaced, without the copy."""
        first, second, stride, flat = self._flat[k]
        a = base_bin if first == j else bins[first]
        if second < 0:
            return np.full(bins.shape[1], flat[a]) if first == j else flat.take(a)
        b = base_bin if second == j else bins[second]
        return flat.take(a * stride + b)

    @cached_property
    def _terms_reading(self) -> tuple[tuple[int, ...], ...]:
        """Per feature, the terms whose table reads it, in order."""
        return tuple(tuple(k for k, (features, _) in enumerate(self.terms) if j in features)
                     for j in range(self.n_features))

    def raw(self, bins: np.ndarray) -> np.ndarray:
        """The boosted trees' decision value (log-odds before calibration)."""
        out = np.full(bins.shape[1], self.intercept)
        for k in range(len(self.terms)):
            out += self._term(k, bins)
        return out

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        x, y = self.calibration_x, self.calibration_y
        return np.interp(np.clip(raw, x[0], x[-1]), x, y)

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The calibrated probability of every row (rows must be finite)."""
        return self.calibrate(self.raw(self.bins(x)))

    def effects(self, x: np.ndarray, baseline: np.ndarray) -> np.ndarray:
        """(n, features): how much each row's probability drops when that feature alone
        takes the baseline's value — only the tables reading the feature change."""
        bins = self.bins(x)
        base_bins = self.bins(baseline[None, :])[:, 0]
        values = [self._term(k, bins) for k in range(len(self.terms))]
        raw = np.full(len(x), self.intercept)
        for v in values:
            raw += v
        p = self.calibrate(raw)
        out = np.empty(x.shape)
        # only the tables reading feature j, on its baseline bin: a copy of every bin
        # per feature cost more than the look-ups themselves
        for j, reading in enumerate(self._terms_reading):
            delta = np.zeros(len(x))
            for k in reading:
                delta += self._term_moved(k, bins, j, int(base_bins[j])) - values[k]
            out[:, j] = p - self.calibrate(raw + delta)
        return out

    # -- storage -----------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat arrays for ``numpy.savez`` (no object arrays: loaded without pickle)."""
        term_features = np.full((len(self.terms), 2), -1, dtype=np.int64)
        values, offsets = [], [0]
        for k, (features, table) in enumerate(self.terms):
            term_features[k, :len(features)] = features
            values.append(table.ravel())
            offsets.append(offsets[-1] + table.size)
        return {
            "grid_values": np.concatenate(self.grids) if self.grids else np.zeros(0),
            "grid_offsets": np.cumsum([0] + [len(g) for g in self.grids]).astype(np.int64),
            "term_features": term_features,
            "term_offsets": np.asarray(offsets, dtype=np.int64),
            "term_values": np.concatenate(values) if values else np.zeros(0),
            "intercept": np.array([self.intercept]),
            "calibration_x": self.calibration_x,
            "calibration_y": self.calibration_y,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> "AdditivePredictor":
        """The predictor of :meth:`to_arrays`; ModelIncompatibleError when the arrays do not
        fit together."""
        missing = [name for name in ARRAYS if name not in arrays]
        if missing:
            raise ModelIncompatibleError(f"tableaux manquants : {', '.join(missing)}")
        gv, go = np.asarray(arrays["grid_values"], float), np.asarray(arrays["grid_offsets"])
        grids = tuple(gv[go[j]:go[j + 1]] for j in range(len(go) - 1))
        tf, to = np.asarray(arrays["term_features"]), np.asarray(arrays["term_offsets"])
        tv = np.asarray(arrays["term_values"], float)
        terms = []
        for k in range(len(tf)):
            features = tuple(int(f) for f in tf[k] if f >= 0)
            if not features or any(f >= len(grids) for f in features):
                raise ModelIncompatibleError(f"terme {k} : caractéristiques {tf[k].tolist()} "
                                             "invalides")
            shape = tuple(len(grids[f]) + 1 for f in features)
            flat = tv[to[k]:to[k + 1]]
            if flat.size != int(np.prod(shape)):
                raise ModelIncompatibleError(f"terme {k} : {flat.size} valeurs pour une table "
                                             f"{shape}")
            terms.append((features, flat.reshape(shape)))
        cx, cy = np.asarray(arrays["calibration_x"], float), np.asarray(arrays["calibration_y"], float)
        if cx.ndim != 1 or cx.shape != cy.shape or len(cx) < 1 or np.any(np.diff(cx) < 0):
            raise ModelIncompatibleError("calibration mal formée")
        return cls(grids, tuple(terms), float(np.asarray(arrays["intercept"]).ravel()[0]), cx, cy)


@dataclass
class ReviewModel:
    """A trained predictor with what it needs to flag and explain: names, threshold, baseline.

    ``pipeline`` is the scikit-learn pipeline it was compiled from when the model
    was just trained (the record, stored as ``model.skops``); a loaded model
    scores without it.
    """

    predictor: AdditivePredictor
    version: str
    budget: float
    quantiles: np.ndarray  # score at each of QUANTILE_LEVELS, on held-out offers
    baseline: np.ndarray  # an ordinary offer: the median of every feature in training
    feature_names: tuple[str, ...] = FEATURE_NAMES
    metadata: dict[str, Any] = field(default_factory=dict)
    pipeline: Any = None

    @property
    def threshold(self) -> float:
        """The flag threshold for the budget the model was trained for."""
        return self.threshold_for(self.budget)

    def threshold_for(self, budget: float) -> float:
        """The score above which a share ``budget`` of offers lay on held-out data."""
        if not 0 < budget < 1:
            raise ReviewInputError(f"Le budget de revue doit être dans ]0, 1[ (reçu {budget}).")
        return float(np.interp(1 - budget, QUANTILE_LEVELS, self.quantiles))

    def _matrix(self, matrix: np.ndarray) -> np.ndarray:
        matrix = np.asarray(matrix, dtype=np.float64)
        if matrix.ndim != 2 or matrix.shape[1] != len(self.feature_names):
            raise ReviewInputError(f"{len(self.feature_names)} caractéristiques attendues par "
                                   f"offre, reçu une matrice {matrix.shape}.")
        return matrix

    def score(self, matrix: np.ndarray) -> np.ndarray:
        """The probability that each offer needs a human look; NaN for rows of NaN."""
        matrix = self._matrix(matrix)
        ok = np.isfinite(matrix).all(axis=1)
        out = np.full(len(matrix), np.nan)
        if ok.all():
            return self.predictor.probability(matrix)
        if ok.any():
            out[ok] = self.predictor.probability(matrix[ok])
        return out

    def explain(self, matrix: np.ndarray, rows: np.ndarray, top: int = 3) -> list[list[dict]]:
        """For each offer of ``rows``, the features that raise its score most, in words.

        A feature's effect is how much the score drops when that feature alone is
        set back to an ordinary offer's value (the training median); exact, as the
        predictor is a sum of tables.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return []
        x = self._matrix(matrix)[rows]
        effect = self.predictor.effects(x, self.baseline)
        best = np.argsort(-effect, axis=1, kind="stable")[:, :top]
        top_effect = np.take_along_axis(effect, best, axis=1)
        # only the kept (positive) effects become Python objects, row after row in flat
        # lists then sliced per row: a list per row of all the features made enough objects
        # to set off the garbage collector's full passes (~0.1 s each on a 100k lot)
        kept = top_effect > 0
        counts = kept.sum(axis=1).tolist()
        names = self.feature_names
        features = [names[k] for k in best[kept].tolist()]
        items = [{"feature": name, "label": FEATURE_LABELS[name], "value": value,
                  "effect": e}
                 for name, value, e in zip(features,
                                           np.take_along_axis(x, best, axis=1)[kept].tolist(),
                                           top_effect[kept].tolist())]
        ends = np.cumsum(counts).tolist()
        return [items[end - count:end] for end, count in zip(ends, counts)]


def weighted_quantiles(scores: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """Scores at :data:`QUANTILE_LEVELS`, each offer counting for its weight."""
    if weight is None:
        return np.quantile(scores, QUANTILE_LEVELS)
    order = np.argsort(scores, kind="stable")
    w = np.asarray(weight, dtype=np.float64)[order]
    cumulative = (np.cumsum(w) - w / 2) / w.sum()
    return np.interp(QUANTILE_LEVELS, cumulative, scores[order])
