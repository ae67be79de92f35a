"""Indicative scores of company profiles on a criteria set's standing criteria (SPEC §8).

A company profile holds *standing answers*: what does not change from one tender to the
next (labels, the equality index, insertion hours…). Matching scores every profile at
once — one lot, one call of :func:`~spar.engine.scoring.score_lot` — on the criteria a
profile can answer ahead of a tender:

- not the price (it is the tender's), nor a criterion the buyer marks (a mark exists
  only once the buyer has read an offer);
- every other leaf keeps its method, its parameters and its ``minimum``/``maximum`` (a
  profile under a legal minimum would make any offer irregular: it is listed last,
  with the reason);
- ``required`` is dropped: a profile is not an offer, the firm adds the missing answer
  when it bids, so a missing answer scores 0 as for any optional criterion;
- ``eliminatory_below`` and the tie-break are dropped: both are about groups whose
  other criteria (price, marks, the tender's own answers) a profile cannot answer.

The leaves are flattened under one root with their effective share of the full set as
their weight and ``points`` scaled to the sum of those shares, so the engine's totals
are exactly the points these leaves earn on the full set: a profile's ``score`` is out
of ``max_score``, the points the standing criteria weigh. Relative methods (relative,
min_max) are taken over the profiles scored together, as the SPEC asks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import numpy as np

from .answers import Lot, lot_from_columns
from .columns import take
from .criteria import CriteriaSet, Group, Leaf
from .errors import AnswersError, EngineError
from .methods import get_method, is_price
from .scoring import IRREGULAR, LotResult, score_lot
from .self_assessment import hints as answer_hints


class NoStandingCriteriaError(EngineError):
    """The criteria set has no criterion a profile can answer ahead of a tender."""


def is_standing(leaf: Leaf) -> bool:
    """Whether a profile's standing answer can score this leaf: neither the price nor a
    mark the buyer gives."""
    return not is_price(leaf.method) and leaf.assessed_by != "buyer"


_FLAT: dict[str, CriteriaSet] = {}


def standing_criteria(criteria: CriteriaSet) -> CriteriaSet:
    """The standing leaves of ``criteria`` as a flat set scoring on the full set's scale
    (see the module docstring); NoStandingCriteriaError when there is none."""
    key = criteria.sha256 or repr(criteria.identity)
    cached = _FLAT.get(key)
    if cached is not None:
        return cached
    shares = criteria.shares()
    leaves = [leaf for leaf in criteria.leaves if is_standing(leaf)]
    if not leaves:
        raise NoStandingCriteriaError(
            f"le jeu de critères {criteria.id} v{criteria.version} n'a aucun critère hors prix "
            "et hors notes de l'acheteur : rien à comparer entre profils")
    weights = [shares[leaf.path] for leaf in leaves]
    flat_leaves = tuple(replace(leaf, weight=w, required=False, eliminatory_below=None)
                        for leaf, w in zip(leaves, weights))
    root = Group(id="", label=criteria.root.label, weight=1.0, pillar=None, path="",
                 children=flat_leaves)
    flat = CriteriaSet(id=criteria.id, version=criteria.version, title=criteria.title,
                       category=criteria.category, points=criteria.points * math.fsum(weights),
                       root=root, sha256=criteria.sha256)
    if len(_FLAT) > 256:  # criteria sets are few; this only bounds a pathological upload loop
        _FLAT.clear()
    _FLAT[key] = flat
    return flat


def standing_inputs(criteria: CriteriaSet) -> dict[str, list[Leaf]]:
    """Input name → the standing leaves of ``criteria`` reading it."""
    out: dict[str, list[Leaf]] = {}
    for leaf in criteria.leaves:
        if is_standing(leaf):
            out.setdefault(leaf.input, []).append(leaf)
    return out


def _numbers(raw: Sequence[Any]) -> Sequence[Any]:
    """A column of numeric answers as a float array (NaN when missing) when every answer
    is already a number: the engine then reads it without a Python loop per profile.
    Anything else (a string with a decimal comma, a stale answer of another kind) is
    left for the engine to parse or refuse."""
    if isinstance(raw, np.ndarray):
        return raw
    # a boolean is not a number here, though numpy would read it as one
    if not set(map(type, raw)) <= {int, float, type(None)}:
        return raw
    try:
        return np.array(raw, dtype=np.float64)
    except OverflowError:  # an integer beyond any float: the engine words the problem
        return raw


@dataclass
class ProfileMatch:
    """The standing scores of profiles scored together on one criteria set."""

    criteria: CriteriaSet  # the flat standing set
    result: LotResult
    #: (profile, input) answers left out because they are not valid for this set (an
    #: answer checked against another set reading the same input, or an older version).
    ignored: list[tuple[str, str, str]]

    @property
    def ids(self) -> tuple[str, ...]:
        return self.result.lot.offer_ids

    @property
    def max_score(self) -> float:
        # the sum of shares carries float noise (7.800000000000001): no one reads it
        return round(float(self.criteria.points), 9)

    def score(self, i: int) -> float | None:
        """Profile ``i``'s points, None when its standing answers would make it irregular."""
        if self.result.status[i] == IRREGULAR:
            return None
        return float(self.result.totals[i])

    def rank_order(self) -> np.ndarray:
        """Profile indexes, best first: by score, then the irregular ones."""
        return self.result.order

    def row(self, i: int) -> dict[str, Any]:
        """``{id, score, max_score, status, reasons}`` of profile ``i``; status is
        ``ranked`` or ``irregular`` (then ``reasons`` say which minimum it misses)."""
        status = str(self.result.status[i])
        return {"id": self.ids[i], "score": self.score(i), "max_score": self.max_score,
                "status": "irregular" if status == IRREGULAR else "ranked",
                "reasons": list(self.result.reasons.peek(i))}

    def breakdown(self, i: int) -> list[dict[str, Any]]:
        """Profile ``i``'s points per standing criterion (SPEC §4 breakdown entries)."""
        from .explain import leaf_entries

        return leaf_entries(self.result, i)

    def hints(self, i: int, limit: int = 3) -> list[dict[str, Any]]:
        """What would gain profile ``i`` the most points on these criteria, the biggest
        gains first, the competition being the other profiles scored with it."""
        if self.result.status[i] == IRREGULAR:
            return []
        result = self.result
        competing = result.status != IRREGULAR
        others = competing.copy()
        others[i] = False
        assumed: dict[str, np.ndarray] = {}
        for leaf in result.weights.leaves:
            column = result.lot.columns[leaf.input]
            if get_method(leaf.method).RELATIVE and isinstance(column, np.ndarray):
                values = column[others]
                assumed[leaf.input] = values[~np.isnan(values)]
        one = Lot((self.ids[i],), {name: take(col, np.array([i]))
                                   for name, col in result.lot.columns.items()})
        found = answer_hints(self.criteria, one, result.scores[i], assumed)
        return found[:limit]


def profile_lot(criteria: CriteriaSet, ids: Sequence[str],
                answers: Mapping[str, Sequence[Any]],
                evidence: Mapping[str, Sequence[Any]] | None = None
                ) -> tuple[Lot, list[tuple[str, str, str]]]:
    """The standing answers of profiles as one checked lot on the standing criteria of
    ``criteria``, and the answers left out: ``(profile, input, reason)``.

    ``answers`` and ``evidence`` are columns (input → one answer per profile, None when
    missing); inputs that no standing criterion reads are ignored, and so is an answer
    this set refuses: a profile's answers were checked against the sets published when
    it was saved, and one answer a later set reads otherwise must not hide every firm.
    """
    flat = standing_criteria(criteria)
    known = flat.inputs()
    kinds = {name: get_method(leaves[0].method).KIND for name, leaves in known.items()}
    n = len(ids)
    empty = [None] * n
    raw: dict[str, Sequence[Any]] = {}
    for name in known:
        column = answers.get(name, empty)
        raw[name] = _numbers(column) if kinds[name] in ("number", "mark") else column
    ev = {name: (evidence or {}).get(name, empty) for name in known if kinds[name] == "labels"}
    ignored: list[tuple[str, str, str]] = []
    try:
        lot = lot_from_columns(flat, ids, raw, ev)
    except AnswersError as exc:
        raw, ev = _without(exc.problems, ids, raw, ev, ignored)
        lot = lot_from_columns(flat, ids, raw, ev)
    return lot, ignored


def match_lot(criteria: CriteriaSet, lot: Lot, rows: np.ndarray | None = None,
              ignored: list[tuple[str, str, str]] | None = None,
              ids: np.ndarray | None = None) -> ProfileMatch:
    """Score the profiles of ``lot`` (built by :func:`profile_lot`), or only those at
    ``rows``, together: one call of the engine, relative methods over them alone.
    ``ids``, the lot's ids as an object array, saves converting them on every call."""
    flat = standing_criteria(criteria)
    if rows is not None:
        # the ids through numpy: a Python loop over 100,000 of them costs a third of a scoring
        if ids is None:
            ids = np.asarray(lot.offer_ids, dtype=object)
        lot = Lot(tuple(ids[rows].tolist()),
                  {name: take(column, rows) for name, column in lot.columns.items()})
    return ProfileMatch(flat, score_lot(flat, lot), list(ignored or ()))


def match_profiles(criteria: CriteriaSet, ids: Sequence[str],
                   answers: Mapping[str, Sequence[Any]],
                   evidence: Mapping[str, Sequence[Any]] | None = None) -> ProfileMatch:
    """Score every profile at once on the standing criteria of ``criteria`` (see
    :func:`profile_lot` for the columns)."""
    lot, ignored = profile_lot(criteria, ids, answers, evidence)
    return match_lot(criteria, lot, ignored=ignored)


def _without(problems, ids, raw, ev, ignored):
    """The columns with every refused answer (or evidence) blanked, noting each one."""
    position = {pid: k for k, pid in enumerate(ids)}
    raw = {name: list(column) for name, column in raw.items()}
    ev = {name: list(column) for name, column in ev.items()}
    for p in problems:
        k = position.get(p.offer)
        if k is None or p.input is None:  # a malformed column: the caller's bug, not data
            raise AnswersError(problems)
        if p.input.startswith("evidence."):
            ev[p.input[len("evidence."):]][k] = None
        else:
            raw[p.input][k] = None
        ignored.append((p.offer, p.input, p.reason))
    return raw, ev
