"""Import benchmark: a 1,000,000-row e-contact+ export, bare DuckDB read vs the full import.

Prints, in one run: the time of DuckDB's bare ``CREATE TABLE AS SELECT * FROM read_csv(...)``,
the time of the full import (detection, mapping, validation, upsert, raw rows kept), their
ratio and each step's peak RSS, for the file in UTF-8 and in Big5 (CP950).
Targets: full ≤ 1.5 × bare, peak RSS ≤ 1.5 GB; Big5 ≤ 3 × bare.

Each step runs in a fresh process and reports its own time and peak RSS. The data are generated
in a process of their own too: Linux carries a process's peak RSS over into the programs it
starts, so a parent that had built the export would inflate every figure.
Usage: python bench/import_bench.py [--rows N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import duckdb, resource, sys, time
con = duckdb.connect(sys.argv[2])
started = time.perf_counter()
con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?)", [sys.argv[1]])
con.execute("CHECKPOINT")
print(time.perf_counter() - started)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

GENERATE = """
import datetime as dt, resource, sys, time
from pathlib import Path
from kpi.demo import generate_econtact_export, write_export_csv
started = time.perf_counter()
export = generate_econtact_export(int(sys.argv[3]), seed=7, start=dt.date(2024, 1, 1), end=dt.date(2025, 1, 1))
write_export_csv(export, Path(sys.argv[1]), encoding="utf-8")
write_export_csv(export, Path(sys.argv[1]).with_name("export-big5.csv"), encoding="cp950")
print(time.perf_counter() - started)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

FULL = """
import resource, sys, time
from pathlib import Path
from kpi import store
from kpi.ingest.importer import import_file
con = store.connect(sys.argv[2])
started = time.perf_counter()
report = import_file(con, Path(sys.argv[1]))
con.execute("CHECKPOINT")
print(time.perf_counter() - started)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(report.summary(), file=sys.stderr)
"""


def measure(script: str, csv_path: Path, folder: Path, name: str, *extra: str) -> tuple[float, float]:
    """Run one step in a child process; returns (seconds, peak RSS in MB) as the child saw them."""
    db = folder / f"{name}.duckdb"
    db.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", script, str(csv_path), str(db), *extra], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    if result.stderr.strip():
        print(f"  {name}: {result.stderr.strip().splitlines()[-1]}")
    seconds, peak_kb = result.stdout.split()[-2:]
    return float(seconds), int(peak_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    utf8, big5 = folder / "export-utf8.csv", folder / "export-big5.csv"
    seconds, _ = measure(GENERATE, utf8, folder, "generate", str(args.rows))
    print(f"generated {args.rows:,} rows in {seconds:.1f} s: "
          f"UTF-8 {utf8.stat().st_size / 1e6:.0f} MB, Big5 {big5.stat().st_size / 1e6:.0f} MB")

    results = {}
    for name, script, path in (("bare_read", BARE, utf8), ("full_import_utf8", FULL, utf8),
                               ("full_import_big5", FULL, big5)):
        seconds, peak_mb = measure(script, path, folder, name)
        results[name] = {"seconds": round(seconds, 3), "peak_rss_mb": round(peak_mb)}
        print(f"{name:18s} {seconds:7.2f} s   peak RSS {peak_mb:6.0f} MB")
    bare = results["bare_read"]["seconds"]
    utf8_ratio = results["full_import_utf8"]["seconds"] / bare
    big5_ratio = results["full_import_big5"]["seconds"] / bare
    print(f"ratio full/bare (UTF-8): {utf8_ratio:.2f}  (target ≤ 1.5)")
    print(f"ratio full/bare (Big5):  {big5_ratio:.2f}  (target ≤ 3)")
    print(json.dumps({"rows": args.rows, **results, "ratio_utf8": round(utf8_ratio, 2),
                      "ratio_big5": round(big5_ratio, 2)}))
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
