"""``mean_ratio``: flag a price under ``ratio`` × the mean competing price.

Example::

    review:
      abnormally_low: {input: price_eur, method: mean_ratio, ratio: 0.8}
"""

from __future__ import annotations

from ..methods.base import Param
from ..text import fr_number, fr_short
from ._common import considered, nothing, reasons_below

NAME = "mean_ratio"
PARAMETERS = (Param("ratio", "score", default=0.8, doc="share of the mean price"),)
NEEDS_ESTIMATE = False


def check(params):
    return []


def describe(params):
    return f"prix inférieur à {fr_short(params['ratio'])} × la moyenne des offres"


def evaluate(prices, competing, params, estimate):
    mask = considered(prices, competing)
    if not mask.any():
        return nothing(prices)
    ratio = float(params["ratio"])
    mean = float(prices[mask].mean())
    return reasons_below(prices, mask, ratio * mean, NAME,
                         f"{fr_short(ratio)} × moyenne {fr_number(mean)}")
