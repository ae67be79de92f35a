"""Server-rendered pages for people, calling the same services as the API."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..engine.criteria import PILLAR_LABELS
from ..services import criteria_sets
from ..services.unit_of_work import UnitOfWork

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/assets")


def _uow() -> UnitOfWork:
    app = current_app
    return UnitOfWork(app.extensions["spar.db"].sessions, app.config.get("CLOCK"), app.config)


@bp.get("/")
def index():
    """The home page: what spar is for, the published criteria sets, where the API is."""
    sets = []
    for record in criteria_sets.list_sets(_uow()):
        criteria = criteria_sets.criteria_of(record)
        sets.append({"record": record, "pillars": criteria.pillar_shares()})
    return render_template("index.html", sets=sets, pillar_labels=PILLAR_LABELS)


def init_web(app) -> None:
    app.register_blueprint(bp)
