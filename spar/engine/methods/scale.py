"""``scale``: a mark on a scale of levels, each with its label and score.

The mark is entered by the buyer with a written justification (``assessed_by:
buyer``, the default); in a self-assessment the supplier enters the mark it
expects; offline (``spar score``) it is read from the offer's answers. A mark that
is not one of the levels is an input error.

Example::

    - {id: technical, label: Valeur technique, pillar: technical, weight: 10,
       input: technical_mark, method: scale,
       levels: [{mark: 0, label: Absent, score: 0}, {mark: 1, label: Insuffisant, score: 0.25},
                {mark: 2, label: Moyen, score: 0.5}, {mark: 3, label: Satisfaisant, score: 0.75},
                {mark: 4, label: Très satisfaisant, score: 1}]}
"""

from __future__ import annotations

import numpy as np

from ..text import fr_short
from .base import Param, fmt, fmt_score, percent

NAME = "scale"
KIND = "mark"
RELATIVE = False
PARAMETERS = (
    Param("levels", "levels", required=True, doc="list of {mark, label, score}"),
)

#: Who enters the mark unless the leaf says otherwise (``assessed_by``).
ASSESSED_BY = "buyer"


def check(params):
    marks = [lv["mark"] for lv in params.get("levels") or []]
    if len(set(marks)) != len(marks):
        return [("levels", "chaque note (mark) doit être unique")]
    return []


def describe(params, unit):
    return "échelle : " + ", ".join(f"{fr_short(lv['mark'])} {lv['label']} : "
                                    f"{percent(lv['score'])}" for lv in params["levels"])


def direction(params) -> int:
    return 0


def _table(params):
    return {float(lv["mark"]): lv for lv in params["levels"]}


def invalid(values, params):
    marks = sorted(_table(params))
    # a comparison per level, as np.isin itself does for so few, without its set-up
    known = np.isnan(values)
    for mark in marks:
        known |= values == mark
    return ~known, _off_scale(marks)


def invalid_one(value, params):
    if value != value or any(value == float(lv["mark"]) for lv in params["levels"]):
        return None
    return _off_scale(sorted(_table(params)))


def _off_scale(marks) -> str:
    listed = ", ".join(fmt(m).removesuffix(".0") for m in marks)
    return f"note hors de l'échelle ; notes possibles : {listed}"


def statistics(values, competing, params):
    return {}


def score(values, params, stats):
    # marks off the scale were refused with the answers, so exactly one level matches,
    # or none for no answer (NaN): the sum is that level's score, exactly, or 0
    s = np.zeros(len(values))
    for level in params["levels"]:
        s += (values == float(level["mark"])) * float(level["score"])
    return s


def score_one(value, params, stats):
    s = 0.0
    for level in params["levels"]:
        s += float(value == float(level["mark"])) * float(level["score"])
    return s


def explain(value, s, params, stats):
    level = _table(params).get(float(value))
    label = level["label"] if level else "?"
    return f"scale: note {fmt(value).removesuffix('.0')} « {label} » = {fmt_score(s)}"


def targets(value, params, stats):
    table = _table(params)
    own = table.get(float(value), {"score": 0.0})["score"]
    return [m for m in sorted(table) if table[m]["score"] > own]
