"""Demo interval reports: three queues, 30-minute intervals over the demo year's last 8 weeks.

Written in the generic zh-TW layout, as a centre's own Excel interval sheet would be, and
imported through the same pipeline as a user's file. The day has a morning peak (09:30–11:30)
and a smaller one after lunch; the roster is flat through the day, sized for the day's average,
so the peaks are under-staffed and the late afternoons idle. Outcomes follow Erlang A (callers
abandon after 90 s on average) with the staffed agents, drawn with a fixed seed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.contact import erlang
from kpi.demo import DEMO_DIR, DEMO_END

SEED = 12
WEEKS = 8
INTERVAL_MINUTES = 30
THRESHOLD_SECONDS = 15
PATIENCE_SECONDS = 90.0
# Queue: calls in an average weekday half-hour, AHT in seconds.
QUEUES = {"帳務": (70, 240.0), "技術支援": (40, 420.0), "一般諮詢": (55, 180.0)}
OPEN = {0: (8, 20), 1: (8, 20), 2: (8, 20), 3: (8, 20), 4: (8, 20), 5: (9, 17)}   # weekday: hours open
DAY_FACTOR = {0: 1.25, 1: 1.05, 2: 1.0, 3: 0.95, 4: 0.9, 5: 0.45}
# Share of a weekday's average half-hour, by half-hour from 08:00 to 19:30.
SHAPE = np.array([0.6, 0.9, 1.2, 1.5, 1.7, 1.6, 1.4, 1.0, 0.8, 1.1, 1.3, 1.2,
                  1.1, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35, 0.3, 0.3])
HEADER = ("時段", "群組", "進線數", "接通數", "放棄數", "短放棄數", "15秒內接通數", "平均應答時間", "平均處理時間",
          "上線人數")


def interval_rows(seed: int = SEED, end: dt.date = DEMO_END, weeks: int = WEEKS) -> pd.DataFrame:
    """Every queue's intervals of the ``weeks`` weeks before ``end``, in the export's columns."""
    rng = np.random.default_rng(seed)
    rows = []
    first = end - dt.timedelta(weeks=weeks)
    for offset in range((end - first).days):
        day = first + dt.timedelta(days=offset)
        if day.weekday() not in OPEN:
            continue
        opens, closes = OPEN[day.weekday()]
        slots = np.arange((opens - 8) * 2, (closes - 8) * 2)
        for queue, (calls, aht) in QUEUES.items():
            expected = calls * DAY_FACTOR[day.weekday()] * SHAPE[slots]
            roster = max(int(round(np.mean(calls * SHAPE) * aht / 1800 * 1.7)), 2)
            for slot, mean in zip(slots, expected):
                start = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=INTERVAL_MINUTES * int(slot))
                rows.append(_interval(rng, start, queue, mean, aht, roster))
    return pd.DataFrame(rows, columns=HEADER)


def _interval(rng: np.random.Generator, start: dt.datetime, queue: str, mean_calls: float, aht: float,
              roster: int) -> tuple:
    offered = int(rng.poisson(mean_calls))
    handle = aht * rng.uniform(0.9, 1.1)
    staffed = max(roster + int(rng.integers(-1, 2)), 1)
    fares = erlang.erlang_a(staffed, offered * handle / (INTERVAL_MINUTES * 60), handle, PATIENCE_SECONDS,
                            THRESHOLD_SECONDS)
    abandoned = int(rng.binomial(offered, fares.probability_abandon))
    answered = offered - abandoned
    within = min(int(rng.binomial(offered, fares.service_level)), answered)
    asa = min(fares.asa_seconds, 3600.0) * rng.uniform(0.9, 1.1) if answered else 0.0
    return (f"{start:%Y/%m/%d %H:%M}", queue, offered, answered, abandoned, int(rng.binomial(abandoned, 0.3)),
            within, f"{int(asa) // 60:02d}:{int(asa) % 60:02d}", f"{int(handle) // 60:02d}:{int(handle) % 60:02d}",
            staffed)


def write_demo_intervals(directory: Path = DEMO_DIR) -> list[Path]:
    """Write the demo intervals as two four-week exports; returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows = interval_rows()
    days = pd.to_datetime(rows["時段"], format="%Y/%m/%d %H:%M")
    middle = pd.Timestamp(DEMO_END - dt.timedelta(weeks=WEEKS // 2))
    paths = []
    for part, label in ((rows[days < middle], "1"), (rows[days >= middle], "2")):
        path = directory / f"phone-intervals_{label}.csv"
        part.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths
