"""Small criteria sets and lots for the robustness tests, hand-made and random."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import strategies as st

from spar.criteria_file import load_criteria_document
from spar.engine.answers import lot_from_offers
from spar.engine.scoring import score_lot


def document(criteria: list[dict[str, Any]], **extra) -> dict[str, Any]:
    """A valid criteria document around ``criteria`` (the top-level list)."""
    return {"spar": 1, "id": "test", "version": 1, "title": "Test", "category": "supplies",
            "criteria": criteria, **extra}


def price(weight: float = 60, method: str = "price_lowest_ratio") -> dict[str, Any]:
    return {"id": "price", "label": "Prix", "pillar": "economic", "weight": weight,
            "input": "price", "method": method}


def env(weight: float = 40, best: float = 0, worst: float = 10, **extra) -> dict[str, Any]:
    return {"id": "env", "label": "Environnement", "pillar": "environmental", "weight": weight,
            "input": "co2", "method": "linear", "best": best, "worst": worst, **extra}


def offers(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``{"A": {"price": 100}, …}`` → offers as SPEC §3 writes them."""
    return [{"id": oid, "answers": answers} for oid, answers in rows.items()]


def scored(doc: dict[str, Any], rows: dict[str, dict[str, Any]]):
    """The criteria set and the result of scoring ``rows`` with it."""
    criteria = load_criteria_document(doc)
    return criteria, score_lot(criteria, lot_from_offers(criteria, offers(rows)))


def with_top_share(doc: dict[str, Any], k: int, share: float) -> dict[str, Any]:
    """The document with top-level criterion ``k`` at ``share`` of the total and the
    others rescaled proportionally (weights written as shares)."""
    out = copy.deepcopy(doc)
    top = out["criteria"]
    total = sum(c["weight"] for c in top)
    rest = total - top[k]["weight"]
    for j, c in enumerate(top):
        c["weight"] = share if j == k else c["weight"] / rest * (1 - share)
    return out


# --------------------------------------------------------------------------- random lots
_LEAF_METHODS = ("linear", "min_max", "relative", "steps", "price_linear_gap")


@st.composite
def leaf(draw, cid: str, pillar: str | None = None) -> dict[str, Any]:
    method = draw(st.sampled_from(_LEAF_METHODS))
    out: dict[str, Any] = {"id": cid, "label": cid.capitalize(), "input": cid,
                           "weight": draw(st.integers(1, 9)), "method": method}
    if pillar:
        out["pillar"] = pillar
    if method == "linear":
        best, worst = draw(st.sampled_from([(0, 10), (10, 0), (2, 8)]))
        out.update(best=best, worst=worst)
    elif method in ("min_max", "relative"):
        out["direction"] = draw(st.sampled_from(["higher", "lower"]))
    elif method == "steps":
        out["steps"] = [{"at": 3, "score": 0.5}, {"at": 7, "score": 1}]
    return out


@st.composite
def random_lot(draw, max_offers: int = 6):
    """A criteria document (2–4 top-level criteria, relative methods, nested groups,
    eliminatory groups, tie-break) and offers with integer answers."""
    k = draw(st.integers(2, 4))
    pillars = ["economic", "environmental", "social", "technical"]
    top = [dict(price(draw(st.integers(1, 9)),
                      draw(st.sampled_from(["price_lowest_ratio", "price_linear_gap",
                                            "price_min_max"]))))]
    for j in range(1, k):
        pillar = pillars[j]
        if draw(st.booleans()):
            group = {"id": f"g{j}", "label": f"Groupe {j}", "pillar": pillar,
                     "weight": draw(st.integers(1, 9)),
                     "criteria": [draw(leaf(f"c{j}a")), draw(leaf(f"c{j}b"))]}
            if draw(st.booleans()):
                group["eliminatory_below"] = draw(st.sampled_from([0.1, 0.3]))
            top.append(group)
        else:
            top.append(draw(leaf(f"c{j}", pillar)))
    doc = document(top)
    if draw(st.booleans()):
        doc["ranking"] = {"tie_break": [top[-1]["id"]]}
    inputs = [c["input"] for c in _leaves(top)]
    n = draw(st.integers(2, max_offers))
    rows = {}
    for i in range(n):
        answers = {"price": draw(st.integers(50, 200))}
        for name in inputs:
            if name != "price":
                answers[name] = draw(st.integers(1, 10))
        rows[f"O{i}"] = answers
    return doc, rows


def _leaves(nodes):
    for node in nodes:
        if "criteria" in node:
            yield from _leaves(node["criteria"])
        else:
            yield node


def on_a_gate(result) -> bool:
    """Whether an offer's node score sits on an eliminatory threshold (within 1e-9).

    There the engine's rounding of the node weights, which depends on the
    top-level weights, decides the elimination: brute force through the engine
    cannot tell the exact answer, so such cases are left out.
    """
    criteria = result.criteria
    gates = [n for n in criteria.nodes() if n.eliminatory_below is not None]
    if not gates:
        return False
    competing = result.status != "irregular"
    scores = result.weights.node_scores(result.scores[competing], [g.path for g in gates])
    thresholds = np.array([g.eliminatory_below for g in gates])
    return bool((np.abs(scores - thresholds) < 1e-9).any())
