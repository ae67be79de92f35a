"""What the abnormally-low rules share: the prices they look at and the reason they give."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, Iterator, Mapping

import numpy as np

from ..text import fr_number, fr_short


@dataclass(frozen=True)
class Flagged:
    """The offers a rule flags, and how to word the reason of one of them.

    Iterating gives ``(index, reason)`` pairs. The reasons are worded only then, or
    when a scoring result is read: a rule may flag thousands of offers of a large
    lot, and each sentence costs more than the whole rule.
    """

    mask: np.ndarray  # bool, one per offer
    reason: Callable[[int], dict[str, Any]]

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return ((int(i), self.reason(int(i))) for i in np.flatnonzero(self.mask))


def considered(prices: np.ndarray, competing: np.ndarray) -> np.ndarray:
    """Competing offers that gave a price."""
    return competing & ~np.isnan(prices)


def nothing(prices: np.ndarray) -> Flagged:
    """No offer flagged."""
    return Flagged(np.zeros(len(prices), dtype=bool), lambda i: {})


Rule = Callable[[np.ndarray, np.ndarray, Mapping[str, Any], "float | None"], Flagged]


def over_considered(rule: Rule) -> Rule:
    """A rule's ``evaluate(prices, competing, params, estimate)`` from a function of the
    prices and the mask of the offers it considers (competing, with a price): none
    flagged when it considers none."""
    @wraps(rule)
    def evaluate(prices, competing, params, estimate):
        mask = considered(prices, competing)
        if not mask.any():
            return nothing(prices)
        return rule(prices, mask, params, estimate)
    return evaluate


def below_share(prices, mask, params, reference: float, method: str, what: str) -> Flagged:
    """The offers priced under ``ratio`` × ``reference`` (the mean price, the lot's
    estimate…); ``what`` names the reference in the reason."""
    ratio = float(params["ratio"])
    return reasons_below(prices, mask, ratio * float(reference), method,
                         f"{fr_short(ratio)} × {what} {fr_number(reference)}")


def reasons_below(prices, mask, threshold: float, method: str, why: str) -> Flagged:
    """A reason for every considered offer priced under ``threshold``."""
    threshold = float(threshold)
    tail = f" inférieur au seuil {fr_number(threshold)} ({why})"

    def reason(i: int) -> dict[str, Any]:
        return {
            "code": "abnormally_low",
            "method": method,
            "threshold": threshold,
            "value": float(prices[i]),
            "message": f"Offre anormalement basse ({method}) : prix {fr_number(prices[i])}" + tail,
        }

    return Flagged(mask & (prices < threshold), reason)
