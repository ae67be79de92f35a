"""Benchmark of matching (SPEC §8) beside the engine's ``score_lot`` on the same matrix.

Run as ``.venv/bin/python benchmarks/matching_bench.py [--profiles N] [--items M]
[--repeats R]``.

Profiles are generated with a fixed seed, with the variety real ones have: sizes,
categories (a firm may work in two), answers left blank, labels claimed with and without
evidence, text answers with a decimal comma, one in ten profiles private. Every standing
input of the shipped criteria sets of a firm's categories may be answered.

1. **One planned purchase against N profiles** (``equipements-informatiques``; every
   profile is of its category, one in ten is private and left out). Timed:
   - the floor: ``score_lot`` on the standing lot of exactly the profiles matched (built
     beforehand: the same matrix);
   - matching as a request runs it once the profiles' columns are in memory
     (:func:`spar.services.matching.item_ranking` — picking the visible rows of the
     category, one ``score_lot``, the order — and the first page of 20 rows);
   - the same from raw answers (the first request after a profile was saved: the
     snapshot's columns and the criteria set's lot are built again).
2. **One profile against M planned purchases** spread over the six shipped criteria sets
   (and so over the three categories), the other profiles being the competition. Timed:
   - the floor: ``score_lot`` once per criteria set on the same matrices;
   - matching (:func:`spar.services.matching.firm_score` per criteria set and category,
     the firm's row and its three best hints, then the M entries ranked).

The target is matching within 2× of its floor; the table prints the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spar.criteria_file import load_criteria  # noqa: E402
from spar.engine.answers import Lot  # noqa: E402
from spar.engine.columns import take  # noqa: E402
from spar.engine.matching import standing_criteria, standing_inputs  # noqa: E402
from spar.engine.methods import get_method  # noqa: E402
from spar.engine.scoring import score_lot  # noqa: E402
from spar.services.matching import columns_of, firm_score, item_ranking  # noqa: E402

SEED = 20260821
ROOT = Path(__file__).resolve().parent.parent
SETS = [load_criteria(path) for path in sorted((ROOT / "criteria").glob("*.yaml"))]
ITEM_SET = next(c for c in SETS if c.id == "equipements-informatiques")
CATEGORIES = ("supplies", "services", "works")
PAGE = 20


def _answer(rng, leaf, column_kind: str):
    """A plausible standing answer for ``leaf``, or None (one in six left blank)."""
    if rng.random() < 1 / 6:
        return None
    params = leaf.params
    if column_kind == "number":
        low, high = 0.0, 100.0
        if leaf.method == "linear":
            low, high = sorted((float(params["best"]), float(params["worst"])))
            low, high = low - (high - low) * 0.2, high + (high - low) * 0.2
        elif leaf.method == "steps":
            ats = [float(s["at"]) for s in params["steps"]]
            low, high = ats[0] * 0.5, ats[-1] * 1.3
        elif leaf.minimum is not None:
            low, high = float(leaf.minimum) * 0.9, float(leaf.minimum) * 3
        low = max(low, 0.5)
        value = round(float(rng.uniform(low, high)), 1)
        return f"{value}".replace(".", ",") if rng.random() < 0.05 else value
    if column_kind == "boolean":
        return bool(rng.random() < 0.5)
    if column_kind == "choice":
        return str(rng.choice(list(params["options"])))
    names = list(params["labels"])
    picked = [str(x) for x in rng.choice(names, size=int(rng.integers(0, 3)), replace=False)]
    return picked


def make_profiles(n: int, rng, every_one_in: str | None = None) -> list[SimpleNamespace]:
    """``n`` profiles; with ``every_one_in``, all of that category (a second one maybe)."""
    leaves_by_category: dict[str, dict[str, tuple]] = {c: {} for c in CATEGORIES}
    for criteria in SETS:
        for name, leaves in standing_inputs(criteria).items():
            leaves_by_category[criteria.category].setdefault(
                name, (leaves[0], get_method(leaves[0].method).KIND))
    sizes = ("micro", "small", "medium", "large")
    out = []
    for k in range(n):
        first = every_one_in or str(rng.choice(CATEGORIES, p=[0.4, 0.45, 0.15]))
        categories = [first]
        if rng.random() < 0.2:
            other = str(rng.choice(CATEGORIES))
            if other != first:
                categories.append(other)
        answers, evidence = {}, {}
        for category in categories:
            for name, (leaf, kind) in leaves_by_category[category].items():
                value = _answer(rng, leaf, kind)
                if value is not None:
                    answers[name] = value
                    if kind == "labels" and value and rng.random() < 0.7:
                        evidence[name] = value[: max(1, len(value) - int(rng.integers(0, 2)))]
        out.append(SimpleNamespace(
            siret=f"{k:014d}", name=f"Entreprise {k}", size=str(rng.choice(sizes)),
            visibility="private" if rng.random() < 0.1 else "visible",
            categories=categories, standing_answers=answers, standing_evidence=evidence))
    return out


def timed(fns: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median wall time of each of ``fns`` in seconds, after a warm-up call of each. The
    runs alternate (floor, matching, floor, …) so that a machine shared with other work
    slows both sides alike."""
    for fn in fns:
        fn()
    runs: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            runs[k].append(time.perf_counter() - start)
    return [statistics.median(r) for r in runs]


def subset(lot: Lot, rows: np.ndarray) -> Lot:
    return Lot(tuple(lot.offer_ids[k] for k in rows.tolist()),
               {name: take(column, rows) for name, column in lot.columns.items()})


def one_item(n: int, repeats: int, rng) -> list[tuple[str, float]]:
    profiles = make_profiles(n, rng, every_one_in=ITEM_SET.category)
    snap = columns_of((1, n), profiles)
    flat = standing_criteria(ITEM_SET)
    rows, _ = item_ranking(snap, ITEM_SET, ITEM_SET.category)
    matrix = subset(snap.lot(ITEM_SET)[0], rows)

    def floor():
        score_lot(flat, matrix)

    def warm():
        found_rows, match = item_ranking(snap, ITEM_SET, ITEM_SET.category)
        for k in match.rank_order()[:PAGE].tolist():
            match.row(k)

    def cold():
        fresh = columns_of((2, n), profiles)
        found_rows, match = item_ranking(fresh, ITEM_SET, ITEM_SET.category)
        for k in match.rank_order()[:PAGE].tolist():
            match.row(k)

    f, w = timed([floor, warm], repeats)
    (c,) = timed([cold], max(1, repeats // 3))
    return [("floor: score_lot on the matched profiles", f),
            ("matching (columns in memory)", w),
            ("matching from raw answers (after a save)", c)]


def one_profile(n: int, m: int, repeats: int, rng) -> list[tuple[str, float]]:
    profiles = make_profiles(n, rng)
    me = 0
    profiles[me].categories = list(CATEGORIES)  # a firm of every category: every item
    snap = columns_of((1, n), profiles)
    items = [SETS[k % len(SETS)] for k in range(m)]
    for criteria in SETS:  # the lots exist once the snapshot served a first request
        snap.lot(criteria)
    matrices = []
    for criteria in SETS:
        mask = snap.visible & snap.in_category(criteria.category)
        mask[me] = True
        matrices.append((standing_criteria(criteria),
                         subset(snap.lot(criteria)[0], np.flatnonzero(mask))))

    def floor():
        for flat, matrix in matrices:
            score_lot(flat, matrix)

    def matching():
        scored = {}
        entries = []
        for k, criteria in enumerate(items):
            key = (criteria.sha256, criteria.category)
            if key not in scored:
                scored[key] = firm_score(snap, criteria, criteria.category, me)
            entries.append((k, scored[key]))
        entries.sort(key=lambda e: -(e[1]["score"] or 0) / (e[1]["max_score"] or 1))
        return entries[:PAGE]

    f, w = timed([floor, matching], repeats)
    return [(f"floor: score_lot × {len(SETS)} criteria sets", f),
            (f"matching {m} items (+ hints)", w)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)

    print(f"1. One planned purchase ({ITEM_SET.id}) against {args.profiles:,} profiles")
    first = one_item(args.profiles, args.repeats, rng)
    _table(first)
    print(f"\n2. One profile against {args.items:,} planned purchases "
          f"({len(SETS)} criteria sets), {args.profiles:,} profiles in competition")
    second = one_profile(args.profiles, args.items, args.repeats, rng)
    _table(second)


def _table(rows: list[tuple[str, float]]) -> None:
    floor = rows[0][1]
    width = max(len(label) for label, _ in rows)
    print(f"   {'':<{width}}  {'ms':>9}  {'× floor':>8}")
    for label, seconds in rows:
        print(f"   {label:<{width}}  {seconds * 1000:9.1f}  {seconds / floor:8.2f}")


if __name__ == "__main__":
    main()
