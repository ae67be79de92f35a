"""Answers of a whole lot, one column per input, in the form the methods score.

Every column has one row per offer. Missing answers are NaN (numbers, booleans,
marks), code -1 (choices) or ``present == False`` (labels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: The kinds of answer a leaf can read (SPEC §2.3 step 1).
KINDS = ("number", "boolean", "choice", "labels", "mark")


@dataclass(frozen=True)
class ChoiceColumn:
    """One answer among a set of options, stored as codes into ``categories``."""

    codes: np.ndarray  # int32, -1 when missing
    categories: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def missing(self) -> np.ndarray:
        return self.codes < 0

    def value_at(self, i: int) -> str | None:
        code = int(self.codes[i])
        return None if code < 0 else self.categories[code]

    def take(self, index: np.ndarray) -> "ChoiceColumn":
        return ChoiceColumn(self.codes[index], self.categories)


@dataclass(frozen=True)
class LabelsColumn:
    """Labels claimed by each offer and, per label, whether evidence was given."""

    names: tuple[str, ...]
    claimed: np.ndarray  # bool (n, len(names))
    evidenced: np.ndarray  # bool (n, len(names))
    present: np.ndarray  # bool (n,): the offer answered (possibly with an empty list)

    def __len__(self) -> int:
        return len(self.present)

    @property
    def missing(self) -> np.ndarray:
        return ~self.present

    def value_at(self, i: int) -> list[str] | None:
        if not self.present[i]:
            return None
        return [n for n, c in zip(self.names, self.claimed[i]) if c]

    def evidence_at(self, i: int) -> list[str]:
        return [n for n, e in zip(self.names, self.evidenced[i]) if e]

    def take(self, index: np.ndarray) -> "LabelsColumn":
        return LabelsColumn(self.names, self.claimed[index], self.evidenced[index],
                            self.present[index])


Column = np.ndarray | ChoiceColumn | LabelsColumn


def missing_mask(column: Column) -> np.ndarray:
    """True where the offer gave no answer."""
    if isinstance(column, np.ndarray):
        return np.isnan(column)
    return column.missing


def value_at(column: Column, i: int, kind: str) -> Any:
    """The answer of offer ``i`` as a plain JSON value (None when missing)."""
    if isinstance(column, np.ndarray):
        v = float(column[i])
        if math.isnan(v):  # a Python float: math's test, a tenth of numpy's on a scalar
            return None
        if kind == "boolean":
            return bool(v)
        if kind == "mark" and v.is_integer():
            return int(v)
        return v
    return column.value_at(i)


def answer_at(column: Column, i: int) -> Any:
    """The answer of offer ``i`` as a method's ``score_one`` and ``invalid_one`` read it:
    what the column holds — a float, NaN when missing (numbers, marks, yes/no as 1.0 or
    0.0), the option or None (choices), (claimed, evidenced) (labels)."""
    if isinstance(column, np.ndarray):
        return float(column[i])
    if isinstance(column, LabelsColumn):
        return (column.value_at(i) or [], column.evidence_at(i))
    return column.value_at(i)


def take(column: Column, index: np.ndarray) -> Column:
    """The rows of ``column`` at ``index``, in that order."""
    if isinstance(column, np.ndarray):
        return column[index]
    return column.take(index)
