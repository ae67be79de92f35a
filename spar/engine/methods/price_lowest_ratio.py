"""``price_lowest_ratio``: the lowest price over this price.

s = Pmin / P, the most common French price formula. It never reaches 0, so a
very expensive offer still keeps part of the price points.

Example::

    - {id: price, label: Prix, pillar: economic, weight: 40, input: price_eur,
       unit: EUR HT, method: price_lowest_ratio}
"""

from __future__ import annotations

import numpy as np

from ._stats import extremes, not_positive, unit_interval
from .base import fmt, fmt_score

NAME = "price_lowest_ratio"
KIND = "number"
RELATIVE = True
PARAMETERS = ()


def check(params):
    return []


def invalid(values, params):
    return not_positive(values), "le prix doit être strictement positif"


def statistics(values, competing, params):
    return extremes(values, competing)


def score(values, params, stats):
    with np.errstate(invalid="ignore", divide="ignore"):
        s = stats["min"] / values
    return unit_interval(s)


def explain(value, s, params, stats):
    return f"price_lowest_ratio: Pmin / P = {fmt(stats['min'])} / {fmt(value)} = {fmt_score(s)}"


def targets(value, params, stats):
    return [stats["min"]] if value != stats["min"] else []
