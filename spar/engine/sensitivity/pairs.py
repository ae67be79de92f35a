"""Neighbouring ranks: for every pair of adjacent ranked offers, the smallest top-level
weight change that swaps them — of a scoring, or of a stored one."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..criteria import CriteriaSet
from ..scoring import RANKED, LotResult, Weights, rank_offers
from .lines import EDGE, SLOPE_EPS, Lines


def pair_stability(result: LotResult) -> list[dict[str, Any]]:
    """For every pair of adjacent ranked offers, the smallest top-level weight change
    that puts the lower one ahead of the upper one, per criterion and direction.

    Each pair is looked at alone: other offers may pass either of them sooner.
    """
    return pairs(Lines.of(result))


def stored_pairs(criteria: CriteriaSet, entries: Sequence[Mapping[str, Any]]
                 ) -> list[dict[str, Any]]:
    """:func:`pair_stability` of a stored scoring, from its entries (SPEC §4, rank order):
    their totals, ranks and leaf scores, without scoring again."""
    ranked = [e for e in entries if e["status"] == RANKED]
    weights = Weights.of(criteria)
    column = {leaf.path: j for j, leaf in enumerate(weights.leaves)}
    scores = np.zeros((len(ranked), len(weights.leaves)))
    for k, entry in enumerate(ranked):
        for leaf in entry.get("breakdown") or ():
            scores[k, column[leaf["criterion"]]] = leaf["score"]
    return pairs(Lines.build(criteria, weights,
                               np.array([e["id"] for e in ranked], dtype=object),
                               np.array([e["total"] for e in ranked], dtype=np.float64),
                               np.array([e["rank"] for e in ranked]), scores))


def pairs(lines: Lines) -> list[dict[str, Any]]:
    r, K = lines.slope.shape
    if r < 2 or K < 2:
        return []
    upper, lower = np.arange(r - 1), np.arange(1, r)
    gap = np.maximum(lines.base[upper] - lines.base[lower], 0.0)
    found: dict[int, np.ndarray] = {}
    for direction in (-1, 1):
        speed = direction * (lines.slope[lower] - lines.slope[upper])  # (r-1, K)
        room = 1.0 - lines.shares if direction > 0 else lines.shares
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(speed > SLOPE_EPS * lines.points, gap[:, None] / speed, np.inf)
        t[:, lines.shares >= 1.0] = np.inf
        # a crossing at the end of the range (or past it by a rounding) holds only if,
        # scored there, the lower offer is ahead of the upper one, tie-break included
        for p, k in zip(*np.nonzero(np.isfinite(t) & (t >= room * (1 - EDGE)))):
            edge = lines.totals_at_edge(k, direction)[[p, p + 1]]
            rank, _ = rank_offers(edge, lines.tie[[p, p + 1]], np.ones(2, dtype=bool))
            t[p, k] = room[k] if rank.tolist() == [2, 1] else np.inf
        found[direction] = t * lines.points
    both = np.minimum(found[-1], found[1])
    best_k = np.argmin(both, axis=1)
    out = []
    for p in range(r - 1):
        k = int(best_k[p])
        smallest = float(both[p, k])
        out.append({
            "ranks": [int(lines.rank[p]), int(lines.rank[p + 1])],
            "offers": [str(lines.ids[p]), str(lines.ids[p + 1])],
            "gap_points": float(gap[p]),
            "smallest_change_points": None if np.isinf(smallest) else smallest,
            "criterion": None if np.isinf(smallest) else lines.nodes[k].path,
            "criteria": [
                {"criterion": node.path,
                 "decrease_points": _finite(-found[-1][p, j]),
                 "increase_points": _finite(found[1][p, j])}
                for j, node in enumerate(lines.nodes)
            ],
        })
    return out


def _finite(x: float) -> float | None:
    return None if np.isinf(x) else float(x)
