"""What each kind of background job does: the same use cases as the synchronous routes,
called for the person who started the job.

Each kind is a function ``(new_uow, principal, params, job_id) -> Outcome``; a
:class:`~spar.services.errors.ServiceError` or a review error fails the job with its
message, as the synchronous route would have answered it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..services import jobs
from ..services.principal import Principal


@dataclass
class Outcome:
    result: dict[str, Any]
    media_type: str | None = None
    filename: str | None = None


def score_lot(new_uow, principal: Principal, params: dict[str, Any], job_id: str) -> Outcome:
    """Score a large lot and store the run (:func:`spar.services.scorings.run`)."""
    from ..services import scorings

    result = scorings.run(new_uow(), principal, params["reference"], params["lot"])
    counts: dict[str, int] = {}
    for offer in result["offers"]:
        counts[offer["status"]] = counts.get(offer["status"], 0) + 1
    return Outcome({"scoring": result["scoring"]["id"], "offers": len(result["offers"]),
                    "statuses": counts})


def export_consultation(new_uow, principal: Principal, params: dict[str, Any],
                        job_id: str) -> Outcome:
    """Export a consultation (:func:`spar.services.exports.export`) into the job's file,
    stored in pieces in the database so that any instance can serve it."""
    from ..services import exports

    chunks, media_type, filename = exports.export(new_uow(), principal, params["reference"],
                                                  params["format"])
    size = jobs.store_chunks(new_uow(), job_id, chunks)
    return Outcome({"bytes": size, "media_type": media_type, "filename": filename},
                   media_type, filename)


def retrain_review_model(new_uow, principal: Principal, params: dict[str, Any],
                         job_id: str) -> Outcome:
    """Retrain the review model on the buyers' stored decisions, champion against
    challenger; the challenger replaces the model in ``SPAR_MODEL_DIR`` only if it finds
    more of the offers to review (as ``spar model train --from-reviews``)."""
    from ..review import ModelError, default_model, save_model, train_challenger
    from ..review.artifact import model_dir
    from ..review.card import render_card
    from ..services.reviews import reviewed_offers

    decisions = reviewed_offers(new_uow())
    try:
        champion = default_model()
    except ModelError:
        champion = None
    report = train_challenger(decisions, champion, budget=params["budget"], seed=params["seed"])
    written = None
    if report.challenger_wins:
        written = str(model_dir())
        save_model(report.challenger, written, render_card(report.challenger.metadata))
    return Outcome({"decisions": report.reviews, "positives": report.positives,
                    "challenger_wins": report.challenger_wins,
                    "model_version": report.challenger.version if written else None,
                    "written_to": written, "summary": report.to_text(),
                    "challenger": report.challenger_metrics,
                    "champion": report.champion_metrics})


KINDS: dict[str, Callable[..., Outcome]] = {
    "scoring": score_lot,
    "export": export_consultation,
    "training": retrain_review_model,
}
