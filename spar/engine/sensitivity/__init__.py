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

:mod:`.effective` computes the effective weights, :mod:`.lines` the totals as lines,
:mod:`.stability` the winner's and :mod:`.pairs` the neighbouring ranks'; this module
puts the analysis of a scored lot together.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..methods import get_method
from ..scoring import RANKED, LotResult
from .effective import DEFAULT_FACTOR, effective_weights
from .lines import Lines
from .pairs import pair_stability, pairs as neighbour_pairs, stored_pairs
from .stability import DEFAULT_FRAGILE_POINTS, stability, winner_stability

__all__ = ["ASSUMPTIONS", "DEFAULT_FACTOR", "DEFAULT_FRAGILE_POINTS", "analyse_result",
           "effective_weights", "method_cautions", "pair_stability", "stored_pairs",
           "winner_stability"]

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
    lines = Lines.of(result)
    stable = stability(lines, fragile_points)
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
        "stability": stable,
        "warnings": effective["warnings"] + stable["warnings"] + cautions,
    }
    if pairs:
        out["pairs"] = neighbour_pairs(lines)
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
