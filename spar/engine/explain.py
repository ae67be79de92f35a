"""The result of a scoring as SPEC §4 writes it, with one line of arithmetic per leaf."""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from .columns import LabelsColumn, value_at
from .criteria import PILLARS
from .methods import get_method
from .scoring import IRREGULAR, LotResult


def _clean(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def method_value(column, i: int, kind: str) -> Any:
    """The answer of offer ``i`` in the form the method's ``explain`` reads."""
    if isinstance(column, LabelsColumn):
        return (column.value_at(i) or [], column.evidence_at(i))
    return value_at(column, i, kind)


def explanation(result: LotResult, i: int, j: int) -> str:
    """One line saying how offer ``i`` got its score on leaf ``j``."""
    leaf = result.weights.leaves[j]
    if result.status[i] == IRREGULAR:
        return "offre irrégulière : non notée"
    column = result.lot.columns[leaf.input]
    if result.missing(leaf.input)[i]:
        return "pas de réponse : 0.0000"
    method = get_method(leaf.method)
    return method.explain(method_value(column, i, method.KIND), float(result.scores[i, j]),
                          leaf.params, result.stats_for(i, j))


def leaf_entries(result: LotResult, i: int) -> list[dict[str, Any]]:
    """The breakdown of offer ``i``: one entry per leaf."""
    out = []
    points = result.points
    max_points = result.max_points
    for j, leaf in enumerate(result.weights.leaves):
        kind = get_method(leaf.method).KIND
        out.append({
            "criterion": leaf.path,
            "label": leaf.label,
            "pillar": leaf.pillar,
            "input": leaf.input,
            "value": value_at(result.lot.columns[leaf.input], i, kind),
            "score": _clean(result.scores[i, j]),
            "max_points": float(max_points[j]),
            "points": _clean(points[i, j]),
            "explanation": explanation(result, i, j),
        })
    return out


def _read(reasons, i: int) -> list[dict[str, Any]]:
    """Offer ``i``'s reasons, without caching empty lists when the engine allows it."""
    return reasons.peek(i) if hasattr(reasons, "peek") else reasons[i]


def offer_entry(result: LotResult, i: int, breakdown: bool = True) -> dict[str, Any]:
    """SPEC §4's entry for offer ``i``."""
    reasons, flags = _read(result.reasons, i), _read(result.flags, i)
    irregular = result.status[i] == IRREGULAR
    pillar_points = result.pillar_points[i]
    model = None if result.model_scores is None else _clean(result.model_scores[i])
    entry: dict[str, Any] = {
        "id": result.lot.offer_ids[i],
        "status": str(result.status[i]),
        "rank": int(result.rank[i]) or None,
        "total": None if irregular else float(result.totals[i]),
        "pillars": {} if irregular else {p: float(pillar_points[k]) for k, p in enumerate(PILLARS)},
        "reasons": list(reasons) + list(flags),
        "review": {"flagged": bool(flags), "reasons": list(flags),
                   "model_score": model, "model_version": result.model_version,
                   "top_features": [] if result.model_explanations is None
                   else list(result.model_explanations[i])},
    }
    supplier = result.lot.suppliers[i] if result.lot.suppliers else None
    if supplier:
        entry["supplier"] = dict(supplier)
    if breakdown:
        entry["breakdown"] = leaf_entries(result, i)
    return entry


def result_to_dict(result: LotResult, breakdown: bool = True) -> dict[str, Any]:
    """The JSON object of SPEC §4, offers in rank order."""
    return {
        "criteria": result.criteria.identity,
        "engine": result.engine,
        "lot": result.lot.lot_id,
        "points": float(result.criteria.points),
        "warnings": list(result.warnings),
        "offers": [offer_entry(result, int(i), breakdown) for i in result.order],
    }


def breakdown_rows(result: LotResult) -> Iterator[dict[str, Any]]:
    """One row per offer × leaf, in rank order, produced lazily for streaming exports."""
    max_points = result.max_points
    leaves = result.weights.leaves
    kinds = [get_method(leaf.method).KIND for leaf in leaves]
    for i in result.order:
        i = int(i)
        irregular = result.status[i] == IRREGULAR
        row_points = result.scores[i] * max_points
        base = {
            "lot": result.lot.lot_id,
            "offer": result.lot.offer_ids[i],
            "status": str(result.status[i]),
            "rank": int(result.rank[i]) or None,
            "total": None if irregular else float(np.nansum(row_points)),
        }
        for j, leaf in enumerate(leaves):
            yield {
                **base,
                "criterion": leaf.path,
                "label": leaf.label,
                "pillar": leaf.pillar,
                "input": leaf.input,
                "value": value_at(result.lot.columns[leaf.input], i, kinds[j]),
                "score": _clean(result.scores[i, j]),
                "max_points": float(max_points[j]),
                "points": _clean(row_points[j]),
                "explanation": explanation(result, i, j),
            }
