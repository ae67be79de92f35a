"""French wording shared by the exports: labels, dates in Europe/Paris, answers, methods."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from spar.engine.criteria import Leaf
from spar.engine.text import answer_text as plain_answer_text
from spar.engine.text import fr_number, fr_percent, fr_short

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


def _pct(score: float) -> str:
    return fr_percent(float(score), 0)


def method_text(leaf: Leaf) -> str:
    """How a leaf turns its answer into a score, in a French sentence fragment."""
    p = leaf.params
    m = leaf.method
    unit = f" {leaf.unit}" if leaf.unit else ""
    direction = "la plus basse" if p.get("direction") == "lower" else "la plus haute"
    if m == "price_lowest_ratio":
        return "prix le plus bas ÷ prix de l'offre"
    if m == "price_linear_gap":
        return "1 − écart relatif au prix le plus bas"
    if m == "price_min_max":
        return "interpolation entre le prix le plus haut (0) et le plus bas (1)"
    if m == "linear":
        return (f"linéaire : {fr_short(p['worst'])}{unit} = 0, "
                f"{fr_short(p['best'])}{unit} = 1")
    if m == "relative":
        return f"proportionnelle à la valeur {direction} des offres"
    if m == "min_max":
        return f"interpolation entre les offres extrêmes (meilleure : {direction})"
    if m == "steps":
        sign = "≤" if p.get("direction") == "lower" else "≥"
        return "paliers : " + ", ".join(f"{sign} {fr_short(s['at'])}{unit} : {_pct(s['score'])}"
                                        for s in p["steps"])
    if m == "boolean":
        return (f"oui : {_pct(p.get('if_true', 1))}, non : {_pct(p.get('if_false', 0))}")
    if m == "choice":
        return "choix : " + ", ".join(f"{k} : {_pct(v)}" for k, v in p["options"].items())
    if m == "labels":
        combine = "cumulés (plafond 100 %)" if p.get("combine") == "sum" else "le meilleur"
        evidence = ", justificatif exigé" if p.get("evidence") == "required" else ""
        return (f"labels ({combine}{evidence}) : "
                + ", ".join(f"{k} : {_pct(v)}" for k, v in p["labels"].items()))
    if m == "scale":
        return "échelle : " + ", ".join(f"{fr_short(lv['mark'])} {lv['label']} : "
                                        f"{_pct(lv['score'])}" for lv in p["levels"])
    return m


def requirement_text(leaf: Leaf) -> str:
    """The raw-value requirements of a leaf (empty when none)."""
    parts = []
    unit = f" {leaf.unit}" if leaf.unit else ""
    if leaf.required:
        parts.append("réponse obligatoire")
    if leaf.minimum is not None:
        parts.append(f"minimum {fr_short(leaf.minimum)}{unit}")
    if leaf.maximum is not None:
        parts.append(f"maximum {fr_short(leaf.maximum)}{unit}")
    return ", ".join(parts)


def points_text(x: float | None) -> str:
    """Points rounded to 2 decimals, as reports show them (SPEC §2.1)."""
    return fr_number(x, 2)


#: SPEC §2.4's defaults, to say what a rule applied when the file left them out.
_LOW_PRICE_DEFAULTS = {
    "mean_ratio": {"ratio": 0.8}, "mean_minus_std": {"k": 1}, "estimate_ratio": {"ratio": 0.7},
    "two_pass_mean": {"high": 0.2, "low": 0.1}, "next_offer_gap": {"mean_gap": 0.4,
                                                                    "next_gap": 0.3},
}


def low_price_rule_text(method: str, params: dict[str, Any]) -> str:
    """An abnormally-low rule (SPEC §2.4) in words, with the parameters it used."""
    p = {**_LOW_PRICE_DEFAULTS.get(method, {}), **params}
    f = {k: fr_short(v) for k, v in p.items() if isinstance(v, (int, float))}
    texts = {
        "mean_ratio": lambda: f"prix inférieur à {f['ratio']} × la moyenne des offres",
        "mean_minus_std": lambda: f"prix inférieur à la moyenne moins {f['k']} écart(s)-type(s)",
        "estimate_ratio": lambda: f"prix inférieur à {f['ratio']} × l'estimation du lot",
        "two_pass_mean": lambda: (f"double moyenne : prix inférieur à (1 − {f['low']}) × la "
                                  f"moyenne des offres au plus (1 + {f['high']}) × la moyenne"),
        "next_offer_gap": lambda: (f"écart d'au moins {fr_percent(p['mean_gap'], 0)} à la "
                                   f"moyenne des autres offres ou de "
                                   f"{fr_percent(p['next_gap'], 0)} à l'offre suivante"),
    }
    return f"{method} : " + (texts[method]() if method in texts else
                             ", ".join(f"{k} {v}" for k, v in f.items()))
