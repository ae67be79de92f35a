"""``linear``: the value placed on a fixed scale from ``worst`` (0) to ``best`` (1).

s = clamp((v − worst) / (best − worst), 0, 1). ``best`` < ``worst`` means lower is
better. An absolute method: the score does not depend on the other offers, so a
supplier can compute it alone.

Example::

    - {id: co2, label: Empreinte carbone, weight: 50, input: co2e_kg, unit: kgCO2e,
       method: linear, best: 0.5, worst: 5.0}
"""

from __future__ import annotations

from ._stats import divide_one, unit_interval, unit_interval_one
from ..text import fr_short
from .base import Param, fmt, fmt_score, with_unit

NAME = "linear"
KIND = "number"
RELATIVE = False
PARAMETERS = (
    Param("best", "number", required=True, doc="value scoring 1"),
    Param("worst", "number", required=True, doc="value scoring 0"),
)


def check(params):
    if params.get("best") == params.get("worst"):
        return [("best", "best et worst doivent être différents")]
    return []


def statistics(values, competing, params):
    return {}


def score(values, params, stats):
    best, worst = float(params["best"]), float(params["worst"])
    return unit_interval((values - worst) / (best - worst))


def score_one(value, params, stats):
    best, worst = float(params["best"]), float(params["worst"])
    return unit_interval_one(divide_one(value - worst, best - worst))


def describe(params, unit):
    return (f"linéaire : {fr_short(params['worst'])}{with_unit(unit)} = 0, "
            f"{fr_short(params['best'])}{with_unit(unit)} = 1")


def direction(params) -> int:
    return 1 if float(params["best"]) > float(params["worst"]) else -1


def explain(value, s, params, stats):
    best, worst = params["best"], params["worst"]
    if best < worst:
        # lower is better: written with positive terms, as SPEC §4's example does
        ratio = f"({fmt(worst)} − {fmt(value)}) / ({fmt(worst)} − {fmt(best)})"
    else:
        ratio = f"({fmt(value)} − {fmt(worst)}) / ({fmt(best)} − {fmt(worst)})"
    return (f"linear: {ratio} = {fmt_score(s)}"
            + (" (borné à [0, 1])" if _clamped(value, params) else ""))


def _clamped(value, params):
    best, worst = float(params["best"]), float(params["worst"])
    lo, hi = min(best, worst), max(best, worst)
    return not (lo <= value <= hi)


def targets(value, params, stats):
    return [float(params["best"])]
