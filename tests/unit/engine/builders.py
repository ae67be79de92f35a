"""Small builders for engine tests: criteria sets from inline YAML, lots from answers."""

from __future__ import annotations

import textwrap
from typing import Any, Mapping, Sequence

from spar.criteria_file import load_criteria_text
from spar.engine.answers import Lot, lot_from_offers
from spar.engine.criteria import CriteriaSet
from spar.engine.scoring import LotResult, score_lot

#: A five-level ``scale`` leaf (marks 0 to 4 scoring 0, 0.25 … 1), as in SPEC §2.
SCALE_LEAF = ("method: scale, levels: [{mark: 0, label: Absent, score: 0}, "
              "{mark: 1, label: Insuffisant, score: 0.25}, {mark: 2, label: Moyen, score: 0.5}, "
              "{mark: 3, label: Satisfaisant, score: 0.75}, "
              "{mark: 4, label: Très satisfaisant, score: 1}]")

HEADER = """\
spar: 1
id: essai
version: 1
title: Jeu de critères d'essai
category: supplies
points: {points}
"""


def criteria(body: str, points: float = 100) -> CriteriaSet:
    """A criteria set from the YAML after the header (``criteria:``, ``ranking:``…)."""
    return load_criteria_text(HEADER.format(points=points) + textwrap.dedent(body), "essai.yaml")


def one_leaf(leaf: str, review: str = "") -> CriteriaSet:
    """A set whose only criterion is ``x``, an environmental leaf reading input ``v``.

    ``leaf`` is the method part of a YAML flow mapping: ``method: linear, best: 1, worst: 0``.
    """
    body = (f"criteria:\n  - {{id: x, label: X, pillar: environmental, weight: 1, input: v, "
            f"{leaf}}}\n")
    if review:
        body += f"review:\n  abnormally_low: {review}\n"
    return criteria(body)


def offers(*answers: Mapping[str, Any] | None, evidence: Sequence[Mapping | None] = ()
           ) -> list[dict[str, Any]]:
    """SPEC §3 offers A, B, C… with the given answers (None: an offer that answered nothing)."""
    out = []
    for k, given in enumerate(answers):
        offer: dict[str, Any] = {"id": offer_id(k), "answers": dict(given or {})}
        if k < len(evidence) and evidence[k] is not None:
            offer["evidence"] = dict(evidence[k])
        out.append(offer)
    return out


def offer_id(k: int) -> str:
    return chr(ord("A") + k) if k < 26 else f"O{k}"


def values_lot(crit: CriteriaSet, values: Sequence[Any], estimate: float | None = None) -> Lot:
    """A lot whose offers answer input ``v`` with ``values`` (None: left blank)."""
    return lot_from_offers(crit, offers(*({} if v is None else {"v": v} for v in values)),
                           estimate=estimate)


def score_values(crit: CriteriaSet, values: Sequence[Any]) -> list[float]:
    """Scores of leaf ``x`` for offers answering ``values``, in offer order."""
    result = score_lot(crit, values_lot(crit, values))
    return [float(s) for s in result.scores[:, 0]]


def score(crit: CriteriaSet, *answers: Mapping[str, Any] | None, evidence=(),
          estimate: float | None = None) -> LotResult:
    """Score offers A, B, C… answering ``answers``."""
    return score_lot(crit, lot_from_offers(crit, offers(*answers, evidence=evidence),
                                           estimate=estimate))


def by_id(result: LotResult) -> dict[str, int]:
    """Offer id → its row in the result's arrays."""
    return {oid: i for i, oid in enumerate(result.lot.offer_ids)}
