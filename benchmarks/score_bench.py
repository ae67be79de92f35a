"""How fast ``spar score`` reads, scores and writes a big lot, against a floor.

Run: ``.venv/bin/python benchmarks/score_bench.py [--rows 100000] [--repeat 3]``

It generates, in a temporary folder and with a fixed seed, a 20-leaf criteria set
mixing every kind of method and a CSV of offers as a French spreadsheet writes it
(``;``, decimal comma, UTF-8 with BOM), then prints side by side:

(b) ``spar score`` from that CSV to the ranking table — in-process through the very
    functions the command calls, and as a subprocess of the real command
    (interpreter start-up included; with the rules and the model, the default, then
    with ``--review rules`` and ``--review none``) — against the floor: pandas
    ``read_csv`` of the same file + a numpy weighted sum, in-process and as a
    subprocess of a fresh interpreter like the command (the like-for-like
    comparison). Target (issue 12): the default within 3× of the floor.
(c) the per-leaf breakdown (rows × 20 lines) streamed to CSV: time, and peak memory
    (``ru_maxrss`` of a fresh subprocess) against scoring alone, to show it is flat.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CRITERIA = """\
spar: 1
id: bench-mixed
version: 1
title: Banc d'essai, méthodes mêlées
category: supplies
policy: {environmental_min_share: 20, social_min_share: 10, price_max_share: 60}
criteria:
  - {id: price, label: Prix, pillar: economic, weight: 35, input: price_eur,
     method: price_lowest_ratio, unit: EUR HT, required: true}
  - id: env
    label: Performance environnementale
    pillar: environmental
    weight: 30
    eliminatory_below: 0.2
    criteria:
      - {id: co2, label: Empreinte carbone, weight: 20, input: co2e_kg, method: linear,
         best: 0.5, worst: 5}
      - {id: recycled, label: Matière recyclée, weight: 10, input: recycled_pct,
         method: linear, best: 100, worst: 0}
      - {id: energy, label: Consommation, weight: 10, input: energy_kwh, method: relative,
         direction: lower}
      - {id: transport, label: Distance, weight: 10, input: distance_km, method: min_max,
         direction: lower}
      - {id: packaging, label: Emballage, weight: 10, input: packaging_g, method: steps,
         direction: lower, steps: [{at: 50, score: 1}, {at: 200, score: 0.5}]}
      - {id: ecolabel, label: Écolabel, weight: 15, input: labels, method: labels,
         labels: {EU Ecolabel: 1, NF Environnement: 1, Blauer Engel: 1, FSC: 0.5},
         evidence: required}
      - {id: fleet, label: Véhicules, weight: 10, input: fleet, method: choice,
         options: {électrique: 1, bioGNV: 0.8, hybride: 0.5, diesel: 0}}
      - {id: repair, label: Réparabilité, weight: 10, input: repairable, method: boolean}
      - {id: waste, label: Déchets valorisés, weight: 5, input: waste_pct, method: linear,
         best: 100, worst: 20}
  - id: social
    label: Performance sociale
    pillar: social
    weight: 20
    criteria:
      - {id: insertion, label: Heures d'insertion, weight: 30, input: insertion_hours,
         method: steps, steps: [{at: 100, score: 0.5}, {at: 300, score: 1}]}
      - {id: equality, label: Index égalité, weight: 20, input: egapro_index,
         method: linear, worst: 75, best: 100, minimum: 60}
      - {id: apprentices, label: Apprentis, weight: 15, input: apprentices,
         method: relative}
      - {id: local, label: Ancrage local, weight: 10, input: local_share, method: choice,
         options: {fort: 1, moyen: 0.5, faible: 0}}
      - {id: disability, label: Emploi handicap, weight: 10, input: disability_ok,
         method: boolean}
      - {id: training, label: Formation, weight: 15, input: training_hours,
         method: min_max}
  - id: technical
    label: Valeur technique
    pillar: technical
    weight: 15
    criteria:
      - {id: method, label: Méthodologie, weight: 40, input: method_mark, method: scale,
         levels: [{mark: 0, label: Absent, score: 0}, {mark: 1, label: Insuffisant, score: 0.25},
                  {mark: 2, label: Moyen, score: 0.5}, {mark: 3, label: Bon, score: 0.75},
                  {mark: 4, label: Très bon, score: 1}]}
      - {id: delay, label: Délai, weight: 20, input: delay_days, method: linear, best: 2,
         worst: 30}
      - {id: support, label: Assistance, weight: 20, input: support_mark, method: scale,
         levels: [{mark: 0, label: Aucune, score: 0}, {mark: 1, label: Heures ouvrées,
                   score: 0.5}, {mark: 2, label: 24/7, score: 1}]}
      - {id: warranty, label: Garantie, weight: 20, input: warranty_years, method: steps,
         steps: [{at: 1, score: 0.3}, {at: 3, score: 0.7}, {at: 5, score: 1}]}
ranking:
  tie_break: [env, price]
review:
  abnormally_low: {input: price_eur, method: mean_ratio, ratio: 0.8}
"""

NUMERIC = ("price_eur", "co2e_kg", "recycled_pct", "energy_kwh", "distance_km", "packaging_g",
           "waste_pct", "insertion_hours", "egapro_index", "apprentices", "training_hours",
           "method_mark", "delay_days", "support_mark", "warranty_years")


def _with_luhn_key(body: np.ndarray) -> np.ndarray:
    """Each row of digits followed by the Luhn key that makes it valid."""
    doubled = body[:, ::-2] * 2  # once the key is appended, these are every second digit
    total = body[:, -2::-2].sum(axis=1) + (doubled // 10 + doubled % 10).sum(axis=1)
    return np.column_stack([body, (10 - total % 10) % 10])


def _sirets(rng: np.random.Generator, n: int) -> list[str]:
    """Valid SIRETs: a SIREN with its key, 4 digits, the SIRET's key."""
    siren = _with_luhn_key(rng.integers(1, 10, size=(n, 8)))
    digits = _with_luhn_key(np.column_stack([siren, rng.integers(0, 10, size=(n, 4))]))
    return [row.tobytes().decode() for row in digits.astype(np.uint8) + ord("0")]


def write_offers_csv(path: Path, rows: int, seed: int = 20260821) -> None:
    """A French-spreadsheet CSV of ``rows`` offers of lot 1 for :data:`CRITERIA`."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    labels = np.array(["", "EU Ecolabel", "FSC", "NF Environnement|FSC", "Blauer Engel"])
    frame = pd.DataFrame({
        "id": [f"O{k:06d}" for k in range(1, rows + 1)],
        "supplier": [f"Fournisseur {k}" for k in range(1, rows + 1)],
        "siret": _sirets(rng, rows),
        "lot": "1",
        "price_eur": rng.normal(100_000, 15_000, rows).clip(20_000).round(2),
        "co2e_kg": rng.uniform(0.3, 6, rows).round(3),
        "recycled_pct": rng.uniform(0, 100, rows).round(1),
        "energy_kwh": rng.uniform(50, 500, rows).round(1),
        "distance_km": rng.uniform(5, 800, rows).round(0),
        "packaging_g": rng.uniform(10, 400, rows).round(0),
        "labels": labels[rng.integers(0, len(labels), rows)],
        "evidence.labels": labels[rng.integers(0, len(labels), rows)],
        "fleet": rng.choice(["électrique", "bioGNV", "hybride", "diesel"], rows),
        "repairable": rng.choice(["oui", "non"], rows),
        "waste_pct": rng.uniform(0, 100, rows).round(1),
        "insertion_hours": rng.integers(0, 500, rows),
        "egapro_index": rng.integers(60, 101, rows),
        "apprentices": rng.integers(0, 20, rows),
        "local_share": rng.choice(["fort", "moyen", "faible"], rows),
        "disability_ok": rng.choice(["oui", "non"], rows),
        "training_hours": rng.integers(0, 200, rows),
        "method_mark": rng.integers(0, 5, rows),
        "delay_days": rng.integers(1, 40, rows),
        "support_mark": rng.integers(0, 3, rows),
        "warranty_years": rng.integers(0, 7, rows),
    })
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")


def floor(criteria_path: Path, offers_path: Path) -> float:
    """The floor: a fast CSV reader with numeric dtypes, then a weighted sum."""
    import pandas as pd

    from spar.criteria_file import load_criteria

    criteria = load_criteria(criteria_path)
    shares = criteria.shares()
    weights = np.array([shares[leaf.path] for leaf in criteria.leaves
                        if leaf.input in NUMERIC]) * criteria.points
    inputs = [leaf.input for leaf in criteria.leaves if leaf.input in NUMERIC]
    frame = pd.read_csv(offers_path, sep=";", decimal=",")
    totals = frame[inputs].to_numpy(dtype=np.float64) @ weights
    return float(totals.max())


FLOOR_CHILD = """
import sys
import numpy as np
import pandas as pd
criteria_path, offers_path, inputs, weights = sys.argv[1:5]
frame = pd.read_csv(offers_path, sep=";", decimal=",")
totals = frame[inputs.split(",")].to_numpy(dtype=np.float64) @ np.array(
    [float(w) for w in weights.split(",")])
print(float(totals.max()))
"""


def floor_subprocess(criteria_path: Path, offers_path: Path) -> None:
    """The floor as the command runs: a fresh interpreter importing pandas and numpy."""
    from spar.criteria_file import load_criteria

    criteria = load_criteria(criteria_path)
    shares = criteria.shares()
    leaves = [leaf for leaf in criteria.leaves if leaf.input in NUMERIC]
    weights = ",".join(repr(shares[leaf.path] * criteria.points) for leaf in leaves)
    subprocess.run([sys.executable, "-c", FLOOR_CHILD, str(criteria_path), str(offers_path),
                    ",".join(leaf.input for leaf in leaves), weights], check=True,
                   capture_output=True)


def score_to_table(criteria_path: Path, offers_path: Path, out: Path) -> None:
    """What ``spar score CRITERIA OFFERS --review none --output out`` does, in process."""
    from spar.criteria_file import load_criteria
    from spar.exports.table import write_table
    from spar.offers_file import read_offers
    from spar.pipeline import evaluate_lot

    criteria = load_criteria(criteria_path)
    offers = read_offers(offers_path, criteria)
    evaluation = evaluate_lot(criteria, offers.lot, review="none")
    with open(out, "w", encoding="utf-8") as stream:
        write_table(evaluation, stream)


def stages(criteria_path: Path, offers_path: Path, out: Path) -> dict[str, float]:
    """Where the in-process time goes, one run of the default: file reading, engine,
    review (model loaded before, its load is timed apart), table."""
    import spar.offers_file as offers_file
    import spar.offers_file.table as offers_table
    from spar.criteria_file import load_criteria
    from spar.engine.scoring import score_lot
    from spar.exports.table import write_table
    from spar.pipeline import Evaluation
    from spar.review import default_model, review_lot

    model = default_model()

    spent = {"lot_from_columns": 0.0}
    real = offers_table.lot_from_columns

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent["lot_from_columns"] = time.perf_counter() - start

    offers_table.lot_from_columns = timed
    try:
        start = time.perf_counter()
        criteria = load_criteria(criteria_path)
        lot = offers_file.read_offers(offers_path, criteria).lot
        read = time.perf_counter()
        result = score_lot(criteria, lot)
        scored = time.perf_counter()
        evaluation = Evaluation(result, review_lot(result, model=model))
        reviewed = time.perf_counter()
        with open(out, "w", encoding="utf-8") as stream:
            write_table(evaluation, stream)
        written = time.perf_counter()
    finally:
        offers_table.lot_from_columns = real
    return {"read": read - start - spent["lot_from_columns"],
            "lot_from_columns": spent["lot_from_columns"], "score_lot": scored - read,
            "review_lot": reviewed - scored, "table": written - reviewed}


def command_figures(criteria_path: Path, offers_path: Path, tmp: Path, repeat: int
                    ) -> dict[str, float]:
    """The floor (in-process and in a fresh interpreter) and the real command per review
    mode, each the best of ``repeat`` runs."""
    spar = Path(sys.executable).with_name("spar")

    def command(review: str) -> None:
        subprocess.run([str(spar), "score", str(criteria_path), str(offers_path), "--review",
                        review, "--output", str(tmp / "table-cli.txt")], check=True,
                       stderr=subprocess.DEVNULL)

    out = {"floor": best_of(repeat, floor, criteria_path, offers_path),
           "floor_subprocess": best_of(repeat, floor_subprocess, criteria_path, offers_path)}
    for review in ("model", "rules", "none"):
        out[review] = best_of(repeat, command, review)
    return out


def best_of(repeat: int, fn, *args) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by neighbours)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


# the subprocesses measure one thing each from a fresh interpreter, so ru_maxrss is theirs
CHILD = """
import resource, sys, time
from spar.cli.scoring import write_result
from spar.criteria_file import load_criteria
from spar.offers_file import read_offers
from spar.pipeline import evaluate_lot
criteria_path, offers_path, mode, out = sys.argv[1:5]
start = time.perf_counter()
criteria = load_criteria(criteria_path)
evaluation = evaluate_lot(criteria, read_offers(offers_path, criteria).lot, review="none")
scored = time.perf_counter()
rows = 0
if mode == "breakdown":  # what spar score --format csv --output does
    rows = write_result(evaluation, "csv", out)
done = time.perf_counter()
print(scored - start, done - scored, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def child(criteria_path: Path, offers_path: Path, mode: str, out: Path) -> tuple[float, ...]:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(criteria_path), str(offers_path),
                           mode, str(out)], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"le sous-processus a échoué :\n{proc.stderr}")
    score_s, write_s, rows, rss_kib = proc.stdout.split()
    return float(score_s), float(write_s), int(rows), int(rss_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="spar-bench-") as tmp:
        tmp = Path(tmp)
        criteria_path, offers_path = tmp / "criteria.yaml", tmp / "offers.csv"
        criteria_path.write_text(CRITERIA, encoding="utf-8")
        write_offers_csv(offers_path, args.rows)
        size = offers_path.stat().st_size / 1e6
        print(f"{args.rows} offres × 20 critères, CSV « ; » virgule décimale BOM, "
              f"{size:.1f} Mo ; meilleur de {args.repeat} essais ; {os.cpu_count()} cœurs")

        figures = command_figures(criteria_path, offers_path, tmp, args.repeat)
        t_floor, t_floor_proc = figures["floor"], figures["floor_subprocess"]
        t_inproc = best_of(args.repeat, score_to_table, criteria_path, offers_path,
                           tmp / "table.txt")
        split = stages(criteria_path, offers_path, tmp / "table.txt")
        print("\n(b) de l'offre au classement")
        print(f"  plancher (pandas read_csv + somme pondérée numpy), dans le processus "
              f"{t_floor:8.3f} s")
        print(f"  plancher, interpréteur neuf (comme la commande)                     "
              f"{t_floor_proc:8.3f} s")
        print(f"  spar score sans revue, dans le processus                            "
              f"{t_inproc:8.3f} s  {t_inproc / t_floor:5.2f}× le plancher")
        for review, label in (("model", "le défaut : règles + modèle"),
                              ("rules", "règles seules"), ("none", "sans revue")):
            t = figures[review]
            print(f"  spar score --review {review:<5} ({label:<27}) commande réelle "
                  f"{t:8.3f} s  {t / t_floor_proc:5.2f}× le plancher"
                  + (" (cible ≤ 3×)" if review == "model" else ""))
        print("  où va le temps du défaut (un essai, dans le processus, modèle déjà chargé) : "
              + " · ".join(f"{name} {seconds:.3f} s" for name, seconds in split.items()))
        print("    read = lecture pandas + ids, lots, SIRET (spar/offers_file/) ; "
              "lot_from_columns, score_lot = moteur ; review_lot = spar/review ; "
              "table = spar/exports/table.py ; le reste de la commande : démarrage de "
              "l'interpréteur et imports")

        score_s, _, _, rss_score = child(criteria_path, offers_path, "score", tmp / "x")
        score2_s, write_s, rows, rss_breakdown = child(criteria_path, offers_path, "breakdown",
                                                       tmp / "breakdown.csv")
        out_size = (tmp / "breakdown.csv").stat().st_size / 1e6
        print("\n(c) détail par critère en CSV, en flux (sous-processus neufs)")
        print(f"  notation seule        {score_s:8.3f} s   pic mémoire {rss_score:7.1f} Mio")
        print(f"  notation + détail     {score2_s + write_s:8.3f} s   pic mémoire "
              f"{rss_breakdown:7.1f} Mio  ({rows} lignes, {out_size:.0f} Mo, écriture "
              f"{write_s:.2f} s soit {rows / write_s / 1e3:.0f} k lignes/s)")
        print(f"  surcoût mémoire du détail : {rss_breakdown - rss_score:+.1f} Mio")


if __name__ == "__main__":
    main()
