"""What the abnormally-low rules share: the prices they look at and the reason they give."""

from __future__ import annotations

import numpy as np

from ..text import fr_number


def considered(prices: np.ndarray, competing: np.ndarray) -> np.ndarray:
    """Competing offers that gave a price."""
    return competing & ~np.isnan(prices)


def reasons_below(prices, mask, threshold: float, method: str, why: str):
    """A reason for every considered offer priced under ``threshold``."""
    flagged = np.flatnonzero(mask & (prices < threshold))
    return [
        (int(i), {
            "code": "abnormally_low",
            "method": method,
            "threshold": float(threshold),
            "value": float(prices[i]),
            "message": (f"Offre anormalement basse ({method}) : prix {fr_number(prices[i])} "
                        f"inférieur au seuil {fr_number(threshold)} ({why})"),
        })
        for i in flagged
    ]
