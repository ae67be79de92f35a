"""Benchmark of the scoring core on one large lot, beside a numpy floor and a naive loop.

Run as ``.venv/bin/python benchmarks/engine_bench.py [--offers N] [--repeats R]``.

A lot of N offers × 20 leaves of mixed methods is generated with a fixed seed and
parsed into columns once, outside the timings. Three things are timed on it:

1. ``score_lot``: the engine, irregular offers, elimination, re-evaluation and
   ranking included;
2. the floor: a plain numpy min-max normalisation, weighted sum and argsort of the
   same answers as one numeric matrix — what no scoring engine can beat;
3. a naive per-offer Python loop computing the same weighted sum (on a subsample
   when N is large, extrapolated linearly, which the table says).

The target is the engine within 2× of the floor. The engine words the reasons of
irregular, eliminated and flagged offers when they are read; the time to read
them all is printed after the table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spar.criteria_file import load_criteria_text  # noqa: E402
from spar.engine.answers import Lot, lot_from_columns  # noqa: E402
from spar.engine.criteria import CriteriaSet  # noqa: E402
from spar.engine.scoring import score_lot  # noqa: E402

SEED = 20260821
#: Above this many offers the naive loop runs on a subsample and is extrapolated.
NAIVE_SAMPLE = 20_000

CRITERIA = """\
spar: 1
id: benchmark-mixte
version: 1
title: Lot de référence du benchmark
category: supplies
points: 100
criteria:
  - id: prix
    label: Prix
    pillar: economic
    weight: 40
    criteria:
      - {id: global, label: Prix global, weight: 70, input: price_eur,
         method: price_lowest_ratio, required: true}
      - {id: maintenance, label: Maintenance, weight: 20, input: maintenance_eur,
         method: price_min_max}
      - {id: pieces, label: Pièces détachées, weight: 10, input: parts_eur,
         method: price_linear_gap}
  - id: env
    label: Environnement
    pillar: environmental
    weight: 30
    eliminatory_below: 0.2
    criteria:
      - {id: co2, label: Empreinte carbone, weight: 30, input: co2e_kg, method: linear,
         best: 0.5, worst: 5.0}
      - {id: recycled, label: Matière recyclée, weight: 15, input: recycled_pct,
         method: linear, best: 100, worst: 0}
      - {id: ecolabel, label: Écolabel, weight: 15, input: labels, method: labels,
         labels: {EU Ecolabel: 1, NF Environnement: 1, Blauer Engel: 1, FSC: 0.5},
         evidence: required}
      - {id: packaging, label: Reprise des emballages, weight: 10,
         input: takes_back_packaging, method: boolean}
      - {id: fleet, label: Motorisation, weight: 10, input: fleet, method: choice,
         options: {électrique: 1, bioGNV: 0.8, hybride: 0.5, diesel: 0}}
      - {id: energy, label: Consommation, weight: 10, input: energy_kwh,
         method: relative, direction: lower}
      - {id: waste, label: Déchets valorisés, weight: 10, input: waste_pct, method: steps,
         steps: [{at: 50, score: 0.5}, {at: 80, score: 0.8}, {at: 95, score: 1}]}
  - id: social
    label: Social
    pillar: social
    weight: 15
    criteria:
      - {id: insertion, label: Heures d'insertion, weight: 30, input: insertion_hours,
         method: steps, steps: [{at: 100, score: 0.5}, {at: 300, score: 1}]}
      - {id: equality, label: Index égalité, weight: 20, input: egapro_index,
         method: linear, worst: 75, best: 100}
      - {id: apprentices, label: Apprentis, weight: 20, input: apprentices,
         method: relative}
      - {id: local, label: Emplois locaux, weight: 20, input: local_jobs, method: min_max}
      - {id: disability, label: Sous-traitance ESAT, weight: 10, input: esat,
         method: boolean}
  - id: technique
    label: Valeur technique
    pillar: technical
    weight: 15
    criteria:
      - {id: memo, label: Mémoire technique, weight: 30, input: memo_mark, method: scale,
         levels: [{mark: 0, label: Absent, score: 0}, {mark: 1, label: Insuffisant, score: 0.25},
                  {mark: 2, label: Moyen, score: 0.5}, {mark: 3, label: Satisfaisant, score: 0.75},
                  {mark: 4, label: Très satisfaisant, score: 1}]}
      - {id: delay, label: Délai de livraison, weight: 20, input: delivery_days,
         method: min_max, direction: lower}
      - {id: warranty, label: Garantie, weight: 20, input: warranty_years, method: steps,
         steps: [{at: 2, score: 0.5}, {at: 5, score: 1}]}
      - {id: support, label: Assistance, weight: 15, input: support, method: choice,
         options: {"24/7": 1, ouvré: 0.6, aucune: 0}}
      - {id: sav, label: Service après-vente, weight: 15, input: sav_mark, method: scale,
         levels: [{mark: 0, label: Absent, score: 0}, {mark: 1, label: Moyen, score: 0.5},
                  {mark: 2, label: Bon, score: 1}]}
ranking:
  tie_break: [env, prix]
review:
  abnormally_low: {input: price_eur, method: mean_ratio, ratio: 0.8}
"""


def generate(criteria: CriteriaSet, n: int, seed: int = SEED) -> tuple[Lot, np.ndarray]:
    """A lot of ``n`` offers with seeded answers, and the same answers as an (n, 20) matrix.

    In the matrix, choices, labels and marks are replaced by their scores, so the
    floor and the naive loop work on numbers only.
    """
    rng = np.random.default_rng(seed)
    price = rng.lognormal(np.log(12_000), 0.25, n)
    labels_pool = np.array(["EU Ecolabel", "NF Environnement", "Blauer Engel", "FSC", "Autre"])
    labels = [list(rng.choice(labels_pool, size=k, replace=False))
              for k in rng.integers(0, 3, n)]
    evidence = [[x for x in claimed if rng.random() < 0.8] for claimed in labels]
    fleet_opts = np.array(["électrique", "bioGNV", "hybride", "diesel"])
    support_opts = np.array(["24/7", "ouvré", "aucune"])
    columns = {
        "price_eur": price,
        "maintenance_eur": rng.uniform(500, 3_000, n),
        "parts_eur": rng.uniform(100, 900, n),
        "co2e_kg": rng.uniform(0.3, 6.0, n),
        "recycled_pct": rng.uniform(0, 100, n),
        "labels": labels,
        "takes_back_packaging": list(rng.random(n) < 0.6),
        "fleet": list(fleet_opts[rng.integers(0, 4, n)]),
        "energy_kwh": rng.uniform(50, 400, n),
        "waste_pct": rng.uniform(0, 100, n),
        "insertion_hours": rng.uniform(0, 500, n).round(),
        "egapro_index": rng.uniform(75, 100, n).round(),
        "apprentices": rng.integers(0, 10, n).astype(float),
        "local_jobs": rng.integers(0, 50, n).astype(float),
        "esat": list(rng.random(n) < 0.3),
        "memo_mark": rng.integers(0, 5, n).astype(float),
        "delivery_days": rng.integers(2, 60, n).astype(float),
        "warranty_years": rng.integers(1, 7, n).astype(float),
        "support": list(support_opts[rng.integers(0, 3, n)]),
        "sav_mark": rng.integers(0, 3, n).astype(float),
    }
    # a few offers leave optional answers blank, one in a thousand misses the price
    for name in ("co2e_kg", "energy_kwh", "local_jobs"):
        columns[name][rng.random(n) < 0.02] = np.nan
    columns["price_eur"][rng.random(n) < 0.001] = np.nan
    lot = lot_from_columns(criteria, [f"O{i:06d}" for i in range(n)], columns,
                           {"labels": evidence}, lot_id="1")
    return lot, numeric_matrix(criteria, lot)


def numeric_matrix(criteria: CriteriaSet, lot: Lot) -> np.ndarray:
    """The lot's answers as one float matrix, one column per leaf, 0 where unanswered."""
    out = np.empty((len(lot), len(criteria.leaves)))
    for j, leaf in enumerate(criteria.leaves):
        column = lot.columns[leaf.input]
        if leaf.method == "choice":
            table = np.array([leaf.params["options"].get(c, 0.0) for c in column.categories]
                             + [0.0])
            out[:, j] = table[column.codes]
        elif leaf.method == "labels":
            weights = np.array([leaf.params["labels"].get(x, 0.0) for x in column.names])
            out[:, j] = (column.claimed * weights).max(axis=1)
        else:
            out[:, j] = np.nan_to_num(column, nan=0.0)
    return out


def floor(matrix: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Min-max normalisation, weighted sum and ranking in plain numpy."""
    lo, hi = matrix.min(axis=0), matrix.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    # einsum, like the engine: a BLAS product spins its threads on a busy machine
    totals = np.einsum("ij,j->i", (matrix - lo) / span, weights)
    return np.argsort(-totals, kind="stable")


def naive(rows: list[list[float]], weights: list[float]) -> list[int]:
    """The same weighted sum, one offer and one criterion at a time."""
    m = len(weights)
    lo = [min(r[j] for r in rows) for j in range(m)]
    hi = [max(r[j] for r in rows) for j in range(m)]
    totals = []
    for r in rows:
        total = 0.0
        for j in range(m):
            span = hi[j] - lo[j]
            total += weights[j] * ((r[j] - lo[j]) / span if span > 0 else 0.0)
        totals.append(total)
    return sorted(range(len(rows)), key=lambda i: -totals[i])


def median_times(fns: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median wall time of each function, in seconds, over ``repeats`` interleaved rounds.

    Interleaving spreads the load of a shared machine over all the measures alike, so
    their ratios hold even when the absolute times wander.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def reading_time(criteria: CriteriaSet, lot: Lot, repeats: int) -> float:
    """Median time to read every offer's reasons and flags from a fresh result.

    They are worded on first read, so this work is outside ``score_lot``'s time:
    shown here so that nothing is hidden.
    """
    times = []
    for _ in range(repeats):
        result = score_lot(criteria, lot)
        t0 = time.perf_counter()
        for i in range(len(lot)):
            result.reasons[i], result.flags[i]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000, help="offers in the lot")
    parser.add_argument("--repeats", type=int, default=7, help="runs per measure (median)")
    args = parser.parse_args(argv)
    if args.offers < 2 or args.repeats < 1:
        parser.error("--offers doit valoir au moins 2 et --repeats au moins 1")

    criteria = load_criteria_text(CRITERIA, "benchmarks/engine_bench.py")
    n, m = args.offers, len(criteria.leaves)
    t0 = time.perf_counter()
    lot, matrix = generate(criteria, n)
    built = time.perf_counter() - t0
    weights = criteria.points * np.array([criteria.shares()[leaf.path] for leaf in criteria.leaves])

    result = score_lot(criteria, lot)  # warm-up, and the lot's figures for the header
    statuses = {s: int((result.status == s).sum()) for s in ("ranked", "eliminated", "irregular")}
    print(f"lot: {n:,} offers × {m} leaves, seed {SEED}, built in {built:.2f} s (not timed)")
    print("statuses: " + ", ".join(f"{k} {v:,}" for k, v in statuses.items())
          + f"; flagged {int(result.flagged.sum()):,}")

    sample = min(n, NAIVE_SAMPLE)
    rows, w = matrix[:sample].tolist(), weights.tolist()
    timed = median_times({
        "engine": lambda: score_lot(criteria, lot),
        "floor": lambda: floor(matrix, weights),
    }, args.repeats)
    engine_t, floor_t = timed["engine"], timed["floor"]
    naive_t = median_times({"naive": lambda: naive(rows, w)},
                           max(1, min(args.repeats, 3)))["naive"] * n / sample
    reading_t = reading_time(criteria, lot, max(1, min(args.repeats, 3)))

    print(f"\nmedian wall time over {args.repeats} interleaved runs")
    print(f"{'':<38}{'ms':>10}{'× floor':>10}")
    for name, t in (("engine score_lot (ranking included)", engine_t),
                    ("floor: numpy min-max + argsort", floor_t),
                    ("naive per-offer Python loop", naive_t)):
        print(f"{name:<38}{t * 1000:>10.1f}{t / floor_t:>10.2f}")
    if sample < n:
        print(f"naive loop timed on {sample:,} offers and extrapolated linearly (×{n / sample:g})")
    print(f"reading every offer's reasons and flags afterwards (worded lazily, not part of "
          f"score_lot): {reading_t * 1000:.1f} ms")
    verdict = "within" if engine_t <= 2 * floor_t else "NOT within"
    print(f"\nengine {verdict} 2× the floor ({engine_t / floor_t:.2f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
