"""``mean_minus_std``: flag a price under the mean minus ``k`` standard deviations.

The deviation is the population standard deviation of the competing prices.

Example::

    review:
      abnormally_low: {input: price_eur, method: mean_minus_std, k: 1}
"""

from __future__ import annotations

from ..methods.base import Param
from ..text import fr_number, fr_short
from ._common import considered, nothing, reasons_below

NAME = "mean_minus_std"
PARAMETERS = (Param("k", "number", default=1.0, doc="number of standard deviations"),)
NEEDS_ESTIMATE = False


def check(params):
    if float(params["k"]) < 0:
        return [("k", "k doit être positif ou nul")]
    return []


def describe(params):
    return f"prix inférieur à la moyenne moins {fr_short(params['k'])} écart(s)-type(s)"


def evaluate(prices, competing, params, estimate):
    mask = considered(prices, competing)
    if not mask.any():
        return nothing(prices)
    k = float(params["k"])
    p = prices[mask]
    mean, std = float(p.mean()), float(p.std())
    return reasons_below(prices, mask, mean - k * std, NAME,
                         f"moyenne {fr_number(mean)} − {fr_short(k)} × écart-type {fr_number(std)}")
