"""The purchasing programme (SPEC §8): the planned purchases anyone reads, filtered by
category and month; a firm's interest in one, with a short message; and the buyer's
editor of its organisation's programme — create, edit, cancel, who is interested, and
the consultation that carries an item out."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError

from ..api.programme import InterestInputSchema, ProgrammeItemInputSchema
from ..engine.answers import parse_number
from ..engine.criteria import CATEGORIES
from ..engine.errors import AnswerValueError
from ..services import criteria_sets, programme
from ..services.errors import Conflict, Forbidden, Invalid, NotFound
from . import navigation
from .access import page_for
from .formatting import amount
from .forms import Form, sentence
from .paging import as_page, page_number
from .session import principal
from .uow import uow

bp = Blueprint("programme_pages", __name__)

navigation.add("programme_pages.programme", _l("Programme des achats"), order=15)
navigation.add("programme_pages.editor", _l("Mon programme"), roles=("buyer",), order=32)

STATUS_LABELS = {"planned": _l("Prévu"), "published": _l("Consultation publiée"),
                 "cancelled": _l("Annulé")}
HOME_ITEMS = 5  # planned purchases the home page shows
INTERESTS_SHOWN = 100  # interested firms on the buyer's page of an item


@bp.app_template_filter("programme_status")
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@bp.app_template_filter("estimate_range")
def estimate_range(item: dict) -> str:
    """The estimate of a planned purchase in words: ``entre 80 000 € et 120 000 € HT``."""
    low, high = item.get("estimate_min"), item.get("estimate_max")
    if low is not None and high is not None:
        if low == high:
            return _("environ %(amount)s HT", amount=amount(low))
        return _("entre %(low)s et %(high)s HT", low=amount(low), high=amount(high))
    if high is not None:
        return _("jusqu'à %(amount)s HT", amount=amount(high))
    if low is not None:
        return _("à partir de %(amount)s HT", amount=amount(low))
    return _("non communiquée")


def home_programme():
    """The soonest planned purchases, for the home page."""
    return as_page(programme.list_items(uow(), principal(), status="planned",
                                        per_page=HOME_ITEMS))


# --- anyone ----------------------------------------------------------------------------


def _filters() -> dict:
    """The list's filters from the address; an unknown value is no filter."""
    category = request.args.get("category") or None
    month = (request.args.get("month") or "").strip() or None
    return {"category": category if category in CATEGORIES else None,
            "month": month if month and programme.MONTH.match(month) else None}


@bp.get("/programme", endpoint="programme")
def programme_list():
    """The planned purchases, soonest first, filtered by category and month."""
    filters = _filters()
    asked = (request.args.get("month") or "").strip()
    found = as_page(programme.list_items(uow(), principal(), page=page_number(), **filters))
    return render_template(
        "portal/programme.html", found=found, filters=filters, categories=CATEGORIES,
        bad_month=asked if asked and not filters["month"] else None,
        page_url=lambda p: url_for("programme_pages.programme", page=p,
                                   **{k: v for k, v in filters.items() if v}))



def _item_or_404(item_id: int) -> dict:
    try:
        return programme.get(uow(), principal(), item_id)
    except NotFound:
        abort(404)


def _interest_form(item: dict, values: dict | None = None) -> Form:
    mine = item.get("my_interest") or {}
    return Form(values=values if values is not None else {
        "message": mine.get("message", ""),
        "contact_email": mine.get("contact_email") or current_user.principal.email or ""},
        labels={"message": _("Votre message à l'acheteur"),
                "contact_email": _("Adresse où être prévenu")})


@bp.get("/programme/<int:item_id>")
def item(item_id: int):
    """A planned purchase: what, when, for how much, scored how; a firm's interest."""
    found = _item_or_404(item_id)
    form = _interest_form(found) if current_user.is_authenticated and \
        current_user.role == "supplier" else None
    return render_template("portal/item.html", item=found, form=form)


@bp.post("/programme/<int:item_id>/interet")
@page_for("supplier")
def express_interest(item_id: int):
    found = _item_or_404(item_id)
    values = {k: (request.form.get(k) or "").strip() for k in ("message", "contact_email")}
    form = _interest_form(found, values)
    body = {"message": values["message"], "contact_email": values["contact_email"] or None}
    try:
        data = InterestInputSchema().load(body)
        _interest, created = programme.express_interest(uow(), principal(), item_id, data)
    except (ValidationError, Invalid, Conflict) as error:
        form.refuse(error)
    else:
        flash(_("Votre intérêt est enregistré : l'acheteur voit votre message, et vous serez "
                "prévenu à l'ouverture de la consultation.") if created else
              _("Votre message est mis à jour."), "success")
        return redirect(url_for("programme_pages.item", item_id=item_id))
    return render_template("portal/item.html", item=found, form=form), 422


@bp.post("/programme/<int:item_id>/interet/retirer")
@page_for("supplier")
def withdraw_interest(item_id: int):
    _item_or_404(item_id)
    try:
        programme.withdraw_interest(uow(), principal(), item_id)
    except NotFound as error:  # the firm had not said it was interested
        flash(sentence(error.message), "warning")
    else:
        flash(_("Votre intérêt est retiré : vous ne serez plus prévenu pour cet achat."),
              "success")
    return redirect(url_for("programme_pages.item", item_id=item_id))


# --- the buyer's editor ----------------------------------------------------------------


ITEM_LABELS = {
    "title": _l("Intitulé"), "description": _l("Description"),
    "criteria": _l("Jeu de critères prévu"), "category": _l("Catégorie"),
    "expected_publication": _l("Mois de publication prévu"),
    "estimate_min": _l("Estimation basse"), "estimate_max": _l("Estimation haute"),
}


def _item_form(values: dict) -> Form:
    return Form(values=values, labels={k: str(v) for k, v in ITEM_LABELS.items()})


def _item_body(form: Form) -> dict:
    """The API's request body from the form; amounts as people type them."""
    values = form.values
    set_id, _sep, version = (values.get("criteria") or "").rpartition("@")
    body = {"title": values.get("title", "").strip(),
            "description": values.get("description", "").strip(),
            "expected_publication": values.get("expected_publication", "").strip(),
            "criteria_set": set_id, "version": int(version) if version.isdigit() else version}
    if values.get("category"):
        body["category"] = values["category"]
    for key in ("estimate_min", "estimate_max"):
        typed = (values.get(key) or "").strip()
        if typed:
            try:
                body[key] = parse_number(typed)
            except AnswerValueError as error:
                form.add(key, str(error))
        else:
            body[key] = None
    return body


RENAMED = {"criteria_set": "criteria", "version": "criteria"}


def _save(form: Form, save):
    """Check the form as the API does, then ``save(data)``; None when refused (the
    problems are on the form)."""
    body = _item_body(form)
    try:
        data = ProgrammeItemInputSchema().load(body)
        if form.failed:
            raise ValidationError({})
        return save(data)
    except (ValidationError, Invalid, Conflict) as error:
        form.refuse(error, RENAMED)
        if not form.values.get("criteria"):
            form.errors["criteria"] = [_("Champ obligatoire.")]
        return None


def _form_values() -> dict:
    return {k: request.form.get(k, "") for k in ITEM_LABELS}


@bp.get("/acheteur/programme")
@page_for("buyer")
def editor():
    """The organisation's programme: planned, published and cancelled items."""
    who = principal()
    current = as_page(programme.list_items(uow(), who, own=True, page=page_number()))
    cancelled = as_page(programme.list_items(uow(), who, own=True, status="cancelled",
                                             per_page=100))
    return render_template(
        "portal/editor.html", found=current, cancelled=cancelled,
        page_url=lambda p: url_for("programme_pages.editor", page=p))


@bp.route("/acheteur/programme/nouveau", methods=["GET", "POST"])
@page_for("buyer")
def new_item():
    sets = criteria_sets.list_sets(uow())
    if request.method == "GET":
        return render_template("portal/item_form.html", form=_item_form({}), sets=sets,
                               categories=CATEGORIES, item=None)
    form = _item_form(_form_values())
    created = _save(form, lambda data: programme.create(uow(), principal(), data))
    if created is not None:
        flash(_("L'achat prévu « %(title)s » est publié dans le programme.",
                title=created["title"]), "success")
        return redirect(url_for("programme_pages.buyer_item", item_id=created["id"]))
    return render_template("portal/item_form.html", form=form, sets=sets,
                           categories=CATEGORIES, item=None), 422


def _owned(item_id: int) -> dict:
    """The item, if it is the buyer's organisation's (else 403; unknown, 404)."""
    found = _item_or_404(item_id)
    if "interested" not in found:  # the service tells only its organisation
        abort(403)
    return found


@bp.route("/acheteur/programme/<int:item_id>/modifier", methods=["GET", "POST"])
@page_for("buyer")
def edit_item(item_id: int):
    found = _owned(item_id)
    sets = criteria_sets.list_sets(uow())
    if found["status"] != "planned":
        flash(_("Cet achat prévu ne peut plus être modifié : sa consultation est publiée.")
              if found["status"] == "published" else
              _("Cet achat prévu ne peut plus être modifié : il est annulé."), "warning")
        return redirect(url_for("programme_pages.buyer_item", item_id=item_id))
    if request.method == "GET":
        form = _item_form({
            "title": found["title"], "description": found["description"],
            "criteria": f"{found['criteria_set']}@{found['version']}",
            "category": found["category"],
            "expected_publication": found["expected_publication"],
            "estimate_min": _typed(found["estimate_min"]),
            "estimate_max": _typed(found["estimate_max"])})
        return render_template("portal/item_form.html", form=form, sets=sets,
                               categories=CATEGORIES, item=found)
    form = _item_form(_form_values())
    saved = _save(form, lambda data: programme.update(uow(), principal(), item_id, data))
    if saved is not None:
        flash(_("L'achat prévu « %(title)s » est modifié.", title=saved["title"]), "success")
        return redirect(url_for("programme_pages.buyer_item", item_id=item_id))
    return render_template("portal/item_form.html", form=form, sets=sets,
                           categories=CATEGORIES, item=found), 422


def _typed(value: float | None) -> str:
    """An amount as a person would type it again (``80000``, ``1250,5``)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


@bp.post("/acheteur/programme/<int:item_id>/annuler")
@page_for("buyer")
def cancel_item(item_id: int):
    try:
        cancelled = programme.cancel(uow(), principal(), item_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Conflict as error:
        flash(sentence(error.message), "warning")
    else:
        flash(_("L'achat prévu « %(title)s » est annulé ; les entreprises intéressées en sont "
                "prévenues.", title=cancelled["title"]), "success")
    return redirect(url_for("programme_pages.buyer_item", item_id=item_id))


@bp.get("/acheteur/programme/<int:item_id>")
@page_for("buyer", "auditor")
def buyer_item(item_id: int):
    """An item of the organisation's programme: who is interested, with their messages,
    and the consultation that carries it out."""
    found = _owned(item_id)
    interests = as_page(programme.interests(uow(), principal(), item_id,
                                            per_page=INTERESTS_SHOWN))
    return render_template("portal/buyer_item.html", item=found, interests=interests)
