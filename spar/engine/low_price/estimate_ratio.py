"""``estimate_ratio``: flag a price under ``ratio`` × the lot's estimate.

Without an estimate on the lot the rule cannot apply; the result says so.

Example::

    review:
      abnormally_low: {input: price_eur, method: estimate_ratio, ratio: 0.7}
"""

from __future__ import annotations

from ..methods.base import Param
from ..text import fr_short
from ._common import below_share, nothing, over_considered

NAME = "estimate_ratio"
PARAMETERS = (Param("ratio", "score", default=0.7, doc="share of the lot's estimate"),)
#: It compares with the lot's estimate, so a lot without one skips it (and says so).
NEEDS_ESTIMATE = True


def describe(params):
    return f"prix inférieur à {fr_short(params['ratio'])} × l'estimation du lot"


@over_considered
def evaluate(prices, mask, params, estimate):
    if estimate is None:
        return nothing(prices)
    return below_share(prices, mask, params, estimate, NAME, "estimation")
