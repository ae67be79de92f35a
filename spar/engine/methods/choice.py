"""``choice``: one answer among listed options, each with its score.

An answer that is not one of the options is an input error.

Example::

    - {id: vehicles, label: Motorisation des véhicules, weight: 20, input: fleet,
       method: choice, options: {électrique: 1, bioGNV: 0.8, hybride: 0.5, diesel: 0}}
"""

from __future__ import annotations

import numpy as np

from .base import Param, fmt_score, percent

NAME = "choice"
KIND = "choice"
RELATIVE = False
PARAMETERS = (
    Param("options", "options", required=True, doc="answer → score in [0, 1]"),
)


def invalid(column, params):
    options = params["options"]
    unknown = np.array([c not in options for c in column.categories] + [False], dtype=bool)
    return unknown[column.codes], _unknown(options)


def invalid_one(value, params):
    options = params["options"]
    return None if value is None or value in options else _unknown(options)


def _unknown(options) -> str:
    listed = ", ".join(f"« {o} »" for o in options)
    return f"réponse inconnue ; réponses possibles : {listed}"


def statistics(column, competing, params):
    return {}


def score(column, params, stats):
    options = params["options"]
    # the last slot is what code -1 (missing) reads
    table = np.array([float(options.get(c, 0.0)) for c in column.categories] + [0.0])
    return table[column.codes]


def score_one(value, params, stats):
    return 0.0 if value is None else float(params["options"].get(value, 0.0))


def describe(params, unit):
    return "choix : " + ", ".join(f"{k} : {percent(v)}" for k, v in params["options"].items())


def direction(params) -> int:
    return 0


def explain(value, s, params, stats):
    return f"choice: « {value} » = {fmt_score(s)}"


def targets(value, params, stats):
    options = params["options"]
    own = options.get(value, 0.0)
    return [o for o, sc in sorted(options.items(), key=lambda kv: -kv[1]) if sc > own][:1]
