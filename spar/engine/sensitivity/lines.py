"""The ranked offers' totals as lines: affine functions of each top-level share, whose
crossings are where the ranking changes (see :mod:`spar.engine.sensitivity`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..criteria import CriteriaSet
from ..scoring import RANKED, LotResult, Weights, rank_offers

# Slopes closer than this (in points per unit of share) are the same line up to
# rounding: two offers with identical node scores must never be reported as
# separable by a weight change.
SLOPE_EPS = 1e-12
# A crossing within this share (relative) of 0 or 1 is at the end of the range: the lines
# are not read past it, the lot is scored there.
EDGE = 1e-9


@dataclass(frozen=True)
class Lines:
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
    def of(cls, result: LotResult) -> "Lines":
        order = result.order[: int(np.count_nonzero(result.status == RANKED))]
        ids = np.array([result.lot.offer_ids[i] for i in order], dtype=object)
        return cls.build(result.criteria, result.weights, ids, result.totals[order],
                         result.rank[order], result.scores[order])

    @classmethod
    def build(cls, criteria: CriteriaSet, weights: Weights, ids: np.ndarray, totals: np.ndarray,
              rank: np.ndarray, scores: np.ndarray) -> "Lines":
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
        catching = speed > SLOPE_EPS * self.points
        when = np.full(others.size, np.inf)
        # an offer level with the leader now (it lost the tie-break) passes at once
        when[catching] = (np.maximum(self.base[head] - self.base[others[catching]], 0.0)
                          / speed[catching])
        split = leader.size > 1 and np.ptp(s[leader]) > SLOPE_EPS * self.points
        t = 0.0 if split else float(when.min(initial=np.inf))
        if np.isinf(t):
            return None
        if t >= room * (1 - EDGE):
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
