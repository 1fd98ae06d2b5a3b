"""Service KPI benchmark: the weekly report in DuckDB vs polars with the tickets already in memory.

For 100,000 and 1,000,000 tickets (and 10,000,000 with ``--ten-million``), unsorted, a tenth never
resolved (``bench.generated_tickets.UNSORTED``), prints: the weekly report's library call for one
week and for 12 weeks, the same tables computed straightforwardly in polars on a DataFrame already
in memory, their ratios, whether the counts agree, and the weekly page's whole KPI set.
Targets (issue 15, at 10M): one week ≤ 60 ms, 12 weeks ≤ 100 ms, neither slower than polars.

Each size's store is generated once into data/bench-<N>.duckdb (git-ignored) and reused.

    .venv/bin/python bench/kpi_bench.py [--ten-million] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generated_tickets import load_unsorted  # noqa: E402
from kpi import store  # noqa: E402
from kpi.service import report  # noqa: E402
from kpi.service.periods import Period, iso_week  # noqa: E402

WEEK = "2024-W41"
COUNTS = ("carried_over", "new", "in_play", "on_time", "open_not_due", "late_done",
          "overdue_open_0", "overdue_open_1", "overdue_open_2", "overdue_open_3plus")


def polars_weekly(tickets: pl.DataFrame, periods: list[Period]) -> pl.DataFrame:
    """The weekly table by owner for each period, written the obvious way in polars (current
    commitment basis): counts per owner, then a total row per period."""
    completed, due, created = pl.col("completed_at"), pl.col("due_at"), pl.col("created_at")
    escalations = pl.col("escalation_count").clip(upper_bound=3)
    tables = []
    for period in periods:
        start, end = period.start, period.end
        done = (completed < end).fill_null(False)
        on_time = done & (completed <= pl.coalesce(due, completed)) & (completed >= created)
        overdue = ~done & (due < end).fill_null(False)
        counts = (tickets.filter(~pl.col("is_cancelled") & (created < end) & (completed.is_null() | (completed >= start)))
                  .group_by("owner")
                  .agg(carried_over=(created < start).sum(), new=(created >= start).sum(), in_play=pl.len(),
                       on_time=on_time.sum(), open_not_due=(~done & ~overdue).sum(), late_done=(done & ~on_time).sum(),
                       **{f"overdue_open_{n}": (overdue & (escalations == n)).sum() for n in (0, 1, 2)},
                       overdue_open_3plus=(overdue & (escalations == 3)).sum(),
                       escalations=pl.col("escalation_count").sum(), new_on_time=(on_time & (created >= start)).sum()))
        total = counts.select(pl.lit(None, pl.String).alias("owner"), pl.exclude("owner").sum())
        tables.append(pl.concat([counts.sort("owner", nulls_last=False), total], how="vertical_relaxed")
                      .with_columns(period_start=pl.lit(start), is_total=pl.int_range(pl.len()) == pl.len() - 1))
    table = pl.concat(tables, how="vertical_relaxed")
    return table.with_columns(
        completion_rate=(pl.col("on_time") + pl.col("late_done")) / pl.col("in_play"),
        avg_escalations=pl.col("escalations") / pl.col("in_play"),
        total_service_level=pl.col("on_time") / pl.col("in_play"),
        service_level=pl.col("new_on_time") / pl.when(pl.col("new") > 0).then(pl.col("new")),
    )


def timed(function, repeat: int, warm_ups: int = 3) -> tuple[float, object]:
    # The first calls on a store just opened read its row groups into DuckDB's buffers (at 10M,
    # one week took 88, 71, 52 ms, then 42-48 ms): the median is of calls after those.
    for _ in range(warm_ups):
        function()
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def same_totals(duck, polars_table: pl.DataFrame) -> bool:
    ours = duck[duck["is_total"]][list(COUNTS)].to_numpy().tolist()
    theirs = polars_table.filter(pl.col("is_total")).select(COUNTS).rows()
    return ours == [list(row) for row in theirs]


def bench_store(count: int) -> str:
    """data/bench-<count>.duckdb, generated the first time."""
    path = ROOT / "data" / f"bench-{count}.duckdb"
    if not path.exists():
        began = time.perf_counter()
        con = store.connect(str(path))
        try:
            load_unsorted(con, count)
        except BaseException:
            con.close()
            path.unlink(missing_ok=True)
            raise
        con.close()
        print(f"  generated {count:,} tickets into {path.relative_to(ROOT)} in {time.perf_counter() - began:.0f} s")
    return str(path)


def run(count: int, repeat: int) -> None:
    con = store.connect(bench_store(count))
    week, query = iso_week(WEEK), report.ServiceQuery()
    weeks = week.trailing(12)
    print(f"{count:,} tickets")
    one_s, one = timed(lambda: report.weekly_table(con, [week], query), repeat)
    twelve_s, twelve = timed(lambda: report.weekly_table(con, weeks, query), repeat)
    print(f"  DuckDB weekly report ({WEEK}, {int(one.iloc[-1]['in_play']):,} in play): one week {one_s * 1000:.0f} ms, "
          f"12 weeks {twelve_s * 1000:.0f} ms (targets at 10M: ≤ 60 ms, ≤ 100 ms)")

    began = time.perf_counter()
    tickets = con.sql("SELECT owner, created_at, completed_at, current_commitment_at AS due_at, escalation_count,"
                          " is_cancelled FROM tickets").pl()
    loaded = time.perf_counter() - began
    polars_one_s, polars_one = timed(lambda: polars_weekly(tickets, [week]), repeat)
    polars_twelve_s, polars_twelve = timed(lambda: polars_weekly(tickets, weeks), repeat)
    print(f"  polars, tickets already in memory (loaded in {loaded:.1f} s, {tickets.estimated_size() / 2**20:,.0f} MB): "
          f"one week {polars_one_s * 1000:.0f} ms, 12 weeks {polars_twelve_s * 1000:.0f} ms; "
          f"same counts: {same_totals(one, polars_one) and same_totals(twelve, polars_twelve)}")
    print(f"  DuckDB ÷ polars: one week {one_s / polars_one_s:.2f}, 12 weeks {twelve_s / polars_twelve_s:.2f} "
          f"(target ≤ 1)")
    del tickets
    review_s, review = timed(lambda: report.weekly_review(con, week, query).loaded(), max(3, repeat // 3))
    print(f"  weekly page KPI set (table, 12-week trend, commitments, distributions, first response, forwarding, "
          f"flow, backlog, alert counts and first rows, sources): {review_s * 1000:.0f} ms")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ten-million", action="store_true", help="also 10,000,000 tickets (minutes to generate once)")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    for count in (100_000, 1_000_000, *((10_000_000,) if args.ten_million else ())):
        run(count, args.repeat)


if __name__ == "__main__":
    main()
