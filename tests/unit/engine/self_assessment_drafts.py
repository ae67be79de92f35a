"""Varied draft offers on the shipped criteria sets, drawn from a seed, for pinning results.

Each draft answers every input of a set from its leaf's method (numbers around the
method's parameters, any option, any mark, labels with and without evidence), leaves
some answers out, breaks some bounds, and adds assumptions about the competition and
a wanted gain now and then — the variety suppliers send.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from spar.criteria_file import load_criteria
from spar.engine.errors import AnswersError
from spar.engine.methods import get_method

CRITERIA_DIR = Path(__file__).resolve().parents[3] / "criteria"


def _number(leaf, rng: np.random.Generator) -> float:
    p = leaf.params
    if leaf.method == "linear":
        lo, hi = sorted((float(p["best"]), float(p["worst"])))
        return round(float(rng.uniform(lo - 0.2 * (hi - lo), hi + 0.2 * (hi - lo))), 3)
    if leaf.method == "steps":
        ats = [float(s["at"]) for s in p["steps"]]
        return round(float(rng.uniform(0, 1.5 * max(ats))), 1)
    if leaf.method.startswith("price_"):
        return round(float(rng.lognormal(np.log(50_000), 0.3)), 2)
    return round(float(rng.lognormal(np.log(100), 0.6)), 2)


def _answer(leaf, rng: np.random.Generator) -> tuple[Any, Any]:
    """(answer, evidence) for one leaf."""
    kind = get_method(leaf.method).KIND
    if kind == "number":
        return _number(leaf, rng), None
    if kind == "mark":
        return float(rng.choice([float(lv["mark"]) for lv in leaf.params["levels"]])), None
    if kind == "boolean":
        return bool(rng.random() < 0.5), None
    if kind == "choice":
        return str(rng.choice(list(leaf.params["options"]))), None
    names = list(leaf.params["labels"])
    claimed = [n for n in names if rng.random() < 0.4]
    return claimed, [n for n in claimed if rng.random() < 0.7]


def drafts(criteria, count: int, seed: int) -> Iterator[dict[str, Any]]:
    """``count`` self-assessment requests on ``criteria``."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        answers, evidence, assumptions = {}, {}, {}
        for leaf in criteria.leaves:
            if leaf.input in answers or rng.random() < 0.08:
                continue
            answers[leaf.input], proof = _answer(leaf, rng)
            if proof is not None:
                evidence[leaf.input] = proof
            if get_method(leaf.method).RELATIVE and rng.random() < 0.5:
                value = answers[leaf.input]
                assumptions[leaf.input] = (
                    round(value * float(rng.uniform(0.7, 1.3)), 2) if rng.random() < 0.5
                    else [round(value * float(x), 2) for x in rng.uniform(0.6, 1.5, 3)])
            if rng.random() < 0.01:  # now and then a slip: its error message is pinned too
                answers[leaf.input] = "beaucoup"
        yield {"answers": answers, "evidence": evidence, "assumptions": assumptions,
               "gain": float(rng.choice([0.5, 2.0, 10.0])) if rng.random() < 0.3 else None}


def _settled(value: Any) -> Any:
    """Floats to 12 significant digits: far finer than any point shown or ranked, yet
    blind to the last-bit noise of another CPU's or numpy release's summation order."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _settled(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_settled(v) for v in value]
    return value


def result_digest(result: dict[str, Any]) -> str:
    """The SHA-256 of a result, every float to 12 significant digits."""
    text = json.dumps(_settled(result), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digests(self_assess, count: int = 40, seed: int = 20260821) -> dict[str, list[str]]:
    """Per shipped criteria set, the digest of each draft's result (or of its error)."""
    out = {}
    for path in sorted(CRITERIA_DIR.glob("*.yaml")):
        criteria = load_criteria(path)
        found = []
        for draft in drafts(criteria, count, seed):
            try:
                found.append(result_digest(self_assess(
                    criteria, draft["answers"], draft["evidence"], draft["assumptions"],
                    gain=draft["gain"]).to_dict()))
            except (AnswersError, ValueError) as exc:  # the words of a refusal are pinned too
                found.append("error:" + result_digest({"error": str(exc)}))
        out[criteria.id] = found
    return out
