"""A company's tools. The self-assessment is open to anyone, without an account: a form
generated from a criteria set, the indicative score with a bar per pillar, and what
would gain the most points. Nothing typed is stored or shown to a buyer. A signed-in
company finds the form started from its profile's standing answers (:mod:`.prefill`).

A company's offers, receipts and results are in :mod:`.bids`."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from ..services import consultations, criteria_sets
from ..services import self_assessment as assessments
from ..services.errors import Invalid, NotFound, TooManyRequests
from . import answers_form, charts, navigation, prefill
from .forms import Form
from .session import principal
from .uow import uow

bp = Blueprint("supplier", __name__)

navigation.add("supplier.self_assessment_sets", _l("Auto-évaluation"), order=20, area=True)

HINTS_SHOWN = 6


@bp.get("/auto-evaluation")
def self_assessment_sets():
    """Choose what to self-assess against: an open consultation or a criteria set."""
    sets = criteria_sets.list_sets(uow())
    open_now = consultations.list_consultations(uow(), principal(), state="open", per_page=100)
    return render_template("supplier/choose.html", sets=sets, open_now=open_now)


def _consultation_for(reference: str | None, criteria) -> dict | None:
    """The consultation the self-assessment is for, when it uses these criteria."""
    if not reference:
        return None
    try:
        notice = consultations.read_notice(uow(), principal(), reference)
    except NotFound:
        abort(404)
    used = notice["criteria_set"]
    if (used["id"], used["version"]) != (criteria.id, criteria.version):
        return None
    return notice


@bp.route("/auto-evaluation/<set_id>/<int:version>", methods=["GET", "POST"])
def self_assessment(set_id: str, version: int):
    try:
        record = criteria_sets.get(uow(), set_id, version)
    except NotFound:
        abort(404)
    criteria = criteria_sets.criteria_of(record)
    notice = _consultation_for(request.args.get("consultation"), criteria)
    questions = answers_form.questions(criteria)
    form = Form(labels=answers_form.labels(questions))
    result = bars = None
    status = 200
    starting = prefill.Prefill()
    if request.method == "GET":
        starting = prefill.from_profile(questions, record.set_id, record.version)
        form.values = dict(starting.values)
    else:
        form.values = answers_form.redisplay(questions, request.form)
        body = answers_form.read(questions, request.form)
        try:
            # the same limit, counted in the same place, as the API's self-assessment
            current_app.extensions["spar.rate_limiter"].check(
                f"self-assessment:{request.remote_addr}")
            result = assessments.assess(uow(), {"criteria_set": record.set_id,
                                                "version": record.version, **body})
        except TooManyRequests as error:
            form.general.append(error.message)
            status = 429
        except Invalid as error:
            form.refuse(error)
            status = 422
        else:
            maximum = {p: s * criteria.points for p, s in criteria.pillar_shares().items()}
            bars = charts.pillar_bars(result["pillars"], maximum)
    return render_template("supplier/self_assessment.html", criteria=criteria, notice=notice,
                           questions=questions, form=form, result=result, bars=bars,
                           hints_shown=HINTS_SHOWN, prefilled=starting), status
