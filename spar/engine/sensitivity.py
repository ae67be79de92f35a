"""How solid an award decision is: effective weights and stability of the winner.

Two questions an auditor asks of a scored lot, answered from the
:class:`~spar.engine.scoring.LotResult` alone, without scoring again:

* **Effective weights.** The declared weights are not what decides: a price
  formula can squeeze price differences into a few points and silently hand
  the decision to the other criteria (French case law forbids a notation method
  that neutralises the weighting). A criterion's *effective weight* is the
  spread of the points it actually awarded among the ranked offers, as a share
  of the spreads of all criteria at the same level.

* **Stability of the winner.** For each top-level criterion, the smallest change
  of its weight (the other top-level criteria rescaled proportionally) that
  would give the lot to another offer, in both directions, and who would win.

Why the stability is exact and not a scan: leaf scores never depend on weights,
and neither does elimination by a top-level weight change (a node's score
depends on the weights *below* it, never on its own weight or its ancestors'),
so the competing offers, the relative methods' statistics and the tie-break
scores all stay as they are. Each total is then an affine function of the new
share, and the first change of winner is where two lines cross. A *nested*
weight, by contrast, changes its group's score, hence possibly an elimination
and the relative scores of everybody: that is why what-if variants are scored
again through the engine (:func:`spar.analysis.compare_variants`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .criteria import PILLAR_LABELS, PILLARS, CriteriaSet
from .errors import AnalysisSettingError
from .methods import get_method
from .scoring import RANKED, LotResult, Weights, rank_offers
from .text import fr_number, fr_percent

DEFAULT_FACTOR = 2.0
DEFAULT_FRAGILE_POINTS = 2.0

#: The premises of the analysis, written for the people who read it.
ASSUMPTIONS = (
    "Les notes des offres ne dépendent pas des pondérations : modifier le poids d'un critère "
    "de premier niveau ne change ni les notes des méthodes relatives (prix…), évaluées sur les "
    "mêmes offres concurrentes, ni les éliminations (une note éliminatoire porte sur la note "
    "d'un critère, qui ne dépend pas de son propre poids). Les totaux varient donc de façon "
    "affine avec le poids et les seuils calculés sont exacts.",
    "Quand le poids d'un critère de premier niveau change, les autres critères de premier "
    "niveau sont ajustés proportionnellement pour que le total des poids reste le même.",
    "Le poids effectif d'un critère est l'écart de points (maximum − minimum) qu'il a "
    "réellement attribué entre les offres classées, rapporté à la somme de ces écarts pour "
    "tous les critères du même niveau.",
)

# Slopes closer than this (in points per unit of share) are the same line up to
# rounding: two offers with identical node scores must never be reported as
# separable by a weight change.
_SLOPE_EPS = 1e-12
# A crossing within this share (relative) of 0 or 1 is at the end of the range: the lines
# are not read past it, the lot is scored there.
_EDGE = 1e-9


def analyse_result(result: LotResult, *, factor: float = DEFAULT_FACTOR,
                   fragile_points: float = DEFAULT_FRAGILE_POINTS,
                   pairs: bool = False) -> dict[str, Any]:
    """Effective weights and winner stability of a scored lot, as a JSON-ready dict.

    ``factor`` (> 1): an effective share more than ``factor`` times its declared
    share, or less than its declared share divided by ``factor``, is a warning.
    ``fragile_points``: a winner that changes with a weight change smaller than
    this many points *on a 100-point scale* (percentage points of the total
    weight, so that a set scored on 20 is judged like one scored on 100) makes
    the decision fragile. ``pairs``: also the smallest weight change that swaps
    every pair of adjacent ranks.

    The result has no NaN: undefined quantities are ``None``. Messages people
    read (``warnings``, ``assumptions``) are in French. AnalysisSettingError for a factor
    ≤ 1 or a negative ``fragile_points``.
    """
    effective = effective_weights(result, factor)
    lines = _Lines.of(result)
    stability = _stability(lines, fragile_points)
    cautions = method_cautions(result)
    out: dict[str, Any] = {
        "criteria": result.criteria.identity,
        "engine": result.engine,
        "lot": result.lot.lot_id,
        "points": float(result.criteria.points),
        "ranked_offers": int(lines.ids.size),
        "factor": float(factor),
        "fragile_points": float(fragile_points),
        "assumptions": list(ASSUMPTIONS),
        "effective_weights": effective,
        "stability": stability,
        "warnings": effective["warnings"] + stability["warnings"] + cautions,
    }
    if pairs:
        out["pairs"] = _pairs(lines)
    return out


def method_cautions(result: LotResult) -> list[str]:
    """What the scoring methods say of this lot (``lot_caution`` of their modules): a
    formula that gives all of a criterion's points on a difference of a cent, say."""
    out = []
    ranked = result.status == RANKED
    for j, leaf in enumerate(result.weights.leaves):
        caution = getattr(get_method(leaf.method), "lot_caution", None)
        if caution is None:
            continue
        column = result.lot.columns[leaf.input]
        count = int(np.count_nonzero(ranked & ~result.missing(leaf.input)))
        text = caution(result.stats_final[j], count, float(result.max_points[j])) \
            if isinstance(column, np.ndarray) else None
        if text:
            out.append(f"{leaf.label} ({leaf.path}) : {text}.")
    return out


# --------------------------------------------------------------------------- effective weights
def effective_weights(result: LotResult, factor: float = DEFAULT_FACTOR) -> dict[str, Any]:
    """Declared and effective shares per leaf, per top-level criterion and per pillar.

    The *spread* of a criterion is the range (maximum − minimum) of the points it
    gave the ranked offers. The range, rather than a standard deviation, because
    it is the largest gap this criterion can open between two offers that compete
    for the award, in the same points as its declared maximum, and it is the
    "swing" that multi-criteria decision practice weighs against: a 40-point
    price criterion whose offers all score between 38 and 40 weighs 2 points in
    the decision, whatever the file says. Only ranked offers count: eliminated
    offers keep first-pass scores and irregular ones have none.

    Each level is normalised on its own (the spreads of a group's points are not
    the sums of its leaves' spreads), so the effective shares of the leaves, of
    the top-level criteria and of the pillars each add up to 1 — or are all
    ``None`` when no criterion separates the ranked offers (fewer than two of
    them, or all equal). AnalysisSettingError for a ``factor`` ≤ 1.
    """
    if not factor > 1:
        raise AnalysisSettingError(f"le facteur d'écart doit être supérieur à 1, pas "
                                   f"{factor!r}")
    criteria = result.criteria
    ranked = result.status == RANKED
    points = result.points[ranked]
    weights = result.weights
    top = [node for node in criteria.root.children]
    top_idx = [weights.node_paths.index(node.path) for node in top]
    shares = criteria.shares()
    top_share = np.array([shares[node.path] for node in top])
    top_points = (result.scores[ranked] @ weights.node_matrix[:, top_idx]) \
        * (criteria.points * top_share)
    pillar_points = points @ weights.pillar_matrix
    pillar_share = weights.leaf_share @ weights.pillar_matrix
    used = [k for k, _ in enumerate(PILLARS) if pillar_share[k] > 0]

    leaves = _level(points, weights.leaf_share, criteria.points, factor)
    tops = _level(top_points, top_share, criteria.points, factor)
    pillars = _level(pillar_points[:, used], pillar_share[used], criteria.points, factor)

    out_leaves = [{"criterion": leaf.path, "label": leaf.label, "pillar": leaf.pillar, **row}
                  for leaf, row in zip(weights.leaves, leaves)]
    out_tops = [{"criterion": node.path, "label": node.label, "pillar": node.pillar, **row}
                for node, row in zip(top, tops)]
    out_pillars = [{"pillar": PILLARS[k], "label": PILLAR_LABELS[PILLARS[k]], **row}
                   for k, row in zip(used, pillars)]

    warnings: list[str] = []
    if not any(row["effective_share"] is not None for row in tops):
        warnings.append("Poids effectifs non calculables : il faut au moins deux offres "
                        "classées dont les notes diffèrent.")
    for entry in out_tops:
        if entry["divergent"]:
            warnings.append(_divergence_message(f"{entry['label']} ({entry['criterion']})",
                                                entry))
    for entry in out_pillars:
        if entry["divergent"]:
            warnings.append(_divergence_message(f"Pilier {entry['label']}", entry))
    return {"spread": "range", "criteria": out_tops, "leaves": out_leaves,
            "pillars": out_pillars, "warnings": warnings}


def _level(points: np.ndarray, declared: np.ndarray, scale: float,
           factor: float) -> list[dict[str, Any]]:
    """One row per column of ``points`` (ranked offers × criteria of one level)."""
    spread = np.ptp(points, axis=0) if points.shape[0] else np.zeros(points.shape[1])
    total = float(spread.sum())
    rows = []
    for k in range(points.shape[1]):
        effective = float(spread[k] / total) if total > 0 else None
        ratio = effective / float(declared[k]) if effective is not None else None
        rows.append({
            "declared_share": float(declared[k]),
            "declared_points": float(declared[k] * scale),
            "spread_points": float(spread[k]),
            "effective_share": effective,
            "ratio": ratio,
            "divergent": ratio is not None and (ratio > factor or ratio < 1 / factor),
        })
    return rows


def _divergence_message(name: str, entry: dict[str, Any]) -> str:
    ratio = entry["ratio"]
    if ratio < 1:
        how = (f"la notation réduit son influence d'un facteur {fr_number(1 / ratio, 1)}"
               if ratio > 0 else "la notation neutralise ce critère")
    else:
        how = f"la notation amplifie son influence d'un facteur {fr_number(ratio, 1)}"
    return (f"{name} : poids déclaré {fr_percent(entry['declared_share'])}, poids effectif "
            f"{fr_percent(entry['effective_share'])} (écart de "
            f"{fr_number(entry['spread_points'])} points entre offres classées, sur "
            f"{fr_number(entry['declared_points'])} possibles) : {how}.")


# --------------------------------------------------------------------------- stability
@dataclass(frozen=True)
class _Lines:
    """The ranked offers' totals as affine functions of each top-level share.

    For top-level criterion k of share w_k and node scores S_ik, moving its share
    to w_k + d (the others rescaled by (1 − w_k − d) / (1 − w_k)) gives
    T_i(d) = T_i + d · slope_ik with slope_ik = points · (S_ik − R_ik), R_ik being
    the offer's score on the other top-level criteria together.
    """

    ids: np.ndarray  # (r,) offer ids, in rank order
    base: np.ndarray  # (r,) totals as scored
    slope: np.ndarray  # (r, K) d total / d share of criterion k
    tie: np.ndarray  # (r, t) tie-break node scores
    rank: np.ndarray  # (r,) ranks as scored
    shares: np.ndarray  # (K,) declared top-level shares
    nodes: list  # the top-level nodes
    points: float  # the set's scale
    node_scores: np.ndarray  # (r, K) each offer's score on each top-level criterion

    @classmethod
    def of(cls, result: LotResult) -> "_Lines":
        order = result.order[: int(np.count_nonzero(result.status == RANKED))]
        ids = np.array([result.lot.offer_ids[i] for i in order], dtype=object)
        return cls.build(result.criteria, result.weights, ids, result.totals[order],
                         result.rank[order], result.scores[order])

    @classmethod
    def build(cls, criteria: CriteriaSet, weights: Weights, ids: np.ndarray, totals: np.ndarray,
              rank: np.ndarray, scores: np.ndarray) -> "_Lines":
        """The lines of the ranked offers (in rank order) from their totals, ranks and
        leaf scores — those of a result, or those a scoring stored."""
        nodes = list(criteria.root.children)
        shares = criteria.shares()
        w = np.array([shares[node.path] for node in nodes])
        node_scores = weights.node_scores(scores, [node.path for node in nodes])
        overall = node_scores @ w
        with np.errstate(divide="ignore", invalid="ignore"):
            rest = (overall[:, None] - node_scores * w) / (1.0 - w)
        slope = np.where(w < 1.0, criteria.points * (node_scores - rest), 0.0)
        tie_paths = list(criteria.tie_break)
        tie = (weights.node_scores(np.nan_to_num(scores), tie_paths) if tie_paths
               else np.zeros((len(ids), 0)))
        return cls(ids, np.asarray(totals, dtype=np.float64), slope, tie,
                   np.asarray(rank), w, nodes, float(criteria.points), node_scores)

    def first_win(self, k: int, direction: int, leader: np.ndarray,
                  others: np.ndarray) -> tuple[float, np.ndarray] | None:
        """The smallest share change in ``direction`` after which an offer first now is
        no longer first, and who is first just past it; None if within [0, 1] none is.

        ``leader`` are the offers ranked first now (several when they share the
        rank); if their slopes differ, they split at a change of 0. A crossing at
        the end of the range (a share of 0 or 1), or past it by a rounding, has no
        "past": the lot is scored at that share instead, ties and tie-breaks
        included, and the change counts only if a leader is no longer first there.
        """
        if self.shares[k] >= 1.0:
            return None
        room = 1.0 - self.shares[k] if direction > 0 else self.shares[k]
        s = direction * self.slope[:, k]
        head = leader[0]
        speed = s[others] - s[head]
        catching = speed > _SLOPE_EPS * self.points
        when = np.full(others.size, np.inf)
        # an offer level with the leader now (it lost the tie-break) passes at once
        when[catching] = (np.maximum(self.base[head] - self.base[others[catching]], 0.0)
                          / speed[catching])
        split = leader.size > 1 and np.ptp(s[leader]) > _SLOPE_EPS * self.points
        t = 0.0 if split else float(when.min(initial=np.inf))
        if np.isinf(t):
            return None
        if t >= room * (1 - _EDGE):
            first = self._first_at_edge(k, direction)
            return None if set(leader) <= set(first) else (room, first)
        level = np.concatenate([leader, others[when <= t + 1e-12 * max(t, 1.0)]])
        return t, self._first_beyond(level, s)

    def totals_at_edge(self, k: int, direction: int) -> np.ndarray:
        """Every ranked offer's total with criterion ``k`` at a share of 1 (``direction``
        > 0) or 0, scored from the node scores rather than read off the lines, whose
        extrapolation to the end leaves rounding that can make two equal offers differ."""
        if direction > 0:
            return self.points * self.node_scores[:, k]
        rest = np.arange(len(self.shares)) != k
        w = self.shares[rest]
        return self.points * (self.node_scores[:, rest] * (w / w.sum())).sum(axis=1)

    def _first_at_edge(self, k: int, direction: int) -> np.ndarray:
        rank, _ = rank_offers(self.totals_at_edge(k, direction), self.tie,
                              np.ones(len(self.ids), dtype=bool))
        return np.flatnonzero(rank == 1)

    def _first_beyond(self, candidates: np.ndarray, s: np.ndarray) -> np.ndarray:
        """Among offers level now, those ahead just past this point (SPEC §2.3 ties)."""
        rank, _ = rank_offers(s[candidates], self.tie[candidates],
                              np.ones(candidates.size, dtype=bool))
        return candidates[rank == 1]


def winner_stability(result: LotResult,
                     fragile_points: float = DEFAULT_FRAGILE_POINTS) -> dict[str, Any]:
    """For each top-level criterion, the smallest weight changes that change the winner.

    Both directions are searched within a share in [0, 1]; each found change says
    the new share, the change in points of the set's scale, the offers that win
    just past it (ties decided as SPEC §2.3 does) and the totals where the lines
    cross. ``fragile`` is true when a change under ``fragile_points`` (on a
    100-point scale) changes the winner; AnalysisSettingError if it is negative.
    """
    return _stability(_Lines.of(result), fragile_points)


def _stability(lines: _Lines, fragile_points: float) -> dict[str, Any]:
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


def _change(lines: _Lines, k: int, direction: int, found) -> dict[str, Any]:
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


def pair_stability(result: LotResult) -> list[dict[str, Any]]:
    """For every pair of adjacent ranked offers, the smallest top-level weight change
    that puts the lower one ahead of the upper one, per criterion and direction.

    Each pair is looked at alone: other offers may pass either of them sooner.
    """
    return _pairs(_Lines.of(result))


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
    return _pairs(_Lines.build(criteria, weights,
                               np.array([e["id"] for e in ranked], dtype=object),
                               np.array([e["total"] for e in ranked], dtype=np.float64),
                               np.array([e["rank"] for e in ranked]), scores))


def _pairs(lines: _Lines) -> list[dict[str, Any]]:
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
            t = np.where(speed > _SLOPE_EPS * lines.points, gap[:, None] / speed, np.inf)
        t[:, lines.shares >= 1.0] = np.inf
        # a crossing at the end of the range (or past it by a rounding) holds only if,
        # scored there, the lower offer is ahead of the upper one, tie-break included
        for p, k in zip(*np.nonzero(np.isfinite(t) & (t >= room * (1 - _EDGE)))):
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
