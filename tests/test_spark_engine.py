"""The KPI SQL on Apache Spark (local mode) against DuckDB: the same rows, cell for cell.

One Spark session for the module (local[2], 2 shuffle partitions, no UI). 100k generated tickets,
unsorted, 10% never resolved, some cancelled, some without owner or commitment, are exported to
Parquet and read by Spark; counts must be identical and rates equal to 1e-12.
Skipped where PySpark or a Java runtime is missing. Deselect with ``-m "not spark"``.
"""

import json
import random
import shutil
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from bench.generated_tickets import generate, load
from kpi import store
from kpi.cli import main
from kpi.engine import engine_of
from kpi.engine.parquet import export_parquet
from kpi.ingest.importer import import_files
from kpi.service import durations, report
from kpi.service.definitions import ALERTS
from kpi.service.periods import date_range, iso_week, month
from kpi.service.report import ServiceQuery
from tests.messy_exports import write_messy_export
from tests.service_tickets import BOUNDARY_TICKETS, RESOLUTION_MICROSECONDS, WEEK41, insert_tickets, resolved_after

pytest.importorskip("pyspark")
from kpi.engine import spark as spark_engine  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime"),
              *(pytest.mark.filterwarnings(f"ignore:{message}") for message in spark_engine.PANDAS_WARNINGS)]

TICKETS = 100_000


@pytest.fixture(scope="module")
def spark():
    session = spark_engine.session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory, spark):
    """The same 100k tickets in a DuckDB store and, through export-parquet, on Spark."""
    folder = tmp_path_factory.mktemp("generated")
    con = store.connect(str(folder / "store.duckdb"))
    load(con, generate(TICKETS, shuffled=True, open_share=0.1, cancelled_share=0.02, gaps=0.02))
    assert export_parquet(con, folder / "parquet") == TICKETS
    yield con, spark_engine.SparkEngine(spark, str(folder / "parquet"))
    con.close()


def assert_same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert list(spark.columns) == list(duck.columns)
    assert len(spark) == len(duck)
    for column in duck.columns:
        ours, theirs = duck[column], spark[column]
        if pd.api.types.is_float_dtype(ours):
            assert pd.api.types.is_float_dtype(theirs), column
            assert (ours.isna() == theirs.isna()).all(), column
            # Rates (0–1) to 1e-12; hours to 1e-12 of their size, as the engines interpolate
            # percentiles each its own way (durations.percentiles).
            off = np.abs(ours.to_numpy() - theirs.to_numpy()) / np.maximum(1, np.abs(ours.to_numpy()))
            assert off[ours.notna().to_numpy()].max(initial=0) <= 1e-12, column
        else:
            as_values = [None if pd.isna(v) else v for v in ours.tolist()]
            assert [None if pd.isna(v) else v for v in theirs.tolist()] == as_values, column


TWELVE_WEEKS = iso_week("2024-W41").trailing(12)
QUERIES = {
    "by owner, current commitment": ServiceQuery(),
    "by department, standard time, filtered": ServiceQuery(by="department", due="standard", levels=(2, 3, 4),
                                                           channels=("email", "web")),
    "by level, first commitment, some owners": ServiceQuery(by="level", due="first",
                                                            owners=("agent-01", "agent-07", "agent-33")),
}


@pytest.mark.parametrize("name", report.GROUPED_SQL)
@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_every_grouped_kpi_query_gives_the_same_rows(generated, name, query):
    con, spark = generated
    params = query.params(TWELVE_WEEKS)
    duck = engine_of(con).run(report.GROUPED_SQL[name], params)
    assert_same(duck, spark.run(report.GROUPED_SQL[name], params))
    # A total row for each of the 12 weeks, and groups beside them: the data is not trivial.
    assert duck["is_total"].sum() == 12 and len(duck) > 24


WEEK = iso_week("2024-W41")
# The drill-down's cells: a column over all groups, a rate (its denominator), one group's bucket.
DRILLS = {
    "overdue once, all groups": {"column": "overdue_open_1"},
    "service level, all groups": {"column": "service_level"},
    "carried over, no owner": {"column": "carried_over", "group": None, "all_groups": False},
    "escalated twice, one owner": {"group": "agent-07", "all_groups": False, "escalations": 2},
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_backlog_alerts_flow_and_sources_give_the_same_rows(generated, query):
    con, spark = generated
    duck = report.backlog(con, WEEK, query)
    assert_same(duck, report.backlog(spark, WEEK, query))
    assert len(duck) > 5
    duck, theirs = report.alert_lists(con, WEEK, query), report.alert_lists(spark, WEEK, query)
    assert theirs.counts == duck.counts and sum(duck.counts.values()) > 100
    assert_same(duck.rows, theirs.rows)
    # a later page of the longest list: the same tickets in the same order
    longest = max(duck.counts, key=duck.counts.get)
    assert_same(report.alert_list(con, WEEK, query, longest, offset=50, limit=50),
                report.alert_list(spark, WEEK, query, longest, offset=50, limit=50))
    assert_same(report.sources(con, WEEK, query), report.sources(spark, WEEK, query))
    assert_same(durations.response_and_resolution_times(con, WEEK, query),
                durations.response_and_resolution_times(spark, WEEK, query))
    assert_same(report.created_vs_resolved(con, TWELVE_WEEKS, query),
                report.created_vs_resolved(spark, TWELVE_WEEKS, query))


@pytest.mark.parametrize("cell", DRILLS.values(), ids=DRILLS.keys())
def test_the_drill_lists_the_same_tickets(generated, cell):
    con, spark = generated
    duck = report.tickets_behind(con, WEEK, ServiceQuery(), **cell)
    theirs = report.tickets_behind(spark, WEEK, ServiceQuery(), **cell)
    assert theirs["ticket_id"].tolist() == duck["ticket_id"].tolist() and len(duck) > 0
    assert_same(duck, theirs)


def test_the_weekly_review_of_the_pages_is_the_same_on_spark(generated):
    con, spark = generated
    duck, theirs = report.weekly_review(con, WEEK, ServiceQuery()), report.weekly_review(spark, WEEK, ServiceQuery())
    for part in ("table", "trend", "commitments", "escalations", "extensions", "first_response", "forwarding",
                 "flow", "backlog", "sources"):
        assert_same(getattr(duck, part), getattr(theirs, part))
    assert theirs.alerts.counts == duck.alerts.counts
    assert_same(duck.alerts.rows, theirs.alerts.rows)


def test_the_generated_data_reaches_every_outcome(generated):
    con, spark = generated
    table = report.weekly_table(spark, TWELVE_WEEKS, ServiceQuery())
    totals = table[table["is_total"]]
    for column in ("carried_over", "new", "on_time", "open_not_due", "late_done", "overdue_open_0",
                   "overdue_open_1", "overdue_open_2", "overdue_open_3plus"):
        assert totals[column].sum() > 0, column
    assert table["group"].isna().sum() > 12   # tickets without an owner form their own row
    # Cancelled tickets are in the Parquet files but in no KPI.
    in_store = con.execute("SELECT count(*) FROM tickets WHERE is_cancelled").fetchone()[0]
    assert in_store > 1000


def test_a_week_without_tickets_gives_the_same_empty_figures(generated):
    # Over no ticket a GROUPING SETS grand total comes on DuckDB but not on Spark (durations.DURATIONS_SQL).
    con, spark = generated
    empty = iso_week("2030-W01")
    duck = durations.response_and_resolution_times(con, empty, ServiceQuery())
    assert_same(duck, durations.response_and_resolution_times(spark, empty, ServiceQuery()))
    assert duck[["is_total", "answered", "resolved"]].values.tolist() == [[True, 0, 0]]
    assert duck[["first_response_median", "resolution_p90"]].isna().all().all()
    ours, theirs = report.weekly_review(con, empty, ServiceQuery()), report.weekly_review(spark, empty, ServiceQuery())
    for part in ("table", "commitments", "escalations", "extensions", "first_response", "forwarding", "backlog"):
        assert_same(getattr(ours, part), getattr(theirs, part))


def test_a_month_and_the_commitments_of_a_custom_period(generated):
    con, spark = generated
    period = month("2023-02")
    assert_same(report.weekly_report(con, period, ServiceQuery(by="department")),
                report.weekly_report(spark, period, ServiceQuery(by="department")))
    assert_same(report.commitment_rates(con, period, ServiceQuery()),
                report.commitment_rates(spark, period, ServiceQuery()))


def test_cli_prints_the_week41_seed_table_on_spark(tmp_path, spark, capsys):
    con = store.connect(str(tmp_path / "store.duckdb"))
    import_files(con, [WEEK41])
    con.close()
    assert main(["export-parquet", "--db", str(tmp_path / "store.duckdb"), "--out", str(tmp_path / "parquet")]) == 0
    capsys.readouterr()

    def weekly(*engine):
        assert main(["weekly", "--week", "2009-W41", *engine]) == 0
        return capsys.readouterr().out

    on_spark = weekly("--engine", "spark", "--spark-source", str(tmp_path / "parquet"))
    assert on_spark == weekly("--db", str(tmp_path / "store.duckdb"))
    # The short form: --source names where the tickets are when --spark-source is not given.
    assert weekly("--engine", "spark", "--source", str(tmp_path / "parquet")) == on_spark
    rows = json.loads(on_spark)
    assert [r["group"] for r in rows] == ["吳小姐", "陳小明", "TOTAL"]
    # 7 new; 3 on time, 3 late, 1 open overdue: completion 6/7, service level 3/7
    assert [rows[-1][k] for k in ("new", "in_play", "on_time", "late_done", "overdue_open_0")] == [7, 7, 3, 3, 1]
    assert rows[-1]["completion_rate"] == 6 / 7 and rows[-1]["service_level"] == 3 / 7
    assert rows[0]["service_level"] == 0.6 and rows[1]["completion_rate"] == 0.5

    # The ticket lists name each ticket's SLA policy on Spark too (carried in the export).
    duck = report.tickets_behind(store.connect(str(tmp_path / "store.duckdb")), iso_week("2009-W41"), ServiceQuery())
    theirs = report.tickets_behind(spark_engine.SparkEngine(spark, str(tmp_path / "parquet")), iso_week("2009-W41"),
                                   ServiceQuery())
    assert_same(duck, theirs)
    assert len(theirs) == 7 and theirs["sla_policy"].notna().all()


def test_cli_distribution_on_spark_and_a_missing_source(tmp_path, capsys):
    con = store.connect(str(tmp_path / "store.duckdb"))
    import_files(con, [WEEK41])
    export_parquet(con, tmp_path / "parquet")
    con.close()
    assert main(["distribution", "--week", "2009-W41", "--counted", "escalation", "--engine", "spark",
                 "--spark-source", str(tmp_path / "parquet")]) == 0
    [*_, total] = json.loads(capsys.readouterr().out)
    assert total == {"group": "TOTAL", "in_play": 7, "0": 7, "1": 0, "2": 0, "3+": 0}

    assert main(["weekly", "--engine", "spark", "--spark-source", str(tmp_path / "nowhere")]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: cannot read the tickets from") and "Traceback" not in captured.err
    assert "\tat " not in captured.err   # no JVM trace either
    # A file that is not Parquet: the JVM's own exception, which py4j passes on with its whole
    # trace in the message, is told as its first line.
    (tmp_path / "notes.csv").write_text("編號,主旨\nSR-1,印表機\n", encoding="utf-8")
    assert main(["weekly", "--engine", "spark", "--spark-source", str(tmp_path / "notes.csv")]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "\tat " not in captured.err
    assert captured.err.startswith(f"error: cannot read the tickets from {tmp_path / 'notes.csv'}: "
                                   "[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER]")
    # The store itself, given where its Parquet export was meant.
    assert main(["weekly", "--engine", "spark", "--spark-source", str(tmp_path / "store.duckdb")]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'store.duckdb'} is a DuckDB database, not Parquet: write its tickets with python -m kpi "
        f"export-parquet --db {tmp_path / 'store.duckdb'} --out DIR, and read DIR\n")
    # Two --source values and no --spark-source: which one names the tickets is not guessed.
    assert main(["weekly", "--engine", "spark", "--source", "Zendesk", "--source", "Jira"]) == 2
    assert capsys.readouterr().err.startswith("error: --engine spark needs --spark-source")


def test_parquet_without_the_stores_columns_is_refused_by_name_and_no_trace_reaches_the_terminal(tmp_path, spark, capfd):
    # Parquet written by something else than export-parquet: the columns it lacks are named.
    duckdb.sql("SELECT 'A-1' AS ticket_id, TIMESTAMP '2024-02-05 09:00' AS created_at").write_parquet(
        str(tmp_path / "partial.parquet"))
    assert main(["weekly", "--engine", "spark", "--spark-source", str(tmp_path / "partial.parquet")]) == 2
    err = capfd.readouterr().err
    assert err.startswith(f"error: the tickets at {tmp_path / 'partial.parquet'} lack the columns source_system, subject,")
    assert err.endswith(", is_cancelled: write them with python -m kpi export-parquet\n") and err.count("\n") == 1
    # PySpark logs a failed query's JVM trace to standard error before raising it; here it goes to
    # the log file, and the caller tells the error in one line.
    con = store.connect(str(tmp_path / "store.duckdb"))
    import_files(con, [WEEK41])
    export_parquet(con, tmp_path / "parquet")
    con.close()
    engine = spark_engine.SparkEngine(spark, str(tmp_path / "parquet"))
    with pytest.raises(spark_engine.errors(), match="no_such_column"):
        engine.run("SELECT no_such_column FROM tickets", {})
    assert capfd.readouterr().err == ""


def test_a_store_without_tickets_gives_the_same_zeros_on_spark(tmp_path, spark, capsys):
    # No month to partition by: the export writes one file of no rows, which Spark can read.
    store.connect(str(tmp_path / "store.duckdb")).close()
    assert main(["export-parquet", "--db", str(tmp_path / "store.duckdb"), "--out", str(tmp_path / "parquet")]) == 0
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == ["no-tickets.parquet"]
    capsys.readouterr()
    for command in (["weekly", "--week", "2024-W06"], ["commitments", "--month", "2024-02"],
                    ["distribution", "--week", "2024-W06", "--by", "department"]):
        assert main([*command, "--db", str(tmp_path / "store.duckdb"), "--format", "csv"]) == 0
        on_duckdb = capsys.readouterr().out
        assert main([*command, "--engine", "spark", "--spark-source", str(tmp_path / "parquet"), "--format", "csv"]) == 0
        assert capsys.readouterr().out == on_duckdb, command
    assert on_duckdb.splitlines()[-1] == "TOTAL,0,0,0,0,0"


def test_times_on_period_bounds_and_between_periods_on_spark(tmp_path, spark):
    # Each time's slot comes from its day (populations.in_play_grouped): midnights and the days
    # between two periods must land where DuckDB puts them.
    con = store.connect(str(tmp_path / "store.duckdb"))
    insert_tickets(con, BOUNDARY_TICKETS)
    export_parquet(con, tmp_path / "parquet")
    periods = [iso_week("2009-W38"), iso_week("2009-W41")]
    duck = report.weekly_table(con, periods, ServiceQuery())
    assert_same(duck, report.weekly_table(spark_engine.SparkEngine(spark, str(tmp_path / "parquet")), periods,
                                          ServiceQuery()))
    assert duck[duck["is_total"]]["in_play"].tolist() == [4, 5]
    con.close()


def test_messy_exports_give_the_same_printed_reports_on_both_engines(tmp_path, spark, capsys):
    # Imported as users import them: the import's own readings (done before created, done by
    # status without a time, reopened, unknown words, nobody assigned, ids exported twice) reach
    # the Parquet export, and every report prints the same text on both engines.
    con = store.connect(str(tmp_path / "store.duckdb"))
    reports = import_files(con, [write_messy_export(tmp_path / f"messy-{seed}.csv", 3000, seed) for seed in (7, 8)])
    found = {finding.check for report_ in reports for finding in report_.findings}
    assert {"completed_before_created", "completion_inferred", "reopened"} <= found
    con.close()
    assert main(["export-parquet", "--db", str(tmp_path / "store.duckdb"), "--out", str(tmp_path / "parquet")]) == 0
    capsys.readouterr()

    def printed(command: list[str], *engine: str) -> str:
        assert main([*command, *engine]) == 0
        return capsys.readouterr().out

    commands = [["weekly", "--week", "2024-W05"], ["weekly", "--week", "2024-W05", "--by", "department"],
                ["weekly", "--month", "2024-03", "--due", "standard"], ["weekly", "--week", "2024-W01", "--batch", "2"],
                ["weekly", "--from", "2024-02-15", "--to", "2024-04-14", "--due", "first", "--by", "department"],
                ["distribution", "--week", "2024-W09", "--counted", "extension"],
                ["commitments", "--from", "2024-02-01", "--to", "2024-04-30", "--by", "department"]]
    for command in commands:
        on_duckdb = printed(command, "--db", str(tmp_path / "store.duckdb"))
        assert printed(command, "--engine", "spark", "--spark-source", str(tmp_path / "parquet")) == on_duckdb, command
    by_department = json.loads(printed(commands[1], "--db", str(tmp_path / "store.duckdb")))
    *groups, total = by_department
    assert None in [row["group"] for row in groups]  # nobody assigned: its own row, on both engines
    assert total["group"] == "TOTAL" and total["in_play"] == sum(row["in_play"] for row in groups) > 0


def test_percentiles_agree_to_the_last_places_on_both_engines(tmp_path, spark):
    # Both read whole microseconds; each interpolates between two of them its own way
    # (durations.percentiles), so the hours agree to a few units in the last place.
    con = store.connect(str(tmp_path / "store.duckdb"))
    insert_tickets(con, resolved_after(RESOLUTION_MICROSECONDS))
    export_parquet(con, tmp_path / "parquet")
    week = iso_week("2024-W41")
    duck = durations.response_and_resolution_times(con, week, ServiceQuery())
    theirs = durations.response_and_resolution_times(spark_engine.SparkEngine(spark, str(tmp_path / "parquet")), week,
                                                     ServiceQuery())
    assert theirs["resolution_p90"].tolist() == pytest.approx(duck["resolution_p90"].tolist(), rel=1e-15)
    assert theirs["resolution_median"].tolist() == duck["resolution_median"].tolist() == [580_446_369_893 / 3.6e9] * 2
    con.close()


def adversarial_tickets(count: int, seed: int) -> list[dict]:
    """Tickets shaped to split the engines: times on period bounds ±1 µs and at 23:59:59.999999,
    across ISO week 53; responses and completions before creation; empty, blank, NULL and Unicode
    owners and departments; missing states, levels and due times."""
    rng = random.Random(seed)
    bounds = [datetime(2020, 12, 21), datetime(2020, 12, 28), datetime(2021, 1, 1), datetime(2021, 1, 4),
              datetime(2020, 12, 1), datetime(2021, 2, 1)]
    offsets = [timedelta(microseconds=-1), timedelta(0), timedelta(microseconds=1),
               timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999), timedelta(days=-1)]

    def moment() -> str | None:
        draw = rng.random()
        if draw < 0.08:
            return None
        when = (rng.choice(bounds) + rng.choice(offsets) if draw < 0.5 else
                datetime(2020, 11, 1) + timedelta(seconds=rng.randint(0, 110 * 86400), microseconds=rng.randint(0, 999_999)))
        return f"{when:%Y-%m-%d %H:%M:%S.%f}"

    rows = []
    for n in range(count):
        row = {"ticket_id": f"A-{n}", "created_at": moment() or "2020-12-15 09:00:00.000000",
               "owner": rng.choice(["Ann", "王小明", " Ann", "", None, "Zoë", "a'b"]),
               "department": rng.choice(["Support", "客服部", None, ""]), "level": rng.choice([1, 2, 3, 4, 5, None]),
               "channel": rng.choice(["phone", "email", None]), "escalation_count": rng.choice([0, 0, 1, 2, 3, 7]),
               "extension_count": rng.choice([0, 1, 2, 5]), "forwarded_second_line": rng.random() < 0.2,
               "state": rng.choice([None, None, "open", "pending", "on_hold", "resolved", "closed", "cancelled"])}
        for column in ("first_response_at", "standard_due_at", "first_commitment_at", "current_commitment_at",
                       "resolved_at", "closed_at"):
            row[column] = moment()
        rows.append(row)
    return rows


ADVERSARIAL_PERIODS = [iso_week("2020-W53"), date_range(date(2020, 12, 30), date(2021, 1, 2))]
ADVERSARIAL_QUERIES = [ServiceQuery(), ServiceQuery(by="department", due="standard"),
                       ServiceQuery(by="level", due="first", owners=("Ann", "王小明", ""), channels=("email",))]


def test_adversarial_tickets_give_the_same_review_on_both_engines(tmp_path, spark):
    # Data nobody shaped for the report: every part of the review, the response and resolution
    # times and a drill, for a week 53 and a range across the new year, three ways of slicing.
    con = store.connect(str(tmp_path / "store.duckdb"))
    insert_tickets(con, adversarial_tickets(3000, seed=3))
    export_parquet(con, tmp_path / "parquet")
    theirs = spark_engine.SparkEngine(spark, str(tmp_path / "parquet"))
    for period in ADVERSARIAL_PERIODS:
        for query in ADVERSARIAL_QUERIES:
            duck, other = report.weekly_review(con, period, query), report.weekly_review(theirs, period, query)
            for part in ("table", "commitments", "escalations", "extensions", "first_response", "forwarding",
                         "flow", "backlog", "sources"):
                assert_same(getattr(duck, part), getattr(other, part))
            assert other.alerts.counts == duck.alerts.counts
            assert_same(durations.response_and_resolution_times(con, period, query),
                        durations.response_and_resolution_times(theirs, period, query))
            assert_same(report.tickets_behind(con, period, query, column="late_done"),
                        report.tickets_behind(theirs, period, query, column="late_done"))
    total = report.weekly_table(con, [ADVERSARIAL_PERIODS[0]], ServiceQuery()).query("is_total").iloc[0]
    assert total["in_play"] > 500 and total["late_done"] > 0 and total["overdue_open_1"] > 0
    con.close()
