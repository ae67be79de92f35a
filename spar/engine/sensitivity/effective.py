"""Effective weights: the spread of the points each criterion really awarded among the
ranked offers, beside its declared share (see :mod:`spar.engine.sensitivity`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..criteria import PILLAR_LABELS, PILLARS
from ..errors import AnalysisSettingError
from ..scoring import RANKED, LotResult
from ..text import fr_number, fr_percent

DEFAULT_FACTOR = 2.0


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
