"""The result of a scoring as SPEC §4 writes it, with one line of arithmetic per leaf."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Iterator, Protocol

from .columns import LabelsColumn, value_at
from .criteria import PILLARS
from .methods import get_method
from .scoring import IRREGULAR, LotResult


def method_value(column, i: int, kind: str) -> Any:
    """The answer of offer ``i`` in the form the method's ``explain`` reads."""
    if isinstance(column, LabelsColumn):
        return (column.value_at(i) or [], column.evidence_at(i))
    return value_at(column, i, kind)


def explanation(result: LotResult, i: int, j: int) -> str:
    """One line saying how offer ``i`` got its score on leaf ``j``."""
    return _explain(result, _leaf_facts(result)[j], i, float(result.scores[i, j]))


def _leaf_facts(result: LotResult) -> list[tuple]:
    """Per leaf, what every offer's entry repeats: the leaf, its method and answer kind,
    its column, which offers left it unanswered and its maximum (looked up once per
    result, not once per offer)."""
    facts = result.__dict__.get("_leaf_facts")
    if facts is None:
        max_points = result.max_points
        facts = []
        for j, leaf in enumerate(result.weights.leaves):
            method = get_method(leaf.method)
            facts.append((leaf, method, method.KIND, result.lot.columns[leaf.input],
                          result.missing(leaf.input), float(max_points[j]), j))
        result.__dict__["_leaf_facts"] = facts
    return facts


def _explain(result: LotResult, facts: tuple, i: int, score: float) -> str:
    leaf, method, kind, column, missing, _, j = facts
    if result.status[i] == IRREGULAR:
        return "offre irrégulière : non notée"
    if missing[i]:
        return "pas de réponse : 0.0000"
    return method.explain(method_value(column, i, kind), score, leaf.params,
                          result.stats_for(i, j))


def leaf_entries(result: LotResult, i: int) -> list[dict[str, Any]]:
    """The breakdown of offer ``i``: one entry per leaf."""
    scores = result.scores[i].tolist()
    points = result.points[i].tolist()
    out = []
    for facts in _leaf_facts(result):
        leaf, _, kind, column, _, max_points, j = facts
        score = scores[j]
        out.append({
            "criterion": leaf.path,
            "label": leaf.label,
            "pillar": leaf.pillar,
            "input": leaf.input,
            "value": value_at(column, i, kind),
            "score": None if math.isnan(score) else score,
            "max_points": max_points,
            "points": None if math.isnan(points[j]) else points[j],
            "explanation": _explain(result, facts, i, score),
        })
    return out


class Breakdown(Sequence):
    """Offer ``i``'s breakdown, worded when it is first read.

    A writer streaming a large lot reads each breakdown once and lets it go; a
    writer that only wants the offers' totals never pays for the arithmetic lines.
    """

    def __init__(self, result: LotResult, i: int):
        self._result, self._i = result, i
        self._entries: list[dict[str, Any]] | None = None

    def _built(self) -> list[dict[str, Any]]:
        if self._entries is None:
            self._entries = leaf_entries(self._result, self._i)
        return self._entries

    def __len__(self) -> int:
        return len(self._result.weights.leaves)

    def __getitem__(self, k):
        return self._built()[k]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._built())


class ReviewSections(Protocol):
    """What a review of the lot adds to each offer's entry (see :mod:`spar.review`)."""

    def section(self, i: int) -> dict[str, Any]:
        """Offer ``i``'s ``review`` object of SPEC §4: ``flagged``, ``reasons``, ``notes``…"""


def unreviewed_section(result: LotResult, i: int) -> dict[str, Any]:
    """The ``review`` object of an offer no review looked at: the lot's abnormally-low
    rules alone decide whether it is flagged."""
    flags = list(result.flags.peek(i))
    return {"flagged": bool(flags), "reasons": flags, "notes": [], "model_score": None,
            "model_version": None, "top_features": []}


def offer_entry(result: LotResult, i: int, breakdown: bool | str = True,
                review: ReviewSections | None = None) -> dict[str, Any]:
    """SPEC §4's entry for offer ``i``.

    ``reasons`` says why the offer is irregular, eliminated or flagged; the review's
    notes stay in ``review.notes``. ``breakdown``: True for the list of leaf entries,
    ``"lazy"`` for a :class:`Breakdown` worded on first read, False for none.
    """
    section = unreviewed_section(result, i) if review is None else review.section(i)
    irregular = result.status[i] == IRREGULAR
    pillar_points = result.pillar_points[i]
    entry: dict[str, Any] = {
        "id": result.lot.offer_ids[i],
        "status": str(result.status[i]),
        "rank": int(result.rank[i]) or None,
        "total": None if irregular else float(result.totals[i]),
        "pillars": {} if irregular else {p: float(pillar_points[k]) for k, p in enumerate(PILLARS)},
        "reasons": list(result.reasons.peek(i)) + list(section["reasons"]),
        "review": section,
    }
    supplier = result.lot.suppliers[i] if result.lot.suppliers else None
    if supplier:
        entry["supplier"] = dict(supplier)
    if breakdown == "lazy":
        entry["breakdown"] = Breakdown(result, i)
    elif breakdown:
        entry["breakdown"] = leaf_entries(result, i)
    return entry


class OfferEntries(Sequence):
    """Every offer's entry in rank order, built when read: a writer streams a lot of
    100,000 offers through it with flat memory."""

    def __init__(self, result: LotResult, review: ReviewSections | None = None,
                 breakdown: bool | str = "lazy"):
        self._result, self._review, self._breakdown = result, review, breakdown

    def __len__(self) -> int:
        return len(self._result.order)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        i = int(self._result.order[k])
        return offer_entry(self._result, i, self._breakdown, self._review)


def result_to_dict(result: LotResult, breakdown: bool = True,
                   review: ReviewSections | None = None) -> dict[str, Any]:
    """The JSON object of SPEC §4, offers in rank order."""
    return {
        "criteria": result.criteria.identity,
        "engine": result.engine,
        "lot": result.lot.lot_id,
        "points": float(result.criteria.points),
        "warnings": list(result.warnings),
        "offers": list(OfferEntries(result, review, breakdown)),
    }
