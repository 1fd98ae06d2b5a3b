"""The portable KPI SQL exactly as each engine receives it (tests/snapshots/<query>.<dialect>.sql).

SQLGlot renders the Spark text and has rewritten interval and timestamp arithmetic before, so a
change in it (or in the queries) must show up here as a diff someone reads. After a deliberate
change: ``UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_sql_snapshots.py``.
"""

import os
import re
from pathlib import Path

import pytest

from kpi.engine import render
from kpi.service import durations, report
from kpi.service.periods import iso_week
from kpi.service.populations import ServiceQuery

SNAPSHOTS = Path(__file__).parent / "snapshots"
PORTABLE_SQL = {**report.PORTABLE_SQL, "durations": durations.DURATIONS_SQL}
CASES = [(name, dialect) for name in PORTABLE_SQL for dialect in ("duckdb", "spark")]


@pytest.mark.parametrize(("name", "dialect"), CASES, ids=[f"{n}.{d}" for n, d in CASES])
def test_rendered_sql_matches_its_snapshot(name, dialect):
    rendered = render(PORTABLE_SQL[name], dialect) + "\n"
    snapshot = SNAPSHOTS / f"{name}.{dialect}.sql"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(rendered, encoding="utf-8")
    assert rendered == snapshot.read_text(encoding="utf-8")


# The drill-down's and the alert lists' own parameters beside the query's.
OWN_PARAMETERS = {"tickets_behind": {"group", "all_groups", "column", "escalations"},
                  "alerts": {"alert", "offset", "limit"}}


@pytest.mark.parametrize("name", PORTABLE_SQL)
def test_spark_sql_keeps_timestamps_and_binds_every_parameter(name):
    spark_sql = render(PORTABLE_SQL[name], "spark")
    # Wall-clock timestamps stay TIMESTAMP_NTZ; no epoch arithmetic, no untyped NULL arrays.
    assert "UNIX_TIMESTAMP" not in spark_sql and "TIMESTAMP_LTZ" not in spark_sql
    # Durations in microseconds, exact on both (seconds: DuckDB counts boundaries, Spark elapsed time).
    assert set(re.findall(r"DATEDIFF\((\w+)", spark_sql)) <= {"MICROSECOND"}
    # Exact percentiles: SQLGlot would write PERCENTILE_CONT(x, p), which Spark refuses, or PERCENTILE_APPROX.
    assert "PERCENTILE_CONT" not in spark_sql and "PERCENTILE_APPROX" not in spark_sql
    assert re.search(r"STRUCT<\s*period_start: TIMESTAMP_NTZ,\s*period_end: TIMESTAMP_NTZ,\s*start_slot: INT", spark_sql)
    # One EXPLODE, the periods': two in one SELECT would form a cross product.
    assert spark_sql.count("EXPLODE(") == 1
    if name in report.GROUPED_SQL:
        assert "GROUPING(" in spark_sql and "HAVING\n  is_total OR" in spark_sql
    markers = set(re.findall(r":([a-z_]+)\b", spark_sql))
    asked = set(ServiceQuery().params([iso_week("2009-W41")]))
    # Only the queries counting tickets in play have a steady part to count apart.
    if "in_play_steady AS" not in spark_sql:
        asked.discard("steady_apart")
    # Only those counting them by their slots (populations.in_play_grouped) read the days' slots.
    if "in_play_keyed AS" not in spark_sql:
        asked -= {"day_slots", "slot_days", "after_slot"}
    assert markers == asked | OWN_PARAMETERS.get(name, set())
    assert "$" not in spark_sql


def test_spark_intervals_stay_day_and_hour_literals():
    # SQLGlot has rewritten interval arithmetic into epoch seconds before: the backlog's age bands
    # and the due-soon alert must reach Spark as plain interval literals on the timestamps.
    assert render(report.PORTABLE_SQL["backlog"], "spark").count("period_end - INTERVAL '") == 10
    assert "due_at < period_end + INTERVAL '24' HOUR" in render(report.PORTABLE_SQL["alerts"], "spark")


def test_spark_durations_are_exact_percentiles_of_microseconds():
    spark_sql = render(durations.DURATIONS_SQL, "spark")
    assert spark_sql.count("PERCENTILE(first_response_microseconds, ") == 2
    assert spark_sql.count("PERCENTILE(resolution_microseconds, ") == 2
    assert "THEN DATEDIFF(MICROSECOND, created_at, completed_at)\n" in spark_sql
