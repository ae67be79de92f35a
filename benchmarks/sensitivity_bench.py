"""Benchmark of the decision-robustness analysis on a 1,000-offer lot with 20 criteria.

Run as ``.venv/bin/python benchmarks/sensitivity_bench.py [--offers N] [--repeats R]``.

Two criteria sets of 20 leaves with mixed methods (relative prices, linear,
min-max, steps, booleans, marks) are generated, and a lot of N offers with a
fixed seed, parsed once outside the timings:

* ``nested``: 5 top-level criteria of 4 leaves each, two of them eliminatory;
* ``flat``: the 20 leaves as top-level criteria (the worst case for ``--pairs``:
  (N − 1) × 20 swap thresholds in each direction).

Timed on each, median of R runs: ``score_lot`` (for scale), ``analyse_result``
without and with pairs, the JSON of the full analysis, one what-if variant
(``compare_variants``: the lot scored again under another price formula) and
``smallest_changes`` for every leaf of one offer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spar.analysis import Variant, compare_variants  # noqa: E402
from spar.criteria_file import load_criteria_document  # noqa: E402
from spar.engine.answers import lot_from_columns  # noqa: E402
from spar.engine.scoring import score_lot  # noqa: E402
from spar.engine.sensitivity import analyse_result  # noqa: E402
from spar.engine.what_if import smallest_changes  # noqa: E402

SEED = 20260821
PILLARS = ("economic", "environmental", "social", "technical", "technical")
LEVELS = [{"mark": m, "label": f"Niveau {m}", "score": m / 4} for m in range(5)]


def _leaf(j: int) -> dict[str, Any]:
    """Leaf ``j`` of 20: a method per position, each reading its own input."""
    base = {"id": f"c{j:02d}", "label": f"Critère {j}", "input": f"x{j:02d}", "weight": 1 + j % 4}
    kind = j % 10
    if j == 0:
        return base | {"method": "price_lowest_ratio"}
    if kind in (1, 6):
        return base | {"method": "price_min_max"}
    if kind in (2, 7):
        return base | {"method": "linear", "best": 0, "worst": 100}
    if kind == 3:
        return base | {"method": "min_max", "direction": "higher"}
    if kind == 4:
        return base | {"method": "relative", "direction": "lower"}
    if kind == 5:
        return base | {"method": "steps", "steps": [{"at": 30, "score": 0.5},
                                                    {"at": 70, "score": 1}]}
    if kind == 8:
        return base | {"method": "boolean"}
    return base | {"method": "scale", "levels": LEVELS}


def documents() -> dict[str, dict[str, Any]]:
    """The nested and the flat criteria sets, same 20 leaves."""
    leaves = [_leaf(j) for j in range(20)]
    nested = []
    for g in range(5):
        group = {"id": f"g{g}", "label": f"Groupe {g}", "pillar": PILLARS[g],
                 "weight": (40, 25, 15, 10, 10)[g], "criteria": leaves[4 * g:4 * g + 4]}
        if g in (1, 2):
            group["eliminatory_below"] = 0.2
        nested.append(group)
    flat = [leaf | {"pillar": PILLARS[j // 4]} for j, leaf in enumerate(leaves)]
    head = {"spar": 1, "version": 1, "title": "Benchmark", "category": "supplies"}
    return {"nested": head | {"id": "bench-nested", "criteria": nested},
            "flat": head | {"id": "bench-flat", "criteria": flat}}


def answers(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random answers of ``n`` offers for the 20 inputs."""
    out = {}
    for j in range(20):
        leaf = _leaf(j)
        if leaf["method"].startswith("price") or leaf["method"] == "relative":
            out[leaf["input"]] = rng.uniform(50_000, 150_000, n).round(2)
        elif leaf["method"] == "boolean":
            out[leaf["input"]] = rng.integers(0, 2, n).astype(float)
        elif leaf["method"] == "scale":
            out[leaf["input"]] = rng.integers(0, 5, n).astype(float)
        else:
            out[leaf["input"]] = rng.uniform(0, 100, n).round(1)
    return out


def timed(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time in ms, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    raw = answers(args.offers, rng)
    ids = [f"O{i:05d}" for i in range(args.offers)]

    print(f"Robustesse d'un lot de {args.offers} offres × 20 critères "
          f"(médiane de {args.repeats} mesures, ms)")
    print(f"{'jeu':8} {'étape':44} {'ms':>10}")
    for name, doc in documents().items():
        criteria = load_criteria_document(doc)
        lot = lot_from_columns(criteria, ids, raw)
        rows = []
        t, result = timed(lambda: score_lot(criteria, lot), args.repeats)
        rows.append(("score_lot (pour l'échelle)", t))
        t, _ = timed(lambda: analyse_result(result), args.repeats)
        rows.append(("analyse_result", t))
        t, full = timed(lambda: analyse_result(result, pairs=True), args.repeats)
        rows.append((f"analyse_result, pairs=True ({len(full['pairs'])} paires)", t))
        t, text = timed(lambda: json.dumps(full, ensure_ascii=False, allow_nan=False),
                        args.repeats)
        rows.append((f"JSON de l'analyse complète ({len(text) / 1e6:.1f} Mo)", t))
        price = criteria.leaves[1].path
        variant = Variant(methods={price: {"method": "price_lowest_ratio"}})
        t, _ = timed(lambda: compare_variants(criteria, lot, [variant], baseline=result),
                     args.repeats)
        rows.append(("compare_variants (1 variante)", t))
        last = int(result.order[np.count_nonzero(result.status == "ranked") - 1])
        t, _ = timed(lambda: _supplier_what_if(criteria, lot, result, last), args.repeats)
        rows.append(("smallest_changes, 20 critères d'une offre", t))
        for label, ms in rows:
            print(f"{name:8} {label:44} {ms:10.2f}")
        st = full["stability"]
        print(f"{name:8} vainqueur {', '.join(st['winner'])} ; plus petit changement "
              f"{st['smallest_change_points']:.3f} pts ; fragile : {st['fragile']}")


def _supplier_what_if(criteria, lot, result, i: int) -> None:
    """The smallest change gaining 1 point on every leaf for offer ``i``, against the
    other ranked offers."""
    others = result.status == "ranked"
    others[i] = False
    for leaf in criteria.leaves:
        column = lot.columns[leaf.input]
        value = float(column[i])
        if leaf.method == "boolean":
            value = bool(value)
        smallest_changes(criteria, leaf, value, 1.0, column[others])


if __name__ == "__main__":
    main()
