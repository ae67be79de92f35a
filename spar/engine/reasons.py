"""Why each offer of a lot is irregular, eliminated or flagged: lists of reasons over
the offers, recorded by batch and worded only when read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable

import numpy as np


class OfferReasons(Sequence):
    """One list of reasons (dicts) per offer, each reason worded when it is first read.

    Reads as a list of lists: ``reasons[i]`` is offer ``i``'s list, kept once built.
    Reasons are recorded by batch — the offers a rule or a gate caught, and how to
    word the reason of one of them — so a lot of 100,000 offers pays neither for
    100,000 empty lists nor for French sentences nobody reads. Batches are added
    while a result is built; a result once returned is never added to.
    """

    def __init__(self, n: int):
        self._n = n
        self._batches: list[tuple[np.ndarray, Callable[[int], dict[str, Any]]]] = []
        self._built: dict[int, list[dict[str, Any]]] = {}
        self._index: dict[int, list[int]] | None = None

    def add(self, mask: np.ndarray, reason: Callable[[int], dict[str, Any]]) -> None:
        """Give every offer where ``mask`` is true the reason ``reason(i)``."""
        if not mask.any():
            return
        for i, built in self._built.items():
            if mask[i]:
                built.append(reason(i))
        self._batches.append((mask, reason))
        self._index = None

    def any(self) -> np.ndarray:
        """True for every offer with at least one reason."""
        out = np.zeros(self._n, dtype=bool)
        for mask, _ in self._batches:
            out |= mask
        for i, built in self._built.items():
            out[i] = bool(built)
        return out

    def _batches_of(self, i: int) -> list[int]:
        """The batches giving offer ``i`` a reason (indexed on the first read)."""
        if self._index is None:
            self._index = {}
            for b, (mask, _) in enumerate(self._batches):
                for k in np.flatnonzero(mask).tolist():
                    self._index.setdefault(k, []).append(b)
        return self._index.get(i, [])

    def __len__(self) -> int:
        return self._n

    def peek(self, i: int) -> list[dict[str, Any]]:
        """Offer ``i``'s reasons without keeping an empty list: reading every offer of a
        100,000-offer lot this way (exports) leaves memory flat."""
        built = self._built.get(i)
        if built is not None:
            return built
        if not self._batches_of(i):
            return []
        return self[i]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._n))]
        built = self._built.get(i)
        if built is None:
            i = range(self._n)[i]  # negative indexes, IndexError past the end
            built = self._built.get(i)
        if built is None:
            built = self._built[i] = [self._batches[b][1](i) for b in self._batches_of(i)]
        return built
