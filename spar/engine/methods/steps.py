"""``steps``: a score per threshold reached.

higher (default): the score of the last step with ``at`` ≤ v, 0 below the first;
lower: the score of the first step with v ≤ ``at``, 0 above the last.

Example::

    - {id: insertion, label: Heures d'insertion, weight: 60, input: insertion_hours,
       method: steps, steps: [{at: 100, score: 0.5}, {at: 300, score: 1}]}
"""

from __future__ import annotations

import numpy as np

from ..text import fr_short
from .base import Param, direction_param, fmt, fmt_score, higher_or_lower, percent, with_unit

NAME = "steps"
KIND = "number"
RELATIVE = False
PARAMETERS = (
    Param("steps", "steps", required=True, doc="list of {at, score}, at strictly ascending"),
    direction_param("higher: reach at least `at`; lower: stay at most `at`"),
)


def check(params):
    steps = params.get("steps") or []
    ats = [s["at"] for s in steps]
    if any(b <= a for a, b in zip(ats, ats[1:])):
        return [("steps", "les seuils `at` doivent être strictement croissants")]
    return []


def describe(params, unit):
    sign = "≤" if direction(params) < 0 else "≥"
    return "paliers : " + ", ".join(f"{sign} {fr_short(s['at'])}{with_unit(unit)} : "
                                    f"{percent(s['score'])}" for s in params["steps"])


direction = higher_or_lower


def statistics(values, competing, params):
    return {}


def breakpoints(params) -> list[float]:
    """The answers where the score changes: the thresholds."""
    return [float(s["at"]) for s in params["steps"]]


def _steps(params) -> tuple[list[float], list[float]]:
    """The thresholds and their scores, as plain floats: the comparisons and the lookup
    below take them as they are, and a self-assessment reads them three times an offer."""
    steps = params["steps"]
    return [float(s["at"]) for s in steps], [float(s["score"]) for s in steps]


def score(values, params, stats):
    ats, scores = _steps(params)
    # count the steps passed, then look the score up: exact, and on the few steps
    # criteria have, faster than a binary search or masked writes
    if direction(params) < 0:
        # past k steps, the first with v <= at is step k; past them all (or NaN), 0
        passed = sum((values > at for at in ats), np.isnan(values) * len(ats))
        return np.concatenate((scores, [0.0]))[passed]
    # k steps with at <= v: step k applies; none (or NaN), 0
    reached = sum(values >= at for at in ats)
    # concatenate, not np.insert: the same array, a tenth of the time on a single offer
    return np.concatenate(([0.0], scores))[reached]


def score_one(value, params, stats):
    ats, scores = _steps(params)
    if direction(params) < 0:
        passed = len(ats) if value != value else sum(value > at for at in ats)
        return (scores + [0.0])[passed]
    return ([0.0] + scores)[sum(value >= at for at in ats)]


def explain(value, s, params, stats):
    ats, _ = _steps(params)
    if direction(params) < 0:
        reached = [a for a in ats if value <= a]
        where = f"≤ {fmt(reached[0])}" if reached else f"> {fmt(ats[-1])}"
    else:
        reached = [a for a in ats if a <= value]
        where = f"≥ {fmt(reached[-1])}" if reached else f"< {fmt(ats[0])}"
    return f"steps: {fmt(value)} {where} = {fmt_score(s)}"


def targets(value, params, stats):
    ats, scores = _steps(params)
    own = score_one(value, params, stats)
    return [float(a) for a, sc in zip(ats, scores) if sc > own]
