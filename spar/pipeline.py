"""Scoring a lot, from its answers to the record: check, score, review, analyse.

One pure function — no database, no file — used by ``spar score``, by the service
when it stores a scoring and by ``spar audit rescore`` when it scores the stored
inputs again::

    evaluation = evaluate_lot(criteria, lot, review="model", sample_rate=0.03, seed=7)
    record = evaluation.document()          # SPEC §4: what the service stores

:class:`Evaluation` keeps the engine's result and the review side by side; its
:meth:`~Evaluation.document` is the stored scoring, and every export and view
renders from that record, never by scoring again (SPEC §4.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

from .engine.answers import Lot, lot_from_offers
from .engine.criteria import CriteriaSet
from .engine.explain import OfferEntries
from .engine.scoring import LotResult, score_lot
from .engine.sensitivity import analyse_result
from .review import DEFAULT_MODEL, LotReview, review_lot
from .review.features import Features, compute_features
from .review.frame import frame_from_result

#: How much review ``spar score --review`` and :func:`evaluate_lot` run: the rules and
#: the model (the service's), the rules alone, or only the lot's abnormally-low rules.
REVIEW_MODES = ("model", "rules", "none")


class ReviewModeError(ValueError):
    """A review mode that is not one of :data:`REVIEW_MODES`."""


@dataclass(frozen=True)
class Evaluation:
    """A scored and reviewed lot; ``notes`` are the warnings decided when its inputs were
    gathered (a mark the buyer has not entered…)."""

    result: LotResult
    review: LotReview
    notes: tuple[str, ...] = ()

    @property
    def warnings(self) -> list[str]:
        """Everything the buyer should know about this scoring, in French."""
        return [*self.notes, *self.result.warnings, *self.review.warnings]

    @cached_property
    def sensitivity(self) -> dict[str, Any]:
        """How solid the ranking is (:func:`spar.engine.sensitivity.analyse_result`)."""
        return analyse_result(self.result)

    def document(self, lazy: bool = False, analysed: bool = True) -> dict[str, Any]:
        """The record of the scoring: SPEC §4's object, with the warnings, the
        robustness analysis and the parameters the methods applied (defaults
        included), so the auditor later reads what the buyer saw.

        ``lazy``: offers (and their breakdowns) are built as a writer reads them, for
        streaming a large lot; otherwise the document is plain JSON data, to store.
        ``analysed=False`` leaves the robustness analysis out, for a writer that does
        not show it (a breakdown in CSV or XLSX).
        """
        result = self.result
        offers = OfferEntries(result, self.review, breakdown="lazy" if lazy else True)
        doc = {
            "criteria": result.criteria.identity,
            "engine": result.engine,
            "lot": result.lot.lot_id,
            "points": float(result.criteria.points),
            "warnings": self.warnings,
            "offers": offers if lazy else list(offers),
        }
        if analysed:
            doc["sensitivity"] = self.sensitivity
        # the methods' parameters, defaults included, as this scoring applied them
        doc["parameters"] = result.criteria.parameters()
        return doc


def evaluate_lot(criteria: CriteriaSet, lot: Lot, *, review: str = "model",
                 model: Any = DEFAULT_MODEL, self_marks: Mapping[str, Any] | None = None,
                 sample_rate: float = 0.0, seed: int = 0, notes=()) -> Evaluation:
    """Score a lot whose answers are checked, then review it.

    ``review`` is one of :data:`REVIEW_MODES`; with ``"model"``, ``model`` is the
    review model (the shipped one by default). ``sample_rate`` and ``seed`` draw the
    audit sample reproducibly; ``self_marks`` are the marks suppliers expected on the
    criteria the buyer marks. ReviewModeError for an unknown ``review``.
    """
    if review not in REVIEW_MODES:
        raise ReviewModeError(f"revue inconnue « {review} » ; revues possibles : "
                              + ", ".join(REVIEW_MODES))
    result = score_lot(criteria, lot)
    reviewed = review_lot(result, model=model if review == "model" else None,
                          rules=review != "none", self_marks=self_marks or {},
                          sample_rate=sample_rate, seed=seed)
    return Evaluation(result, reviewed, tuple(notes))


def _lot_of(criteria: CriteriaSet, inputs: Mapping[str, Any]) -> Lot:
    """The lot of a stored scoring's inputs (AnswersError if they do not fit the criteria)."""
    return lot_from_offers(criteria, inputs["offers"], estimate=inputs.get("estimate"),
                           lot_id=inputs.get("lot"))


def evaluate_inputs(criteria: CriteriaSet, inputs: Mapping[str, Any],
                    model: Any = DEFAULT_MODEL) -> Evaluation:
    """Score and review a lot from the inputs a scoring stores (see
    ``spar.services.scorings.build_inputs``): the offers as SPEC §3 writes them, the
    lot's estimate, the suppliers' own marks, the review's sample rate and seed."""
    review = inputs.get("review") or {}
    return evaluate_lot(criteria, _lot_of(criteria, inputs), model=model,
                        self_marks=inputs.get("self_marks") or {},
                        sample_rate=float(review.get("sample_rate", 0.0)),
                        seed=int(review.get("seed", 0)), notes=inputs.get("warnings", ()))


def offer_features(criteria: CriteriaSet, inputs: Mapping[str, Any]) -> Features:
    """The review features of every offer of a stored scoring's inputs, without the
    model: what a buyer's decision on an offer is stored with."""
    result = score_lot(criteria, _lot_of(criteria, inputs))
    return compute_features(frame_from_result(result, inputs.get("self_marks") or {}))
