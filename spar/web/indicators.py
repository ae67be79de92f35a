"""The organisation's yearly SPAR indicators as a page (SPEC §6 ``GET /indicators`` and
§8): consultations with environmental and social criteria, pillar weights, the share of
offers, awards and awarded amounts going to SMEs, the interest in each planned purchase,
and the time from deadline to scoring — for its buyers and auditors; the same figures as
the one-page PDF."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from flask_babel import lazy_gettext as _l

from ..services import indicators
from . import navigation
from .access import page_for
from .session import principal
from .uow import uow

bp = Blueprint("indicator_pages", __name__, url_prefix="/indicateurs")

navigation.add("indicator_pages.indicators", _l("Indicateurs"), roles=("buyer", "auditor"),
               order=60)

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year() -> tuple[int, str | None]:
    """``?year=``, else this year; an unreadable year is this year, with a word why."""
    this_year = uow().now().year
    asked = (request.args.get("year") or "").strip()
    if not asked:
        return this_year, None
    if asked.isdigit() and FIRST_YEAR <= int(asked) <= LAST_YEAR:
        return int(asked), None
    return this_year, asked


@bp.get("", endpoint="indicators")
@page_for("buyer", "auditor")
def indicators_page():
    year, refused = _year()
    figures = indicators.compute(uow(), principal(), year)
    return render_template("portal/indicators.html", figures=figures, year=year,
                           refused=refused, this_year=uow().now().year), \
        422 if refused else 200


@bp.get("/<int(fixed_digits=4):year>.pdf")
@page_for("buyer", "auditor")
def indicators_pdf(year: int):
    from ..exports.indicators_pdf import indicators_pdf as render_pdf

    figures = indicators.compute(uow(), principal(), year)
    return Response(render_pdf(figures), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="indicateurs-{year}.pdf"'})
