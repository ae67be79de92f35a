"""``mean_minus_std``: flag a price under the mean minus ``k`` standard deviations.

The deviation is the population standard deviation of the competing prices.

Example::

    review:
      abnormally_low: {input: price_eur, method: mean_minus_std, k: 1}
"""

from __future__ import annotations

from ..methods.base import Param
from ..text import fr_number, fr_short
from ._common import over_considered, reasons_below

NAME = "mean_minus_std"
PARAMETERS = (Param("k", "number", default=1.0, minimum=0, doc="number of standard deviations"),)
NEEDS_ESTIMATE = False


def describe(params):
    return f"prix inférieur à la moyenne moins {fr_short(params['k'])} écart(s)-type(s)"


@over_considered
def evaluate(prices, mask, params, estimate):
    k = float(params["k"])
    p = prices[mask]
    mean, std = float(p.mean()), float(p.std())
    return reasons_below(prices, mask, mean - k * std, NAME,
                         f"moyenne {fr_number(mean)} − {fr_short(k)} × écart-type {fr_number(std)}")
