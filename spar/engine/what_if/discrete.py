"""The smallest change of a mark, a yes/no or a choice: every other answer is scored and
the least demanding one that gains enough comes first."""

from __future__ import annotations

import numpy as np

from ..columns import ChoiceColumn
from .search import GainSearch, LeafSearch


class DiscreteSearch(LeafSearch):
    """Answers among a few: the levels of a scale, yes or no, the options of a choice."""

    def mark(self, value: float | None) -> GainSearch:
        s0 = 0.0 if value is None else self.score_number(value)
        marks = [float(lv["mark"]) for lv in self.leaf.params["levels"]]
        origin = value if value is not None else min(marks)
        return self.discrete(value, s0, [(m, self.score_number(m), abs(m - origin))
                                         for m in marks if m != value])

    def boolean(self, value: bool | None) -> GainSearch:
        def score(answer: bool) -> float:
            return float(self.method.score(np.array([1.0 if answer else 0.0]), self.leaf.params,
                                           {})[0])
        s0 = 0.0 if value is None else score(value)
        return self.discrete(value, s0, [(a, score(a), 0) for a in (True, False) if a != value])

    def choice(self, value: str | None) -> GainSearch:
        options = list(self.leaf.params["options"])

        def score(answer: str) -> float:
            column = ChoiceColumn(np.array([0], dtype=np.int32), (answer,))
            return float(self.method.score(column, self.leaf.params, {})[0])
        s0 = 0.0 if value is None else score(value)
        # cost 0 for all: the least demanding option (lowest score) comes first
        return self.discrete(value, s0, [(o, score(o), 0) for o in options if o != value])
