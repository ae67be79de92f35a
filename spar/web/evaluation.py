"""The evaluation of a consultation after its deadline (SPEC §7): the offers table, the
buyer's marks with their written justification, running the scoring (a background job
for a large lot, its progress shown), the ranking with pillar bars, the review queue with
its decision form, the robustness view and the exports.

Buyers of the consultation's organisation use every page; its auditors read the same
pages without a form or a button that writes (a POST of theirs is refused with 403).
Every figure of a scoring is read from the stored record (SPEC §4.1), never scored again.

URLs (the auditor's desk links to them): ``/evaluation/<reference>`` and
``/evaluation/<reference>/lots/<lot_id>`` then ``/offres/<offer_id>``, ``/classement``,
``/revue``, ``/robustesse``, ``/travaux/<job_id>``.
"""

from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..api.reviews import DecisionInputSchema
from ..engine.answers import parse_number
from ..engine.criteria import PILLARS
from ..engine.errors import AnswerValueError
from ..jobs import start
from ..services import criteria_sets, evaluation, jobs, marks, review_queue, reviews, scorings
from ..services.errors import Conflict, Invalid, NotFound
from ..services.pagination import page_of_list
from . import charts
from .access import page_for
from .forms import Form, sentence
from .paging import page_number
from .session import principal
from .uow import uow

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")

READERS = ("buyer", "auditor")
ROWS = 20
#: The decisions of SPEC §6, as the buyer reads them.
DECISION_LABELS = {
    "cleared": _l("Levée : l'offre reste en lice"),
    "needs_information": _l("Demande de précisions à l'entreprise"),
    "rejected": _l("Écartée après examen"),
}
JOB_STATES = {"queued": _l("En attente"), "running": _l("En cours"), "done": _l("Terminée"),
              "failed": _l("Échouée")}


def _may_write() -> bool:
    return principal().role == "buyer"


def _criteria(overview: dict):
    record = criteria_sets.get(uow(), overview["criteria_set"]["id"],
                               overview["criteria_set"]["version"])
    return criteria_sets.criteria_of(record)


def _lot(overview: dict, lot_id: str) -> dict:
    for lot in overview["lots"]:
        if lot["id"] == lot_id:
            return lot
    raise NotFound(_("lot « %(lot)s » inconnu dans la consultation %(reference)s",
                     lot=lot_id, reference=overview["reference"]))


def _context(reference: str, lot_id: str | None = None, summaries: bool = False) -> dict:
    """What every page of a consultation (or of one of its lots) shows at its top."""
    overview = evaluation.overview(uow(), principal(), reference, summaries=summaries)
    out = {"consultation": overview, "may_write": _may_write()}
    if lot_id is not None:
        out["lot"] = _lot(overview, lot_id)
    return out


def _maximum(entry: dict) -> dict[str, float]:
    """Each pillar's most points, from an offer's stored breakdown."""
    out = {p: 0.0 for p in PILLARS}
    for line in entry.get("breakdown", []):
        if line.get("pillar") in out:
            out[line["pillar"]] += float(line.get("max_points") or 0.0)
    return out


# --------------------------------------------------------------------------- consultation
@bp.get("/<reference>")
@page_for(*READERS)
def consultation(reference: str):
    """The consultation's lots, state, offers count and a way into each lot."""
    return render_template("evaluation/consultation.html",
                           **_context(reference, summaries=True))


# --------------------------------------------------------------------------- a lot
@bp.get("/<reference>/lots/<lot_id>")
@page_for(*READERS)
def lot(reference: str, lot_id: str):
    """The offers table of a lot, and running its scoring."""
    context = _context(reference, lot_id)
    criteria = _criteria(context["consultation"])
    found, stale = None, False
    if context["consultation"]["closed"]:
        found = evaluation.lot_offers(uow(), principal(), reference, lot_id, page=page_number(),
                                      per_page=ROWS)
        stale = evaluation.changed_since_scoring(uow(), principal(), reference, lot_id)
    return render_template(
        "evaluation/lot.html", **context, criteria=criteria, found=found, stale=stale,
        buyer_leaves=[leaf for leaf in criteria.leaves if leaf.assessed_by == "buyer"],
        shown_leaves=[leaf for leaf in criteria.leaves if leaf.assessed_by != "buyer"][:3],
        threshold=current_app.config["JOB_SCORING_THRESHOLD"],
        page_url=lambda p: url_for("evaluation.lot", reference=reference, lot_id=lot_id,
                                   page=p))


@bp.post("/<reference>/lots/<lot_id>/notation")
@page_for("buyer")
def run_scoring(reference: str, lot_id: str):
    """Score the lot: at once for a small lot, as a background job for a large one."""
    who = principal()
    try:
        size = jobs.scoring_size(uow(), who, reference, lot_id)
        if size > current_app.config["JOB_SCORING_THRESHOLD"]:
            job = start(current_app, who, "scoring", {"reference": reference, "lot": lot_id},
                        size)
            return redirect(url_for("evaluation.job", reference=reference, lot_id=lot_id,
                                    job_id=job.id))
        result = scorings.run(uow(), who, reference, lot_id)
    except Conflict as error:
        flash(sentence(error.message), "warning")
        return redirect(url_for("evaluation.lot", reference=reference, lot_id=lot_id))
    flash(_("Le lot %(lot)s est noté : %(count)s offre(s) classée(s), notation %(id)s "
            "conservée.", lot=lot_id, count=sum(1 for o in result["offers"] if o["rank"]),
            id=result["scoring"]["id"]), "success")
    return redirect(url_for("evaluation.ranking", reference=reference, lot_id=lot_id))


@bp.get("/<reference>/lots/<lot_id>/travaux/<job_id>")
@page_for("buyer")
def job(reference: str, lot_id: str, job_id: str):
    """The progress of a scoring job, for the person who started it."""
    state = jobs.state(uow(), principal(), job_id)
    if state["kind"] != "scoring" or state["params"] != {"reference": reference,
                                                         "lot": lot_id}:
        abort(404)
    context = _context(reference, lot_id)
    return render_template("evaluation/job.html", **context, job=state,
                           state_label=str(JOB_STATES.get(state["state"], state["state"])))


# --------------------------------------------------------------------------- an offer
MARK_LABELS = {"mark": _l("Niveau"), "justification": _l("Justification écrite")}


def _mark_text(mark) -> str:
    """A mark as a form's value: ``2`` for 2.0, ``2.5``."""
    return "" if mark in (None, "") else f"{float(mark):g}"


def _level_options(leaf) -> list[tuple[str, str]]:
    """The scale's levels, as a buyer chooses among them: « Moyen (2) »."""
    return [(_mark_text(level["mark"]), f"{level['label']} ({_mark_text(level['mark'])})")
            for level in leaf.params.get("levels", ())]


def _mark_forms(buyer_leaves, offer: dict, refused: tuple[str, Form] | None = None) -> dict[str, Form]:
    """One form per buyer-assessed criterion, filled with its current mark."""
    forms = {}
    for leaf in buyer_leaves:
        prefix = f"marks.{leaf.path}"
        current = offer["marks"].get(leaf.path) or {}
        form = Form(values={f"{prefix}.mark": _mark_text(current.get("mark")),
                            f"{prefix}.justification": current.get("justification", "")},
                    labels={f"{prefix}.mark": f"{leaf.label} : {MARK_LABELS['mark']}",
                            f"{prefix}.justification":
                                f"{leaf.label} : {MARK_LABELS['justification']}"})
        if refused and refused[0] == leaf.path:
            form = refused[1]
        forms[leaf.path] = form
    return forms


def _offer_page(reference: str, lot_id: str, offer_id: str, refused=None, status: int = 200):
    context = _context(reference, lot_id)
    criteria = _criteria(context["consultation"])
    offer = evaluation.offer_detail(uow(), principal(), reference, lot_id, offer_id)
    buyer_leaves = [leaf for leaf in criteria.leaves if leaf.assessed_by == "buyer"]
    entry = (offer["scoring"] or {}).get("entry")
    bars = charts.pillar_bars(entry["pillars"], _maximum(entry)) if entry else None
    return render_template("evaluation/offer.html", **context, criteria=criteria, offer=offer,
                           buyer_leaves=buyer_leaves, entry=entry, bars=bars,
                           forms=_mark_forms(buyer_leaves, offer, refused=refused),
                           levels={leaf.path: _level_options(leaf)
                                   for leaf in buyer_leaves}), status


@bp.get("/<reference>/lots/<lot_id>/offres/<offer_id>")
@page_for(*READERS)
def offer(reference: str, lot_id: str, offer_id: str):
    """One offer: its answers, the buyer's marks (a form per criterion the buyer marks),
    its line of the latest scoring with pillar bars and its review."""
    return _offer_page(reference, lot_id, offer_id)


@bp.post("/<reference>/lots/<lot_id>/offres/<offer_id>/note")
@page_for("buyer")
def mark(reference: str, lot_id: str, offer_id: str):
    """Record a mark with its justification; a refusal comes back beside the field."""
    path = request.form.get("criterion", "")
    prefix = f"marks.{path}"
    # the offer must be of this lot: the page's address and the service agree
    evaluation.offer_detail(uow(), principal(), reference, lot_id, offer_id)
    labels = {leaf.path: leaf.label for leaf in _criteria(_context(reference)["consultation"])
              .leaves}
    name = labels.get(path, path)
    form = Form(values={k: v for k, v in request.form.items() if k != "csrf_token"},
                labels={f"{prefix}.mark": f"{name} : {MARK_LABELS['mark']}",
                        f"{prefix}.justification": f"{name} : {MARK_LABELS['justification']}"})
    raw = (request.form.get(f"{prefix}.mark") or "").strip()
    value = None
    if not raw:
        form.add(f"{prefix}.mark", _("Choisissez un niveau."))
    else:
        try:
            value = parse_number(raw)
        except AnswerValueError as error:
            form.add(f"{prefix}.mark", str(error))
    if value is not None:
        try:
            saved = marks.put_mark(uow(), principal(), offer_id, path, value,
                                   request.form.get(f"{prefix}.justification", ""))
        except Invalid as error:
            form.refuse(error, {"mark": f"{prefix}.mark",
                                "justification": f"{prefix}.justification",
                                "criterion": f"{prefix}.mark"})
        except Conflict as error:
            form.general.append(sentence(error.message))
        else:
            flash(_("Note enregistrée : %(level)s (%(mark)s) pour « %(criterion)s ». Relancez "
                    "la notation pour qu'elle compte dans le classement.",
                    level=saved["level"] or "—", mark=_mark_text(saved["mark"]),
                    criterion=name),
                  "success")
            return redirect(url_for("evaluation.offer", reference=reference, lot_id=lot_id,
                                    offer_id=offer_id) + "#notes")
    if not form.failed:  # e.g. a blank justification refused before the level was read
        form.general.append(_("La note n'a pas été enregistrée."))
    body, _status = _offer_page(reference, lot_id, offer_id, refused=(path, form))
    return body, 422


# --------------------------------------------------------------------------- ranking
@bp.get("/<reference>/lots/<lot_id>/classement")
@page_for(*READERS)
def ranking(reference: str, lot_id: str):
    """The latest stored scoring: ranked, then eliminated, then irregular offers."""
    context = _context(reference, lot_id)
    if context["lot"].get("scoring") is None:
        return render_template("evaluation/not_scored.html", **context), 404
    stored = scorings.ranking(uow(), principal(), reference, lot_id)
    found = page_of_list(stored["offers"], page_number(), ROWS)
    maximum = _maximum(stored["offers"][0]) if stored["offers"] else {}
    pillars = tuple(p for p in PILLARS if maximum.get(p, 0) > 0)
    ranked = [o for o in found.items if o["status"] == "ranked"]
    bars = charts.ranking_bars(ranked, float(stored.get("points") or 100.0), pillars)
    return render_template("evaluation/ranking.html", **context, stored=stored, found=found,
                           bars=bars, pillars=pillars, maximum=maximum,
                           page_url=lambda p: url_for("evaluation.ranking",
                                                      reference=reference, lot_id=lot_id,
                                                      page=p))


# --------------------------------------------------------------------------- review queue
def _decision_form(offer_id: str, values: dict | None = None) -> Form:
    prefix = f"decisions.{offer_id}"
    return Form(values=values or {}, labels={f"{prefix}.decision": str(_l("Décision")),
                                             f"{prefix}.comment": str(_l("Commentaire"))})


def _queue_page(reference: str, lot_id: str, refused: tuple[str, Form] | None = None):
    context = _context(reference, lot_id)
    if context["lot"].get("scoring") is None:
        return render_template("evaluation/not_scored.html", **context), 404
    found = review_queue.review_queue(uow(), principal(), reference, lot_id,
                                      page=page_number(), per_page=ROWS)
    forms = {item["offer"]: _decision_form(item["offer"]) for item in found.items}
    if refused:
        forms[refused[0]] = refused[1]
    return render_template(
        "evaluation/review_queue.html", **context, found=found, forms=forms,
        decisions=[(k, str(v)) for k, v in DECISION_LABELS.items()],
        decision_labels={k: str(v) for k, v in DECISION_LABELS.items()},
        page_url=lambda p: url_for("evaluation.review_queue", reference=reference,
                                   lot_id=lot_id, page=p)), 422 if refused else 200


@bp.get("/<reference>/lots/<lot_id>/revue", endpoint="review_queue")
@page_for(*READERS)
def review_queue_page(reference: str, lot_id: str):
    """The offers to review, highest priority first, with a decision form each."""
    return _queue_page(reference, lot_id)


@bp.post("/<reference>/lots/<lot_id>/revue/<offer_id>")
@page_for("buyer")
def decide(reference: str, lot_id: str, offer_id: str):
    """Record a decision on an offer of the queue."""
    prefix = f"decisions.{offer_id}"
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    form = _decision_form(offer_id, values)
    # the offer must be of this lot: the page's address and the service agree
    evaluation.offer_detail(uow(), principal(), reference, lot_id, offer_id)
    try:
        data = DecisionInputSchema().load({
            "decision": values.get(f"{prefix}.decision", ""),
            "comment": values.get(f"{prefix}.comment", "").strip()})
        reviews.decide(uow(), principal(), offer_id, data["decision"], data["comment"])
    except (ValidationError, Invalid) as error:
        form.refuse(error, {"decision": f"{prefix}.decision", "comment": f"{prefix}.comment"})
    except Conflict as error:
        form.general.append(sentence(error.message))
    else:
        flash(_("Décision enregistrée pour l'offre %(offer)s : %(decision)s.", offer=offer_id,
                decision=DECISION_LABELS[data["decision"]]), "success")
        return redirect(url_for("evaluation.review_queue", reference=reference, lot_id=lot_id,
                                page=request.args.get("page", 1)) + f"#offre-{offer_id}")
    return _queue_page(reference, lot_id, refused=(offer_id, form))


# --------------------------------------------------------------------------- robustness
@bp.get("/<reference>/lots/<lot_id>/robustesse")
@page_for(*READERS)
def robustness(reference: str, lot_id: str):
    """Effective against declared weights, and the smallest weight change that would give
    the lot to another offer, from the analysis stored with the scoring."""
    context = _context(reference, lot_id)
    if context["lot"].get("scoring") is None:
        return render_template("evaluation/not_scored.html", **context), 404
    analysis = scorings.sensitivity(uow(), principal(), reference, lot_id)
    weights = (analysis.get("effective_weights") or {}).get("criteria", [])
    stability = analysis.get("stability") or {}
    changes = []
    for entry in stability.get("criteria", []):
        for direction in ("decrease", "increase"):
            change = entry.get(direction)
            if change:
                changes.append({"criterion": entry, "direction": direction, **change})
    changes.sort(key=lambda c: abs(c["change_points"]))
    names = evaluation.offer_names(uow(), principal(), reference, lot_id)
    return render_template("evaluation/robustness.html", **context, analysis=analysis,
                           weights=weights, bars=charts.weight_bars(weights),
                           stability=stability, changes=changes,
                           named=lambda ids: ", ".join(names.get(i, i) for i in ids))
