"""A company's own corner of the SME portal (SPEC §8): its profile — who it is, what it
does, its standing answers with their evidence, checked like an offer's, private until
it says otherwise — the profile's history, what the SIRENE directory says of its SIRET,
the notices it was sent, and the planned purchases that match it."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ..api.suppliers import ProfileInputSchema
from ..engine.criteria import CATEGORIES
from ..engine.matching import NoStandingCriteriaError, standing_criteria
from ..services import criteria_sets, matching, notices, profiles
from ..services.errors import Conflict, Invalid, NotFound
from . import answers_form, navigation
from .access import page_for
from .forms import Form
from .paging import as_page, page_number
from .session import principal
from .uow import uow

bp = Blueprint("profile", __name__, url_prefix="/entreprise")

navigation.add("profile.overview", _l("Mon entreprise"), roles=("supplier",), order=25,
               area=True)

SIZE_LABELS = {"micro": _l("Micro-entreprise (TPE, moins de 10 salariés)"),
               "small": _l("Petite entreprise (PME, moins de 50 salariés)"),
               "medium": _l("Moyenne entreprise (PME, moins de 250 salariés)"),
               "large": _l("Grande entreprise (ETI ou GE)")}
OVERVIEW_ROWS = 5  # notices and matches on the overview
HINTS_SHOWN = 3


SHORT_SIZE_LABELS = {"micro": _l("TPE"), "small": _l("PME (petite)"),
                     "medium": _l("PME (moyenne)"), "large": _l("ETI ou GE")}


@bp.app_template_filter("company_size")
def size_label(size: str | None, short: bool = False) -> str:
    """The French size category; ``short`` for a table cell."""
    return str((SHORT_SIZE_LABELS if short else SIZE_LABELS).get(size, size or "—"))


def standing_questions() -> list[answers_form.Question]:
    """A question per standing input read by the latest version of any published set
    (labels questions merged across sets), in the order of the sets."""
    latest = {}
    for record in criteria_sets.list_sets(uow()):
        latest[record.set_id] = record  # listed by id then version: the last one wins
    out: dict[str, answers_form.Question] = {}
    for record in latest.values():
        try:
            flat = standing_criteria(criteria_sets.criteria_of(record))
        except NoStandingCriteriaError:
            continue
        for question in answers_form.questions(flat):
            known = out.get(question.input)
            if known is None:
                out[question.input] = question
            elif known.kind == "labels" == question.kind:
                known.names += [n for n in question.names if n not in known.names]
                known.evidence_required |= question.evidence_required
    return list(out.values())


PROFILE_LABELS = {"name": _l("Nom de l'entreprise"), "size": _l("Taille"),
                  "departement": _l("Département"), "address": _l("Adresse"),
                  "categories": _l("Catégories d'achats"),
                  "skills": _l("Savoir-faire (mots-clés)"), "visibility": _l("Visibilité")}


def _profile_form(questions, values: dict) -> Form:
    labels = {k: str(v) for k, v in PROFILE_LABELS.items()}
    labels.update(answers_form.labels(questions))
    return Form(values=values, labels=labels)


def _values_of(profile: dict, questions) -> dict:
    """The form's values from a saved profile."""
    values = {"name": profile.get("name") or "", "size": profile.get("size") or "",
              "departement": profile.get("departement") or "",
              "address": profile.get("address") or "",
              "categories": list(profile.get("categories") or []),
              "skills": "\n".join(profile.get("skills") or []),
              "visibility": profile.get("visibility") or "private"}
    answers = profile.get("standing_answers") or {}
    evidence = profile.get("standing_evidence") or {}
    for q in questions:
        values[q.name] = answers_form.field_value(q, answers.get(q.input))
        if q.kind == "labels":
            values[q.evidence_name] = answers_form.field_value(q, evidence.get(q.input))
    return values


def _own_profile() -> dict | None:
    try:
        return profiles.get_profile(uow(), principal())
    except NotFound:
        return None


def _directory() -> dict | None:
    """What SIRENE says of the firm's SIRET, when the directory is configured."""
    if not current_app.config.get("SIRENE_URL"):
        return None
    return profiles.company_details(uow(), principal())


@bp.get("")
@page_for("supplier")
def overview():
    """The firm's page: its profile in short, its latest notices and best matches."""
    mine = _own_profile()
    latest = as_page(notices.mine(uow(), principal(), per_page=OVERVIEW_ROWS))
    matches = as_page(matching.supplier_matches(uow(), principal(),
                                                per_page=OVERVIEW_ROWS)) if mine else None
    return render_template("portal/overview.html", profile=mine, notices=latest,
                           matches=matches, hints_shown=HINTS_SHOWN)


SKILL_SPLIT = re.compile(r"[\n,;]+")


@bp.route("/profil", methods=["GET", "POST"])
@page_for("supplier")
def edit_profile():
    questions = standing_questions()
    mine = _own_profile()
    directory = _directory()
    if request.method == "GET":
        values = _values_of(mine or {"name": principal().name}, questions)
        if mine is None and directory and directory["company"]:
            company = directory["company"]
            values.update({k: company.get(k) or values.get(k, "") for k in
                           ("name", "size", "departement", "address")})
        return render_template("portal/profile_form.html",
                               form=_profile_form(questions, values), questions=questions,
                               categories=CATEGORIES, sizes=SIZE_LABELS, profile=mine,
                               directory=directory)
    data = request.form
    values = {"name": data.get("name", "").strip(), "size": data.get("size", ""),
              "departement": data.get("departement", "").strip(),
              "address": data.get("address", "").strip(),
              "categories": data.getlist("categories"), "skills": data.get("skills", ""),
              "visibility": data.get("visibility", "private"),
              **answers_form.redisplay(questions, data)}
    form = _profile_form(questions, values)
    standing = answers_form.read(questions, data)
    body = {"name": values["name"] or None, "size": values["size"] or None,
            "departement": values["departement"] or None,
            "address": values["address"] or None, "categories": values["categories"],
            "skills": [s.strip() for s in SKILL_SPLIT.split(values["skills"]) if s.strip()],
            # no label ticked is no answer: the profile keeps only what the firm claims
            "standing_answers": {k: v for k, v in standing["answers"].items() if v != []},
            "standing_evidence": standing["evidence"], "visibility": values["visibility"]}
    body = {k: v for k, v in body.items() if v is not None}
    try:
        saved, _created = profiles.save_profile(uow(), principal(),
                                                ProfileInputSchema().load(body))
    except (ValidationError, Invalid, Conflict) as error:
        form.refuse(error, _renamed(questions))
    else:
        flash(_("Votre profil est enregistré (version %(version)s). Il est %(visibility)s.",
                version=saved["version"],
                visibility=_("visible des acheteurs") if saved["visibility"] == "visible"
                else _("privé : aucun acheteur ne le voit")), "success")
        for warning in saved.get("warnings", []):
            flash(warning, "warning")
        for note in saved.get("notes", []):
            flash(note, "warning")
        return redirect(url_for("profile.overview"))
    return render_template("portal/profile_form.html", form=form, questions=questions,
                           categories=CATEGORIES, sizes=SIZE_LABELS, profile=mine,
                           directory=directory), 422


def _renamed(questions) -> dict[str, str]:
    """The API's field names → this form's."""
    out = {}
    for q in questions:
        out[f"standing_answers.{q.input}"] = q.name
        out[f"standing_evidence.{q.input}"] = q.evidence_name
    for k in range(50):  # a list's element problems go to the list's field
        out[f"categories.{k}"] = "categories"
        out[f"skills.{k}"] = "skills"
    return out


@bp.get("/profil/historique")
@page_for("supplier")
def history():
    """Every saved state of the profile, the latest first."""
    try:
        found = as_page(profiles.history(uow(), principal(), page=page_number()))
    except NotFound:
        found = None
    return render_template("portal/history.html", found=found,
                           page_url=lambda p: url_for("profile.history", page=p))


@bp.get("/avis")
@page_for("supplier")
def notices_list():
    """Every notice the firm was sent, newest first."""
    found = as_page(notices.mine(uow(), principal(), page=page_number()))
    return render_template("portal/notices.html", found=found,
                           page_url=lambda p: url_for("profile.notices_list", page=p))


@bp.get("/achats-correspondants")
@page_for("supplier")
def matches():
    """The planned purchases of the firm's categories, with its indicative score there
    and what would gain it the most points."""
    try:
        found = as_page(matching.supplier_matches(uow(), principal(), page=page_number()))
    except NotFound:
        found = None
    return render_template("portal/matches.html", found=found, hints_shown=HINTS_SHOWN,
                           page_url=lambda p: url_for("profile.matches", page=p))
