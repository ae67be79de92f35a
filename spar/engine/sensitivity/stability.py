"""Stability of the winner: for each top-level criterion, the smallest change of its
weight that gives the lot to another offer, in both directions."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import AnalysisSettingError
from ..scoring import LotResult
from ..text import fr_number
from .lines import Lines

DEFAULT_FRAGILE_POINTS = 2.0


def winner_stability(result: LotResult,
                     fragile_points: float = DEFAULT_FRAGILE_POINTS) -> dict[str, Any]:
    """For each top-level criterion, the smallest weight changes that change the winner.

    Both directions are searched within a share in [0, 1]; each found change says
    the new share, the change in points of the set's scale, the offers that win
    just past it (ties decided as SPEC §2.3 does) and the totals where the lines
    cross. ``fragile`` is true when a change under ``fragile_points`` (on a
    100-point scale) changes the winner; AnalysisSettingError if it is negative.
    """
    return stability(Lines.of(result), fragile_points)


def stability(lines: Lines, fragile_points: float) -> dict[str, Any]:
    if not fragile_points >= 0:
        raise AnalysisSettingError(f"le seuil de fragilité doit être positif ou nul, pas "
                                   f"{fragile_points!r}")
    scale = lines.points
    threshold = fragile_points * scale / 100.0
    out: dict[str, Any] = {"winner": [], "fragile": False, "fragile_threshold_points": threshold,
                           "smallest_change_points": None, "criteria": [], "warnings": []}
    if lines.ids.size == 0:
        out["warnings"].append("Aucune offre classée : pas de vainqueur à éprouver.")
        return out
    leader = np.flatnonzero(lines.rank == 1)
    others = np.flatnonzero(lines.rank != 1)
    out["winner"] = [str(x) for x in lines.ids[leader]]
    if len(lines.nodes) == 1:
        out["warnings"].append("Un seul critère de premier niveau : son poids ne peut pas varier.")
        return out
    smallest = None
    for k, node in enumerate(lines.nodes):
        entry = {"criterion": node.path, "label": node.label,
                 "declared_share": float(lines.shares[k]),
                 "declared_points": float(lines.shares[k] * scale)}
        changes = []
        for direction, name in ((-1, "decrease"), (1, "increase")):
            found = lines.first_win(k, direction, leader, others)
            entry[name] = None if found is None else _change(lines, k, direction, found)
            if found is not None:
                changes.append(found[0] * scale)
        entry["smallest_change_points"] = min(changes) if changes else None
        entry["fragile"] = bool(changes) and min(changes) < threshold
        out["criteria"].append(entry)
        if changes and (smallest is None or min(changes) < smallest[0]):
            smallest = (min(changes), entry)
    if smallest is not None:
        out["smallest_change_points"] = smallest[0]
        out["fragile"] = smallest[0] < threshold
        if out["fragile"]:
            out["warnings"].append(_fragile_message(smallest[1], scale, fragile_points))
    return out


def _change(lines: Lines, k: int, direction: int, found) -> dict[str, Any]:
    """One found change as the output writes it; the lines of the old and new winners
    cross at ``total_at_change``."""
    t, winners = found
    room = 1.0 - lines.shares[k] if direction > 0 else lines.shares[k]
    if t >= room:  # at the end of the range: a share of exactly 0 or 1, scored there
        share = 1.0 if direction > 0 else 0.0
        at = lines.totals_at_edge(k, direction)[winners[0]]
    else:
        share = min(max(float(lines.shares[k] + direction * t), 0.0), 1.0)
        at = lines.base[winners[0]] + direction * t * lines.slope[winners[0], k]
    return {
        "share": share,
        "weight_points": share * lines.points,
        "change_points": (share - float(lines.shares[k])) * lines.points,
        "winner": [str(x) for x in lines.ids[winners]],
        "total_at_change": float(at),
    }


def _fragile_message(entry: dict[str, Any], scale: float, fragile_points: float) -> str:
    change = min((entry[d] for d in ("decrease", "increase") if entry[d] is not None),
                 key=lambda c: abs(c["change_points"]))
    verb = "baisse" if change["change_points"] < 0 else "hausse"
    winners = ", ".join(change["winner"])
    return (f"Décision fragile : une {verb} de {fr_number(abs(change['change_points']))} point(s) "
            f"du poids de {entry['label']} ({entry['criterion']}), de "
            f"{fr_number(entry['declared_points'])} à {fr_number(change['weight_points'])} sur "
            f"{fr_number(scale, 0)}, donnerait le lot à {winners} (seuil de fragilité : "
            f"{fr_number(fragile_points)} points sur 100).")
