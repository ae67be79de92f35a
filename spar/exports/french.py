"""French wording shared by the exports: labels, dates in Europe/Paris, answers, methods
(each method's and rule's own words, from its module)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from spar.engine.criteria import Leaf
# how a method scores and what a rule flags are said by their modules, in these words
from spar.engine.low_price import describe as low_price_rule_text  # noqa: F401
from spar.engine.methods import describe as method_text  # noqa: F401
from spar.engine.text import answer_text as plain_answer_text
from spar.engine.text import fr_number, fr_short

PARIS = ZoneInfo("Europe/Paris")

NOT_SCORED = "lot non encore noté"

#: Pillar names short enough for a table column.
PILLAR_SHORT = {"economic": "Économique", "environmental": "Environnement", "social": "Social",
                "technical": "Technique"}

STATUS_LABELS = {"ranked": "classée", "eliminated": "éliminée", "irregular": "irrégulière"}

CATEGORY_LABELS = {"supplies": "fournitures", "services": "services", "works": "travaux"}

#: The buyer's decisions on an offer flagged for review…
DECISION_LABELS = {
    "cleared": "offre maintenue après examen",
    "rejected": "offre rejetée après examen",
    "needs_information": "précisions demandées au candidat",
}
#: … and on an offer an abnormally-low rule flagged, whose price was what was examined.
LOW_PRICE_DECISION_LABELS = {
    **DECISION_LABELS,
    "cleared": "offre maintenue (prix justifié)",
    "rejected": "offre rejetée comme anormalement basse",
}
#: Who or what put an offer up for review, by reason code (SPEC §4).
FLAG_SOURCES = {
    "abnormally_low": "règle d'offre anormalement basse",
    "model": "modèle de revue",
    "audit_sample": "tirage au sort de contrôle",
}


def decision_text(decision: str, abnormally_low: bool) -> str:
    """The buyer's decision in words; on an abnormally-low offer it speaks of the price."""
    return (LOW_PRICE_DECISION_LABELS if abnormally_low else DECISION_LABELS)[decision]


def flag_source(reason: dict[str, Any]) -> str:
    """Which rule or model raised a review reason, in words.

    Documents stored before notes existed may hold other codes (a label without
    evidence…): they were flags then, and read as such.
    """
    return FLAG_SOURCES.get(reason.get("code"), "règle de revue")


def as_datetime(value: Any) -> datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string (None stays None)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def paris(value: Any) -> datetime | None:
    """The moment in Europe/Paris time."""
    dt = as_datetime(value)
    return None if dt is None else dt.astimezone(PARIS)


def fr_datetime(value: Any) -> str:
    """``01/09/2026 à 12:00`` in Paris time; ``—`` when unknown."""
    dt = paris(value)
    return "—" if dt is None else dt.strftime("%d/%m/%Y à %H:%M")


def fr_rank(rank: int | None) -> str:
    """``1er``, ``2e`` …; ``—`` for an unranked offer."""
    if not rank:
        return "—"
    return "1er" if rank == 1 else f"{rank}e"


def answer_text(value: Any) -> str:
    """An answer as a person reads it: ``oui``, ``12 000``, ``EU Ecolabel | FSC``."""
    return plain_answer_text(value, missing="", separator=" | ")


def requirements(leaf: Leaf, short: bool = False) -> list[str]:
    """The raw-value requirements of a leaf, one phrase each: ``réponse obligatoire``,
    ``minimum 75 %``; ``short`` (a terminal's tree): ``obligatoire``, ``min 75``."""
    unit = "" if short or not leaf.unit else f" {leaf.unit}"
    required, low, high = ("obligatoire", "min", "max") if short else \
        ("réponse obligatoire", "minimum", "maximum")
    parts = [required] if leaf.required else []
    parts += [f"{word} {fr_short(bound)}{unit}"
              for word, bound in ((low, leaf.minimum), (high, leaf.maximum)) if bound is not None]
    return parts


def requirement_text(leaf: Leaf) -> str:
    """The raw-value requirements of a leaf (empty when none)."""
    return ", ".join(requirements(leaf))


def points_text(x: float | None) -> str:
    """Points rounded to 2 decimals, as reports show them (SPEC §2.1)."""
    return fr_number(x, 2)
