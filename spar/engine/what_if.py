"""What-if for suppliers: the smallest change of one answer that gains a number of points.

The self-assessment hints say what the best answer would bring; a supplier often
asks the reverse question: "what is the least I must change to gain 2 points on
this criterion?". :func:`smallest_changes` answers it for one leaf, within the
leaf's bounds (``minimum``/``maximum``, the answers its method accepts).

Numbers scored by a continuous method (``linear`` and the relative methods) are
solved by bisection on the method's own score function, which is monotone in
the answer once the competition is fixed: the answer found can therefore never
disagree with the engine, whatever the formula. ``steps``, booleans, choices,
marks and labels are discrete: every candidate answer is scored and the
cheapest one that gains enough is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from numbers import Real
from typing import Any, Iterable, Sequence

import numpy as np

from .columns import ChoiceColumn, LabelsColumn
from .criteria import CriteriaSet, Leaf
from .methods import PRICE_METHODS, get_method
from .text import fr_number, fr_short

FOUND, IMPOSSIBLE, UNKNOWN = "found", "impossible", "unknown"
# A gain short of the request by less than this (in score units) is rounding.
_SCORE_TOL = 1e-12
# Above this many labels, combinations for ``combine: sum`` are not enumerated.
_MAX_LABELS_ENUMERATED = 14


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


def smallest_changes(criteria: CriteriaSet, leaf: Leaf | str, value: Any, gain_points: float,
                     competition: Iterable[float] | None = None, *,
                     evidence: Sequence[str] = ()) -> GainSearch:
    """The smallest changes of ``value`` on ``leaf`` that gain at least ``gain_points``.

    ``leaf``: a leaf of ``criteria`` or its path. ``value``: the current answer in
    plain form — a number, a bool, an option, a mark, a list of labels — or None
    when unanswered (it scores 0); with labels, ``evidence`` lists the labels whose
    evidence is attached. ``competition``: for relative methods, the answers of
    the *other* competing offers (or the values a supplier assumes; values outside
    the leaf's ``minimum``/``maximum`` are left out, as such offers are irregular
    and do not compete); the method's
    statistics are recomputed with each candidate answer, so becoming the best
    offer moves the reference as the engine would. Ignored by absolute methods.

    Points are points of the total (the leaf's score × its maximum points). The
    result's ``changes`` are the qualifying answers, cheapest first: for numbers
    the single nearest one (for ``steps``, each threshold that qualifies, nearest
    first); for choices and marks the least demanding option or level first; for
    labels the fewest labels to obtain or justify. ``status`` is ``impossible``
    when even the best answer within the bounds gains less (``max_gain`` says how
    much it would gain), ``unknown`` for a relative criterion without
    competition and without an answer. ValueError, in French, for a leaf that is
    not one, a malformed value or a gain that is not a positive number.
    """
    leaf = _leaf(criteria, leaf)
    if isinstance(gain_points, bool) or not isinstance(gain_points, Real) \
            or not math.isfinite(gain_points) or gain_points <= 0:
        raise ValueError(f"gain demandé sur « {leaf.path} » : un nombre de points strictement "
                         f"positif est attendu, pas {gain_points!r}")
    max_points = criteria.points * criteria.shares()[leaf.path]
    kind = get_method(leaf.method).KIND
    others = _competition(leaf, competition)
    search = _Search(leaf, max_points, float(gain_points), others)
    if kind == "number":
        return search.number(_number(leaf, value))
    if kind == "mark":
        return search.mark(_mark(leaf, value))
    if kind == "boolean":
        return search.boolean(_boolean(leaf, value))
    if kind == "choice":
        return search.choice(_choice(leaf, value))
    return search.labels(_labels(leaf, value, "valeur"), _labels(leaf, evidence, "evidence"))


# --------------------------------------------------------------------------- checking input
def _leaf(criteria: CriteriaSet, leaf: Leaf | str) -> Leaf:
    path = leaf.path if isinstance(leaf, Leaf) else leaf
    try:
        node = criteria.node(path)
    except KeyError:
        known = ", ".join(item.path for item in criteria.leaves)
        raise ValueError(f"critère « {path} » inconnu ; critères notés : {known}") from None
    if not isinstance(node, Leaf):
        raise ValueError(f"« {path} » est un groupe de critères : choisissez l'un de ses "
                         "sous-critères")
    return node


def _competition(leaf: Leaf, competition: Iterable[float] | None) -> np.ndarray:
    if competition is None:
        return np.zeros(0)
    out = []
    for x in competition:
        if x is None:
            continue
        if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
            raise ValueError(f"concurrence de « {leaf.path} » : des nombres sont attendus, "
                             f"pas {x!r}")
        x = float(x)
        # an answer outside the leaf's bounds makes that offer irregular: it does
        # not compete, so it cannot set the reference (SPEC §2.3 step 2)
        if math.isnan(x) or (leaf.minimum is not None and x < leaf.minimum) \
                or (leaf.maximum is not None and x > leaf.maximum):
            continue
        out.append(x)
    return np.array(out)


def _number(leaf: Leaf, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(float(value)):
        raise ValueError(f"réponse à « {leaf.path} » : un nombre est attendu, pas {value!r}")
    return float(value)


def _mark(leaf: Leaf, value: Any) -> float | None:
    mark = _number(leaf, value)
    marks = [float(lv["mark"]) for lv in leaf.params["levels"]]
    if mark is not None and mark not in marks:
        raise ValueError(f"réponse à « {leaf.path} » : note hors de l'échelle ; notes possibles : "
                         + ", ".join(fr_short(m) for m in marks))
    return mark


def _boolean(leaf: Leaf, value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"réponse à « {leaf.path} » : true ou false est attendu, pas {value!r}")
    return value


def _choice(leaf: Leaf, value: Any) -> str | None:
    if value is not None and value not in leaf.params["options"]:
        listed = ", ".join(f"« {o} »" for o in leaf.params["options"])
        raise ValueError(f"réponse à « {leaf.path} » : réponse inconnue ; réponses possibles : "
                         f"{listed}")
    return value


def _labels(leaf: Leaf, value: Any, what: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
        raise ValueError(f"{what} de « {leaf.path} » : une liste de labels est attendue, "
                         f"pas {value!r}")
    return list(dict.fromkeys(value))


# --------------------------------------------------------------------------- searching
class _Search:
    """The search on one leaf: scoring candidate answers exactly as the engine does."""

    def __init__(self, leaf: Leaf, max_points: float, wanted: float, others: np.ndarray):
        self.leaf = leaf
        self.method = get_method(leaf.method)
        self.max_points = max_points
        self.wanted = wanted
        self.others = others

    # -- helpers -----------------------------------------------------------
    def _result(self, value, s0, status, changes=(), best=None, message=None) -> GainSearch:
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
        return (f"{name} : impossible de gagner {_pts(self.wanted)} ; la meilleure réponse "
                f"possible rapporte {_pts(max_gain)}.")

    def _target(self, s0: float) -> float:
        return s0 + self.wanted / self.max_points

    def _change(self, value, to, score, s0, evidence=None) -> AnswerChange:
        gain = (score - s0) * self.max_points
        return AnswerChange(to, score, gain, f"{self.leaf.label} : "
                            f"{self._action(value, to, evidence)} : +{_pts(gain)}", evidence)

    # -- numbers -----------------------------------------------------------
    def score_number(self, v: float) -> float:
        column = np.array([v])
        stats = {}
        if self.method.RELATIVE:
            values = np.append(self.others, v)
            stats = self.method.statistics(values, np.ones(values.size, dtype=bool),
                                           self.leaf.params)
        return float(self.method.score(column, self.leaf.params, stats)[0])

    def valid(self, v: float) -> bool:
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
        if self.leaf.method == "steps":
            return self._steps(value, s0)
        better = _better(self.leaf)
        best = self._best_point(better)
        if best is None:
            if value is not None:
                return self._result(value, s0, IMPOSSIBLE)
            return self._result(value, s0, UNKNOWN, message=(
                f"{self.leaf.label} : critère relatif sans concurrence connue ; indiquez les "
                "réponses attendues des concurrents pour savoir quelle réponse suffit."))
        s_best = self.score_number(best)
        target = self._target(s0)
        if s_best < target - _SCORE_TOL:
            return self._result(value, s0, IMPOSSIBLE, best=s_best)
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
        return self._result(value, s0, FOUND, [self._change(value, to, self.score_number(to), s0)],
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
        for _ in range(1100):
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
        for _ in range(200):
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
        for _ in range(200):
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
            and self.score_number(x) >= target - _SCORE_TOL

    def _steps(self, value: float | None, s0: float) -> GainSearch:
        target = self._target(s0)
        ats = [float(step["at"]) for step in self.leaf.params["steps"]]
        scored = [(at, self.score_number(at)) for at in ats if self.valid(at) and at != value]
        best = max([s for _, s in scored] + [s0])
        good = [(at, s) for at, s in scored if s >= target - _SCORE_TOL]
        if not good:
            return self._result(value, s0, IMPOSSIBLE, best=best)
        better = _better(self.leaf)
        # no answer yet: the least demanding threshold is the one nearest the worst end
        good.sort(key=lambda c: (abs(c[0] - value) if value is not None else better * c[0],
                                 -c[1]))
        return self._result(value, s0, FOUND, [self._change(value, at, s, s0) for at, s in good],
                            best=best)

    # -- discrete answers --------------------------------------------------
    def _discrete(self, value, s0, candidates) -> GainSearch:
        """``candidates``: (answer, score, cost) for every other answer."""
        target = self._target(s0)
        best = max([s for _, s, _ in candidates] + [s0])
        good = sorted((c for c in candidates if c[1] >= target - _SCORE_TOL),
                      key=lambda c: (c[2], c[1]))
        if not good:
            return self._result(value, s0, IMPOSSIBLE, best=best)
        return self._result(value, s0, FOUND, [self._change(value, a, s, s0) for a, s, _ in good],
                            best=best)

    def mark(self, value: float | None) -> GainSearch:
        s0 = 0.0 if value is None else self.score_number(value)
        marks = [float(lv["mark"]) for lv in self.leaf.params["levels"]]
        origin = value if value is not None else min(marks)
        return self._discrete(value, s0, [(m, self.score_number(m), abs(m - origin))
                                          for m in marks if m != value])

    def boolean(self, value: bool | None) -> GainSearch:
        def score(answer: bool) -> float:
            return float(self.method.score(np.array([1.0 if answer else 0.0]), self.leaf.params,
                                           {})[0])
        s0 = 0.0 if value is None else score(value)
        return self._discrete(value, s0, [(a, score(a), 0) for a in (True, False) if a != value])

    def choice(self, value: str | None) -> GainSearch:
        options = list(self.leaf.params["options"])

        def score(answer: str) -> float:
            column = ChoiceColumn(np.array([0], dtype=np.int32), (answer,))
            return float(self.method.score(column, self.leaf.params, {})[0])
        s0 = 0.0 if value is None else score(value)
        # cost 0 for all: the least demanding option (lowest score) comes first
        return self._discrete(value, s0, [(o, score(o), 0) for o in options if o != value])

    def labels(self, claimed: list[str] | None, evidenced: list[str] | None) -> GainSearch:
        params = self.leaf.params
        need = params.get("evidence", "optional") == "required"
        have, proof = claimed or [], evidenced or []

        def score(c: list[str], e: list[str]) -> float:
            names = tuple(dict.fromkeys(list(params["labels"]) + c + e))
            column = LabelsColumn(names, np.array([[n in c for n in names]]),
                                  np.array([[n in e for n in names]]), np.array([True]))
            return float(self.method.score(column, params, {})[0])

        s0 = 0.0 if claimed is None else score(have, proof)
        target = self._target(s0)
        missing = [name for name, sc in sorted(params["labels"].items(), key=lambda kv: -kv[1])
                   if sc > 0 and not (name in have and (not need or name in proof))]

        def apply(extra) -> tuple[list[str], list[str]]:
            c = have + [x for x in extra if x not in have]
            e = proof + [x for x in extra if need and x not in proof]
            return c, e

        everything = apply(missing)
        best = max(score(*everything), s0)
        if best < target - _SCORE_TOL:
            return self._result(claimed, s0, IMPOSSIBLE, best=best)
        found = []
        for size in range(1, len(missing) + 1):
            if len(missing) > _MAX_LABELS_ENUMERATED:
                # too many to enumerate: the best-scoring ones first
                subsets: Iterable[tuple[str, ...]] = [tuple(missing[:size])]
            else:
                subsets = combinations(missing, size)
            for extra in subsets:
                c, e = apply(extra)
                s = score(c, e)
                if s >= target - _SCORE_TOL:
                    new_claims = sum(x not in have for x in extra)
                    found.append((new_claims, s, sorted(c), sorted(e)))
            if found:
                break
        found.sort(key=lambda f: (f[0], f[1]))
        changes = [self._change((have, proof), c, s, s0, evidence=tuple(e))
                   for _, s, c, e in found]
        return self._result(claimed, s0, FOUND, changes, best=best)

    # -- messages ----------------------------------------------------------
    def _action(self, value, to, evidence) -> str:
        leaf = self.leaf
        kind = self.method.KIND
        unit = f" {leaf.unit}" if leaf.unit else ""
        if kind == "number":
            if value is None:
                return f"répondre {fr_short(to)}{unit}"
            verb = "réduire" if to < value else "augmenter"
            return f"{verb} de {fr_short(value)} à {fr_short(to)}{unit}"
        if kind == "mark":
            level = {float(lv["mark"]): lv["label"] for lv in leaf.params["levels"]}
            return f"viser le niveau « {level[to]} » (note {fr_short(to)})"
        if kind == "boolean":
            return f"répondre « {'oui' if to else 'non'} »"
        if kind == "choice":
            return f"choisir « {to} »" + (f" au lieu de « {value} »" if value else "")
        have, proof = value
        new = [x for x in to if x not in have]
        justify = [x for x in (evidence or ()) if x not in proof and x not in new]
        parts = []
        if new:
            parts.append("obtenir " + _listing("le label", "les labels", new)
                         + (" avec justificatif" if evidence and set(new) <= set(evidence) else ""))
        if justify:
            parts.append("joindre le justificatif de " + _listing("", "", justify).strip())
        return " et ".join(parts)


def _better(leaf: Leaf) -> int:
    """+1 when a higher answer scores better on this leaf, −1 when a lower one does."""
    if leaf.method in PRICE_METHODS:
        return -1
    if leaf.method == "linear":
        return 1 if float(leaf.params["best"]) > float(leaf.params["worst"]) else -1
    return -1 if leaf.params.get("direction", "higher") == "lower" else 1


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


def _pts(points: float) -> str:
    return f"{fr_number(points, 1 if points >= 0.1 else 2)} pts"


def _listing(one: str, many: str, names: list[str]) -> str:
    quoted = ", ".join(f"« {n} »" for n in names)
    return f"{one if len(names) == 1 else many} {quoted}"
