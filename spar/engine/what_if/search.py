"""What every what-if search shares: the result's shape, scoring one candidate answer
exactly as the engine does, and the words of a change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..criteria import Leaf
from ..methods import get_method
from ..text import fr_number, fr_short

FOUND, IMPOSSIBLE, UNKNOWN = "found", "impossible", "unknown"
# A gain short of the request by less than this (in score units) is rounding.
SCORE_TOL = 1e-12


@dataclass(frozen=True)
class AnswerChange:
    """One answer that gains at least the requested points."""

    to: Any  # number, bool, option, mark, or list of labels
    score: float  # the leaf's new score
    gain: float  # points gained on the total
    message: str
    evidence: tuple[str, ...] | None = None  # labels: the evidence to attach

    def to_dict(self) -> dict[str, Any]:
        out = {"to": self.to, "score": self.score, "gain": self.gain, "message": self.message}
        if self.evidence is not None:
            out["evidence"] = list(self.evidence)
        return out


@dataclass(frozen=True)
class GainSearch:
    """The answer to "what is the smallest change that gains ``wanted`` points here?"."""

    criterion: str
    label: str
    input: str
    value: Any
    wanted: float
    score: float  # the leaf's current score
    max_points: float  # what the leaf weighs in the total
    max_gain: float  # the most a change of this answer can gain, within the bounds
    status: str  # found | impossible | unknown (relative criterion without competition)
    message: str
    changes: tuple[AnswerChange, ...] = field(default=())  # cheapest first

    @property
    def possible(self) -> bool:
        return self.status == FOUND

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "label": self.label, "input": self.input,
                "value": self.value, "wanted": self.wanted, "score": self.score,
                "max_points": self.max_points, "max_gain": self.max_gain,
                "status": self.status, "message": self.message,
                "changes": [c.to_dict() for c in self.changes]}


class LeafSearch:
    """A search on one leaf: scoring candidate answers exactly as the engine does.

    Each kind of answer has its own subclass; they share the result's shape and words.
    """

    def __init__(self, leaf: Leaf, max_points: float, wanted: float, others: np.ndarray):
        self.leaf = leaf
        self.method = get_method(leaf.method)
        self.max_points = max_points
        self.wanted = wanted
        self.others = others

    def result(self, value, s0, status, changes=(), best=None, message=None) -> GainSearch:
        best = s0 if best is None else best
        max_gain = max(best - s0, 0.0) * self.max_points
        if message is None:
            message = self._summary(status, changes, max_gain)
        return GainSearch(self.leaf.path, self.leaf.label, self.leaf.input, value, self.wanted,
                          s0, self.max_points, max_gain, status, message, tuple(changes))

    def _summary(self, status, changes, max_gain) -> str:
        name = self.leaf.label
        if status == FOUND:
            return changes[0].message
        if max_gain <= 0:
            return f"{name} : aucune réponse ne rapporte davantage de points."
        return (f"{name} : impossible de gagner {points_text(self.wanted)} ; la meilleure "
                f"réponse possible rapporte {points_text(max_gain)}.")

    def target(self, s0: float) -> float:
        """The score that gains the wanted points from ``s0``."""
        return s0 + self.wanted / self.max_points

    def change(self, value, to, score, s0, evidence=None) -> AnswerChange:
        gain = (score - s0) * self.max_points
        return AnswerChange(to, score, gain, f"{self.leaf.label} : "
                            f"{self.action(value, to, evidence)} : +{points_text(gain)}",
                            evidence)

    def action(self, value, to, evidence) -> str:
        """The change from ``value`` to ``to``, in words."""
        return change_text(self.leaf, self.method.KIND, value, to)

    def score_number(self, v: float) -> float:
        """The leaf's score of the numeric answer ``v`` (a mark too), the competition's
        statistics taken with it."""
        column = np.array([v])
        stats = {}
        if self.method.RELATIVE:
            values = np.append(self.others, v)
            stats = self.method.statistics(values, np.ones(values.size, dtype=bool),
                                           self.leaf.params)
        return float(self.method.score(column, self.leaf.params, stats)[0])

    def discrete(self, value, s0, candidates) -> GainSearch:
        """The result among ``candidates``, (answer, score, cost) for every other answer:
        those that gain enough, the cheapest first."""
        target = self.target(s0)
        best = max([s for _, s, _ in candidates] + [s0])
        good = sorted((c for c in candidates if c[1] >= target - SCORE_TOL),
                      key=lambda c: (c[2], c[1]))
        if not good:
            return self.result(value, s0, IMPOSSIBLE, best=best)
        return self.result(value, s0, FOUND, [self.change(value, a, s, s0) for a, s, _ in good],
                           best=best)


def change_text(leaf: Leaf, kind: str, value: Any, to: Any) -> str:
    """A change of a number, mark, yes/no or choice answer, in words: ``réduire de 2 à
    0,5 kgCO2e``, ``viser le niveau « Satisfaisant » (note 3)``, ``choisir « bioGNV »``."""
    unit = f" {leaf.unit}" if leaf.unit else ""
    if kind == "number":
        if value is None:
            return f"répondre {fr_short(to)}{unit}"
        verb = "réduire" if to < value else "augmenter"
        return f"{verb} de {fr_short(value)} à {fr_short(to)}{unit}"
    if kind == "mark":
        level = {float(lv["mark"]): lv["label"] for lv in leaf.params["levels"]}
        return f"viser le niveau « {level[float(to)]} » (note {fr_short(to)})"
    if kind == "boolean":
        return f"répondre « {'oui' if to else 'non'} »"
    if kind == "choice":
        return f"choisir « {to} »" + (f" au lieu de « {value} »" if value else "")
    raise AssertionError(kind)  # labels are worded by their own search


def points_text(points: float) -> str:
    """``2,5 pts``; two decimals under a tenth of a point."""
    return f"{fr_number(points, 1 if points >= 0.1 else 2)} pts"
