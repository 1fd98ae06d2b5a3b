"""The weekly report and the KPIs around it, against hand-computed tickets and the week-41 seed."""

from datetime import datetime

import pandas as pd
import pytest

from kpi import metrics
from kpi.ingest.importer import import_files
from kpi.service import definitions, durations, populations, report
from kpi.service.deadlines import fill_missing_deadlines
from kpi.service.periods import date_range, iso_week, month
from kpi.service.report import ServiceQuery
from tests.service_tickets import WEEK41, insert_tickets

W41 = iso_week("2009-W41")  # Mon 2009-10-05 00:00 .. Mon 2009-10-12 00:00

# /work/shared/examples/week41-2009.expected.md, due = 預計完成時間. Columns: carried over, new,
# in play, on time, open not due, late done, overdue open 0/1/2/3+ escalations, completion,
# average escalations, total service level, service level.
WEEK41_EXPECTED = {
    "吳小姐": (0, 5, 5, 3, 0, 2, 0, 0, 0, 0, 1.0, 0.0, 0.6, 0.6),             # 5/5, 3/5, 3/5
    "陳小明": (0, 2, 2, 0, 0, 1, 1, 0, 0, 0, 0.5, 0.0, 0.0, 0.0),             # 1/2, 0/2
    "總經理室-測試環境": (0, 7, 7, 3, 0, 3, 1, 0, 0, 0, 0.857, 0.0, 0.429, 0.429),  # 6/7, 3/7, 3/7
}


def rows_by_group(frame: pd.DataFrame, total_name: str) -> dict[str, tuple]:
    named = frame.assign(group=frame["group"].where(~frame["is_total"], total_name))
    return {
        row["group"]: tuple(round(row[c], 3) if isinstance(row[c], float) else row[c]
                            for c in definitions.WEEKLY_COLUMNS)
        for row in named.to_dict("records")
    }


@pytest.fixture
def week41(con):
    [imported] = import_files(con, [WEEK41])
    assert (imported.inserted, imported.rejected) == (7, 0)
    return con


def test_week41_reproduces_the_seed_table_per_owner(week41):
    table = report.weekly_report(week41, W41, ServiceQuery(by="owner"))
    # The seed names its total row after the department.
    assert rows_by_group(table, "總經理室-測試環境") == WEEK41_EXPECTED


def test_week41_by_department_is_the_total_row(week41):
    table = report.weekly_report(week41, W41, ServiceQuery(by="department"))
    expected = WEEK41_EXPECTED["總經理室-測試環境"]
    assert rows_by_group(table, "TOTAL") == {"總經理室-測試環境": expected, "TOTAL": expected}


def test_week41_commitment_rates_are_each_half(week41):
    rates = report.commitment_rates(week41, W41, ServiceQuery())
    total = rates[rates["is_total"]].iloc[0]
    # 3 of the 6 completed requests were done by their (identical) three deadlines.
    assert total["completed"] == 6
    assert total[list(definitions.COMMITMENT_COLUMNS)].tolist() == [0.5, 0.5, 0.5]


def test_week41_standard_times_are_created_plus_three_business_days(week41):
    # The export has 標準完成時間; deriving it from Level 1 (3 business days) gives the same.
    exported = week41.execute("SELECT ticket_id, standard_due_at FROM tickets ORDER BY ticket_id").fetchall()
    week41.execute("UPDATE ticket_versions SET standard_due_at = NULL")
    fill_missing_deadlines(week41)
    assert week41.execute("SELECT ticket_id, standard_due_at FROM tickets ORDER BY ticket_id").fetchall() == exported


def test_carried_over_boundaries_and_escalation_columns(con):
    insert_tickets(con, [
        # carried over: open since before the week, due after it
        {"ticket_id": "A", "created_at": "2009-09-30 10:00", "current_commitment_at": "2009-10-20 10:00"},
        # carried over, done on time inside the week
        {"ticket_id": "B", "created_at": "2009-10-01 10:00", "current_commitment_at": "2009-10-07 10:00",
         "resolved_at": "2009-10-06 10:00"},
        # done before the week: not in play
        {"ticket_id": "C", "created_at": "2009-09-28 10:00", "current_commitment_at": "2009-10-01 10:00",
         "resolved_at": "2009-10-02 10:00"},
        # new, done after the week's end, so open and overdue at the end, escalated twice
        {"ticket_id": "D", "created_at": "2009-10-06 10:00", "current_commitment_at": "2009-10-09 10:00",
         "resolved_at": "2009-10-13 10:00", "escalation_count": 2},
        # new, open, overdue, escalated 5 times -> 3+
        {"ticket_id": "E", "created_at": "2009-10-07 10:00", "current_commitment_at": "2009-10-08 10:00",
         "escalation_count": 5},
        # created at the end instant: next week's
        {"ticket_id": "F", "created_at": "2009-10-12 00:00", "current_commitment_at": "2009-10-13 10:00"},
        # done exactly at the due minute: on time
        {"ticket_id": "G", "created_at": "2009-10-05 09:00", "current_commitment_at": "2009-10-08 09:00",
         "resolved_at": "2009-10-08 09:00"},
        # due exactly at the end instant: not yet due
        {"ticket_id": "H", "created_at": "2009-10-05 09:00", "current_commitment_at": "2009-10-12 00:00"},
        # done exactly at the start instant: not done *before* the start, so carried over
        {"ticket_id": "I", "created_at": "2009-09-29 09:00", "current_commitment_at": "2009-10-06 09:00",
         "resolved_at": "2009-10-05 00:00"},
    ])
    table = rows_by_group(report.weekly_report(con, W41, ServiceQuery()), "TOTAL")
    # carried A B I = 3; new D E G H = 4; on time B G I; open not due A H; 3+ = E; 2 = D.
    # completion 3/7; escalations (2 + 5) / 7 = 1; total service level 3/7; new on time G: 1/4.
    assert table["TOTAL"] == (3, 4, 7, 3, 2, 0, 0, 0, 1, 1, 0.429, 1.0, 0.429, 0.25)
    behind = report.tickets_behind(con, W41, ServiceQuery(), column="carried_over")
    assert behind["ticket_id"].tolist() == ["I", "B", "A"]  # by due time


def test_each_due_basis(con):
    insert_tickets(con, [
        # done 10-08 12:00: after standard (10-06) and first (10-07), before current (10-09)
        {"ticket_id": "done", "created_at": "2009-10-05 12:00", "standard_due_at": "2009-10-06 12:00",
         "first_commitment_at": "2009-10-07 12:00", "current_commitment_at": "2009-10-09 12:00",
         "resolved_at": "2009-10-08 12:00"},
        # open at the end (10-12 00:00): overdue on standard only
        {"ticket_id": "open", "created_at": "2009-10-05 12:00", "standard_due_at": "2009-10-07 12:00",
         "first_commitment_at": "2009-10-13 12:00", "current_commitment_at": "2009-10-14 12:00"},
    ])
    outcomes = {
        due: report.tickets_behind(con, W41, ServiceQuery(due=due)).set_index("ticket_id")["outcome"].to_dict()
        for due in report.DUE_BASES
    }
    assert outcomes == {
        "current": {"done": "on_time", "open": "open_not_due"},
        "first": {"done": "late_done", "open": "open_not_due"},
        "standard": {"done": "late_done", "open": "overdue_open_0"},
    }
    on_time = {due: report.weekly_report(con, W41, ServiceQuery(due=due)).iloc[-1]["on_time"] for due in report.DUE_BASES}
    assert on_time == {"current": 1, "first": 0, "standard": 0}
    rates = report.commitment_rates(con, W41, ServiceQuery()).iloc[-1]
    assert rates[list(definitions.COMMITMENT_COLUMNS)].tolist() == [1.0, 0.0, 0.0]


# Tickets created, due and done on either side of October 2009's first and last midnight.
AT_MONTH_ENDS = [
    {"ticket_id": "sep", "created_at": "2009-09-30 23:59", "current_commitment_at": "2009-10-02 09:00",
     "resolved_at": "2009-10-01 08:00"},
    {"ticket_id": "oct1", "created_at": "2009-10-01 00:00", "current_commitment_at": "2009-10-05 09:00",
     "resolved_at": "2009-10-06 09:00"},
    {"ticket_id": "oct31", "created_at": "2009-10-31 23:59", "current_commitment_at": "2009-11-03 09:00"},
    {"ticket_id": "nov", "created_at": "2009-11-01 00:00", "current_commitment_at": "2009-11-03 09:00"},
]


def test_month_and_custom_range_periods(con):
    insert_tickets(con, AT_MONTH_ENDS)
    october = report.weekly_report(con, month("2009-10"), ServiceQuery()).iloc[-1]
    # carried: sep (open at 10-01 00:00); new: oct1, oct31; sep on time, oct1 late, oct31 not due.
    assert october[["carried_over", "new", "on_time", "late_done", "open_not_due"]].tolist() == [1, 2, 1, 1, 1]
    assert october["service_level"] == 0.0 and october["total_service_level"] == pytest.approx(1 / 3)
    # 2009-10-05..2009-10-06 = [10-05 00:00, 10-07 00:00): oct1 carried over, late; oct31 and nov not yet.
    short = report.weekly_report(con, date_range(datetime(2009, 10, 5), datetime(2009, 10, 6)), ServiceQuery()).iloc[-1]
    assert short[["carried_over", "new", "late_done"]].tolist() == [1, 0, 1]
    assert pd.isna(short["service_level"])  # no new tickets: undefined, not 0


def test_months_of_different_lengths_read_each_days_slot(con):
    # Slots of unequal days (30, 31, 30) are looked up day by day; equal ones are computed.
    insert_tickets(con, AT_MONTH_ENDS)
    months = [month("2009-09"), month("2009-10"), month("2009-11")]
    assert [ServiceQuery().params(p)["slot_days"] for p in (months, months[1:2], [W41], W41.trailing(12))] == [0, 31, 7, 7]
    totals = report.weekly_table(con, months, ServiceQuery())
    columns = ["carried_over", "new", "on_time", "late_done", "open_not_due", "overdue_open_0"]
    # Sep: sep new, due after the month. Oct: sep carried, on time; oct1 late; oct31 not yet due.
    # Nov: oct31 carried and nov new, both open past their due time.
    assert totals[totals["is_total"]][columns].values.tolist() == [[0, 1, 0, 0, 1, 0], [1, 2, 1, 1, 1, 0],
                                                                  [1, 1, 0, 0, 0, 2]]


def test_equal_slots_computed_count_as_those_looked_up_by_day(con, monkeypatch):
    insert_tickets(con, [
        {"ticket_id": str(n), "owner": owner, "created_at": f"2009-{created}", "current_commitment_at": f"2009-{due}",
         **({"resolved_at": f"2009-{resolved}"} if resolved else {}), "escalation_count": n % 4}
        for n, (owner, created, due, resolved) in enumerate([
            ("Ann", "09-20 23:59", "09-22 09:00", "09-21 00:00"), ("Ann", "09-28 00:00", "10-05 00:00", "10-05 00:00"),
            ("Bob", "10-04 23:59", "10-06 09:00", None), ("Bob", "10-05 00:00", "10-11 23:59", "10-12 00:00"),
            ("Cy", "08-01 10:00", "08-03 10:00", None), ("Cy", "10-11 12:00", "10-20 10:00", "10-10 09:00")])
    ])
    computed = report.weekly_table(con, W41.trailing(4), ServiceQuery())
    monkeypatch.setattr(populations, "_slot_days", lambda bounds: 0)
    looked_up = report.weekly_table(con, W41.trailing(4), ServiceQuery())
    pd.testing.assert_frame_equal(computed, looked_up)
    # W38 and W39: 0 (done at W39's first instant) and 4 (open since August); W40: 1, 2, 4;
    # W41: 1 (done at its first instant), 2, 3 (done at its end), 4, 5 (done before it was created).
    assert computed[computed["is_total"]]["in_play"].tolist() == [2, 2, 3, 5]


def test_empty_period_has_a_total_row_with_undefined_rates(con):
    table = report.weekly_report(con, W41, ServiceQuery())
    assert len(table) == 1 and bool(table.iloc[0]["is_total"]) and table.iloc[0]["in_play"] == 0
    assert table[["completion_rate", "avg_escalations", "service_level"]].isna().all(axis=None)


def test_filters_and_trend_over_periods(con):
    insert_tickets(con, [
        {"ticket_id": "a", "department": "Ops", "level": 1, "channel": "phone",
         "created_at": "2009-09-28 09:00", "current_commitment_at": "2009-09-30 09:00", "resolved_at": "2009-09-29 09:00"},
        {"ticket_id": "b", "department": "Ops", "level": 2, "channel": "email",
         "created_at": "2009-10-05 09:00", "current_commitment_at": "2009-10-06 09:00", "resolved_at": "2009-10-07 09:00"},
        {"ticket_id": "c", "department": "Desk", "level": 1, "channel": "phone",
         "created_at": "2009-10-05 09:00", "current_commitment_at": "2009-10-06 09:00", "resolved_at": "2009-10-06 08:00"},
    ])
    only_ops = ServiceQuery(departments=("Ops",))
    assert report.weekly_report(con, W41, only_ops).iloc[-1]["service_level"] == 0.0   # b late
    assert report.weekly_report(con, W41, ServiceQuery(levels=(1,))).iloc[-1]["service_level"] == 1.0  # c
    assert report.weekly_report(con, W41, ServiceQuery(channels=("email",))).iloc[-1]["new"] == 1
    trend = report.weekly_table(con, W41.trailing(3), only_ops)
    totals = trend[trend["is_total"]]
    # W39 nothing (rate undefined), W40 a on time (1/1), W41 b late (0/1)
    assert totals["period_start"].dt.strftime("%m-%d").tolist() == ["09-21", "09-28", "10-05"]
    assert totals["service_level"].tolist()[1:] == [1.0, 0.0] and pd.isna(totals["service_level"].iloc[0])
    flow = report.created_vs_resolved(con, W41.trailing(2), ServiceQuery())
    assert flow[["created", "resolved"]].values.tolist() == [[1, 1], [2, 2]]


def test_distributions_forward_rate_and_first_response(con):
    insert_tickets(con, [
        {"ticket_id": "1", "owner": "Ann", "level": 1, "created_at": "2009-10-05 09:00", "first_response_at": "2009-10-05 09:45",
         "extension_count": 1, "escalation_count": 0, "forwarded_second_line": True},
        {"ticket_id": "2", "owner": "Ann", "level": 1, "created_at": "2009-10-05 11:00", "first_response_at": "2009-10-05 12:30",
         "extension_count": 2, "escalation_count": 3},
        # Level 4 answers by the end of the same business day: Fri 10-09 24:00, already past at the end
        {"ticket_id": "3", "owner": "Bob", "level": 4, "created_at": "2009-10-09 16:00", "escalation_count": 1},
        # Level 5 answers by the end of the next business day: Mon 10-12 24:00, not yet decided
        {"ticket_id": "4", "owner": "Bob", "level": 5, "created_at": "2009-10-09 15:00", "extension_count": 4},
    ])
    fill_missing_deadlines(con)
    escalations = report.count_distribution(con, W41, ServiceQuery()).set_index("group")
    assert escalations.loc["Ann", ["0", "1", "2", "3+"]].tolist() == [1, 0, 0, 1]
    assert escalations.loc["Bob", ["0", "1", "2", "3+"]].tolist() == [1, 1, 0, 0]
    extensions = report.count_distribution(con, W41, ServiceQuery(by="level"), counted="extension")
    assert extensions.iloc[-1][["0", "1", "2", "3+"]].tolist() == [1, 1, 1, 1]
    forward = report.forward_rates(con, W41, ServiceQuery()).iloc[-1]
    assert (forward["forwarded"], forward["forward_rate"]) == (1, 0.25)
    response = report.first_response_compliance(con, W41, ServiceQuery()).set_index("group")
    # Level 1: 09:45 ≤ 10:00 yes, 12:30 > 12:00 no -> 1/2; Level 4: 0/1; Level 5 undecided; total 1/3
    assert response.loc["Level 1", "first_response_compliance"] == 0.5
    assert response.loc["Level 4", "first_response_compliance"] == 0.0
    assert pd.isna(response.loc["Level 5", "first_response_compliance"])
    assert response["first_response_compliance"].iloc[-1] == pytest.approx(1 / 3)


def test_backlog_alerts_and_drill_down(con):
    insert_tickets(con, [
        {"ticket_id": "old", "owner": None, "level": 3, "created_at": "2009-09-01 09:00",
         "current_commitment_at": "2009-09-10 09:00", "extension_count": 1, "escalation_count": 2},
        {"ticket_id": "soon", "level": 1, "created_at": "2009-10-10 09:00", "current_commitment_at": "2009-10-12 08:00"},
        {"ticket_id": "fresh", "level": 1, "created_at": "2009-10-11 12:00", "current_commitment_at": "2009-10-20 08:00",
         "escalation_count": 1},
        {"ticket_id": "done", "level": 1, "created_at": "2009-10-05 12:00", "resolved_at": "2009-10-06 12:00"},
    ])
    bands = report.backlog(con, W41, ServiceQuery())
    # at 10-12 00:00: old is 41 days old (30+), soon 1 day (1-3), fresh 0 days (0-1)
    assert bands[["age_from_days", "level", "tickets"]].values.tolist() == [[0, 1, 1], [1, 1, 1], [30, 3, 1]]
    alerts = report.alert_lists(con, W41, ServiceQuery())
    assert alerts.rows[["alert", "ticket_id"]].astype(str).values.tolist() == [
        ["unassigned", "old"], ["being_escalated", "old"], ["being_escalated", "fresh"],
        ["escalated_many", "old"], ["overdue_many", "old"], ["due_soon", "soon"],
    ]
    assert alerts.counts == {"unassigned": 1, "being_escalated": 2, "escalated_many": 1, "overdue_many": 1, "due_soon": 1}
    unassigned = report.tickets_behind(con, W41, ServiceQuery(), group=None, all_groups=False)
    assert unassigned["ticket_id"].tolist() == ["old"]
    escalated_once = report.tickets_behind(con, W41, ServiceQuery(), escalations=1)
    assert escalated_once["ticket_id"].tolist() == ["fresh"]
    # A rate column lists its denominator: every ticket in play.
    assert len(report.tickets_behind(con, W41, ServiceQuery(), column="completion_rate")) == 4


def test_filter_options_list_values_and_last_activity(week41):
    options = report.filter_options(week41)
    assert options.owners == ("吳小姐", "陳小明") and options.levels == (1,)
    assert options.last_activity == datetime(2009, 10, 9, 17, 30)


def test_every_service_metric_is_a_column_some_query_returns(week41):
    columns = set()
    for frame in (report.weekly_report(week41, W41, ServiceQuery()), report.commitment_rates(week41, W41, ServiceQuery()),
                  report.first_response_compliance(week41, W41, ServiceQuery()), report.forward_rates(week41, W41, ServiceQuery()),
                  durations.response_and_resolution_times(week41, W41, ServiceQuery())):
        columns |= set(frame.columns)
    columns |= {"backlog", *definitions.ALERTS}
    service = {key.removeprefix("service."): metric for key, metric in metrics.registry().items() if key.startswith("service.")}
    assert set(service) <= columns
    assert all(m.label_zh and m.label_en and m.description_zh and m.description_en for m in service.values())


def test_bad_grouping_or_due_basis_is_refused():
    with pytest.raises(ValueError, match="due basis"):
        ServiceQuery(due="tomorrow")
    with pytest.raises(ValueError, match="group by"):
        ServiceQuery(by="colour")


def test_alert_lists_give_counts_and_first_rows_and_page_the_rest(con, monkeypatch):
    # Seven unassigned tickets open at week 41's end, due on consecutive days (the last without a due time).
    insert_tickets(con, [{"ticket_id": f"u{n}", "owner": None, "level": 3, "created_at": "2009-09-01 09:00",
                          "current_commitment_at": f"2009-10-{13 + n} 09:00" if n < 6 else None} for n in range(7)])
    monkeypatch.setattr(report, "ALERT_ROWS", 3)
    alerts = report.alert_lists(con, W41, ServiceQuery())
    assert alerts.counts["unassigned"] == 7 and alerts.counts["due_soon"] == 0
    assert alerts.rows["ticket_id"].tolist() == ["u0", "u1", "u2"]            # by due time, the first three
    page = report.alert_list(con, W41, ServiceQuery(), "unassigned", offset=3, limit=3)
    assert page["ticket_id"].tolist() == ["u3", "u4", "u5"]
    assert report.alert_list(con, W41, ServiceQuery(), "unassigned", offset=6)["ticket_id"].tolist() == ["u6"]
    assert len(report.alert_list(con, W41, ServiceQuery(), "unassigned")) == 7   # a download: all of it
    with pytest.raises(ValueError):
        report.alert_list(con, W41, ServiceQuery(), "'; DROP TABLE tickets; --")
