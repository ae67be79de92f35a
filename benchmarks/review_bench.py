"""How fast the review flags offers, against computing the features alone; model load time.

Run: ``.venv/bin/python benchmarks/review_bench.py [--lot 1000] [--batch 100000]
[--big 100000] [--repeat 3]``

(a) one lot of ``--lot`` offers, scored by the engine (not counted): the features
    alone (``frame_from_result`` + ``compute_features``), then adding the
    always-on rules (``review_lot(model=None)``), the shipped model's scores,
    and the full ``review_lot`` (explanations of the flagged offers too);
(b) a batch of about ``--batch`` offers in synthetic lots (6.7 offers on average;
    generated first, not timed): the same stages, each one vectorised over the batch;
(c) loading the shipped model: in a fresh interpreter (imports included), beside a
    fresh interpreter that only imports numpy, and again in a warm one;
(d) the lot ``spar score`` sees in ``score_bench.py``: ``--big`` offers of one lot on
    20 criteria read from the French CSV, the full ``review_lot`` (features,
    rules, model, explanations of the offers over the threshold) beside the engine's
    scoring of the same lot. Target (issue 12): the review of 100,000 offers within
    1.5 s, the model loaded within 0.3 s.

Times are the best of ``--repeat`` runs; memory is the peak traced by
``tracemalloc`` during one run (numpy buffers included), measured apart from the
timings because tracing slows Python down.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # score_bench, one place for the CSV


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(fn) -> float:
    """Peak traced allocation during ``fn()``, in MiB."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2 ** 20


def one_lot(n: int, seed: int = 7):
    """A scored lot of ``n`` offers on the synthetic criteria, with anomalies sprinkled in."""
    from spar.criteria_file import load_criteria_document
    from spar.engine.answers import lot_from_columns
    from spar.engine.scoring import score_lot
    from spar.review.synth import CRITERIA_DOCUMENT, LABELS

    rng = np.random.default_rng(seed)
    criteria = load_criteria_document(CRITERIA_DOCUMENT)
    price = 50_000 * np.exp(rng.normal(0.1, 0.11, n))
    price[rng.random(n) < 0.03] *= 0.6
    labels = [[LABELS[j] for j in np.flatnonzero(rng.random(4) < 0.2)] for _ in range(n)]
    evidence = [lab if rng.random() < 0.95 else [] for lab in labels]
    raw = {"price_eur": price.round(2), "co2e_kg": np.exp(rng.normal(0.9, 0.3, n)).round(3),
           "recycled_pct": (100 * rng.beta(2, 3, n)).round(1), "labels": labels,
           "insertion_hours": rng.integers(0, 400, n).astype(float),
           "egapro_index": rng.integers(70, 101, n).astype(float),
           "technical_mark": rng.integers(0, 5, n).astype(float)}
    ids = [f"O{k:05d}" for k in range(n)]
    suppliers = [{"name": f"Entreprise {k}"} for k in range(n)]
    lot = lot_from_columns(criteria, ids, raw, {"labels": evidence}, suppliers=suppliers)
    self_marks = {ids[i]: {"technical_mark": float(rng.integers(0, 5))} for i in range(0, n, 3)}
    return criteria, lot, self_marks, score_lot


def bench_lot(n: int, repeat: int, model) -> None:
    from spar.review import review_lot
    from spar.review.features import compute_features
    from spar.review.frame import frame_from_result

    criteria, lot, self_marks, score_lot = one_lot(n)

    def features():
        compute_features(frame_from_result(score_lot(criteria, lot), self_marks))

    def rules():
        return review_lot(score_lot(criteria, lot), model=None, self_marks=self_marks)

    def scores():
        model.score(rules().features.matrix)

    def full():
        return review_lot(score_lot(criteria, lot), model=model, self_marks=self_marks)

    scoring = best_time(lambda: score_lot(criteria, lot), repeat)
    model_scores = full().model_scores
    flagged = int(np.sum(np.nan_to_num(model_scores, nan=-1.0) >= model.threshold))
    print(f"(a) un lot de {n} offres ({flagged} signalées par le modèle) — notation du lot "
          f"seule {scoring * 1e3:.1f} ms, non comprise ci-dessous :")
    for name, fn in (("caractéristiques seules", features), ("+ règles", rules),
                     ("+ score du modèle", scores), ("+ explications (review_lot)", full)):
        t = best_time(fn, repeat) - scoring
        print(f"    {name:<34} {t * 1e3:8.1f} ms   pic mémoire {peak_memory(fn):7.1f} Mio")


def bench_batch(n: int, repeat: int, model) -> dict[str, float]:
    """Stages over about ``n`` offers in synthetic lots; returns the full time."""
    from spar.review.features import compute_features
    from spar.review.rules import evaluate_rules, reason_batches
    from spar.review.synth import SynthConfig, generate

    lots = int(n / 6.7) + 1  # the generator's lots hold 6.7 offers on average
    print(f"(b) génération de {lots} lots synthétiques…", file=sys.stderr)
    frame = generate(SynthConfig(lots=lots, seed=5)).frame
    print(f"(b) un lot de lots : {len(frame)} offres dans {frame.n_lots} lots")

    def features():
        return compute_features(frame)

    def rules():
        f = features()
        return f, reason_batches(frame, f, evaluate_rules(frame, f))

    def scores():
        f, batches = rules()
        return f, batches, model.score(f.matrix)

    def full():
        f, batches, s = scores()
        over = np.flatnonzero(np.nan_to_num(s, nan=-1.0) >= model.threshold)
        model.explain(f.matrix, over)
        return batches, over

    batches, over = full()
    fired = int(np.logical_or.reduce([mask for mask, _ in batches]).sum())
    print(f"    ({fired} offres avec un motif des règles, {len(over)} signalées par le modèle)")
    for name, fn in (("caractéristiques seules", features), ("+ règles", rules),
                     ("+ score du modèle", scores), ("+ explications des signalées", full)):
        t = best_time(fn, repeat)
        print(f"    {name:<34} {t:8.2f} s    pic mémoire {peak_memory(fn):7.1f} Mio "
              f"({t / len(frame) * 1e6:.1f} µs par offre)")
    return {"offers": len(frame), "lots": frame.n_lots, "features": best_time(features, repeat),
            "full": t, "over": len(over)}


LOAD = ("import time; t = time.perf_counter(); from spar.review import load_model; "
        "load_model(); print(time.perf_counter() - t)")
NUMPY = "import time; t = time.perf_counter(); import numpy; print(time.perf_counter() - t)"


def fresh(code: str, repeat: int) -> float:
    """The best of ``repeat`` timings printed by ``code`` run in fresh interpreters."""
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True, cwd=ROOT).stdout)
               for _ in range(repeat))


def load_figures(repeat: int) -> dict[str, float]:
    """Model load in a fresh interpreter (imports included), numpy's import, a warm load."""
    from spar.review import load_model

    return {"cold": fresh(LOAD, repeat), "numpy": fresh(NUMPY, repeat),
            "warm": best_time(load_model, repeat)}


def bench_load(repeat: int) -> None:
    figures = load_figures(repeat)
    size = sum((ROOT / "models" / "review" / name).stat().st_size
               for name in ("model.skops", "predictor.npz")) / 2 ** 20
    print(f"(c) chargement du modèle ({size:.1f} Mio) : {figures['cold']:.3f} s dans un "
          f"interpréteur neuf (imports compris ; import de numpy seul : "
          f"{figures['numpy']:.3f} s), {figures['warm'] * 1e3:.1f} ms ensuite (cible ≤ 0,3 s)")


def big_lot_figures(rows: int, repeat: int, model) -> dict[str, float]:
    """The review of one lot of ``rows`` offers read from score_bench's French CSV."""
    import tempfile

    from score_bench import CRITERIA, write_offers_csv
    from spar.criteria_file import load_criteria
    from spar.engine.scoring import score_lot
    from spar.offers_file import read_offers
    from spar.review import review_lot

    with tempfile.TemporaryDirectory(prefix="spar-review-") as tmp:
        criteria_path, offers_path = Path(tmp) / "criteria.yaml", Path(tmp) / "offers.csv"
        criteria_path.write_text(CRITERIA, encoding="utf-8")
        write_offers_csv(offers_path, rows)
        criteria = load_criteria(criteria_path)
        lot = read_offers(offers_path, criteria).lot
    scoring = best_time(lambda: score_lot(criteria, lot), repeat)
    result = score_lot(criteria, lot)
    review = best_time(lambda: review_lot(result, model=model), repeat)
    reviewed = review_lot(result, model=model)
    return {"offers": rows, "scoring": scoring, "review": review,
            "over": int(np.sum(np.nan_to_num(reviewed.model_scores, nan=-1.0)
                               >= model.threshold))}


def bench_big_lot(rows: int, repeat: int, model) -> None:
    f = big_lot_figures(rows, repeat, model)
    print(f"(d) un lot de {f['offers']} offres × 20 critères lu du CSV de score_bench.py : "
          f"review_lot (caractéristiques, règles, modèle, explications de "
          f"{f['over']} offres au-dessus du seuil) {f['review']:.3f} s, notation du même lot "
          f"{f['scoring']:.3f} s (cible ≤ 1,5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lot", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from spar.review import load_model

    model = load_model()
    bench_lot(args.lot, args.repeat, model)
    bench_batch(args.batch, args.repeat, model)
    bench_load(args.repeat)
    bench_big_lot(args.big, args.repeat, model)


if __name__ == "__main__":
    main()
