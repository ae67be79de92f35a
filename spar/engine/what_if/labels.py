"""The smallest change of a labels answer: the fewest labels to obtain or to justify."""

from __future__ import annotations

from itertools import combinations
from typing import Iterable

import numpy as np

from ..columns import LabelsColumn
from ..methods.labels import evidence_required
from .search import FOUND, IMPOSSIBLE, SCORE_TOL, GainSearch, LeafSearch

# Above this many labels, combinations for ``combine: sum`` are not enumerated.
_MAX_LABELS_ENUMERATED = 14


class LabelsSearch(LeafSearch):
    """Labels claimed and justified: which to add (with their evidence when required)."""

    def labels(self, claimed: list[str] | None, evidenced: list[str] | None) -> GainSearch:
        params = self.leaf.params
        need = evidence_required(params)
        have, proof = claimed or [], evidenced or []

        def score(c: list[str], e: list[str]) -> float:
            names = tuple(dict.fromkeys(list(params["labels"]) + c + e))
            column = LabelsColumn(names, np.array([[n in c for n in names]]),
                                  np.array([[n in e for n in names]]), np.array([True]))
            return float(self.method.score(column, params, {})[0])

        s0 = 0.0 if claimed is None else score(have, proof)
        target = self.target(s0)
        missing = [name for name, sc in sorted(params["labels"].items(), key=lambda kv: -kv[1])
                   if sc > 0 and not (name in have and (not need or name in proof))]

        def apply(extra) -> tuple[list[str], list[str]]:
            c = have + [x for x in extra if x not in have]
            e = proof + [x for x in extra if need and x not in proof]
            return c, e

        everything = apply(missing)
        best = max(score(*everything), s0)
        if best < target - SCORE_TOL:
            return self.result(claimed, s0, IMPOSSIBLE, best=best)
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
                if s >= target - SCORE_TOL:
                    new_claims = sum(x not in have for x in extra)
                    found.append((new_claims, s, sorted(c), sorted(e)))
            if found:
                break
        found.sort(key=lambda f: (f[0], f[1]))
        changes = [self.change((have, proof), c, s, s0, evidence=tuple(e))
                   for _, s, c, e in found]
        return self.result(claimed, s0, FOUND, changes, best=best)

    def action(self, value, to, evidence) -> str:
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


def _listing(one: str, many: str, names: list[str]) -> str:
    quoted = ", ".join(f"« {n} »" for n in names)
    return f"{one if len(names) == 1 else many} {quoted}"
