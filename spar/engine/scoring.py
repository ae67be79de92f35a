"""Score a lot: irregular → compete → eliminate → rank (SPEC §2.3), column by column.

Every method is evaluated once per leaf over the whole lot; group scores are
matrix products of the leaf scores with each node's normalised weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

import numpy as np

from . import VERSION
from .answers import Lot
from .columns import missing_mask
from .criteria import PILLARS, CriteriaSet, Group, Leaf, weighted_nodes
from .low_price import get_rule
from .methods import get_method
from .reasons import OfferReasons
from .text import fr_number, fr_short

RANKED, ELIMINATED, IRREGULAR = "ranked", "eliminated", "irregular"
TIE_TOLERANCE = 1e-9
ELIMINATION_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Weights:
    """The criteria tree as matrices: every node's weight on every leaf."""

    leaves: tuple[Leaf, ...]
    leaf_share: np.ndarray  # (m,) product of normalised weights from the root
    node_paths: tuple[str, ...]
    node_matrix: np.ndarray  # (m, k): column j gives node j's score from leaf scores
    pillar_matrix: np.ndarray  # (m, len(PILLARS)) indicator

    @classmethod
    def of(cls, criteria: CriteriaSet) -> "Weights":
        leaves = criteria.leaves
        index = {leaf.path: j for j, leaf in enumerate(leaves)}
        shares = criteria.shares()
        leaf_share = np.array([shares[leaf.path] for leaf in leaves])
        paths, cols = [], []
        for node in criteria.nodes():
            col = np.zeros(len(leaves))
            if isinstance(node, Group):
                # products of the weights below the group, not a ratio of global shares:
                # the weights above must not leak rounding into a group's own score
                for below, weight in weighted_nodes(node):
                    if isinstance(below, Leaf):
                        col[index[below.path]] = weight
            else:
                col[index[node.path]] = 1.0
            paths.append(node.path)
            cols.append(col)
        pillar_matrix = np.zeros((len(leaves), len(PILLARS)))
        for j, leaf in enumerate(leaves):
            pillar_matrix[j, PILLARS.index(leaf.pillar)] = 1.0
        return cls(leaves, leaf_share, tuple(paths), np.column_stack(cols) if cols else
                   np.zeros((len(leaves), 0)), pillar_matrix)

    def node_scores(self, leaf_scores: np.ndarray, paths: list[str]) -> np.ndarray:
        """(n, len(paths)) scores of the named nodes."""
        idx = [self.node_paths.index(p) for p in paths]
        out = np.empty((leaf_scores.shape[0], len(idx)))
        for k, j in enumerate(idx):
            out[:, k] = _weighted_sum(leaf_scores, self.node_matrix[:, j])
        return out


def _weighted_sum(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``matrix @ weights`` for a tall matrix, without BLAS.

    OpenBLAS splits such a product over threads that spin while they wait: on a
    shared machine, 100,000 × 20 took 16 ms instead of the 0.6 ms einsum takes.
    """
    return np.einsum("ij,j->i", matrix, weights)


@dataclass(frozen=True)
class LotResult:
    """Everything a scoring decided, as arrays over the offers of the lot.

    Built once by :func:`score_lot` and never changed afterwards: the review of the
    offers is an object of its own (:mod:`spar.review`), beside this one.
    """

    criteria: CriteriaSet
    lot: Lot
    weights: Weights
    status: np.ndarray  # object: ranked / eliminated / irregular
    rank: np.ndarray  # int, 0 when not ranked
    scores: np.ndarray  # (n, m) final leaf scores, NaN for irregular offers
    points: np.ndarray  # (n, m) points per leaf, NaN for irregular offers
    totals: np.ndarray  # (n,) the sum of each offer's leaf points: ranked and shown
    stats_first: list[dict[str, float]]  # per leaf, the first-pass statistics
    stats_final: list[dict[str, float]]  # per leaf, over the remaining offers
    reasons: OfferReasons  # why irregular or eliminated
    flags: OfferReasons  # the lot's abnormally-low rules (SPEC §2.4)
    order: np.ndarray  # display order: ranked, then eliminated, then irregular
    warnings: list[str] = field(default_factory=list)
    engine: str = VERSION

    @cached_property
    def max_points(self) -> np.ndarray:
        return self.criteria.points * self.weights.leaf_share

    @cached_property
    def pillar_points(self) -> np.ndarray:
        return self.points @ self.weights.pillar_matrix

    def missing(self, input_name: str) -> np.ndarray:
        """True where the offer left ``input_name`` unanswered (cached per input)."""
        cache = self.__dict__.setdefault("_missing", {})
        if input_name not in cache:
            cache[input_name] = missing_mask(self.lot.columns[input_name])
        return cache[input_name]

    def stats_for(self, i: int, j: int) -> dict[str, float]:
        """The statistics offer ``i`` was scored with on leaf ``j``."""
        return self.stats_first[j] if self.status[i] == ELIMINATED else self.stats_final[j]

    @property
    def flagged(self) -> np.ndarray:
        """True for the offers an abnormally-low rule of the lot flagged."""
        return self.flags.any()


def score_leaves(criteria: CriteriaSet, lot: Lot, competing: np.ndarray):
    """Leaf scores (n, m) and each leaf's statistics over the ``competing`` offers."""
    leaves = criteria.leaves
    # column-major: each leaf's scores are written as one contiguous block
    out = np.empty((len(lot), len(leaves)), order="F")
    stats: list[dict[str, float]] = []
    for j, leaf in enumerate(leaves):
        out[:, j], st = _score_leaf(leaf, lot, competing)
        stats.append(st)
    return out, stats


def _score_leaf(leaf: Leaf, lot: Lot, competing: np.ndarray) -> tuple[np.ndarray, dict]:
    """One leaf's scores over the lot and its statistics over the ``competing`` offers."""
    method = get_method(leaf.method)
    column = lot.columns[leaf.input]
    st = method.statistics(column, competing, leaf.params)
    return method.score(column, leaf.params, st), st


def _irregular(criteria: CriteriaSet, lot: Lot) -> tuple[np.ndarray, OfferReasons]:
    n = len(lot)
    mask = np.zeros(n, dtype=bool)
    reasons = OfferReasons(n)
    for leaf in criteria.leaves:
        column = lot.columns[leaf.input]
        if leaf.required:
            missing = missing_mask(column)
            mask |= missing
            reasons.add(missing, partial(_missing_reason, leaf))
        for bound, op in ((leaf.minimum, "minimum"), (leaf.maximum, "maximum")):
            if bound is None:
                continue
            with np.errstate(invalid="ignore"):
                bad = column < bound if op == "minimum" else column > bound
            mask |= bad
            reasons.add(bad, partial(_bound_reason, leaf, op, bound, column))
    return mask, reasons


def _missing_reason(leaf: Leaf, i: int) -> dict[str, Any]:
    return {"code": "missing_required", "criterion": leaf.path, "input": leaf.input,
            "message": f"Réponse obligatoire manquante : {leaf.label} ({leaf.input})"}


def _bound_reason(leaf: Leaf, op: str, bound: float, column: np.ndarray, i: int
                  ) -> dict[str, Any]:
    word = "inférieure au minimum" if op == "minimum" else "supérieure au maximum"
    return {
        "code": f"below_{op}" if op == "minimum" else f"above_{op}",
        "criterion": leaf.path, "input": leaf.input,
        "value": float(column[i]), "threshold": float(bound),
        "message": (f"{leaf.label} : valeur {fr_short(column[i])} {word} "
                    f"exigé de {fr_short(bound)}" + (f" {leaf.unit}" if leaf.unit else "")),
    }


def _eliminated(criteria: CriteriaSet, weights: Weights, scores: np.ndarray,
                competing: np.ndarray, reasons: OfferReasons) -> np.ndarray:
    gates = criteria.gates
    mask = np.zeros(len(competing), dtype=bool)
    if not gates:
        return mask
    node_scores = weights.node_scores(scores, [g.path for g in gates])
    for k, node in enumerate(gates):
        # a score sitting on the threshold passes, whatever the last bit of rounding says
        below = competing & (node_scores[:, k] < node.eliminatory_below - ELIMINATION_TOLERANCE)
        mask |= below
        reasons.add(below, partial(_eliminatory_reason, node, node_scores[:, k]))
    return mask


def _eliminatory_reason(node, node_scores: np.ndarray, i: int) -> dict[str, Any]:
    return {
        "code": "eliminatory", "criterion": node.path,
        "score": float(node_scores[i]), "threshold": float(node.eliminatory_below),
        "message": (f"Note éliminatoire : {node.label} obtient "
                    f"{fr_number(node_scores[i] * 100, 1)} % de ses points, sous le "
                    f"minimum de {fr_number(node.eliminatory_below * 100, 1)} %"),
    }


def rank_offers(totals: np.ndarray, tie_scores: np.ndarray, ranked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (1, 1, 3…; 0 for the unranked) and the ranked offers in rank order.

    Totals within :data:`TIE_TOLERANCE` are compared on the tie-break node scores,
    highest first; still equal, they share a rank.
    """
    idx = np.flatnonzero(ranked)
    rank = np.zeros(len(totals), dtype=np.int64)
    if idx.size == 0:
        return rank, idx
    order = idx[np.argsort(-totals[idx], kind="stable")]
    t = totals[order]
    starts = np.concatenate([[True], (t[:-1] - t[1:]) > TIE_TOLERANCE])
    cluster = np.cumsum(starts) - 1
    sizes = np.bincount(cluster)
    if (sizes > 1).any():
        first = np.flatnonzero(starts)
        for c in np.flatnonzero(sizes > 1):
            members = order[first[c]:first[c] + sizes[c]]
            keys = tie_scores[members]
            # lexsort sorts ascending by the last key first; negate for highest first
            sub = np.lexsort([-keys[:, j] for j in reversed(range(keys.shape[1]))]) \
                if keys.shape[1] else np.arange(len(members))
            order[first[c]:first[c] + sizes[c]] = members[sub]
    a, b = order[:-1], order[1:]
    same = np.abs(totals[a] - totals[b]) <= TIE_TOLERANCE
    if tie_scores.shape[1] and same.any():
        # the tie-break scores matter only where the totals are equal: few pairs
        k = np.flatnonzero(same)
        same[k] = np.all(np.abs(tie_scores[a[k]] - tie_scores[b[k]]) <= 1e-12, axis=1)
    # a new rank starts wherever an offer differs from the one before it
    starts_at = np.where(np.concatenate([[False], same]), 0, np.arange(len(order)))
    rank[order] = np.maximum.accumulate(starts_at) + 1
    return rank, order


def _flags(criteria: CriteriaSet, lot: Lot, competing: np.ndarray,
           warnings: list[str]) -> OfferReasons:
    flags = OfferReasons(len(lot))
    if criteria.low_price_input is None:
        return flags
    prices = lot.columns[criteria.low_price_input]
    for rule in criteria.low_price_rules:
        module = get_rule(rule.method)
        if module.NEEDS_ESTIMATE and lot.estimate is None:
            warnings.append(f"Règle {rule.method} non appliquée : le lot n'a pas d'estimation.")
            continue
        found = module.evaluate(prices, competing, rule.params, lot.estimate)
        flags.add(found.mask, found.reason)
    return flags


def score_lot(criteria: CriteriaSet, lot: Lot) -> LotResult:
    """Score every offer of a lot following SPEC §2.3 and flag abnormally low ones (§2.4)."""
    weights = Weights.of(criteria)
    n = len(lot)
    irregular, reasons = _irregular(criteria, lot)
    competing = ~irregular

    scores, stats_first = score_leaves(criteria, lot, competing)
    eliminated = _eliminated(criteria, weights, scores, competing, reasons)
    remaining = competing & ~eliminated
    stats_final = list(stats_first)
    if eliminated.any():
        # relative leaves again over the remaining offers, in place: the eliminated keep
        # their first-pass scores
        for j, leaf in enumerate(weights.leaves):
            if get_method(leaf.method).RELATIVE:
                column, stats_final[j] = _score_leaf(leaf, lot, remaining)
                column[eliminated] = scores[eliminated, j]
                scores[:, j] = column
    scores[irregular] = np.nan

    # one total: what ranks an offer is what every report shows, to the last bit
    points = scores * (criteria.points * weights.leaf_share)
    totals = points.sum(axis=1)
    tie_paths = list(criteria.tie_break)
    # NaN for irregular offers, which rank_offers never looks at
    tie_scores = weights.node_scores(scores, tie_paths) if tie_paths else np.zeros((n, 0))
    rank, ranked_order = rank_offers(totals, tie_scores, remaining)

    # a lookup, several times faster than filling an object array offer by offer
    status = np.array([RANKED, ELIMINATED, IRREGULAR], dtype=object)[eliminated + 2 * irregular]
    elim_idx = np.flatnonzero(eliminated)
    elim_order = elim_idx[np.argsort(-totals[elim_idx], kind="stable")]
    order = np.concatenate([ranked_order, elim_order, np.flatnonzero(irregular)]).astype(np.int64)

    warnings: list[str] = []
    flags = _flags(criteria, lot, competing, warnings)
    return LotResult(criteria, lot, weights, status, rank, scores, points, totals, stats_first,
                     stats_final, reasons, flags, order, warnings)
