"""Where people wait (issue 12): every row measured beside its baseline, in one run.

Run: ``.venv/bin/python benchmarks/waiting_bench.py [--rows 100000] [--repeat 3]
[--duration 10] [--skip-load-test] [--export-size 100000] [--skip-exports]``

1. The review of 100,000 offers — one lot read from the French CSV of
   ``score_bench.py``, the way ``spar score`` sees it, and 100,000 offers in about
   21,700 synthetic lots — beside the engine's scoring of the same lot; the review
   model's load in a fresh interpreter beside a fresh interpreter importing numpy.
2. ``spar score`` on the 100,000 × 20 CSV with the default options (rules and model)
   beside the floor, pandas ``read_csv`` + a numpy weighted sum run the same way (a
   fresh interpreter), with where the default's time goes.
3. ``POST /api/v1/self-assessment`` on a 20-criterion set beside a hello-world Flask
   JSON POST, both under ``gunicorn -k gthread -w 2 --threads 4`` and loaded by wrk
   (16 connections, answers varied per request); see ``self_assessment_load_bench.py``. Needs
   Debian's ``wrk`` (``apt-get install wrk``); skipped with a note when it is missing.
4. The exports of a stored 100,000-offer lot (``--export-size``), each request from the
   stored scoring in a SQLite database to the last byte in a fresh interpreter: the CSV
   beside ``spar score --format csv`` of the same lot, the XLSX against its 60 s, and the
   request's peak memory beside the stored document's size, and beside the peak of the
   CSV of a lot ten times smaller (flat: it hardly grows with the lot; the text read
   whole held twice the document's size); see ``export_bench.py``. ``--skip-exports`` leaves
   them out (they take a few minutes).

The details of each row come from ``review_bench.py``, ``score_bench.py``,
``self_assessment_load_bench.py`` and ``export_bench.py``, which print more. The machine's load average is printed first:
on a shared machine, figures taken under load are slower, both sides alike.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import export_bench  # noqa: E402
import self_assessment_load_bench as load_bench  # noqa: E402
import review_bench  # noqa: E402
import score_bench  # noqa: E402


def _row(what: str, measured: str, baseline: str, target: str) -> str:
    return f"{what:<52} {measured:>12}   {baseline:<40} {target}"


def review_rows(rows: int, repeat: int) -> list[str]:
    from spar.review import load_model

    model = load_model()
    big = review_bench.big_lot_figures(rows, repeat, model)
    batch = review_bench.bench_batch(rows, repeat, model)
    load = review_bench.load_figures(repeat)
    return [
        _row(f"revue de {big['offers']} offres, un lot (CSV de score_bench)",
             f"{big['review']:.3f} s", f"notation du lot {big['scoring']:.3f} s "
             f"({big['over']} expliquées)", "≤ 1,5 s"),
        _row(f"revue de {batch['offers']} offres en {batch['lots']} lots synthétiques",
             f"{batch['full']:.3f} s", f"caractéristiques seules {batch['features']:.3f} s",
             "≤ 1,5 s"),
        _row("chargement du modèle, interpréteur neuf", f"{load['cold']:.3f} s",
             f"import de numpy seul {load['numpy']:.3f} s", "≤ 0,3 s"),
    ]


def score_rows(rows: int, repeat: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="spar-wait-") as tmp:
        tmp = Path(tmp)
        criteria_path, offers_path = tmp / "criteria.yaml", tmp / "offers.csv"
        criteria_path.write_text(score_bench.CRITERIA, encoding="utf-8")
        score_bench.write_offers_csv(offers_path, rows)
        figures = score_bench.command_figures(criteria_path, offers_path, tmp, repeat)
        split = score_bench.stages(criteria_path, offers_path, tmp / "table.txt")
    floor = figures["floor_subprocess"]
    out = [_row(f"spar score, {rows} × 20, options par défaut", f"{figures['model']:.3f} s",
                f"plancher {floor:.3f} s → {figures['model'] / floor:.2f}×", "≤ 3×")]
    for review in ("rules", "none"):
        out.append(_row(f"  (--review {review})", f"{figures[review]:.3f} s",
                        f"→ {figures[review] / floor:.2f}× le plancher", ""))
    out.append("  où va le temps du défaut, dans le processus : " + " · ".join(
        f"{name} {seconds:.3f} s" for name, seconds in split.items())
        + f" ; le reste ({max(figures['model'] - sum(split.values()), 0):.2f} s) : démarrage, "
        "imports, chargement du modèle")
    return out


def load_rows(duration: float) -> list[str]:
    missing = load_bench.wrk_missing()
    if missing:
        return [_row("POST /api/v1/self-assessment", "—", missing, "")]
    args = load_bench.parser().parse_args(["--duration", str(duration)])
    baseline, spar = load_bench.run(args)
    share = spar["rps"] / baseline["rps"]
    return [
        _row("POST /api/v1/self-assessment, 20 critères", f"{spar['rps']:.0f} req/s",
             f"Flask « hello world » {baseline['rps']:.0f} req/s → {share:.0%}", "≥ 50 %"),
        _row("  latence p99", f"{spar['p99']:.1f} ms", f"hello world {baseline['p99']:.1f} ms",
             "< 50 ms"),
    ] + [line for line in load_bench.report(baseline, spar, args) if "ATTENTION" in line]


def export_rows(size: int) -> list[str]:
    import subprocess

    small = max(size // 10, 1)
    with tempfile.TemporaryDirectory(prefix="spar-wait-export-") as tmp:
        folders = {}
        for n in (small, size):
            folders[n] = Path(tmp) / str(n)
            folders[n].mkdir()
            # stored by a child of its own: no measured process has held the scoring's objects
            subprocess.run([sys.executable, export_bench.__file__, "--store", str(n),
                            str(folders[n])], check=True)
        command = export_bench.score_command_seconds(size, Path(tmp))
        csv, xlsx = (export_bench.measure(folders[size], fmt) for fmt in ("csv", "xlsx"))
        csv_small = export_bench.measure(folders[small], "csv")
    stored = csv["stored_mb"]
    rows = [
        _row(f"export CSV, lot enregistré de {csv['size']} offres", f"{csv['request_seconds']:.1f} s",
             f"spar score --format csv {command:.1f} s → "
             f"{csv['request_seconds'] / command:.2f}×", "≤ 2×"),
        _row(f"export XLSX, {xlsx['size']} offres", f"{xlsx['request_seconds']:.1f} s",
             f"{xlsx['bytes'] / 1e6:.0f} Mo écrits", "≤ 60 s"),
    ]
    for r in (csv, xlsx):
        peak = r["request_peak_mib"]
        rows.append(_row(f"  mémoire de la requête {r['format'].upper()} (pic)",
                         "—" if peak is None else f"{peak:.0f} Mio",
                         f"document enregistré {stored:.0f} Mo ; tenu pendant l'export "
                         f"{r['rss_read_mib']:.0f} Mio", "plate"))
    peak = csv_small["request_peak_mib"]
    rows.append(_row(f"  … CSV d'un lot de {small} offres (pic)",
                     "—" if peak is None else f"{peak:.0f} Mio",
                     f"document enregistré {csv_small['stored_mb']:.0f} Mo", "plate"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="secondes de wrk par serveur")
    parser.add_argument("--skip-load-test", action="store_true")
    parser.add_argument("--export-size", type=int, default=100_000,
                        help="offres du lot enregistré dont on mesure les exports")
    parser.add_argument("--skip-exports", action="store_true")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cœurs, charge moyenne au départ "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} ; meilleur de {args.repeat} essais")
    lines = [_row("", "mesuré", "référence (même exécution)", "cible")]
    lines += review_rows(args.rows, args.repeat)
    lines += score_rows(args.rows, args.repeat)
    if not args.skip_load_test:
        lines += load_rows(args.duration)
    if not args.skip_exports:
        lines += export_rows(args.export_size)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
