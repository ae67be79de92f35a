"""``labels``: the environmental or social labels an offer holds.

Each listed label has a score; ``combine: max`` (default) keeps the best label,
``combine: sum`` adds them up, capped at 1. With ``evidence: required`` a label
counts only if the offer's ``evidence`` lists it under the same input name. A
claimed label that is not listed scores nothing.

Example::

    - {id: ecolabel, label: Écolabel, weight: 20, input: labels, method: labels,
       labels: {EU Ecolabel: 1, NF Environnement: 1, Blauer Engel: 1, FSC: 0.5},
       evidence: required}
"""

from __future__ import annotations

import numpy as np

from .base import Param, fmt_score, percent

NAME = "labels"
KIND = "labels"
RELATIVE = False
PARAMETERS = (
    Param("labels", "labels", required=True, doc="label name → score in [0, 1]"),
    Param("combine", "enum", default="max", choices=("max", "sum")),
    Param("evidence", "enum", default="optional", choices=("required", "optional")),
)


def statistics(column, competing, params):
    return {}


def evidence_required(params) -> bool:
    """Whether a label counts only with its evidence (``evidence: required``)."""
    return params["evidence"] == "required"


def _counted(column, params):
    counted = column.claimed
    if evidence_required(params):
        counted = counted & column.evidenced
    return counted


def score(column, params, stats):
    labels = params["labels"]
    weights = np.array([float(labels.get(n, 0.0)) for n in column.names])
    counted = _counted(column, params)
    if params["combine"] == "sum":
        s = np.minimum(counted @ weights, 1.0)
    else:
        # label by label: numpy's row-wise max over a few columns is several times slower
        s = np.zeros(len(column))
        for k in np.flatnonzero(weights > 0):
            np.maximum(s, counted[:, k] * weights[k], out=s)
    return np.where(column.present, s, 0.0)


def alone(params) -> bool:
    """Whether :func:`score_one` scores one answer: with ``combine: max``. A sum is
    numpy's dot product over the column, whose grouping of the additions (and so the
    last bit) depends on the column's layout of names: one answer is scored as a
    one-row column then."""
    return params["combine"] != "sum"


def score_one(value, params, stats):
    """``value``: (claimed, evidenced); ``combine: max`` only (see :func:`alone`)."""
    claimed, evidenced = value
    need = evidence_required(params)
    s = 0.0
    for name, weight in params["labels"].items():
        w = float(weight)
        if w > s and name in claimed and (not need or name in evidenced):
            s = w
    return s


def describe(params, unit):
    combine = "cumulés (plafond 100 %)" if params["combine"] == "sum" else "le meilleur"
    evidence = ", justificatif exigé" if evidence_required(params) else ""
    return (f"labels ({combine}{evidence}) : "
            + ", ".join(f"{k} : {percent(v)}" for k, v in params["labels"].items()))


def direction(params) -> int:
    return 0


def explain(value, s, params, stats):
    claimed, evidenced = value
    labels = params["labels"]
    need = evidence_required(params)
    parts = []
    for name in claimed:
        if name not in labels:
            parts.append(f"{name} (non listé) 0")
        elif need and name not in evidenced:
            parts.append(f"{name} (sans justificatif) 0")
        else:
            parts.append(f"{name} {labels[name]:g}")
    how = "somme plafonnée à 1" if params["combine"] == "sum" else "max"
    listed = ", ".join(parts) if parts else "aucun label"
    return f"labels ({how}): {listed} = {fmt_score(s)}"


def targets(value, params, stats):
    """Each better situation: claim a label (with its evidence when required)."""
    claimed, evidenced = value
    need = evidence_required(params)
    out = []
    for name, sc in sorted(params["labels"].items(), key=lambda kv: -kv[1]):
        if sc <= 0:
            continue
        if name in claimed and (not need or name in evidenced):
            continue
        out.append((sorted(set(claimed) | {name}),
                    sorted(set(evidenced) | ({name} if need else set()))))
    return out
