"""Statistics over the competing offers that several relative methods share."""

from __future__ import annotations

import numpy as np


def extremes(values: np.ndarray, competing: np.ndarray) -> dict[str, float]:
    """Minimum and maximum of the answered values among competing offers.

    NaN for both when no competing offer answered.
    """
    if values.size == 0:
        return {"min": float("nan"), "max": float("nan")}
    # fmin/fmax skip NaN (no answer) without copying the answered values out
    v = np.where(competing, values, np.nan)
    return {"min": float(np.fmin.reduce(v)), "max": float(np.fmax.reduce(v))}


def unit_interval(s: np.ndarray) -> np.ndarray:
    """``s`` clamped to [0, 1] in place, NaN (an offer without an answer) becoming 0.

    Two passes instead of ``nan_to_num(clip(s))``'s six: this runs on every leaf of
    every lot.
    """
    np.minimum(s, 1.0, out=s)
    return np.fmax(s, 0.0, out=s)  # fmax, unlike maximum, prefers 0 to NaN


def not_positive(values: np.ndarray) -> np.ndarray:
    """True where an answered value is zero or negative."""
    with np.errstate(invalid="ignore"):
        return values <= 0
