"""A supplier's self-assessment (``spar self-assess``) as text for a terminal."""

from __future__ import annotations

from typing import Any

from spar.engine.criteria import PILLAR_LABELS
from spar.engine.text import answer_text, fr_number

from .text_layout import bullet, fit

#: The status the draft offer would have, as the supplier reads it.
STATUS_SELF = {"ranked": "recevable (elle serait classée)", "eliminated": "éliminée",
               "irregular": "irrégulière"}


def render_self_assessment(data: dict[str, Any], crit) -> str:
    """A self-assessment (``SelfAssessment.to_dict()``) as text for a terminal."""
    points = data["points"]
    lines = [f"Auto-évaluation indicative — {crit.title} ({crit.id} v{crit.version})",
             "Estimation sans engagement : rien de ce que vous saisissez n'est transmis à un "
             "acheteur.", "",
             f"Total indicatif : {fr_number(data['total'])} / {fr_number(points, 0)} points — "
             f"offre {STATUS_SELF.get(data['status'], data['status'])}"]
    lines += [f"  · {reason['message']}" for reason in data["reasons"]]
    shares = crit.pillar_shares()
    for pillar, value in data["pillars"].items():
        if shares.get(pillar, 0) > 0:
            lines.append(f"  {PILLAR_LABELS[pillar]:<20} {fr_number(value):>7} / "
                         f"{fr_number(shares[pillar] * points)}")

    assumed = set(data["assumed_best"])
    lines += ["", f"{'Critère':<44} {'Réponse':<24} {'Points':>15}"]
    for entry in data["breakdown"]:
        name = f"{entry['label']} ({entry['criterion']})"
        mark = " *" if entry["criterion"] in assumed else ""
        lines.append(f"{fit(name, 44):<44} {fit(_answer(entry['value']), 24):<24} "
                     f"{fr_number(entry['points']):>7} / {fr_number(entry['max_points']):>5}"
                     f"{mark}")
    if assumed:
        lines += ["", "* noté comme si votre offre était la meilleure (aucune hypothèse sur la "
                  "concurrence)"]
    if data["notes"]:
        lines += ["", "Notes"] + [bullet(note) for note in data["notes"]]
    lines += ["", "Pistes pour gagner des points (les plus gros gains d'abord)"]
    lines += [bullet(hint["message"]) for hint in data["hints"]] or \
        ["  aucune : chaque critère obtient déjà son maximum"]
    if data.get("what_if"):
        wanted = fr_number(data["what_if"][0]["wanted"], 1)
        lines += ["", f"Le plus petit changement pour gagner {wanted} points, par critère"]
        lines += [bullet(search["message"]) for search in data["what_if"]]
    return "\n".join(lines) + "\n"


def _answer(value: Any) -> str:
    return answer_text(value, none_listed="aucun")
