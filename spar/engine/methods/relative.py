"""``relative``: the value as a ratio of the best competing value.

higher (default): s = v / vmax (0 when vmax = 0); lower: s = vmin / v (v > 0).

Example::

    - {id: apprentices, label: Apprentis mobilisés, weight: 20,
       input: apprentices, method: relative, direction: higher}
"""

from __future__ import annotations

import numpy as np

from ._stats import divide_one, extremes, extremes_one, unit_interval, unit_interval_one
from .base import direction_param, fmt, fmt_score, higher_or_lower

NAME = "relative"
KIND = "number"
RELATIVE = True
PARAMETERS = (direction_param(),)


def describe(params, unit):
    best = "la plus basse" if direction(params) < 0 else "la plus haute"
    return f"proportionnelle à la valeur {best} des offres"


direction = higher_or_lower


_NOT_POSITIVE = "doit être strictement positif (plus bas est meilleur)"
_NEGATIVE = "ne peut pas être négatif"


def invalid(values, params):
    with np.errstate(invalid="ignore"):
        if direction(params) < 0:
            return values <= 0, _NOT_POSITIVE
        return values < 0, _NEGATIVE


def invalid_one(value, params):
    if direction(params) < 0:
        return _NOT_POSITIVE if value <= 0 else None
    return _NEGATIVE if value < 0 else None


def statistics(values, competing, params):
    return extremes(values, competing)


def statistics_one(values, params):
    return extremes_one(values)


def score(values, params, stats):
    with np.errstate(invalid="ignore", divide="ignore"):
        if direction(params) < 0:
            s = stats["min"] / values
        elif stats["max"] == 0:
            s = np.zeros_like(values)
        else:
            s = values / stats["max"]
    return unit_interval(s)


def score_one(value, params, stats):
    if direction(params) < 0:
        return unit_interval_one(divide_one(stats["min"], value))
    if stats["max"] == 0:
        return 0.0
    return unit_interval_one(divide_one(value, stats["max"]))


def explain(value, s, params, stats):
    if direction(params) < 0:
        return f"relative: vmin / v = {fmt(stats['min'])} / {fmt(value)} = {fmt_score(s)}"
    if stats["max"] == 0:
        return f"relative: vmax = 0, donc {fmt_score(s)}"
    return f"relative: v / vmax = {fmt(value)} / {fmt(stats['max'])} = {fmt_score(s)}"


def targets(value, params, stats):
    best = stats["min"] if direction(params) < 0 else stats["max"]
    return [best] if value != best else []
