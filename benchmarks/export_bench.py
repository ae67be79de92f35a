"""Export benchmark: time and peak memory of an export request of a large lot, from the
stored scoring's text to the last byte.

For each size, a first child scores a lot of ``size`` offers × 20 criteria and writes
what the service stores (``result.json``, ``inputs.json``: the text SQLAlchemy writes),
and stores them as the latest scoring of lot 1 in a SQLite database of the service's
tables. Each (size, format) is then measured in a fresh child that has never held the
scoring's objects (memory the allocator keeps after freeing them would hide a peak): it
notes its resident memory, resets the kernel's peak counter (``/proc/self/clear_refs``),
reads the stored scoring with the service's own function (``_lot_export``, of this
checkout or of ``--against``'s) — whole, or its offers one at a time for the formats
whose ``offers_read_once`` is set (:mod:`spar.exports.stored_document`), and now the text
a megabyte at a time (:mod:`spar.db.stored_text`) — then drains the export into a
temporary file. Columns: the request's time, the part spent
reading and decoding the stored documents ("décodage"), the export's; the peak of the
whole request over the memory before it ("pic requête", the figure that matters), the
memory held once the documents are read ("lecture"), the export's own peak over that
("pic export", what the earlier runs below measured) and ``ru_maxrss`` (after the last
reset, i.e. the export phase). "Flat memory": the request holds the stored text and one
offer at a time, not every offer's objects (about 2 GB for 100,000 offers).

In the same run, beside each figure: the same request on an older checkout of spar
(``--against DIR``, e.g. ``git archive main spar | tar -x -C /tmp/spar-before``), which
decodes the stored documents whole. ``--score-command`` also times ``spar score --format
csv`` on the same lot, for issue 12's CSV target (the export within 2× of it).

Run: ``.venv/bin/python benchmarks/export_bench.py [--sizes 10000 100000]
[--formats csv xlsx json] [--against /tmp/spar-before] [--score-command]``.

Measured on the shared 2-core development machine (load average 1.0 to 1.5), "avant" =
b5f504f, which selected the stored text whole, "après" = the text read a megabyte at a
time from the database and let go once decoded, the offers kept past 16 MB in a temporary
file, the inputs' suppliers only; ``--sizes 10000 100000 --formats csv xlsx json --against
/tmp/spar-before --score-command``::

              format   offres requête s  décodage  export  Mo écrits  pic requête     lecture  pic export   ru_maxrss
    avant     csv       10000     2.23       0.9    1.32       37.8    141.9 Mio    57.7 Mio     0.0 Mio   129.3 Mio
    après     csv       10000     2.36      0.96     1.4       37.8     28.1 Mio    26.2 Mio     0.3 Mio    97.1 Mio
    avant     xlsx      10000     3.98       1.0    2.98       27.2    141.7 Mio    57.8 Mio     0.8 Mio   142.8 Mio
    après     xlsx      10000     4.14      1.06    3.08       27.2     28.1 Mio    26.2 Mio     0.1 Mio   109.7 Mio
    avant     json      10000     2.07      0.98    1.09       59.6    142.0 Mio    57.8 Mio     0.0 Mio   129.4 Mio
    après     json      10000     2.05      0.94    1.11       59.6     27.9 Mio    26.2 Mio     0.1 Mio    96.7 Mio
              document enregistré : 64.6 Mo de JSON
    avant     csv      100000    24.07      9.07   15.01      380.1   1381.4 Mio   535.5 Mio     0.0 Mio   607.1 Mio
    après     csv      100000     22.5      9.26   13.24      380.1     51.8 Mio    51.2 Mio     0.6 Mio   133.2 Mio
              spar score --format csv du même lot : 21.98 s
    avant     xlsx     100000    35.29      7.96   27.32      272.7   1381.3 Mio   535.5 Mio     0.0 Mio   619.9 Mio
    après     xlsx     100000    34.93      8.17   26.75      272.7     51.6 Mio    50.8 Mio     0.7 Mio   135.0 Mio
    avant     json     100000     17.8      7.73   10.08      595.8   1381.2 Mio   535.5 Mio     0.0 Mio   607.1 Mio
    après     json     100000    18.66      8.19   10.47      595.8     51.7 Mio    51.6 Mio     0.1 Mio   133.2 Mio
              document enregistré : 646.3 Mo de JSON

The request's peak was the stored text selected whole (the driver's buffer and the string,
2 × 646 MB) and then the offers' marshal bytes for the whole download; it is now a piece
of text, the kept offers' first 16 MB and each offer's id, about 0.25 KB an offer: ten
times the offers, less than twice the memory. The time is unchanged.

Earlier (load average 2.5 to 3.5, other work running: compare the lines of one run, not
runs), "avant" = main before the stored scoring was read from its text, "après" = the offers read one at a time (the walk that
decodes them once keeps them as marshal bytes); prices uniform over 8,000–15,000 €
(17 % of the offers flagged as abnormally low); ``--sizes 10000 100000 --formats csv
xlsx json --against /tmp/spar-before``::

              format   offres requête s  décodage  export  Mo écrits  pic requête     lecture  pic export   ru_maxrss
    avant     csv       10000      3.1      1.15    1.94       37.8    278.9 Mio   212.7 Mio     1.0 Mio   244.3 Mio
    après     csv       10000     4.18      1.45    2.73       37.8    128.1 Mio    57.6 Mio     0.2 Mio    88.3 Mio
    avant     xlsx      10000     5.24      1.22    4.02       27.2    275.9 Mio   209.5 Mio     1.2 Mio   260.9 Mio
    après     xlsx      10000     7.08      1.18     5.9       27.2    125.3 Mio    54.3 Mio     0.0 Mio   104.6 Mio
    avant     json      10000     3.49      1.89     1.6       59.6    278.9 Mio   212.6 Mio     0.4 Mio   243.5 Mio
    après     json      10000     3.64      1.37    2.27       59.6    128.2 Mio    57.5 Mio     0.0 Mio    88.0 Mio
              document enregistré : 64.6 Mo de JSON
    avant     csv      100000    31.93      14.0   17.93      380.1   2748.1 Mio  2091.3 Mio     0.0 Mio  2121.8 Mio
    après     csv      100000    32.97     12.83   20.14      380.1   1237.8 Mio   533.9 Mio     0.2 Mio   564.7 Mio
    avant     xlsx     100000    47.96     12.28   35.67      272.7   2745.3 Mio  2088.2 Mio     0.0 Mio  2138.5 Mio
    après     xlsx     100000    51.76     11.83   39.93      272.7   1234.7 Mio   530.8 Mio     0.0 Mio   581.2 Mio
    avant     json     100000    23.49      10.5   12.99      595.8   2748.0 Mio  2091.2 Mio     0.0 Mio  2121.7 Mio
    après     json     100000    36.56     14.99   21.57      595.8   1237.5 Mio   533.9 Mio     0.0 Mio   564.5 Mio
              document enregistré : 646.3 Mo de JSON

    again, ``--sizes 100000 --formats json csv``:
    avant     json     100000    25.84     12.27   13.57      595.8   2748.0 Mio  2091.3 Mio     0.0 Mio  2121.7 Mio
    après     json     100000    30.09     12.35   17.74      595.8   1237.5 Mio   533.9 Mio     0.0 Mio   564.4 Mio
    avant     csv      100000    29.07     11.03   18.04      380.1   2748.1 Mio  2091.2 Mio     0.0 Mio  2121.8 Mio
    après     csv      100000    30.79     12.57   18.23      380.1   1237.8 Mio   533.9 Mio     0.2 Mio   564.8 Mio

The request's peak is now reading the stored text: the file's bytes and their text at once
(2 × 646 MB; the database driver's buffer and its text likewise); then the request holds
the offers' marshal bytes (about 420 MB for 100,000 offers) and one offer at a time,
where it held the decoded document (2 GB) for the whole download. The time is a few
percent more for the CSV and the workbook, about 15 % for the JSON: each offer is
decoded once by the walk and read back once more by the writer (about 20 µs per offer
for marshal), where the whole document was decoded once.

Earlier runs, which measured the export from a result already decoded (the writers
before and after they streamed; the decoding of the stored document apart):

Measured on the shared 2-core development machine, heavily loaded by other work
(load average 11 to 14, so every time is several times what an idle machine gives:
the older XLSX of 10,000 offers took 25.9 s on a quieter day, 124 s here; compare the
lines of one run, not runs); export peak = VmHWM − VmRSS after storing; prices are
uniform over 8,000–15,000 €, so 17 % of the offers are flagged as abnormally low::

              format   offres      s  Mo écrits  RSS avant  pic export
    avant     csv       10000    7.87     37.8   238.6 Mio    0.3 Mio
    après     csv       10000    5.23     37.8   242.1 Mio    0.3 Mio   (same writer: noise)
              spar score --format csv du même lot : 42.21 s ; export 0.12× (cible ≤ 2×)
    avant     csv      100000   69.25    380.1  1976.5 Mio    0.3 Mio
    après     csv      100000   31.61    380.1  1976.6 Mio    0.3 Mio
              spar score --format csv du même lot : 213.19 s ; export 0.15× (cible ≤ 2×)
    avant     json      10000   48.63     59.6   242.2 Mio    0.3 Mio
    après     json      10000    7.60     59.6   238.7 Mio    0.1 Mio
    avant     json     100000  157.64    595.8  1996.7 Mio    0.3 Mio
    après     json     100000   30.03    595.8  1976.6 Mio    0.1 Mio
    avant     xlsx      10000  124.05     21.2   252.0 Mio    0.4 Mio
    après     xlsx      10000    9.69     27.2   250.0 Mio    1.3 Mio
    après     xlsx     100000  100.17    272.7  1988.0 Mio    0.3 Mio   (cible ≤ 60 s)
              (lecture du document enregistré, 646 Mo de JSON : 30.96 s, collector on)

    another run, with the collector paused while the stored document is decoded:
    avant     xlsx      30000  405.21     64.0   643.8 Mio    0.4 Mio   décodage 9.46 s
    après     xlsx      30000   34.65     81.8   646.1 Mio    0.0 Mio   décodage 2.58 s
    avant     json      20000   63.63    119.2   439.3 Mio    0.4 Mio
    après     json      20000    6.54    119.2   433.5 Mio    0.1 Mio   décodage 4.42 s

The older XLSX of 100,000 offers was not run again (about 5 min on a quiet machine, past
gunicorn's 120 s timeout); at 12.8× the older speed (10,000 offers, same run) the new one
takes about 20 s on the machine where the older took 25.9 s for 10,000.

The writers before (e132736): the CSV module, JSON written value by value, openpyxl's
write-only cells (about 130 µs per row of 18 cells). Now: whole offers through the C
JSON encoder and a streaming XLSX writer of our own (:mod:`spar.exports.xlsx_stream`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

# last, not first: an installed spar or PYTHONPATH wins, so ``PYTHONPATH=/tmp/spar-before
# waiting_bench.py`` (which imports this module) measures that checkout in process too
sys.path.append(str(Path(__file__).resolve().parent.parent))

LEAVES = 20


def criteria_text() -> str:
    """A criteria set of 20 leaves: the price and 19 linear criteria over three pillars."""
    groups = {"env": ("environmental", 7), "social": ("social", 6), "tech": ("technical", 6)}
    lines = ["spar: 1", "id: bench-20", "version: 1", "title: Banc d'essai", "category: supplies",
             "criteria:",
             "  - {id: price, label: Prix, pillar: economic, weight: 40, input: price,"
             " method: price_lowest_ratio}"]
    for gid, (pillar, count) in groups.items():
        lines += [f"  - id: {gid}", f"    label: Groupe {gid}", f"    pillar: {pillar}",
                  "    weight: 20", "    criteria:"]
        for k in range(count):
            lines.append(f"      - {{id: c{k}, label: Critère {gid} {k}, weight: {k + 1},"
                         f" input: {gid}_{k}, method: linear, best: 100, worst: 0}}")
    lines.append("review:\n  abnormally_low: {input: price, method: mean_ratio, ratio: 0.8}")
    return "\n".join(lines) + "\n"


def answers(crit, size: int) -> tuple[list[str], dict[str, np.ndarray]]:
    """The offer ids and the answers (input → column) of the benchmark's lot."""
    rng = np.random.default_rng(7)
    ids = [f"O{k:06d}" for k in range(size)]
    columns = {name: rng.uniform(0, 100, size) for name in crit.inputs()}
    columns["price"] = rng.uniform(8_000, 15_000, size)
    return ids, columns


def store(size: int, folder: Path) -> None:
    """Score a lot of ``size`` offers and write what the service stores for it, as the text
    it stores (``json.dumps``, as SQLAlchemy writes a JSON column): ``result.json`` and
    ``inputs.json`` (the offers with their supplier and answers)."""
    from spar.criteria_file import load_criteria_text
    from spar.engine.answers import lot_from_columns
    from spar.pipeline import evaluate_lot

    crit = load_criteria_text(criteria_text(), "bench.yaml")
    assert len(crit.leaves) == LEAVES
    ids, columns = answers(crit, size)
    lot = lot_from_columns(crit, ids, columns, lot_id="1")
    (folder / "result.json").write_text(
        json.dumps(evaluate_lot(crit, lot, review="none").document()), encoding="utf-8")
    offers = [{"id": oid, "supplier": {"name": f"Entreprise {oid}", "siret": None,
                                       "sme": k % 3 == 0},
               "answers": {name: float(column[k]) for name, column in columns.items()},
               "evidence": {}, "submitted_at": "2026-09-15T09:00:00+00:00"}
              for k, oid in enumerate(ids)]
    (folder / "inputs.json").write_text(json.dumps(
        {"lot": "1", "estimate": None, "offers": offers, "marks": {}, "self_marks": {},
         "review": {"seed": 7, "sample_rate": 0.0}, "warnings": []}), encoding="utf-8")
    database(folder)


def database(folder: Path) -> None:
    """The service's SQLite database (every table), holding one stored scoring of lot 1:
    the two texts above, as SQLAlchemy writes them."""
    import sqlite3

    from sqlalchemy import create_engine

    from spar.db.models import Base

    engine = create_engine(f"sqlite:///{folder / 'spar.sqlite'}")
    Base.metadata.create_all(engine)
    engine.dispose()
    with contextlib.closing(sqlite3.connect(folder / "spar.sqlite")) as db:
        db.execute(
            "INSERT INTO scorings (id, public_id, lot_id, criteria_set_id, criteria_sha256,"
            " engine_version, model_version, inputs, result, result_sha256, created_at)"
            " VALUES (1, 'bench', 1, 1, '', '1.0.0', NULL, ?, ?, '', '2026-09-15 10:00:00')",
            ((folder / "inputs.json").read_text(encoding="utf-8"),
             (folder / "result.json").read_text(encoding="utf-8")))
        db.commit()


def consultation(folder: Path, offers_read_once: bool):
    """The consultation as the service hands it to an export: lot 1 read from the stored
    scoring in the database by the service's own function (on this checkout or the one
    given with ``--against``), the result decoded whole or its offers as they are read
    (what the service does for a format whose ``offers_read_once`` is set)."""
    from types import SimpleNamespace

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from spar.collector import paused
    from spar.criteria_file import load_criteria_text
    from spar.exports.bundle import ConsultationExport
    from spar.services.exports import _lot_export

    crit = load_criteria_text(criteria_text(), "bench.yaml")
    lot = SimpleNamespace(id=1, lot_id="1", title="Lot unique", estimate=None)
    engine = create_engine(f"sqlite:///{folder / 'spar.sqlite'}")
    with Session(engine) as session, paused():  # as the service reads a stored scoring
        read = _lot_export(session, lot, offers_read_once)
    engine.dispose()
    now = datetime(2026, 9, 15, 10, tzinfo=timezone.utc)
    return ConsultationExport(
        reference="BENCH", title="Banc d'essai", buyer="Métropole", category="supplies",
        deadline=now, published_at=now, criteria=crit, lots=[read])


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def child(folder: Path, fmt: str) -> dict:
    """Measure one export request in this process, from the scoring stored in ``folder``'s
    database to the last byte; the dict is printed as JSON for the parent."""
    from spar.exports import EXPORTS

    export = EXPORTS[fmt]
    _ = export.render  # its libraries (openpyxl, reportlab) load before the measure
    import spar.services.exports  # noqa: F401  (and the service's, SQLAlchemy's)
    gc.collect()
    before = _rss_kib("VmRSS")
    reset = _reset_peak()
    start = time.perf_counter()
    c = consultation(folder, getattr(export, "offers_read_once", False))
    loaded = time.perf_counter()
    read_peak = _rss_kib("VmHWM")
    after_read = _rss_kib("VmRSS")
    _reset_peak()
    written = 0
    with tempfile.TemporaryFile() as out:
        for chunk in export(c):
            out.write(chunk)
            written += len(chunk)
    end = time.perf_counter()
    peak = _rss_kib("VmHWM")
    size = len(c.lots[0].entries)
    return {"size": size, "format": fmt, "seconds": round(end - loaded, 2),
            "request_seconds": round(end - start, 2), "bytes": written,
            "rss_before_mib": round(before / 1024, 1),
            "rss_read_mib": round((after_read - before) / 1024, 1),
            "export_peak_mib": round((peak - after_read) / 1024, 1) if reset else None,
            "request_peak_mib": round((max(read_peak, peak) - before) / 1024, 1)
            if reset else None,
            "ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "load_seconds": round(loaded - start, 2),
            "stored_mb": round((folder / "result.json").stat().st_size / 1e6, 1)}


def score_command_seconds(size: int, tmp: Path) -> float:
    """``spar score --format csv`` (the real command, default options) on the same lot,
    written as a French spreadsheet's CSV."""
    import pandas as pd

    from spar.criteria_file import load_criteria_text

    criteria = tmp / "bench.yaml"
    criteria.write_text(criteria_text(), encoding="utf-8")
    ids, columns = answers(load_criteria_text(criteria_text(), "bench.yaml"), size)
    offers = tmp / f"offers-{size}.csv"
    pd.DataFrame({"id": ids, "lot": "1", **columns}).to_csv(
        offers, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    spar = Path(sys.executable).with_name("spar")
    start = time.perf_counter()
    subprocess.run([str(spar), "score", str(criteria), str(offers), "--format", "csv",
                    "--output", str(tmp / "score.csv")], check=True, capture_output=True)
    return time.perf_counter() - start


def measure(folder: Path, fmt: str, root: Path | None = None) -> dict:
    """One export measured in a fresh interpreter, on this checkout or on ``root``."""
    command = [sys.executable, __file__, "--child", str(folder), fmt]
    if root is not None:
        command += ["--root", str(root)]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def line(label: str, r: dict) -> str:
    def mib(key: str) -> str:
        return "n/a" if r[key] is None else f"{r[key]} Mio"
    return (f"{label:9} {r['format']:6} {r['size']:>8} {r['request_seconds']:>8} "
            f"{r['load_seconds']:>9} {r['seconds']:>7} {r['bytes'] / 1e6:>10.1f} "
            f"{mib('request_peak_mib'):>12} {mib('rss_read_mib'):>11} "
            f"{mib('export_peak_mib'):>11} {r['ru_maxrss_mib']:>7} Mio")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "json", "xlsx"])
    parser.add_argument("--against", type=Path,
                        help="a checkout of an older spar, measured beside this one")
    parser.add_argument("--score-command", action="store_true",
                        help="also time `spar score --format csv` on each lot (issue 12's "
                             "CSV target)")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "FORMAT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--store", nargs=2, metavar=("SIZE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child or args.store:
        if args.root:
            sys.path.insert(0, args.root)
        if args.store:
            store(int(args.store[0]), Path(args.store[1]))
        else:
            print(json.dumps(child(Path(args.child[0]), args.child[1])))
        return
    print(f"{'':9} {'format':6} {'offres':>8} {'requête s':>8} {'décodage':>9} {'export':>7} "
          f"{'Mo écrits':>10} {'pic requête':>12} {'lecture':>11} {'pic export':>11} "
          f"{'ru_maxrss':>11}")
    with tempfile.TemporaryDirectory(prefix="spar-export-bench-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            # scored and written in a child of its own, so that no measured process has
            # held the scoring's objects (freed memory that the allocator keeps would
            # hide the decoding's peak)
            subprocess.run([sys.executable, __file__, "--store", str(size), str(folder)],
                           check=True)
            command = score_command_seconds(size, Path(tmp)) \
                if args.score_command and "csv" in args.formats else None
            for fmt in args.formats:
                if args.against is not None:
                    print(line("avant", measure(folder, fmt, args.against)), flush=True)
                r = measure(folder, fmt)
                print(line("après", r), flush=True)
                if command is not None and fmt == "csv":
                    print(f"{'':9} spar score --format csv du même lot : {command:.2f} s ;"
                          f" export {r['seconds'] / command:.2f}× (cible ≤ 2×)")
            print(f"{'':9} document enregistré : {r['stored_mb']} Mo de JSON", flush=True)


if __name__ == "__main__":
    main()
