"""``next_offer_gap``: flag a price far below the others or far below the next one.

Flagged when 1 − P / mean(the other offers) ≥ ``mean_gap``, or when
1 − P / (the next higher price) ≥ ``next_gap``.

Example::

    review:
      abnormally_low: {input: price_eur, method: next_offer_gap, mean_gap: 0.4, next_gap: 0.3}
"""

from __future__ import annotations

import numpy as np

from ..methods.base import Param
from ..text import fr_number, fr_percent
from ._common import Flagged, nothing, over_considered

NAME = "next_offer_gap"
PARAMETERS = (
    Param("mean_gap", "score", default=0.4, doc="gap to the mean of the other offers"),
    Param("next_gap", "score", default=0.3, doc="gap to the next higher price"),
)
NEEDS_ESTIMATE = False


def describe(params):
    return (f"écart d'au moins {fr_percent(params['mean_gap'], 0)} à la moyenne des autres "
            f"offres ou de {fr_percent(params['next_gap'], 0)} à l'offre suivante")


@over_considered
def evaluate(prices, mask, params, estimate):
    n = int(mask.sum())
    if n < 2:
        return nothing(prices)
    mean_gap, next_gap = float(params["mean_gap"]), float(params["next_gap"])
    idx = np.flatnonzero(mask)
    p = prices[idx]
    others_mean = (p.sum() - p) / (n - 1)
    gap_mean = 1 - p / others_mean
    distinct = np.unique(p)
    pos = np.searchsorted(distinct, p, side="right")
    has_next = pos < len(distinct)
    next_price = np.where(has_next, distinct[np.minimum(pos, len(distinct) - 1)], np.nan)
    with np.errstate(invalid="ignore"):
        gap_next = np.where(has_next, 1 - p / next_price, -np.inf)
    flagged = np.zeros(len(prices), dtype=bool)
    flagged[idx] = (gap_mean >= mean_gap) | (gap_next >= next_gap)
    row = np.full(len(prices), -1)
    row[idx] = np.arange(n)

    def reason(i: int) -> dict:
        j = row[i]
        if gap_mean[j] >= mean_gap:
            threshold = (1 - mean_gap) * others_mean[j]
            why = (f"écart de {fr_percent(gap_mean[j])} à la moyenne des autres offres "
                   f"{fr_number(others_mean[j])} (seuil {fr_percent(mean_gap, 0)})")
        else:
            threshold = (1 - next_gap) * next_price[j]
            why = (f"écart de {fr_percent(gap_next[j])} à l'offre suivante "
                   f"{fr_number(next_price[j])} (seuil {fr_percent(next_gap, 0)})")
        return {
            "code": "abnormally_low",
            "method": NAME,
            "threshold": float(threshold),
            "value": float(prices[i]),
            "message": f"Offre anormalement basse ({NAME}) : prix {fr_number(prices[i])}, {why}",
        }

    return Flagged(flagged, reason)
