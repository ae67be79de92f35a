"""``mean_ratio``: flag a price under ``ratio`` × the mean competing price.

Example::

    review:
      abnormally_low: {input: price_eur, method: mean_ratio, ratio: 0.8}
"""

from __future__ import annotations

from ..methods.base import Param
from ..text import fr_short
from ._common import below_share, over_considered

NAME = "mean_ratio"
PARAMETERS = (Param("ratio", "score", default=0.8, doc="share of the mean price"),)
NEEDS_ESTIMATE = False


def describe(params):
    return f"prix inférieur à {fr_short(params['ratio'])} × la moyenne des offres"


@over_considered
def evaluate(prices, mask, params, estimate):
    return below_share(prices, mask, params, float(prices[mask].mean()), NAME, "moyenne")
