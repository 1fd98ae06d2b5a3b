"""Service KPI benchmark: 1,000,000 tickets, the weekly report in DuckDB vs pandas, the page.

Prints, in one run: the weekly report's median time, the weekly review page's full KPI set,
a straightforward pandas implementation of the same weekly table and the ratio, and the time
the weekly page takes to re-run after a filter change (AppTest, cold caches).
Targets (issue 3): weekly report ≤ 150 ms median, ≥ 5× faster than pandas, filter change ≤ 1 s.

    .venv/bin/python bench/kpi_bench.py [--tickets N] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generated_tickets import generate, load  # noqa: E402
from kpi import store  # noqa: E402
from kpi.service import report  # noqa: E402
from kpi.service.periods import iso_week  # noqa: E402

WEEK = "2024-W41"


def pandas_weekly(tickets: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The weekly table by owner, written the obvious way in pandas (current-commitment basis)."""
    completed = tickets["resolved_at"].fillna(tickets["closed_at"])
    due = tickets["current_commitment_at"]
    in_play = (tickets["created_at"] < end) & (completed.isna() | (completed >= start))
    t = tickets[in_play].assign(completed=completed[in_play], due=due[in_play])
    done = t["completed"] < end
    on_time = done & (t["due"].isna() | (t["completed"] <= t["due"]))
    overdue_open = ~done & t["due"].notna() & (t["due"] < end)
    escalations = t["escalation_count"].clip(upper=3)
    t = t.assign(
        carried_over=t["created_at"] < start, new=t["created_at"] >= start, in_play=1,
        on_time=on_time, open_not_due=~done & ~overdue_open, late_done=done & ~on_time,
        overdue_open_0=overdue_open & (escalations == 0), overdue_open_1=overdue_open & (escalations == 1),
        overdue_open_2=overdue_open & (escalations == 2), overdue_open_3plus=overdue_open & (escalations == 3),
        new_on_time=(t["created_at"] >= start) & on_time,
    )
    counts = ["carried_over", "new", "in_play", "on_time", "open_not_due", "late_done", "overdue_open_0",
              "overdue_open_1", "overdue_open_2", "overdue_open_3plus", "new_on_time", "escalation_count"]
    grouped = t.groupby("owner")[counts].sum()
    grouped.loc["TOTAL"] = grouped.sum()
    grouped["completion_rate"] = (grouped["on_time"] + grouped["late_done"]) / grouped["in_play"]
    grouped["avg_escalations"] = grouped["escalation_count"] / grouped["in_play"]
    grouped["total_service_level"] = grouped["on_time"] / grouped["in_play"]
    grouped["service_level"] = grouped["new_on_time"] / grouped["new"].where(grouped["new"] > 0)
    return grouped.drop(columns=["new_on_time", "escalation_count"])


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def filter_change_seconds(db_path: str, department: str) -> float:
    from streamlit.testing.v1 import AppTest

    os.environ[store.DB_ENV_VAR] = db_path
    app = AppTest.from_file(str(ROOT / "pages" / "weekly.py"), default_timeout=120)
    app.session_state["lang"] = "en"
    app.query_params["week"] = WEEK
    app.run()
    began = time.perf_counter()
    app.multiselect(key="dept").set_value([department]).run()
    elapsed = time.perf_counter() - began
    if app.exception:
        raise RuntimeError(app.exception[0].message)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        db_path = str(Path(folder) / "bench.duckdb")
        con = store.connect(db_path)
        began = time.perf_counter()
        frame = generate(args.tickets)
        generated = time.perf_counter() - began
        load(con, frame)
        print(f"tickets: {args.tickets:,} (generated in {generated:.1f} s, stored in {time.perf_counter() - began - generated:.1f} s)")

        week, query = iso_week(WEEK), report.ServiceQuery()
        report.weekly_report(con, week, query)  # warm the file cache
        weekly_s, table = timed(lambda: report.weekly_report(con, week, query), args.repeat)
        print(f"weekly report ({WEEK}, {len(table) - 1} owners, {int(table.iloc[-1]['in_play']):,} in play): "
              f"median {weekly_s * 1000:.0f} ms over {args.repeat} runs (target ≤ 150 ms)")
        review_s, _ = timed(lambda: report.weekly_review(con, week, query), max(3, args.repeat // 3))
        print(f"weekly review page KPI set (table, 12-week trend, commitments, distributions, "
              f"first response, forwarding, flow, backlog, alerts): median {review_s * 1000:.0f} ms")

        tickets = con.execute("SELECT * FROM tickets").df()
        start, end = pd.Timestamp(week.start), pd.Timestamp(week.end)
        pandas_s, pandas_table = timed(lambda: pandas_weekly(tickets, start, end), max(3, args.repeat // 3))
        same = (pandas_table.loc["TOTAL", "in_play"] == table.iloc[-1]["in_play"]
                and pandas_table.loc["TOTAL", "on_time"] == table.iloc[-1]["on_time"])
        print(f"pandas weekly table, tickets already in a DataFrame: median {pandas_s * 1000:.0f} ms "
              f"(same totals: {same}); DuckDB is {pandas_s / weekly_s:.1f}× faster (target ≥ 5×)")
        loaded_s, _ = timed(lambda: pandas_weekly(con.execute("SELECT * FROM tickets").df(), start, end), 3)
        print(f"pandas weekly table, reading the tickets from the store first (as a page re-run would): "
              f"median {loaded_s * 1000:.0f} ms; DuckDB is {loaded_s / weekly_s:.1f}× faster")
        department = report.filter_options(con).departments[0]
        con.close()
        del tickets, frame
        change_s = filter_change_seconds(db_path, department)
        print(f"weekly page re-run after a department filter change (AppTest, uncached): {change_s:.2f} s (target ≤ 1 s)")


if __name__ == "__main__":
    main()
