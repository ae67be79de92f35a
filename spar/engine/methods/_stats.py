"""Statistics over the competing offers that several relative methods share."""

from __future__ import annotations

import numpy as np


def extremes(values: np.ndarray, competing: np.ndarray) -> dict[str, float]:
    """Minimum and maximum of the answered values among competing offers.

    NaN for both when no competing offer answered.
    """
    v = values[competing]
    v = v[~np.isnan(v)]
    if v.size == 0:
        return {"min": float("nan"), "max": float("nan")}
    return {"min": float(v.min()), "max": float(v.max())}


def not_positive(values: np.ndarray) -> np.ndarray:
    """True where an answered value is zero or negative."""
    with np.errstate(invalid="ignore"):
        return values <= 0
