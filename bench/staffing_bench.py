"""Staffing benchmark: Erlang C required agents for 96 intervals × 50 queues (a day of 15-minute
intervals, or two days of 30-minute ones, for a mid-sized contact centre).

Volumes are drawn at random (fixed seed) from 0–400 calls per 30-minute interval and AHT from
120–600 s; the target is the seed's 85% answered within 15 s with an 85% occupancy cap, the
shrinkage 30%. Times ``erlang.agents_required`` over all 4,800 intervals at once.

Target: median ≤ 200 ms. Usage: python bench/staffing_bench.py [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi.contact import erlang  # noqa: E402

INTERVALS, QUEUES = 96, 50
INTERVAL_SECONDS = 1800
TARGET_MS = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    calls = rng.integers(0, 401, size=(INTERVALS, QUEUES))
    aht = rng.uniform(120, 600, size=(INTERVALS, QUEUES))
    times, agents = [], None
    for _ in range(args.runs):
        started = time.perf_counter()
        agents = erlang.agents_required(calls, INTERVAL_SECONDS, aht, 0.85, 15, max_occupancy=0.85)
        times.append((time.perf_counter() - started) * 1000)
    scheduled = erlang.scheduled_agents(agents, 0.3)
    median = statistics.median(times)
    print(f"{INTERVALS} intervals × {QUEUES} queues: {calls.sum():,} calls, required agents "
          f"{agents.min()}–{agents.max()} (total {agents.sum():,}, scheduled {scheduled.sum():,} at 30% shrinkage)")
    verdict = "ok" if median <= TARGET_MS else "OVER TARGET"
    print(f"agents_required over {agents.size:,} intervals: min {min(times):.0f} ms, median {median:.0f} ms "
          f"(target ≤ {TARGET_MS} ms: {verdict})")


if __name__ == "__main__":
    main()
