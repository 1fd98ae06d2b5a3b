"""The KPI SQL built from the declarations: a new KPI is one declaration, and every list of
tickets behind a figure holds exactly the rows that figure counts."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from bench.generated_tickets import generate, load
from kpi import store
from kpi.ingest.importer import import_files
from kpi.metrics import Measure, Metric
from kpi.service import definitions, report, semantic
from kpi.service.periods import Period, date_range, iso_week, month
from kpi.service.report import ServiceQuery
from tests.service_tickets import BOUNDARY_TICKETS, WEEK41, insert_tickets

W41 = iso_week("2009-W41")


def test_a_new_kpi_is_one_declaration(con):
    insert_tickets(con, [
        {"ticket_id": "old", "owner": "amy", "created_at": "2009-09-01 09:00", "escalation_count": 2},
        {"ticket_id": "fresh", "owner": "amy", "created_at": "2009-10-11 12:00", "escalation_count": 1},
        {"ticket_id": "calm", "owner": "bob", "created_at": "2009-10-06 12:00"},
        {"ticket_id": "done", "owner": "bob", "created_at": "2009-10-05 12:00", "resolved_at": "2009-10-06 12:00"},
    ])
    escalated = Measure("escalated", "in_play", "escalation_count >= 1")
    share = Metric("service.escalated_share", "升級比例", "Escalated share", "…", "…", "escalated", "in play",
                   "in play", "ratio", numerator_zh="升級", denominator_zh="執行總數", filters_zh="執行中",
                   measure=escalated, over=definitions.IN_PLAY)
    frame = report.engine_of(con).run(semantic.grouped_sql(escalated, share),
                                      ServiceQuery().params([W41]))
    rows = {("TOTAL" if r["is_total"] else r["group"]): (r["escalated"], r["escalated_share"])
            for r in frame.to_dict("records")}
    # amy: both escalated (2/2); bob: neither (0/2); in total 2 of 4
    assert rows == {"amy": (2, 1.0), "bob": (0, 0.0), "TOTAL": (2, 0.5)}


def test_a_ratio_counts_over_one_population():
    with pytest.raises(ValueError, match="one population"):
        Metric("service.x", "x", "x", "x", "x", "a", "b", "f", "ratio", numerator_zh="a", denominator_zh="b",
               filters_zh="f", measure=definitions.COMPLETED, over=definitions.IN_PLAY)
    with pytest.raises(ValueError, match="one population"):
        semantic.grouped_sql(definitions.COMPLETED, definitions.IN_PLAY)


def test_every_reported_service_kpi_declares_its_measure():
    reported = (definitions.WEEKLY_METRICS + definitions.COMMITMENT_METRICS + definitions.OTHER_METRICS
                + definitions.ALERT_METRICS)
    assert all(m.measure is not None for m in reported)
    assert {m.over is not None for m in reported if m.unit == "count"} == {False}
    assert semantic.DRILLABLE == definitions.WEEKLY_COLUMNS


@pytest.mark.parametrize("query", [ServiceQuery(), ServiceQuery(due="standard")], ids=["current", "standard"])
def test_the_tickets_behind_each_weekly_column_are_the_ones_it_counts(con, query):
    import_files(con, [WEEK41])
    total = report.weekly_report(con, W41, query).iloc[-1]
    for metric in definitions.WEEKLY_METRICS:
        column = semantic.column_name(metric)
        listed = report.tickets_behind(con, W41, query, column=column)
        # a count lists its own tickets; a rate those of its denominator
        counted = semantic.column_name(metric.over) if metric.over else column
        assert len(listed) == total[counted], column
    # week 41: 7 new, 3 on time, 3 late, 1 overdue (current commitment); a rate lists its denominator
    counts = {c: len(report.tickets_behind(con, W41, ServiceQuery(), column=c))
              for c in ("new", "on_time", "late_done", "overdue_open_0", "service_level", "completion_rate")}
    assert counts == {"new": 7, "on_time": 3, "late_done": 3, "overdue_open_0": 1, "service_level": 7,
                      "completion_rate": 7}


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    """30,000 generated tickets, unsorted, a tenth never resolved, some cancelled or without owner."""
    con = store.connect(str(tmp_path_factory.mktemp("semantic") / "store.duckdb"))
    load(con, generate(30_000, shuffled=True, open_share=0.1, cancelled_share=0.02, gaps=0.02))
    yield con
    con.close()


TWELVE_WEEKS = iso_week("2024-W41").trailing(12)


@pytest.mark.parametrize("query", [ServiceQuery(), ServiceQuery(by="level", due="standard")], ids=["owner", "level"])
def test_twelve_weeks_at_once_equal_each_week_alone(generated_store, query):
    # Twelve weeks share one list of day slots (populations.in_play_grouped); a week alone has its own.
    together = report.weekly_table(generated_store, TWELVE_WEEKS, query)
    alone = pd.concat([report.weekly_table(generated_store, [week], query) for week in TWELVE_WEEKS], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)
    assert together[together["is_total"]]["in_play"].min() > 3000


def test_measures_counted_from_grouped_rows_equal_those_counted_per_ticket(generated_store, monkeypatch):
    # Measures reading only DISCRETE columns count over rows grouped by them first.
    late_escalations = Measure("late_escalations", "in_play", "outcome IN (2)", summed="extension_count + escalation_count")
    measures = (*definitions.WEEKLY_METRICS, *definitions.distribution_measures("extension")[1:], late_escalations)
    grouped = semantic.grouped_sql(*measures)
    monkeypatch.setattr(semantic, "DISCRETE", frozenset())
    per_ticket = semantic.grouped_sql(*measures)
    assert "grouped_tickets" in grouped and "grouped_tickets" not in per_ticket
    params = ServiceQuery().params(TWELVE_WEEKS)
    pd.testing.assert_frame_equal(report.engine_of(generated_store).run(grouped, params),
                                  report.engine_of(generated_store).run(per_ticket, params))


W38 = iso_week("2009-W38")
COUNTED = ["in_play", "new", "carried_over", "open_not_due", "late_done", "overdue_open_0", "overdue_open_2"]


def test_times_on_period_bounds_and_between_periods_count_as_their_own_times_say(con, monkeypatch):
    insert_tickets(con, BOUNDARY_TICKETS)
    both = report.weekly_table(con, [W41, W38], ServiceQuery())
    totals = both[both["is_total"]].set_index("period_start")[COUNTED]
    # W38: done_in_gap and due_in_gap new and not yet due, late_at_start overdue, steady not due.
    # W41: gap_created carried and not due; at_start new, completed and due exactly at the week's
    # end, so neither done nor due; due_in_gap overdue with 2 escalations; late_at_start completed
    # late at the week's first instant; steady not due.
    assert totals.loc[W38.start].tolist() == [4, 2, 2, 3, 0, 1, 0]
    assert totals.loc[W41.start].tolist() == [5, 1, 4, 3, 1, 0, 1]
    alone = pd.concat([report.weekly_table(con, [week], ServiceQuery()) for week in (W38, W41)], ignore_index=True)
    pd.testing.assert_frame_equal(both, alone)
    monkeypatch.setattr(semantic, "DISCRETE", frozenset())  # counted ticket by ticket
    params = ServiceQuery().params([W38, W41])
    pd.testing.assert_frame_equal(report.engine_of(con).run(semantic.grouped_sql(*definitions.WEEKLY_METRICS), params),
                                  both)


def test_overlapping_periods_count_each_its_own(con):
    # A week, two of its days and the month before, asked at once: every bound cuts the slots.
    # (A query tells periods apart by their start, so no two start together.)
    insert_tickets(con, BOUNDARY_TICKETS)
    periods = [W41, *(date_range(day, day) for day in (date(2009, 10, 6), date(2009, 10, 11))), month("2009-09")]
    together = report.weekly_table(con, periods, ServiceQuery())
    alone = pd.concat([report.weekly_table(con, [p], ServiceQuery()) for p in periods], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone.sort_values("period_start", kind="stable", ignore_index=True))
    # September: all but at_start (created in October); 10-06 and 10-11: all but done_in_gap and
    # late_at_start (completed by 10-05 00:00)
    assert together[together["is_total"]].set_index("period_start")["in_play"].to_dict() == {
        datetime(2009, 9, 1): 5, W41.start: 5, datetime(2009, 10, 6): 4, datetime(2009, 10, 11): 4}


def test_periods_not_at_midnight_are_refused():
    with pytest.raises(ValueError, match="midnight"):
        ServiceQuery().params([Period("range", W41.start, W41.end - timedelta(hours=1))])
