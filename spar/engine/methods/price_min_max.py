"""``price_min_max``: the price placed between the highest (0) and the lowest (1).

s = (Pmax − P) / (Pmax − Pmin); 1 when all prices are equal. Spreads the whole
price weight over the range of the offers received.

Example::

    - {id: price, label: Prix, pillar: economic, weight: 50, input: price_eur,
       method: price_min_max}
"""

from __future__ import annotations

import numpy as np

from ._stats import extremes, not_positive, unit_interval
from .base import fmt, fmt_score

NAME = "price_min_max"
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
    pmin, pmax = stats["min"], stats["max"]
    if pmax == pmin:
        s = np.where(np.isnan(values), 0.0, 1.0)
        return s
    with np.errstate(invalid="ignore"):
        s = (pmax - values) / (pmax - pmin)
    return unit_interval(s)


def explain(value, s, params, stats):
    pmin, pmax = stats["min"], stats["max"]
    if pmax == pmin:
        return f"price_min_max: tous les prix sont égaux ({fmt(pmin)}) = {fmt_score(s)}"
    return (f"price_min_max: ({fmt(pmax)} − {fmt(value)}) / ({fmt(pmax)} − {fmt(pmin)}) "
            f"= {fmt_score(s)}")


def targets(value, params, stats):
    return [stats["min"]] if value != stats["min"] else []
