"""Export benchmark: a 10,000-row drill-down list masked for personal data, then written as CSV and XLSX.

The list has the drill-down's 18 columns; every subject and customer field carries a phone number,
an e-mail address or an ID number (the worst case for masking). Prints the median of a few runs for
``privacy.mask_frame`` (subjects and customers), ``exports.csv_bytes`` and ``exports.xlsx_bytes``.
Target: masking ≤ 100 ms (a page masks before it shows the list). Usage: python bench/export_bench.py [--rows N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi import exports, privacy  # noqa: E402

SUBJECTS = ("王小明 0912-345-678 反映路燈不亮", "客戶 email: wang.xm@gmail.com 要求回電", "身分證 A123456789 補件",
            "(02)2345-6789 分機 123 網路斷線", "2024-02-08 13:20 來電詢問帳單 NT$1,200")


def drill_list(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    created = pd.Timestamp("2026-01-05 09:00") + pd.to_timedelta(rng.integers(0, 60 * 24 * 90, rows), unit="min")
    frame = pd.DataFrame({
        "ticket_id": [f"SR-{n:07d}" for n in range(rows)],
        "subject": [f"{SUBJECTS[n % len(SUBJECTS)]} #{n}" for n in range(rows)],
        "customer": [f"客戶{n % 97} 09{n % 100:02d}-{n % 1000:03d}-{(n * 7) % 1000:03d}" for n in range(rows)],
        "department": rng.choice(["客服一部", "客服二部", "維修", "帳務", "網路"], rows),
        "owner": rng.choice([f"專員{i}" for i in range(30)], rows),
        "level": rng.integers(1, 6, rows),
        "channel": rng.choice(["電話", "email", "網站"], rows),
        "status": rng.choice(["處理中", "已完成", "已關閉"], rows),
        "created_at": created,
    })
    for i, column in enumerate(("first_response_due_at", "first_response_at", "standard_due_at", "first_commitment_at",
                                "current_commitment_at", "completed_at", "due_at"), start=1):
        frame[column] = created + pd.Timedelta(hours=4 * i)
    frame["extension_count"] = rng.integers(0, 3, rows)
    frame["escalation_count"] = rng.integers(0, 4, rows)
    return frame


def median_ms(step, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    frame = drill_list(args.rows)
    masked = privacy.mask_frame(frame)
    print(f"{args.rows:,} rows × {frame.shape[1]} columns; median of {args.runs} runs")
    print(f"mask_frame (subject, customer): {median_ms(lambda: privacy.mask_frame(frame), args.runs):.0f} ms")
    print(f"csv_bytes:  {median_ms(lambda: exports.csv_bytes(masked), args.runs):.0f} ms")
    print(f"xlsx_bytes: {median_ms(lambda: exports.xlsx_bytes(masked), args.runs):.0f} ms")


if __name__ == "__main__":
    main()
