"""Sourcing (SPEC §8): the buyers' directory of visible company profiles, and for a
planned purchase the visible profiles that match it, best indicative score first.

Only what the services give a buyer reaches these pages: visible profiles, never a
private one, never a self-assessment."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..engine.criteria import CATEGORIES
from ..services import matching, profiles, programme
from ..services.errors import Conflict, Forbidden, Invalid, NotFound
from . import navigation
from .access import page_for
from .forms import Form, sentence
from .paging import as_page, page_number
from .profile import SIZE_LABELS
from .session import principal
from .uow import uow

bp = Blueprint("sourcing", __name__, url_prefix="/acheteur")

navigation.add("sourcing.directory", _l("Trouver des entreprises"), roles=("buyer",), order=34)

FILTER_LABELS = {"category": _l("Catégorie"), "skill": _l("Savoir-faire"),
                 "label": _l("Label"), "departement": _l("Département"),
                 "size": _l("Taille")}


@bp.get("/entreprises")
@page_for("buyer")
def directory():
    """Visible profiles matching every filter given, by name."""
    values = {k: (request.args.get(k) or "").strip()[:200] for k in FILTER_LABELS}
    form = Form(values=values, labels={k: str(v) for k, v in FILTER_LABELS.items()})
    filters = {k: v for k, v in values.items() if v}
    try:
        found = as_page(profiles.search(uow(), principal(), page=page_number(), **filters))
    except Invalid as error:
        form.refuse(error)
        found = None
    return render_template(
        "portal/directory.html", form=form, found=found, categories=CATEGORIES,
        sizes=SIZE_LABELS,
        page_url=lambda p: url_for("sourcing.directory", page=p, **filters)), \
        200 if found is not None else 422


@bp.get("/programme/<int:item_id>/entreprises")
@page_for("buyer", "auditor")
def item_matches(item_id: int):
    """The visible profiles of the item's category with the indicative score their
    standing answers earn on its non-price criteria, best first."""
    try:
        item = programme.get(uow(), principal(), item_id)
        found = as_page(matching.item_matches(uow(), principal(), item_id,
                                              page=page_number()))
        problem = None
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    except Conflict as error:  # a set with nothing a profile can answer
        found, problem = None, sentence(error.message)
    return render_template("portal/item_matches.html", item=item, found=found,
                           problem=problem,
                           page_url=lambda p: url_for("sourcing.item_matches", item_id=item_id,
                                                      page=p))
