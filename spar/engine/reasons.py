"""Why each offer of a lot is irregular, eliminated or flagged: lists of reasons over
the offers, recorded by batch and worded only when read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable

import numpy as np

#: How the reasons of many offers are worded at once: ``words(rows)`` gives one reason per
#: offer of ``rows``, in that order.
Words = Callable[[list[int]], list[dict[str, Any]]]


def by_batch(words: Words) -> Callable[[int], dict[str, Any]]:
    """A wording of many offers at once, usable where one offer's wording is expected.

    :meth:`OfferReasons.lists` calls ``words`` once for all the offers it reads, which
    is what makes tens of thousands of sentences cheap (their numbers formatted
    together, the lot's constant parts once); one offer read alone is ``words([i])``.
    The wording is written once, so both ways give the same reason.
    """
    def one(i: int) -> dict[str, Any]:
        return words([i])[0]
    one.many = words  # type: ignore[attr-defined]
    return one


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

    def lists(self, rows: Sequence[int]) -> list[list[dict[str, Any]]]:
        """The reasons of each offer of ``rows``, as :meth:`peek` gives them, worded batch
        by batch rather than offer by offer: a batch made with :func:`by_batch` words all
        its offers in one call. Offers with no reason get an empty list, not kept."""
        fresh = np.fromiter((i for i in dict.fromkeys(rows) if i not in self._built),
                            dtype=np.int64)
        if len(fresh) and ((fresh < 0) | (fresh >= self._n)).any():
            raise IndexError("offer index out of range")
        new: dict[int, list[dict[str, Any]]] = {}
        for mask, reason in self._batches:
            hit = fresh[mask[fresh]].tolist()
            if not hit:
                continue
            many = getattr(reason, "many", None)
            for i, worded in zip(hit, many(hit) if many is not None else map(reason, hit)):
                new.setdefault(i, []).append(worded)
        self._built.update(new)
        built = self._built
        return [built[i] if i in built else [] for i in rows]

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
