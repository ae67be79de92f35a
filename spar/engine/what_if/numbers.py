"""The smallest change of a numeric answer: bisection on a continuous method's own score
function, or the thresholds of ``steps``."""

from __future__ import annotations

import math

import numpy as np

from ..methods import direction
from .search import FOUND, IMPOSSIBLE, SCORE_TOL, UNKNOWN, GainSearch, LeafSearch

#: The search may double its step this many times looking for an answer that scores less.
_WIDENINGS = 1100
#: Bisections (a float has 53 bits: far fewer are ever needed).
_HALVINGS = 200


class NumberSearch(LeafSearch):
    """A number answer: the nearest one that gains enough, within the leaf's bounds."""

    def valid(self, v: float) -> bool:
        """Whether ``v`` is an answer the leaf accepts (bounds, and the method's own)."""
        leaf = self.leaf
        if leaf.minimum is not None and v < leaf.minimum:
            return False
        if leaf.maximum is not None and v > leaf.maximum:
            return False
        if hasattr(self.method, "invalid"):
            return not bool(self.method.invalid(np.array([v]), leaf.params)[0][0])
        return True

    def number(self, value: float | None) -> GainSearch:
        # an answer outside the criterion's bounds makes the offer irregular: it
        # scores nothing, and the search starts from the nearest accepted answer
        s0 = 0.0 if value is None or not self.valid(value) else self.score_number(value)
        if hasattr(self.method, "breakpoints"):  # a staircase: only its steps gain
            return self._steps(value, s0, self.method.breakpoints(self.leaf.params))
        better = direction(self.leaf)
        best = self._best_point(better)
        if best is None:
            if value is not None:
                return self.result(value, s0, IMPOSSIBLE)
            return self.result(value, s0, UNKNOWN, message=(
                f"{self.leaf.label} : critère relatif sans concurrence connue ; indiquez les "
                "réponses attendues des concurrents pour savoir quelle réponse suffit."))
        s_best = self.score_number(best)
        target = self.target(s0)
        if s_best < target - SCORE_TOL:
            return self.result(value, s0, IMPOSSIBLE, best=s_best)
        target = min(target, s_best)
        if value is None:
            start = self._least_demanding(best, better, target)
        elif not self.valid(value):
            start = self._nearest_valid(value, best)
        else:
            start = value
        if self.score_number(start) >= target:  # a missing or refused answer: start suffices
            to = start
        else:
            to = self._bisect(start, best, target)
        return self.result(value, s0, FOUND, [self.change(value, to, self.score_number(to), s0)],
                           best=s_best)

    def _best_point(self, better: int) -> float | None:
        """The answer past which nothing more is gained, within the leaf's bounds."""
        if self.method.RELATIVE:
            if not self.others.size:
                return None
            best = float(self.others.max() if better > 0 else self.others.min())
        else:
            best = float(self.leaf.params["best"])
        lo, hi = self.leaf.minimum, self.leaf.maximum
        if lo is not None:
            best = max(best, float(lo))
        if hi is not None:
            best = min(best, float(hi))
        return best

    def _least_demanding(self, best: float, better: int, target: float) -> float:
        """For a missing answer: a valid answer scoring under ``target``, or the bound
        farthest from ``best`` if even that one reaches it."""
        step = max(abs(best), 1.0)
        last = best
        for _ in range(_WIDENINGS):
            x = best - better * step
            bound = self.leaf.minimum if better > 0 else self.leaf.maximum
            if bound is not None and better * (x - float(bound)) < 0:
                x = float(bound)
            if not self.valid(x):
                x = self._edge(last, x)
            if self.score_number(x) < target or x == last:
                return x
            last, step = x, step * 2
        return last

    def _nearest_valid(self, value: float, best: float) -> float:
        """The accepted answer nearest to a refused one, towards ``best``."""
        lo, hi = self.leaf.minimum, self.leaf.maximum
        clamped = min(max(value, lo if lo is not None else -math.inf),
                      hi if hi is not None else math.inf)
        return clamped if self.valid(clamped) else self._edge(best, value)

    def _edge(self, good: float, bad: float) -> float:
        """The valid answer nearest to an invalid one, between them."""
        for _ in range(_HALVINGS):
            mid = (good + bad) / 2
            if mid in (good, bad):
                break
            good, bad = (mid, bad) if self.valid(mid) else (good, mid)
        return good

    def _bisect(self, start: float, best: float, target: float) -> float:
        """The answer nearest to ``start`` scoring at least ``target`` (``best`` does).

        Then tidied to six significant digits towards ``best`` when that still
        scores enough, so the supplier reads 9 523,8 rather than 9 523,809523….
        """
        low, high = start, best
        for _ in range(_HALVINGS):
            mid = (low + high) / 2
            if mid in (low, high):
                break
            low, high = (mid, high) if self.score_number(mid) < target else (low, mid)
        towards = 1.0 if best > start else -1.0
        # first undo the bisection's last-bit noise (4.699999999999 is 4.7), then
        # round towards the best answer, which can only score more
        snapped = float(f"{high:.10g}")
        if self._still_enough(snapped, best, towards, target):
            high = snapped
        rounded = _round_towards(high, towards, 6)
        return rounded if self._still_enough(rounded, best, towards, target) else high

    def _still_enough(self, x: float, best: float, towards: float, target: float) -> bool:
        """Whether ``x``, not past ``best``, is a valid answer that scores ``target``."""
        return towards * (best - x) >= 0 and self.valid(x) \
            and self.score_number(x) >= target - SCORE_TOL

    def _steps(self, value: float | None, s0: float, ats: list[float]) -> GainSearch:
        target = self.target(s0)
        scored = [(at, self.score_number(at)) for at in ats if self.valid(at) and at != value]
        best = max([s for _, s in scored] + [s0])
        good = [(at, s) for at, s in scored if s >= target - SCORE_TOL]
        if not good:
            return self.result(value, s0, IMPOSSIBLE, best=best)
        better = direction(self.leaf)
        # no answer yet: the least demanding threshold is the one nearest the worst end
        good.sort(key=lambda c: (abs(c[0] - value) if value is not None else better * c[0],
                                 -c[1]))
        return self.result(value, s0, FOUND, [self.change(value, at, s, s0) for at, s in good],
                           best=best)


def _round_towards(x: float, towards: float, digits: int) -> float:
    """``x`` to ``digits`` significant digits, rounded in the direction of ``towards``
    (+1 up, −1 down) unless it already has no more digits than that."""
    if x == 0 or not math.isfinite(x):
        return x
    r = float(f"{x:.{digits}g}")
    if towards * (r - x) >= 0:
        return r
    ulp = 10.0 ** (math.floor(math.log10(abs(r))) - digits + 1)
    return float(f"{r + towards * ulp:.{digits}g}")
