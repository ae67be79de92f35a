"""``two_pass_mean``: the mean without the high prices, then a margin below it.

m1 = mean of all competing prices; m2 = mean of those ≤ (1 + ``high``) × m1;
flagged when P < (1 − ``low``) × m2.

Example::

    review:
      abnormally_low: {input: price_eur, method: two_pass_mean, high: 0.2, low: 0.1}
"""

from __future__ import annotations

from ..methods.base import Param
from ..text import fr_number, fr_short
from ._common import over_considered, reasons_below

NAME = "two_pass_mean"
PARAMETERS = (
    Param("high", "number", default=0.2, minimum=0,
          doc="prices above (1 + high) × m1 leave the second mean"),
    Param("low", "score", default=0.1, doc="margin below the second mean"),
)
NEEDS_ESTIMATE = False


def describe(params):
    return (f"double moyenne : prix inférieur à (1 − {fr_short(params['low'])}) × la "
            f"moyenne des offres au plus (1 + {fr_short(params['high'])}) × la moyenne")


@over_considered
def evaluate(prices, mask, params, estimate):
    high, low = float(params["high"]), float(params["low"])
    m1 = float(prices[mask].mean())
    kept = mask & (prices <= (1 + high) * m1)
    m2 = float(prices[kept].mean())
    return reasons_below(prices, mask, (1 - low) * m2, NAME,
                         f"(1 − {fr_short(low)}) × moyenne {fr_number(m2)} des prix "
                         f"≤ (1 + {fr_short(high)}) × {fr_number(m1)}")
