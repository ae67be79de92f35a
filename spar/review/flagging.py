"""Review a scored lot: always-on reasons, then the model's score, threshold and explanations.

This is what ``spar score``, the service and the exports call after
:func:`spar.engine.scoring.score_lot`. A missing or incompatible model never
stops a scoring: the rules still apply and the result carries a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..engine.scoring import LotResult
from ..engine.text import fr_number, fr_percent
from .artifact import default_model
from .errors import ModelError
from .features import Features, compute_features
from .frame import SelfMarks, frame_from_result
from .rules import ReviewSettings, evaluate_rules, reason_batches

if TYPE_CHECKING:  # scikit-learn loads only when a model is used
    from .model import ReviewModel

MODEL_CODE = "model"


class _DefaultModel:
    def __repr__(self) -> str:
        return "DEFAULT_MODEL"


#: Use the model found by :func:`spar.review.artifact.model_dir` (loaded once per process).
DEFAULT_MODEL: Any = _DefaultModel()


def add_reasons(flags, mask: np.ndarray, word: Callable[[int], dict[str, Any]]) -> None:
    """Give every offer of ``mask`` the reason ``word(i)``, lazily when the engine allows."""
    if hasattr(flags, "add"):  # the engine's OfferReasons words reasons on first read
        flags.add(mask, word)
        return
    for i in np.flatnonzero(mask):
        flags[i].append(word(int(i)))


def _model_reason(score: float, threshold: float, budget: float, version: str,
                  top: list[dict[str, Any]]) -> dict[str, Any]:
    factors = ", ".join(f"{t['label']} ({fr_number(t['value'], 2)})" for t in top)
    return {
        "code": MODEL_CODE, "value": score, "threshold": threshold, "budget": budget,
        "model_version": version, "top_features": top,
        "message": (f"Score du modèle de revue {fr_number(score, 2)} au-dessus du seuil "
                    f"{fr_number(threshold, 2)} (budget de revue {fr_percent(budget, 0)})"
                    + (f" ; facteurs principaux : {factors}" if factors else "")),
    }


def review_result(result: LotResult, *, model: "ReviewModel | None" = DEFAULT_MODEL,
                  self_marks: SelfMarks | None = None,
                  settings: ReviewSettings = ReviewSettings()) -> Features:
    """Add the review to a scored lot, in place, and return the offers' features.

    Call it once per scoring. It appends the always-on reasons to
    ``result.flags`` (the engine's abnormally-low ones stay), then, with a model,
    sets ``result.model_scores``, ``result.model_version`` and
    ``result.model_explanations`` and adds a ``model`` reason to every offer
    whose score reaches the budget's threshold. ``model=None`` applies the rules
    alone; the default loads the stored model and falls back to the rules, with a
    warning in the result, if it cannot. ``features.snapshot(i)`` is what a
    buyer's decision on offer ``i`` should be stored with.
    """
    frame = frame_from_result(result, self_marks)
    features = compute_features(frame)
    hits = evaluate_rules(frame, features, settings)
    for mask, word in reason_batches(frame, features, hits, settings):
        add_reasons(result.flags, mask, word)

    if model is DEFAULT_MODEL:
        try:
            model = default_model()
        except ModelError as exc:
            result.warnings.append(f"{exc} Revue limitée aux règles.")
            model = None
    if model is not None:
        scores = model.score(features.matrix)
        budget = settings.budget or model.budget
        threshold = model.threshold_for(budget)
        over = np.nan_to_num(scores, nan=-1.0) >= threshold
        explanations: list[list[dict[str, Any]]] = [[] for _ in range(len(frame))]
        rows = np.flatnonzero(over)
        for i, top in zip(rows, model.explain(features.matrix, rows)):
            explanations[i] = top
        add_reasons(result.flags, over, lambda i: _model_reason(
            float(scores[i]), threshold, budget, model.version, explanations[i]))
        result.model_scores = scores
        result.model_version = model.version
        result.model_explanations = explanations
    return features
