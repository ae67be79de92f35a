"""An organisation's yearly SPAR indicators: the figures' shape, checked, and their JSON.

The service computes the figures from the database; this module fixes their shape::

    {
      "year": 2026,                    # int
      "organisation": "Métropole",     # str, the buyer organisation's name
      "consultations": 42,             # int ≥ 0: consultations published in the year
      "with_environmental_share": 1.0, # share in [0, 1] of them with ≥ 1 environmental
                                       # criterion (None when there is no consultation)
      "with_social_share": 0.64,       # share with ≥ 1 social criterion (or None)
      "pillar_weights": {              # average share of the total weight per pillar,
        "economic": 0.45, "environmental": 0.22, "social": 0.15, "technical": 0.18},
      "insertion_hours": 12450.0,      # insertion hours committed in awarded offers
      "awards": 30,                    # int ≥ 0: lots awarded in the year
      "sme_award_share": 0.4,          # share of awards to SMEs among those whose SME
                                       # status is known (None when none is known)
      "sme_known_awards": 25           # int ≥ 0: awards whose SME status is known
    }

Shares are fractions in [0, 1], never percentages. The SME portal adds the optional keys
``sme``, ``programme`` and ``deadline_to_scoring`` (shapes in :mod:`.indicators_portal`).
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from spar.engine.criteria import PILLAR_LABELS, PILLARS
from spar.engine.text import fr_number, fr_percent

from .errors import ExportError
from .indicators_portal import PORTAL_FIELDS, portal_lines, portal_problems

#: Key → (what it must be, whether None is allowed).
FIELDS = {
    "year": ("int", False),
    "organisation": ("str", False),
    "consultations": ("count", False),
    "with_environmental_share": ("share", True),
    "with_social_share": ("share", True),
    "pillar_weights": ("pillars", False),
    "insertion_hours": ("number", False),
    "awards": ("count", False),
    "sme_award_share": ("share", True),
    "sme_known_awards": ("count", False),
}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _problem(key: str, kind: str, value: Any) -> str | None:
    if kind == "int" and not (isinstance(value, int) and not isinstance(value, bool)):
        return "un entier est attendu"
    if kind == "str" and not (isinstance(value, str) and value.strip()):
        return "un texte non vide est attendu"
    if kind == "count" and not (isinstance(value, int) and not isinstance(value, bool)
                                and value >= 0):
        return "un entier positif ou nul est attendu"
    if kind == "number" and not (_number(value) and value >= 0):
        return "un nombre positif ou nul est attendu"
    if kind == "share" and not (_number(value) and 0 <= value <= 1):
        return "une part entre 0 et 1 est attendue (pas un pourcentage)"
    if kind == "pillars":
        if not isinstance(value, Mapping):
            return "un objet {pilier: part} est attendu"
        unknown = [p for p in value if p not in PILLARS]
        if unknown:
            return f"pilier(s) inconnu(s) : {', '.join(map(str, unknown))} (attendu : " \
                   f"{', '.join(PILLARS)})"
        bad = [p for p, v in value.items() if not (_number(v) and 0 <= v <= 1)]
        if bad:
            return f"part entre 0 et 1 attendue pour : {', '.join(bad)}"
    return None


def check_figures(figures: Any) -> dict[str, Any]:
    """The figures, checked and with every pillar present; ExportError listing every problem."""
    if not isinstance(figures, Mapping):
        raise ExportError("indicateurs : un objet est attendu")
    problems = []
    for key, (kind, nullable) in FIELDS.items():
        if key not in figures:
            problems.append(f"« {key} » manquant")
            continue
        value = figures[key]
        if value is None and nullable:
            continue
        why = _problem(key, kind, value)
        if why:
            problems.append(f"« {key} » : {why}, reçu {value!r}")
    problems += portal_problems(figures)  # the SME portal's figures, optional
    unknown = [k for k in figures if k not in FIELDS and k not in PORTAL_FIELDS]
    if unknown:
        problems.append("clé(s) inconnue(s) : " + ", ".join(map(str, unknown)))
    if problems:
        raise ExportError("indicateurs invalides : " + " ; ".join(problems))
    out = dict(figures)
    out["pillar_weights"] = {p: float(figures["pillar_weights"].get(p, 0.0)) for p in PILLARS}
    return out


def indicators_json(figures: Mapping[str, Any]) -> bytes:
    """The checked figures as UTF-8 JSON."""
    return json.dumps(check_figures(figures), ensure_ascii=False, indent=2).encode("utf-8")


def indicators_text(figures: Mapping[str, Any]) -> str:
    """The figures as ``spar report indicators`` prints them, one per line, in French."""
    def share(x):
        return "—" if x is None else fr_percent(x)

    lines = [f"Indicateurs SPAR {figures['year']} — {figures['organisation']}",
             f"Consultations publiées : {figures['consultations']}",
             f"… avec un critère environnemental : {share(figures['with_environmental_share'])}",
             f"… avec un critère social : {share(figures['with_social_share'])}",
             "Poids moyen par pilier :"]
    lines += [f"  {PILLAR_LABELS[p]:<20} {share(figures['pillar_weights'].get(p))}"
              for p in PILLAR_LABELS]
    lines += [f"Attributions : {figures['awards']}",
              f"Heures d'insertion engagées par les attributaires : "
              f"{fr_number(figures['insertion_hours'], 0)}",
              f"Part des attributions à des PME : {share(figures['sme_award_share'])} "
              f"({figures['sme_known_awards']} attribution(s) où la taille est connue)"]
    lines += portal_lines(figures)  # the SME portal's figures (SPEC §8)
    return "\n".join(lines) + "\n"
