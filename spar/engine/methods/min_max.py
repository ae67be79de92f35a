"""``min_max``: the value placed between the worst (0) and the best (1) competing value.

s = (v − vworst) / (vbest − vworst); 1 when all answered values are equal.

Example::

    - {id: delay, label: Délai de livraison, weight: 10, input: delivery_days,
       unit: jours, method: min_max, direction: lower}
"""

from __future__ import annotations

import numpy as np

from ._stats import divide_one, extremes, extremes_one, unit_interval, unit_interval_one
from .base import direction_param, fmt, fmt_score, higher_or_lower

NAME = "min_max"
KIND = "number"
RELATIVE = True
PARAMETERS = (direction_param(),)


def _best_worst(params, stats):
    if direction(params) < 0:
        return stats["min"], stats["max"]
    return stats["max"], stats["min"]


def describe(params, unit):
    best = "la plus basse" if direction(params) < 0 else "la plus haute"
    return f"interpolation entre les offres extrêmes (meilleure : {best})"


direction = higher_or_lower


def statistics(values, competing, params):
    return extremes(values, competing)


def statistics_one(values, params):
    return extremes_one(values)


def score(values, params, stats):
    best, worst = _best_worst(params, stats)
    if best == worst:
        return np.where(np.isnan(values), 0.0, 1.0)
    with np.errstate(invalid="ignore"):
        s = (values - worst) / (best - worst)
    return unit_interval(s)


def score_one(value, params, stats):
    best, worst = _best_worst(params, stats)
    if best == worst:
        return 0.0 if value != value else 1.0
    return unit_interval_one(divide_one(value - worst, best - worst))


def explain(value, s, params, stats):
    best, worst = _best_worst(params, stats)
    if best == worst:
        return f"min_max: toutes les valeurs sont égales ({fmt(best)}) = {fmt_score(s)}"
    return (f"min_max: ({fmt(value)} − {fmt(worst)}) / ({fmt(best)} − {fmt(worst)}) "
            f"= {fmt_score(s)}")


def targets(value, params, stats):
    best, _ = _best_worst(params, stats)
    return [best] if value != best else []
