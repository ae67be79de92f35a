"""``price_lowest_ratio``: the lowest price over this price.

s = Pmin / P, the most common French price formula. It never reaches 0, so a
very expensive offer still keeps part of the price points.

Example::

    - {id: price, label: Prix, pillar: economic, weight: 40, input: price_eur,
       unit: EUR HT, method: price_lowest_ratio}
"""

from __future__ import annotations

import numpy as np

# checked, compared and aimed at like every price (re-exported: they are this module's)
from ._price import (direction, invalid, invalid_one, statistics, statistics_one,  # noqa: F401
                     targets)
from ._stats import divide_one, unit_interval, unit_interval_one
from .base import fmt, fmt_score

NAME = "price_lowest_ratio"
KIND = "number"
RELATIVE = True
PRICE = True
PARAMETERS = ()


def score(values, params, stats):
    with np.errstate(invalid="ignore", divide="ignore"):
        s = stats["min"] / values
    return unit_interval(s)


def score_one(value, params, stats):
    return unit_interval_one(divide_one(stats["min"], value))


def explain(value, s, params, stats):
    return f"price_lowest_ratio: Pmin / P = {fmt(stats['min'])} / {fmt(value)} = {fmt_score(s)}"


def describe(params, unit):
    return "prix le plus bas ÷ prix de l'offre"
