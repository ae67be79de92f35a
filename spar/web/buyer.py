"""The buyer's desk: its organisation's consultations by state, a new consultation
(criteria set, lots, deadline), a criteria file with every located problem shown
beside its line, and publication."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..api.consultations import ConsultationInputSchema
from ..engine.answers import parse_number
from ..engine.errors import AnswerValueError
from ..services import consultations, criteria_sets
from ..services.errors import Conflict, Invalid, ServiceError
from . import navigation
from .access import page_for
from .formatting import when
from .forms import Form, sentence
from .session import principal
from .uow import uow

bp = Blueprint("buyer", __name__, url_prefix="/acheteur")

navigation.add("buyer.desk", _l("Mon bureau d'acheteur"), roles=("buyer",), order=30, area=True)

DESK_ROWS = 20
LOT_ROWS = 3  # empty lot rows a new form offers; "Ajouter un lot" adds one more


@bp.get("")
@page_for("buyer")
def desk():
    """The organisation's consultations, by state."""
    by_state = {state: consultations.list_consultations(uow(), principal(), state=state,
                                                        organisation_only=True,
                                                        per_page=DESK_ROWS)
                for state in consultations.STATES}
    return render_template("buyer/desk.html", by_state=by_state)


CONSULTATION_LABELS = {
    "reference": _l("Référence"), "title": _l("Intitulé"),
    "criteria": _l("Jeu de critères"), "deadline_date": _l("Date limite : jour"),
    "deadline_time": _l("Date limite : heure (Paris)"), "lots": _l("Lots"),
    "programme_item": _l("Achat prévu réalisé"),
}


def _consultation_form(values: dict) -> Form:
    labels = {k: str(v) for k, v in CONSULTATION_LABELS.items()}
    for k in range(values.get("lot_rows", LOT_ROWS)):
        labels[f"lots.{k}.id"] = _("Lot %(n)s : numéro", n=k + 1)
        labels[f"lots.{k}.title"] = _("Lot %(n)s : intitulé", n=k + 1)
        labels[f"lots.{k}.estimate"] = _("Lot %(n)s : estimation", n=k + 1)
    return Form(values=values, labels=labels)


def _lot_rows(form_data) -> int:
    rows = 0
    while f"lots.{rows}.id" in form_data and rows < 200:
        rows += 1
    return max(rows, 1)


def _request_body(form: Form) -> dict:
    """The API's request body from the form; numbers and dates as people type them."""
    values = form.values
    criteria_id, _sep, version = values.get("criteria", "").rpartition("@")
    lots = []
    for k in range(values["lot_rows"]):
        lot = {key: values.get(f"lots.{k}.{key}", "").strip() for key in ("id", "title",
                                                                           "estimate")}
        if not any(lot.values()):
            continue
        entry = {"id": lot["id"], "title": lot["title"]}
        if lot["estimate"]:
            try:
                entry["estimate"] = parse_number(lot["estimate"])
            except AnswerValueError as error:
                form.add(f"lots.{k}.estimate", str(error))
        lots.append((k, entry))
    form.values["_lot_positions"] = [k for k, _entry in lots]
    deadline = values.get("deadline_date", "").strip()
    if deadline:
        deadline += "T" + (values.get("deadline_time", "").strip() or "12:00")
    body = {"reference": values.get("reference", "").strip(),
            "title": values.get("title", "").strip(), "criteria_set": criteria_id,
            "criteria_version": int(version) if version.isdigit() else version,
            "deadline": deadline, "lots": [entry for _k, entry in lots]}
    item = str(values.get("programme_item") or "").strip()
    if item:  # the planned purchase this consultation carries out (SPEC §8)
        body["programme_item"] = int(item) if item.isdigit() else item
    return body


def _renamed(form: Form) -> dict[str, str]:
    """The API's field names → this form's (a lot's index among those sent → its row)."""
    rename = {"deadline": "deadline_date", "criteria_set": "criteria",
              "criteria_version": "criteria"}
    for sent, row in enumerate(form.values.get("_lot_positions", [])):
        for key in ("id", "title", "estimate"):
            rename[f"lots.{sent}.{key}"] = f"lots.{row}.{key}"
    return rename


@bp.route("/consultations/nouvelle", methods=["GET", "POST"])
@page_for("buyer")
def new_consultation():
    sets = criteria_sets.list_sets(uow())
    if request.method == "GET":
        form = _consultation_form({"lot_rows": LOT_ROWS, "deadline_time": "12:00",
                                   "criteria": request.args.get("criteria", ""),
                                   "title": request.args.get("title", "")[:300],
                                   "programme_item": request.args.get("programme_item", "")})
        return render_template("buyer/new_consultation.html", form=form, sets=sets)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    values["lot_rows"] = _lot_rows(request.form)
    if request.form.get("action") == "add_lot":
        values["lot_rows"] += 1
        return render_template("buyer/new_consultation.html", form=_consultation_form(values),
                               sets=sets, focus_lot=values["lot_rows"] - 1)
    form = _consultation_form(values)
    body = _request_body(form)
    try:
        data = ConsultationInputSchema().load(body)
        if form.failed:
            raise ValidationError({})
        created = consultations.create(uow(), principal(), data)
    except (ValidationError, Invalid, Conflict) as error:
        form.refuse(error, _renamed(form))
        if not values.get("criteria"):  # one plain word for an unchosen set
            form.errors["criteria"] = [_("Champ obligatoire.")]
    else:
        flash(_("Le brouillon « %(title)s » est enregistré. Relisez l'avis puis publiez-le.",
                title=created["title"]), "success")
        return redirect(url_for("public.consultation", reference=created["reference"]))
    return render_template("buyer/new_consultation.html", form=form, sets=sets), 422


@bp.post("/consultations/<reference>/publier")
@page_for("buyer")
def publish(reference: str):
    try:
        published = consultations.publish(uow(), principal(), reference)
    except Conflict as error:
        flash(sentence(error.message), "warning")
    else:
        flash(_("La consultation « %(title)s » est publiée : elle reçoit des offres jusqu'au "
                "%(deadline)s.", title=published["title"],
                deadline=when(published["deadline"])), "success")
    return redirect(url_for("public.consultation", reference=reference))


UPLOAD_LABELS = {"file": _l("Fichier de critères (YAML)"),
                 "text": _l("Ou le contenu du fichier, collé ici")}


@bp.route("/criteres", methods=["GET", "POST"])
@page_for("buyer")
def upload_criteria():
    """Publish a criteria set version; a refused file comes back with each problem
    beside the line it is about."""
    form = Form(labels={k: str(v) for k, v in UPLOAD_LABELS.items()})
    problems, lines, name = [], [], "criteres.yaml"
    if request.method == "GET":
        return render_template("buyer/upload_criteria.html", form=form, problems=problems,
                               lines=lines, name=name)
    upload = request.files.get("file")
    text = request.form.get("text", "")
    if upload and upload.filename:
        name = upload.filename.rsplit("/", 1)[-1][:200]
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add("file", _("Le fichier doit être enregistré en UTF-8."))
    form.values = {"text": text}
    if not form.failed:
        if not text.strip():
            form.add("file", _("Choisissez un fichier ou collez son contenu."))
        else:
            try:
                record, created, warnings = criteria_sets.upload(uow(), principal(), text=text)
            except Invalid as error:
                problems = error.errors.get("criteria", [])
                form.general.append(_("Le fichier contient %(count)s problème(s) : chacun est "
                                      "indiqué ci-dessous, à côté de sa ligne.",
                                      count=len(problems)))
            except ServiceError as error:  # the same version with other content
                form.general.append(sentence(error.message))
            else:
                for warning in warnings:
                    flash(_("Ligne %(line)s : %(message)s", line=warning["line"],
                            message=warning["message"]), "warning")
                if created:
                    flash(_("Le jeu de critères « %(title)s », version %(version)s, est publié.",
                            title=record.title, version=record.version), "success")
                else:
                    flash(_("Ce jeu de critères (« %(title)s », version %(version)s) était déjà "
                            "publié à l'identique.", title=record.title,
                            version=record.version), "success")
                return redirect(url_for("buyer.new_consultation",
                                        criteria=f"{record.set_id}@{record.version}"))
    lines = _annotated(text, problems)
    return render_template("buyer/upload_criteria.html", form=form, problems=problems,
                           lines=lines, name=name), 422


def _annotated(text: str, problems: list[dict]) -> list[dict]:
    """The file's lines, each with the problems located on it."""
    by_line: dict[int, list[dict]] = {}
    for problem in problems:
        by_line.setdefault(int(problem.get("line") or 1), []).append(problem)
    rows = text.splitlines() or [""]
    last = len(rows)
    for line in [n for n in by_line if n > last]:  # e.g. a missing key reported at the end
        by_line.setdefault(last, []).extend(by_line.pop(line))
    return [{"number": n, "text": row, "problems": by_line.get(n, [])}
            for n, row in enumerate(rows, start=1)]
