"""Numbers, amounts and dates the way the reader's language writes them (Babel):
``12 345,67 €`` and ``1 décembre 2026 à 12:00`` (Europe/Paris) in French."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_currency, format_datetime, format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..engine.criteria import PILLARS
from ..engine.text import answer_text

NONE = "—"


def _instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def amount(value: float | None) -> str:
    """``12 345,67 €``."""
    return NONE if value is None else format_currency(value, "EUR")


def number(value: float | None, decimals: int | None = None) -> str:
    """``12 345,6``; with ``decimals``, exactly that many."""
    if value is None:
        return NONE
    if decimals is None:
        return format_decimal(value)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern)


def points(value: float | None) -> str:
    """Points rounded to 2 decimals, as reports show them (SPEC §2.1)."""
    return number(value, 2)


def percent(share: float | None, decimals: int = 1) -> str:
    """A share in [0, 1]: ``42,5 %``."""
    if share is None:
        return NONE
    return format_percent(share, format="#,##0" + ("." + "0" * decimals if decimals else "")
                          + " %")


def when(value: Any) -> str:
    """A moment in Paris time: ``1 décembre 2026 à 12:00``."""
    instant = _instant(value)
    # translators: a Babel date pattern (d day, MMMM month name, y year, HH:mm time)
    return NONE if instant is None else format_datetime(instant, _("d MMMM y 'à' HH:mm"))


def time_of_day(value: Any) -> str:
    """The time only, in Paris time: ``14:32``."""
    instant = _instant(value)
    return NONE if instant is None else format_datetime(instant, "HH:mm")


def iso(value: Any) -> str:
    """The machine-readable form, for ``<time datetime>``."""
    instant = _instant(value)
    return "" if instant is None else instant.isoformat()


#: The engine's French pillar labels (spar.engine.criteria.PILLAR_LABELS), translatable.
PILLAR_LABELS = {"economic": _l("Économique (prix)"), "environmental": _l("Environnemental"),
                 "social": _l("Social"), "technical": _l("Technique")}
CATEGORY_LABELS = {"supplies": _l("Fournitures"), "services": _l("Services"),
                   "works": _l("Travaux")}
STATE_LABELS = {"draft": _l("Brouillon"), "open": _l("Ouverte"), "closed": _l("Close"),
                "scored": _l("Notée")}
ROLE_LABELS = {"admin": _l("Administrateur"), "buyer": _l("Acheteur"),
               "supplier": _l("Entreprise"), "auditor": _l("Contrôleur")}


def _label(labels: dict, name: str | None) -> str:
    return str(labels[name]) if name in labels else (name or "")


def pillar(name: str) -> str:
    return _label(PILLAR_LABELS, name)


def category(name: str) -> str:
    return _label(CATEGORY_LABELS, name)


def state(name: str) -> str:
    return _label(STATE_LABELS, name)


def role(name: str | None) -> str:
    return _label(ROLE_LABELS, name)


def init_app(app) -> None:
    app.jinja_env.filters.update(amount=amount, number=number, points=points, percent=percent,
                                 when=when, time_of_day=time_of_day, iso=iso, pillar=pillar,
                                 category=category, state=state, role=role,
                                 answer=lambda v: answer_text(v, missing=NONE,
                                                              none_listed=_("aucun")))
    app.jinja_env.globals.update(PILLARS=PILLARS)
