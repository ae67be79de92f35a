"""A criteria tree as the pages show it: each criterion's share of the total, what it
measures and how it is scored, in the French words of the exports (one wording)."""

from __future__ import annotations

from typing import Any

from ..engine.criteria import CriteriaSet, Leaf
from ..engine.methods import get_method
from ..exports.french import method_text, requirement_text


def rows(criteria: CriteriaSet) -> list[dict[str, Any]]:
    """One row per criterion, depth first, in file order."""
    shares = criteria.shares()
    out = []
    for node in criteria.nodes():
        leaf = isinstance(node, Leaf)
        out.append({
            "path": node.path, "label": node.label, "depth": node.path.count("."),
            "pillar": node.pillar, "share": shares[node.path], "group": not leaf,
            "points": shares[node.path] * criteria.points,
            "unit": node.unit if leaf else None, "help": node.help,
            "input": node.input if leaf else None,
            "method": method_text(node) if leaf else None,
            "relative": leaf and get_method(node.method).RELATIVE,
            "assessed_by_buyer": leaf and node.assessed_by == "buyer",
            "requirements": requirement_text(node) if leaf else "",
            "eliminatory_below": node.eliminatory_below,
        })
    return out
