"""``boolean``: a yes/no commitment.

The score is ``if_true`` (default 1) or ``if_false`` (default 0). Answers accepted:
true/false, yes/no, oui/non, 1/0.

Example::

    - {id: reuse, label: Reprise des emballages, weight: 10, input: takes_back_packaging,
       method: boolean}
"""

from __future__ import annotations

from .base import Param, fmt_score, percent

NAME = "boolean"
KIND = "boolean"
RELATIVE = False
PARAMETERS = (
    Param("if_true", "score", default=1.0, doc="score of a yes"),
    Param("if_false", "score", default=0.0, doc="score of a no"),
)


def statistics(values, competing, params):
    return {}


def score(values, params, stats):
    t, f = float(params["if_true"]), float(params["if_false"])
    # no answer (NaN) is neither 1 nor 0, and scores 0
    return (values == 1.0) * t + (values == 0.0) * f


def score_one(value, params, stats):
    t, f = float(params["if_true"]), float(params["if_false"])
    return float(value == 1.0) * t + float(value == 0.0) * f


def describe(params, unit):
    return f"oui : {percent(params['if_true'])}, non : {percent(params['if_false'])}"


def direction(params) -> int:
    return 0


def explain(value, s, params, stats):
    return f"boolean: {'oui' if value else 'non'} = {fmt_score(s)}"


def targets(value, params, stats):
    t, f = float(params["if_true"]), float(params["if_false"])
    best = t >= f
    return [best] if bool(value) != best else []
