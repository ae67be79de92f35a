"""A company's offers (SPEC §7): submitting one to an open consultation — the answers
form of the self-assessment plus the lot, a check step that shows exactly what will be
sent (RGAA 11.12), then the confirmation and the receipt (*accusé de réception*) to
keep; its offers, current and replaced, each with its receipt; its results once a lot
is scored, beside the winner's, and its letter.

Every page calls the API's services: ``offers.preview`` and ``offers.submit`` (with an
idempotency key made at the check step and carried by the confirmation form, so a
double click or a resent form replays the first submission instead of making a
second), ``offers.receipt``, ``offers.own_offers``, ``scorings.ranking`` (the stored
scoring, as a bidder may see it) and ``exports.export`` (the bidder's own letter).
"""

from __future__ import annotations

import json
import secrets

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..services import consultations, criteria_sets, exports, offers, scorings
from ..services.errors import Conflict, Invalid, NotFound
from . import answers_form, charts, navigation, prefill
from .access import page_for
from .forms import Form, sentence
from .paging import page_number
from .session import principal
from .uow import uow

bp = Blueprint("bids", __name__)

navigation.add("bids.mine", _l("Mes offres"), roles=("supplier",), order=22, area=True)

#: The form's buttons: check what will be sent, go back to correct it, confirm.
CHECK, EDIT, CONFIRM = "check", "edit", "confirm"
LOT = "lot"
KEY = "idempotency_key"


def _consultation(reference: str):
    """(notice, criteria set record, criteria) of a consultation the supplier may see."""
    notice = consultations.read_notice(uow(), principal(), reference)
    record = criteria_sets.get(uow(), notice["criteria_set"]["id"],
                               notice["criteria_set"]["version"])
    return notice, record, criteria_sets.criteria_of(record)


def _body(questions, data) -> dict:
    """The API's request body from the posted form: the lot, typed answers, evidence."""
    read = answers_form.read(questions, data)
    return {"lot": (data.get(LOT) or "").strip()[:32],
            "answers": answers_form.typed(questions, read["answers"]),
            "evidence": read["evidence"]}


@bp.route("/consultations/<reference>/offre", methods=["GET", "POST"])
@page_for("supplier")
def submit(reference: str):
    """The offer form; its check step; its confirmation, which ends on the receipt."""
    notice, record, criteria = _consultation(reference)
    questions = answers_form.questions(criteria)
    labels = {LOT: _("Lot de l'offre"), **answers_form.labels(questions)}
    form = Form(labels=labels)
    context = {"notice": notice, "criteria": criteria, "questions": questions, "form": form,
               "prefilled": prefill.Prefill(), "check": None,
               "lot_options": [(lot["id"], _("Lot %(id)s : %(title)s", id=lot["id"],
                                             title=lot["title"])) for lot in notice["lots"]]}
    action = request.form.get("action", EDIT) if request.method == "POST" else None
    # a confirmation goes to the service even late: a second click on an offer stored in
    # time replays its receipt; anything else is refused there
    if notice["state"] != "open" and action != CONFIRM:
        return render_template("bids/closed.html", **context), 409
    if action is None:  # the empty form, started from the company's profile
        context["prefilled"] = prefill.from_profile(questions, record.set_id, record.version)
        form.values = dict(context["prefilled"].values)
        if len(notice["lots"]) == 1:
            form.values[LOT] = notice["lots"][0]["id"]
        return render_template("bids/submit.html", **context)
    form.values = {LOT: request.form.get(LOT, ""),
                   **answers_form.redisplay(questions, request.form)}
    if action not in (CHECK, CONFIRM):  # back to correct: every value as typed
        return render_template("bids/submit.html", **context)
    body = _body(questions, request.form)
    if not body["lot"]:
        form.add(LOT, _("choisissez le lot auquel répond votre offre"))
        return render_template("bids/submit.html", **context), 422
    try:
        if action == CHECK:
            context["check"] = offers.preview(uow(), principal(), reference, body)
            context["key"] = secrets.token_urlsafe(18)
            return render_template("bids/check.html", **context)
        key = (request.form.get(KEY) or "").strip()[:200]
        if not key:  # a confirmation always comes from a check step
            abort(400)
        receipt, created = offers.submit(uow(), principal(), reference, body, key)
    except Invalid as error:
        form.refuse(error)
        return render_template("bids/submit.html", **context), 422
    except Conflict as error:
        if consultations.read_notice(uow(), principal(), reference)["state"] != "open":
            # the deadline passed while the form was open: said plainly, nothing stored
            context["refusal"] = sentence(error.message)
            return render_template("bids/closed.html", **context), 409
        form.general.append(sentence(error.message))
        return render_template("bids/submit.html", **context), 409
    # after the POST, the receipt's own address: a reload never sends the offer again
    return redirect(url_for("bids.receipt", offer_id=receipt["offer"],
                            depot="nouveau" if created else "deja-recu"), 303)


def _lot_title(notice: dict, lot_id: str) -> str | None:
    return next((lot["title"] for lot in notice["lots"] if lot["id"] == lot_id), None)


@bp.get("/mes-offres")
@page_for("supplier")
def mine():
    """The company's offers, by consultation and lot, replaced ones included."""
    found = offers.own_offers(uow(), principal(), page=page_number())
    return render_template("bids/mine.html", found=found,
                           page_url=lambda p: url_for("bids.mine", page=p))


def _offer_history(receipt: dict) -> dict:
    """Whether the offer is the one in force for its lot, and else which one is."""
    own = [o for o in offers.list_offers(uow(), principal(), receipt["consultation"])
           if o["lot"] == receipt["lot"]]
    current = next((o for o in own if o["current"]), None)
    return {"current": current is not None and current["id"] == receipt["offer"],
            "replaced_by": None if current is None or current["id"] == receipt["offer"]
            else current}


@bp.get("/mes-offres/<offer_id>")
@page_for("supplier")
def receipt(offer_id: str):
    """The receipt (accusé de réception) of one of the company's offers."""
    got = offers.receipt(uow(), principal(), offer_id)
    notice = consultations.read_notice(uow(), principal(), got["consultation"])
    return render_template("bids/receipt.html", receipt=got, notice=notice,
                           lot_title=_lot_title(notice, got["lot"]),
                           history=_offer_history(got), just=request.args.get("depot"))


@bp.get("/mes-offres/<offer_id>/accuse-de-reception.json")
@page_for("supplier")
def receipt_file(offer_id: str):
    """The receipt as the API gives it, as a file to keep."""
    got = offers.receipt(uow(), principal(), offer_id)
    text = json.dumps(got, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return Response(text, mimetype="application/json", headers={
        "Content-Disposition":
            f'attachment; filename="accuse-de-reception-{got["offer"]}.json"'})


def _results(notice: dict, criteria, sent: list[dict]) -> list[dict]:
    """Per lot the company answered (``sent``: its offers): the stored ranking as a
    bidder may see it, with pillar bars for its own offer and the winner's; a lot not
    scored yet says so."""
    lots = []
    mine, own_ids = {o["lot"] for o in sent}, {o["id"] for o in sent}
    maximum = {p: s * criteria.points for p, s in criteria.pillar_shares().items()}
    for lot in notice["lots"]:
        if lot["id"] not in mine:
            continue
        try:
            ranking = scorings.ranking(uow(), principal(), notice["reference"], lot["id"])
        except NotFound:
            lots.append({"lot": lot, "ranking": None})
            continue
        own = [o for o in ranking["offers"] if o["id"] in own_ids]
        others = [o for o in ranking["offers"] if o["id"] not in own_ids]
        lots.append({"lot": lot, "ranking": ranking, "own": own, "winners": others,
                     "bars": {o["id"]: charts.pillar_bars(o.get("pillars") or {}, maximum)
                              for o in own + others}})
    return lots


@bp.get("/mes-resultats/<reference>")
@page_for("supplier")
def results(reference: str):
    """The company's scores in a consultation, beside the winner's, and its letter."""
    notice, _record, criteria = _consultation(reference)
    sent = offers.list_offers(uow(), principal(), reference)
    if not sent:
        raise NotFound(_("vous n'avez pas remis d'offre pour cette consultation"))
    if notice["state"] not in ("closed", "scored"):
        return render_template("bids/results.html", notice=notice, lots=[],
                               sealed=True), 409
    lots = _results(notice, criteria, sent)
    return render_template("bids/results.html", notice=notice, lots=lots, sealed=False,
                           criteria=criteria,
                           scored=any(lot["ranking"] for lot in lots))


@bp.get("/mes-resultats/<reference>/lettre.pdf")
@page_for("supplier")
def letter(reference: str):
    """The company's own letter (its scores beside the winner's), never another's: the
    service hands a supplier the letter of its own SIRET only."""
    chunks, media_type, filename = exports.export(uow(), principal(), reference, "letter")
    return Response(chunks, mimetype=media_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
