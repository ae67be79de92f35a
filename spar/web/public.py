"""Pages for anyone: the home page, the consultations and their notices, the criteria
files, the language switch and the API's documentation."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from ..engine.criteria import CATEGORIES
from ..services import consultations, criteria_sets
from ..services.errors import Invalid, NotFound
from . import criteria_view, navigation
from .i18n import LANGUAGES
from .paging import page_number
from .session import principal
from .uow import uow

bp = Blueprint("public", __name__)

navigation.add("public.home", _l("Accueil"), order=0)
navigation.add("public.consultations", _l("Consultations"), order=10)

HOME_OPEN = 5  # open consultations shown on the home page


def local_target(target: str | None, default: str) -> str:
    """``target`` when it is an address on this site, else ``default`` (no open
    redirects through ``next``)."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return default


@bp.get("/")
def home():
    """What spar is for, the consultations open now, the purchasing programme (SPEC §8),
    where to start."""
    from .programme import home_programme

    open_now = consultations.list_consultations(uow(), principal(), state="open",
                                                per_page=HOME_OPEN)
    return render_template("public/home.html", open_now=open_now, planned=home_programme())


@bp.get("/consultations", endpoint="consultations")
def consultation_list():
    """Every consultation the visitor may see, filtered by state, category and text."""
    who = principal()
    filters = {"state": request.args.get("state") or None,
               "category": request.args.get("category") or None,
               "q": (request.args.get("q") or "").strip()[:200] or None,
               "mine": request.args.get("mine") == "1"
               and who.role in ("buyer", "auditor") or None}
    if filters["state"] not in (None, *consultations.STATES):
        filters["state"] = None
    if filters["category"] not in (None, *CATEGORIES):
        filters["category"] = None
    found = consultations.list_consultations(
        uow(), who, page=page_number(), state=filters["state"],
        category=filters["category"], q=filters["q"], organisation_only=bool(filters["mine"]))
    return render_template("public/consultations.html", found=found, filters=filters,
                           states=consultations.STATES, categories=CATEGORIES,
                           page_url=lambda p: url_for("public.consultations", page=p, **{
                               k: (1 if v is True else v) for k, v in filters.items() if v}))


@bp.get("/consultations/<reference>")
def consultation(reference: str):
    """The notice: lots, deadline, the criteria and how each is scored."""
    notice = consultations.read_notice(uow(), principal(), reference)
    record = criteria_sets.get(uow(), notice["criteria_set"]["id"],
                               notice["criteria_set"]["version"])
    criteria = criteria_sets.criteria_of(record)
    who = principal()
    can_publish = (notice["state"] == "draft" and who.role == "buyer")
    return render_template("public/consultation.html", notice=notice, criteria=criteria,
                           rows=criteria_view.rows(criteria), can_publish=can_publish)


@bp.get("/criteres/<set_id>/<int:version>.yaml")
def criteria_file(set_id: str, version: int):
    """The criteria file of a published set, to download."""
    try:
        record = criteria_sets.get(uow(), set_id, version)
    except NotFound:
        abort(404)
    return Response(criteria_sets.file_text(record), mimetype="application/yaml",
                    headers={"Content-Disposition":
                             f'attachment; filename="{record.set_id}-v{record.version}.yaml"'})


@bp.get("/langue/<code>")
def language(code: str):
    """Switch the pages' language, then go back where the person was."""
    if code not in LANGUAGES:
        raise Invalid(f"langue « {code} » non disponible")
    session["lang"] = code
    return redirect(local_target(request.args.get("next"), url_for("public.home")))


@bp.get("/docs")
def api_docs():
    """The API's interactive documentation (Swagger UI, served from this service)."""
    return render_template("public/docs.html")
