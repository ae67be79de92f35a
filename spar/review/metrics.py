"""How well a ranking of offers finds the ones that needed a look, under a review budget.

Every measure accepts weights, so that decisions gathered by sampling (each
weighted by the inverse of its sampling probability) estimate the whole
population without bias.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss

#: Review budgets every report shows: the share of offers a buyer can look at.
BUDGETS = (0.05, 0.10, 0.20)


def select_within_budget(score: np.ndarray, budget: float, *, weight: np.ndarray | None = None,
                         eligible: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """The offers reviewed when going down the scores until ``budget`` of the offers.

    Equal scores are taken in a random (seeded) order, as a buyer with no other
    information would; offers not ``eligible`` (a rule that did not fire) are
    never taken, so a ranking may use less than its budget.
    """
    n = len(score)
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    tiebreak = np.random.default_rng(seed).random(n)
    order = np.lexsort((tiebreak, -np.asarray(score, dtype=np.float64)))
    if eligible is not None:
        order = order[np.asarray(eligible, dtype=bool)[order]]
    taken = order[np.cumsum(w[order]) <= budget * w.sum() * (1 + 1e-12)]
    mask = np.zeros(n, dtype=bool)
    mask[taken] = True
    return mask


def budget_metrics(labels: np.ndarray, score: np.ndarray, budget: float, *,
                   weight: np.ndarray | None = None, eligible: np.ndarray | None = None,
                   seed: int = 0) -> dict[str, float]:
    """Precision, recall and the share actually reviewed at ``budget``."""
    y = np.asarray(labels, dtype=bool)
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    taken = select_within_budget(score, budget, weight=w, eligible=eligible, seed=seed)
    reviewed = float(w[taken].sum())
    hits = float(w[taken & y].sum())
    positives = float(w[y].sum())
    return {
        "budget": budget,
        "precision": hits / reviewed if reviewed else 0.0,
        "recall": hits / positives if positives else 0.0,
        "reviewed_share": reviewed / float(w.sum()) if len(w) else 0.0,
    }


def ranking_report(labels: np.ndarray, score: np.ndarray, probability: np.ndarray, *,
                   weight: np.ndarray | None = None, eligible: np.ndarray | None = None,
                   budgets=BUDGETS, seed: int = 0) -> dict[str, Any]:
    """Budget metrics at every budget, PR-AUC of the ranking and Brier score of the probability."""
    y = np.asarray(labels, dtype=bool)
    both = y.any() and not y.all()
    return {
        "at_budget": [budget_metrics(y, score, b, weight=weight, eligible=eligible, seed=seed)
                      for b in budgets],
        "pr_auc": float(average_precision_score(y, score, sample_weight=weight)) if both else None,
        "brier": float(brier_score_loss(y, probability, sample_weight=weight)) if len(y) else None,
        "offers": int(len(y)),
        "positives": int(y.sum()),
    }
