"""Retrain on buyers' decisions: a challenger against the champion, on the same budget.

The service stores, for every reviewed offer, the feature snapshot shown, the
decision and the probability the offer had of being reviewed (1 when flagged,
the sampling rate otherwise — see :mod:`spar.review.sampling`). Weighting each
decision by the inverse of that probability makes the reviewed offers stand for
all offers. The challenger is measured out of fold (folds by lot) and the
champion on the same decisions, so the two figures compare like with like.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..engine.text import fr_number, fr_percent
from .errors import ReviewInputError
from .features import FEATURE_NAMES
from .metrics import ranking_report
from .model import ReviewModel, TrainingParams, fit_model
from .training import describe_model

#: A decision → whether the offer needed a human look. Asking the supplier for
#: information means the look was needed, even if the offer is kept in the end.
DECISIONS: Mapping[str, bool] = {"cleared": False, "rejected": True, "needs_information": True}


@dataclass(frozen=True)
class ReviewedOffer:
    """One stored decision, as the service reads it back from the database."""

    offer: str
    lot: str
    features: Mapping[str, float]
    decision: str
    sampling_probability: float


@dataclass
class ChallengerReport:
    """The retrained model and both models' figures on the same decisions."""

    challenger: ReviewModel
    budget: float
    reviews: int
    positives: int
    challenger_metrics: dict[str, Any]
    champion_metrics: dict[str, Any] | None

    @property
    def challenger_wins(self) -> bool:
        """True when the challenger finds more of the offers to review at the budget."""
        if self.champion_metrics is None:
            return True
        return self.challenger_metrics["at_budget"][0]["recall"] > \
            self.champion_metrics["at_budget"][0]["recall"]

    def to_text(self) -> str:
        """A French summary for the command line."""
        def line(name: str, m: Mapping[str, Any]) -> str:
            b = m["at_budget"][0]
            auc = "—" if m["pr_auc"] is None else fr_number(m["pr_auc"], 3)
            return (f"{name:<11} précision {fr_percent(b['precision'])}  rappel "
                    f"{fr_percent(b['recall'])}  PR-AUC {auc}  Brier {fr_number(m['brier'], 4)}")
        out = [f"{self.reviews} décisions, dont {self.positives} offres qui méritaient la revue ; "
               f"budget de revue {fr_percent(self.budget, 0)} (estimations pondérées par "
               "l'inverse de la probabilité de tirage)."]
        if self.champion_metrics is not None:
            out.append(line("champion", self.champion_metrics))
        out.append(line("challenger", self.challenger_metrics))
        out.append("Le challenger fait mieux : il peut remplacer le champion."
                   if self.challenger_wins
                   else "Le challenger ne fait pas mieux : garder le champion.")
        return "\n".join(out)


def reviews_matrix(reviews: Sequence[ReviewedOffer]):
    """Features, labels, weights and lots of the decisions; every problem reported at once."""
    problems = []
    rows, labels, weights, lots = [], [], [], []
    expected = set(FEATURE_NAMES)
    for r in reviews:
        where = f"offre « {r.offer} »"
        if r.decision not in DECISIONS:
            problems.append(f"{where} : décision « {r.decision} » inconnue "
                            f"({', '.join(DECISIONS)})")
            continue
        p = r.sampling_probability
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p <= 1:
            problems.append(f"{where} : probabilité de tirage {p!r} hors de ]0, 1]")
            continue
        names = set(r.features)
        if names != expected:
            gap = sorted(expected - names) or sorted(names - expected)
            problems.append(f"{where} : caractéristiques différentes de celles de cette version "
                            f"({', '.join(gap)})")
            continue
        row = [r.features[name] for name in FEATURE_NAMES]
        if not all(isinstance(v, (int, float)) and np.isfinite(v) for v in row):
            problems.append(f"{where} : caractéristique non numérique ou non finie")
            continue
        rows.append(row)
        labels.append(DECISIONS[r.decision])
        weights.append(1.0 / p)
        lots.append(r.lot)
    if problems:
        raise ReviewInputError("Décisions de revue inutilisables : " + " ; ".join(problems))
    return (np.array(rows, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)),
            np.array(labels, dtype=bool), np.array(weights), np.array(lots, dtype=object))


def _reviews_sha256(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> str:
    payload = json.dumps([x.tolist(), y.tolist(), w.tolist()], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def train_challenger(reviews: Sequence[ReviewedOffer], champion: ReviewModel | None = None, *,
                     budget: float = 0.1, seed: int = 0, folds: int = 5,
                     params: TrainingParams = TrainingParams()) -> ChallengerReport:
    """Train a challenger on stored decisions and compare it with ``champion`` at ``budget``.

    The challenger's figures come from ``folds``-fold cross-validation grouped by
    lot; the champion is scored on the same decisions. The returned challenger is
    trained on all decisions, its threshold set on their weighted scores, its
    metadata filled in (source ``reviews``), ready for :func:`save_model`.
    """
    from sklearn.model_selection import GroupKFold

    x, y, w, lots = reviews_matrix(reviews)
    n_lots = len(set(lots))
    needed = max(folds, params.calibration_folds)
    if min(int(y.sum()), int((~y).sum())) < 2 * needed or n_lots < folds:
        raise ReviewInputError(
            f"Pas assez de décisions pour réentraîner : il faut au moins {2 * needed} offres "
            f"signalées à raison, {2 * needed} offres écartées du soupçon et {folds} lots "
            f"(reçu {int(y.sum())}, {int((~y).sum())} et {n_lots}).")
    out_of_fold = np.empty(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups=lots):
        fold = fit_model(x[train], y[train], budget=budget, seed=seed, params=params,
                         weight=w[train])
        out_of_fold[test] = fold.score(x[test])
    challenger = fit_model(x, y, budget=budget, seed=seed, params=params, weight=w,
                           identity={"reviews_sha256": _reviews_sha256(x, y, w)})
    challenger_metrics = ranking_report(y, out_of_fold, out_of_fold, weight=w, budgets=(budget,),
                                        seed=seed)
    champion_metrics = None
    if champion is not None:
        s = champion.score(x)
        champion_metrics = ranking_report(y, s, s, weight=w, budgets=(budget,), seed=seed)
    describe_model(challenger, source={"kind": "reviews", "description": "décisions des acheteurs"},
                   data_hash=_reviews_sha256(x, y, w), seed=seed, params=params,
                   data={"lots": n_lots, "offers": len(y), "positives": int(y.sum()),
                         "causes": {d: sum(r.decision == d for r in reviews) for d in DECISIONS},
                         "validation_share": 1.0 / folds},
                   metrics={"validation": {"model": challenger_metrics,
                                           "champion": champion_metrics}})
    return ChallengerReport(challenger, budget, len(y), int(y.sum()), challenger_metrics,
                            champion_metrics)
