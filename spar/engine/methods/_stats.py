"""Statistics over the competing offers that several relative methods share, and the
arithmetic of one answer (``*_one``) that agrees bit for bit with the columns'."""

from __future__ import annotations

import math

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


def extremes_one(values: list[float]) -> dict[str, float]:
    """:func:`extremes` of a few plain floats, every one competing (a self-assessment's
    answer and the competition it assumes): the same two numbers, without numpy."""
    answered = [v for v in values if v == v]  # NaN is no answer
    if not answered:
        return {"min": float("nan"), "max": float("nan")}
    lo, hi = min(answered), max(answered)
    if (lo == 0.0 or hi == 0.0) and len({math.copysign(1.0, v) for v in answered
                                         if v == 0.0}) > 1:
        # 0.0 and -0.0 both there tie; which one numpy's reduction keeps depends on its
        # loop (the first for a few values, not for many): it decides, as for the lot
        return extremes(np.array(values, dtype=np.float64), np.ones(len(values), dtype=bool))
    return {"min": lo, "max": hi}


def unit_interval(s: np.ndarray) -> np.ndarray:
    """``s`` clamped to [0, 1] in place, NaN (an offer without an answer) becoming 0.

    Two passes instead of ``nan_to_num(clip(s))``'s six: this runs on every leaf of
    every lot.
    """
    np.minimum(s, 1.0, out=s)
    return np.fmax(s, 0.0, out=s)  # fmax, unlike maximum, prefers 0 to NaN


def unit_interval_one(s: float) -> float:
    """:func:`unit_interval` of one score: NaN and anything not above 0 (-0.0 too, as
    ``fmax(-0.0, 0.0)`` gives 0.0) become 0.0, anything above 1 becomes 1.0."""
    if s > 0.0:
        return 1.0 if s > 1.0 else s
    return 0.0


def divide_one(a: float, b: float) -> float:
    """``a / b`` as numpy divides floats: by zero, ±inf or NaN rather than an exception."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return math.nan
    return math.copysign(math.inf, math.copysign(1.0, a) * math.copysign(1.0, b))


def not_positive(values: np.ndarray) -> np.ndarray:
    """True where an answered value is zero or negative."""
    with np.errstate(invalid="ignore"):
        return values <= 0
