"""``price_linear_gap``: lose the price points in proportion to the gap to the lowest price.

s = max(0, 1 − (P − Pmin) / Pmin): an offer twice the lowest price scores 0.

Example::

    - {id: price, label: Prix, pillar: economic, weight: 40, input: price_eur,
       method: price_linear_gap}
"""

from __future__ import annotations

import numpy as np

# checked, compared and aimed at like every price (re-exported: they are this module's)
from ._price import (direction, invalid, invalid_one, statistics, statistics_one,  # noqa: F401
                     targets)
from ._stats import divide_one, unit_interval, unit_interval_one
from .base import fmt, fmt_score

NAME = "price_linear_gap"
KIND = "number"
RELATIVE = True
PRICE = True
PARAMETERS = ()


def score(values, params, stats):
    pmin = stats["min"]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = 1.0 - (values - pmin) / pmin
    return unit_interval(s)


def score_one(value, params, stats):
    pmin = stats["min"]
    return unit_interval_one(1.0 - divide_one(value - pmin, pmin))


def explain(value, s, params, stats):
    pmin = stats["min"]
    return (f"price_linear_gap: max(0, 1 − ({fmt(value)} − {fmt(pmin)}) / {fmt(pmin)}) "
            f"= {fmt_score(s)}")


def describe(params, unit):
    return "1 − écart relatif au prix le plus bas"
