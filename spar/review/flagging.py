"""Review a scored lot: which offers need a decision before the award, and what to note.

:func:`review_lot` is what ``spar score``, the service and ``spar audit rescore`` call
(through :mod:`spar.pipeline`) after :func:`spar.engine.scoring.score_lot`. It returns
a :class:`LotReview` beside the engine's result, which it never changes.

An offer is *flagged* — it needs a decision before the award — for three reasons
only (SPEC §4): an abnormally-low rule of the lot (the law requires asking the
firm), the review model's score above the review budget's threshold, or the random
audit sample. The always-on rules' other findings (a label claimed without
evidence, a near tie, a single offer…) need no decision: they are *notes*.
A missing or incompatible model never stops a scoring: the lot is reviewed without
it and the review carries a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..engine.reasons import OfferReasons, by_batch
from ..engine.scoring import IRREGULAR, LotResult
from ..engine.text import fr_number, fr_numbers, fr_percent
from .artifact import default_model
from .errors import ModelError
from .features import Features, compute_features
from .frame import SelfMarks, frame_from_result
from .rules import ReviewSettings, evaluate_rules, reason_batches
from .sampling import sample_for_review

if TYPE_CHECKING:  # scikit-learn loads only when a model is used
    from .model import ReviewModel

MODEL_CODE = "model"
SAMPLE_CODE = "audit_sample"


class _DefaultModel:
    def __repr__(self) -> str:
        return "DEFAULT_MODEL"


#: Use the model found by :func:`spar.review.artifact.model_dir` (loaded once per process).
DEFAULT_MODEL: Any = _DefaultModel()


@dataclass(frozen=True)
class LotReview:
    """What the review decided about a scored lot, offer by offer.

    ``reasons`` holds the review's own reasons for a decision (the model's, the
    audit sample's); the abnormally-low ones are the engine's (``result.flags``).
    ``sampling_probability`` is the chance each offer had of being put up for
    review: 1 when a rule or the model flagged it, the sample rate otherwise — the
    weight of a buyer's decision when the model is retrained.
    """

    result: LotResult
    reasons: OfferReasons
    notes: OfferReasons
    flagged: np.ndarray  # bool: abnormally low, over the model's threshold or drawn
    sampled: np.ndarray  # bool: drawn at random, flagged for no other reason
    sampling_probability: np.ndarray
    sample_rate: float = 0.0
    model_scores: np.ndarray | None = None
    model_version: str | None = None
    model_explanations: tuple[list[dict[str, Any]], ...] | None = None
    features: Features | None = None
    warnings: tuple[str, ...] = field(default=())

    def decision_reasons(self, i: int) -> list[dict[str, Any]]:
        """Why offer ``i`` needs a decision before the award (empty when it does not)."""
        return list(self.result.flags.peek(i)) + list(self.reasons.peek(i))

    def decision_lists(self, rows: list[int]) -> list[list[dict[str, Any]]]:
        """:meth:`decision_reasons` of each offer of ``rows``, worded batch by batch."""
        return [flags + own for flags, own in zip(self.result.flags.lists(rows),
                                                    self.reasons.lists(rows))]

    def section(self, i: int) -> dict[str, Any]:
        """Offer ``i``'s ``review`` object of SPEC §4."""
        score = None
        if self.model_scores is not None and not np.isnan(self.model_scores[i]):
            score = float(self.model_scores[i])
        return {
            "flagged": bool(self.flagged[i]),
            "reasons": self.decision_reasons(i),
            "notes": list(self.notes.peek(i)),
            "model_score": score,
            "model_version": self.model_version,
            "top_features": [] if self.model_explanations is None
            else list(self.model_explanations[i]),
            "sampled": bool(self.sampled[i]),
            "sampling_probability": float(self.sampling_probability[i]),
            "to_review": bool(self.flagged[i]),
        }


def _model_reasons(threshold: float, budget: float, version: str, scores: np.ndarray,
                   explained: list[list[dict[str, Any]]]) -> Callable[[int], dict[str, Any]]:
    """How to word the model's reason for offers over the threshold (their score and their
    top features), many at once (see :func:`spar.engine.reasons.by_batch`)."""
    # the same for every offer of the lot: written once, not for each of thousands
    over = (f" au-dessus du seuil {fr_number(threshold, 2)} (budget de revue "
            f"{fr_percent(budget, 0)})")

    def words(rows: list[int]) -> list[dict[str, Any]]:
        values = scores[rows].tolist()
        tops = [explained[i] for i in rows]
        factors = [t for top in tops for t in top]
        # every number of these sentences formatted at once, then every factor worded at
        # once too: each offer only joins its own slice
        numbers = fr_numbers([*values, *(t["value"] for t in factors)])
        factors = [f"{t['label']} ({text})" for t, text in zip(factors, numbers[len(values):])]
        ends = accumulate(map(len, tops))
        return [{"code": MODEL_CODE, "value": score, "threshold": threshold, "budget": budget,
                 "model_version": version, "top_features": top,
                 "message": (f"Score du modèle de revue {score_text}{over}"
                             + (" ; facteurs principaux : " + ", ".join(factors[end - len(top):end])
                                if top else ""))}
                for score, score_text, top, end in zip(values, numbers, tops, ends)]
    return by_batch(words)


def _sample_reason(rate: float) -> Callable[[int], dict[str, Any]]:
    def word(i: int) -> dict[str, Any]:
        return {"code": SAMPLE_CODE, "value": rate,
                "message": (f"Offre tirée au sort pour un contrôle (taux de tirage "
                            f"{fr_percent(rate, 1)}) : aucun motif particulier ; la décision "
                            "sert à vérifier la revue sans biais")}
    return word


def review_lot(result: LotResult, *, model: "ReviewModel | None" = DEFAULT_MODEL,
               rules: bool = True, self_marks: SelfMarks | None = None,
               settings: ReviewSettings = ReviewSettings(), sample_rate: float = 0.0,
               seed: int = 0) -> LotReview:
    """Review a scored lot; ``result`` is left as it is.

    ``rules``: write the always-on rules' notes. ``model``: the review model
    (``None`` for none; the default loads the stored one and, if it cannot, reviews
    without it and says so in ``warnings``). ``sample_rate`` and ``seed``: the share
    of the other offers in competition drawn at random for an audit, reproducibly.
    ``self_marks``: per offer, the marks the supplier expected on the criteria the
    buyer marks. With neither rules nor model, no feature is computed.
    """
    n = len(result.lot)
    reasons, notes = OfferReasons(n), OfferReasons(n)
    warnings: list[str] = []
    if model is DEFAULT_MODEL:
        try:
            model = default_model()
        except ModelError as exc:
            warnings.append(f"{exc} Revue limitée aux règles.")
            model = None
    features = None
    if rules or model is not None:
        frame = frame_from_result(result, self_marks)
        features = compute_features(frame)
        if rules:
            hits = evaluate_rules(frame, features, settings)
            for mask, word in reason_batches(frame, features, hits, settings):
                notes.add(mask, word)

    decision = result.flagged.copy()
    scores = version = explanations = None
    if model is not None:
        scores = model.score(features.matrix)
        budget = settings.budget or model.budget
        threshold = model.threshold_for(budget)
        over = np.nan_to_num(scores, nan=-1.0) >= threshold
        # one shared empty list for the offers the model does not flag (read only: section()
        # copies): a list each was 100,000 objects, and a full pass of the garbage collector
        none: list[dict[str, Any]] = []
        explained: list[list[dict[str, Any]]] = [none] * n
        rows = np.flatnonzero(over)
        for i, top in zip(rows, model.explain(features.matrix, rows)):
            explained[i] = top
        reasons.add(over, _model_reasons(threshold, budget, model.version, scores, explained))
        decision |= over
        version, explanations = model.version, tuple(explained)

    # the audit sample: offers in competition that nothing flagged, drawn from the seed
    # stored with the scoring, so that scoring the same inputs again draws the same ones
    drawn, _ = sample_for_review(decision, rate=sample_rate,
                                 rng=np.random.default_rng(int(seed)))
    eligible = result.status != IRREGULAR
    sampled = drawn & ~decision & eligible
    reasons.add(sampled, _sample_reason(float(sample_rate)))
    probability = np.where(decision, 1.0, np.where(eligible, float(sample_rate), 0.0))
    return LotReview(
        result=result, reasons=reasons, notes=notes, flagged=decision | sampled,
        sampled=sampled, sampling_probability=probability,
        sample_rate=float(sample_rate), model_scores=scores, model_version=version,
        model_explanations=explanations, features=features, warnings=tuple(warnings))
