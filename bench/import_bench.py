"""Import benchmark: e-contact+ exports of 100,000 and 1,000,000 rows (10,000,000 with
``--ten-million``), DuckDB's bare read vs the full import.

Prints, per size: the time of DuckDB's bare ``CREATE TABLE AS SELECT * FROM read_csv(...)``,
the time of the full import (detection, mapping, validation, upsert, raw rows kept) of the file
in UTF-8 and in Big5 (CP950; not at 10M unless ``--big5``), their ratios, each step's peak RSS
and its peak disk: the database file, its .wal and DuckDB's temporary folder, over the final
database's size. Targets (issue 15): full ≤ 3 × bare at 1M and at 10M, linear in rows, peak RSS
≤ 1.5 GB, temporary disk ≤ 2 × the final database.

Rows come in random order, not sorted by creation time, as exports merged from several queries
do. Each step runs in a process of its own, sampled from here (psutil, every 50 ms, the process
and its children); the data are generated in a process of their own too, so that building the
export inflates no figure. The originals folder (the import keeps the file byte for byte) is
not temporary and not counted.
With ``--rounds N`` every step runs N times, the steps taking turns, and the median time is
the figure (each run's time is printed too): the bare read alone varies by 20% between runs.
Usage: python bench/import_bench.py [--rows N …] [--ten-million] [--big5] [--keep DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.05

BARE = """
import duckdb, sys, time
con = duckdb.connect(sys.argv[2])
started = time.perf_counter()
con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.execute("CHECKPOINT")
print(time.perf_counter() - started)
"""

GENERATE = """
import datetime as dt, sys, time
import numpy as np
from pathlib import Path
from kpi.demo import generate_econtact_export, write_export_csv
started = time.perf_counter()
rows = int(sys.argv[3])
export = generate_econtact_export(rows, seed=7, start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))
export = export.take(np.random.default_rng(7).permutation(rows)).reset_index(drop=True)
write_export_csv(export, Path(sys.argv[1]), encoding="utf-8")
if sys.argv[4] == "big5":
    write_export_csv(export, Path(sys.argv[1]).with_suffix("").with_name(Path(sys.argv[1]).stem + "-big5.csv"), encoding="cp950")
print(time.perf_counter() - started)
"""

FULL = """
import sys, time
from pathlib import Path
from kpi import store
from kpi.ingest.importer import import_file
con = store.connect(sys.argv[2])
started = time.perf_counter()
report = import_file(con, Path(sys.argv[1]))
con.execute("CHECKPOINT")
print(time.perf_counter() - started)
print(report.summary(), file=sys.stderr)
"""


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def _disk(db: Path, scratch: Path) -> int:
    """Bytes of the database, its .wal, DuckDB's temporary folder and the step's temp files."""
    total = 0
    for path in (db, db.with_name(db.name + ".wal")):
        total += path.stat().st_size if path.exists() else 0
    for folder in (db.with_name(db.name + ".tmp"), scratch):
        try:
            total += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        except FileNotFoundError:  # DuckDB removed the folder, or a file in it, while it was read
            continue
    return total


def measure(script: str, csv_path: Path, folder: Path, name: str, *extra: str) -> dict:
    """Run one step in a child process, sampling its memory and disk; returns its figures."""
    db = folder / f"{name}.duckdb"
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(db.with_suffix(".originals"), ignore_errors=True)
    scratch = folder / f"{name}.scratch"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", script, str(csv_path), str(db), *extra], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process = psutil.Process(child.pid)
    peak_rss = peak_disk = 0
    while child.poll() is None:
        try:
            peak_rss = max(peak_rss, _tree_rss(process))
        except psutil.NoSuchProcess:
            pass
        peak_disk = max(peak_disk, _disk(db, scratch))
        time.sleep(SAMPLE_SECONDS)
    out, err = child.communicate()
    if child.returncode:
        raise SystemExit(f"{name} failed:\n{err}")
    if err.strip():
        print(f"  {name}: {err.strip().splitlines()[-1]}")
    final_db = db.stat().st_size if db.exists() else 0
    shutil.rmtree(scratch, ignore_errors=True)
    return {"seconds": round(float(out.split()[-1]), 3), "peak_rss_mb": round(peak_rss / 2**20),
            "peak_disk_mb": round(peak_disk / 2**20), "final_db_mb": round(final_db / 2**20)}


def run_size(rows: int, folder: Path, big5: bool, rounds: int = 1) -> dict:
    utf8, big5_path = folder / f"export-{rows}.csv", folder / f"export-{rows}-big5.csv"
    if not utf8.exists() or (big5 and not big5_path.exists()):  # a --keep folder keeps them for the next run
        seconds = measure(GENERATE, utf8, folder, "generate", str(rows), "big5" if big5 else "utf8")["seconds"]
        print(f"\ngenerated {rows:,} rows in {seconds:.1f} s")
    print(f"\n{rows:,} rows: UTF-8 {utf8.stat().st_size / 1e6:,.0f} MB"
          + (f", Big5 {big5_path.stat().st_size / 1e6:,.0f} MB" if big5 else ""))
    steps = [("bare_read", BARE, utf8), ("full_import_utf8", FULL, utf8)]
    if big5:
        steps.append(("full_import_big5", FULL, big5_path))
    results: dict = {"rows": rows}
    runs: dict[str, list[dict]] = {name: [] for name, _, _ in steps}
    for _ in range(rounds):
        for name, script, path in steps:
            runs[name].append(measure(script, path, folder, name))
    for name, figures_of_runs in runs.items():
        figures = {"seconds": round(statistics.median(run["seconds"] for run in figures_of_runs), 3),
                   **{key: max(run[key] for run in figures_of_runs)
                      for key in ("peak_rss_mb", "peak_disk_mb", "final_db_mb")}}
        if rounds > 1:
            figures["runs"] = [run["seconds"] for run in figures_of_runs]
        results[name] = figures
        temporary = figures["peak_disk_mb"] - figures["final_db_mb"]
        each = f"  (runs: {', '.join(f'{run:.2f}' for run in figures['runs'])})" if rounds > 1 else ""
        print(f"  {name:17s} {figures['seconds']:7.2f} s   peak RSS {figures['peak_rss_mb']:6,} MB   "
              f"peak disk {figures['peak_disk_mb']:6,} MB, final database {figures['final_db_mb']:5,} MB "
              f"(temporary {temporary / max(figures['final_db_mb'], 1):.1f}×){each}")
    bare = results["bare_read"]["seconds"]
    for name in ("full_import_utf8", "full_import_big5"):
        if name in results:
            results[f"ratio_{name.removeprefix('full_import_')}"] = round(results[name]["seconds"] / bare, 2)
    print("  ratio full/bare: " + ", ".join(f"{k.removeprefix('ratio_')} {v:.2f}"
                                            for k, v in results.items() if k.startswith("ratio_"))
          + "  (target ≤ 3)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows per file (repeatable; default 100,000 and 1,000,000)")
    parser.add_argument("--ten-million", action="store_true", help="also 10,000,000 rows (2.5 GB of CSV; generating it takes 1.5 min and 12 GB of memory)")
    parser.add_argument("--big5", action="store_true", help="the Big5 file at 10M rows too")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them (and reuse them next time)")
    parser.add_argument("--rounds", type=int, default=1, help="run every step this many times, taking turns; report the median")
    args = parser.parse_args()

    sizes = args.rows or [100_000, 1_000_000]
    if args.ten_million:
        sizes.append(10_000_000)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        results = [run_size(rows, folder, args.big5 or rows < 10_000_000, args.rounds) for rows in sizes]
    finally:
        if not args.keep:
            shutil.rmtree(folder)
    if len(results) > 1:
        base = results[0]
        for result in results[1:]:
            scale = result["rows"] / base["rows"]
            growth = result["full_import_utf8"]["seconds"] / base["full_import_utf8"]["seconds"]
            print(f"{result['rows']:,} vs {base['rows']:,} rows: {scale:.0f}× the rows, full import {growth:.1f}× the time")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
