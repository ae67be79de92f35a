"""Turn the stored inputs of a scoring into its result — the one path used to score,
to re-score for an audit, and to rebuild the breakdown for exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.answers import lot_from_offers
from ..engine.explain import result_to_dict
from ..engine.scoring import LotResult, score_lot
from ..engine.sensitivity import analyse_result
from ..review import DEFAULT_MODEL, review_result, sample_for_review


@dataclass
class Evaluation:
    """A scored lot and which unflagged offers were drawn for review."""

    result: LotResult
    sampled: np.ndarray
    sample_rate: float
    features: Any = None  # the review features of every offer (spar.review.features)
    notes: tuple[str, ...] = ()  # warnings decided when the inputs were gathered

    def document(self) -> dict[str, Any]:
        """The stored result: SPEC §4, each offer's review saying whether it is to be
        reviewed and with what probability it was put up for review."""
        doc = result_to_dict(self.result)
        doc["warnings"] = list(self.notes) + doc["warnings"]
        # how solid the ranking is travels with it, so the auditor reads what the buyer saw
        doc["sensitivity"] = analyse_result(self.result)
        index = {oid: i for i, oid in enumerate(self.result.lot.offer_ids)}
        for entry in doc["offers"]:
            sampled = bool(self.sampled[index[entry["id"]]])
            review = entry["review"]
            review["sampled"] = sampled
            review["sampling_probability"] = 1.0 if review["flagged"] else self.sample_rate
            review["to_review"] = review["flagged"] or sampled
        return doc


def evaluate(criteria, inputs: dict[str, Any], model: Any = DEFAULT_MODEL) -> Evaluation:
    """Score the stored inputs, then put offers up for review (rules, model, sampling).

    ``model`` defaults to the shipped review model; without it the rules still apply
    and the result says so.
    """

    lot = lot_from_offers(criteria, inputs["offers"], estimate=inputs.get("estimate"),
                          lot_id=inputs.get("lot"))
    result = score_lot(criteria, lot)
    review = inputs.get("review") or {}
    features = review_result(result, model=model, self_marks=inputs.get("self_marks") or {})
    rate = float(review.get("sample_rate", 0.0))
    # the seed is stored with the inputs, so a re-scoring draws the same offers
    sampled, _ = sample_for_review(result.flagged, rate=rate,
                                   rng=np.random.default_rng(int(review.get("seed", 0))))
    return Evaluation(result, np.asarray(sampled, dtype=bool), rate, features,
                      tuple(inputs.get("warnings", ())))
