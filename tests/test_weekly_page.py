"""What the weekly page asks of the store per view: a grouping change re-asks only the grouped
tables; the review's parts it caches under one grouping are the same under every grouping."""

import base64
import json

import numpy as np
import pandas as pd
import pytest

from kpi import store
from kpi.service import comparison, presentation, report
from kpi.service.periods import iso_week
from tests.service_tickets import insert_tickets, week41_rows, weekly_page
from ui import service_view
from ui.components.columns import cell_width, fitted_widths, header_width


def two_departments() -> list[dict]:
    """Week 41 with 200910-006 and -007 moved to Billing and 200910-005 without an owner, so owner
    and department groupings differ and one ticket has no group."""
    rows = week41_rows()
    for row in rows[5:]:
        row["department"] = "Billing"
    rows[4]["owner"] = None
    return rows


@pytest.fixture
def asked(monkeypatch):
    """The review parts and headline figures the page asks the KPI library for, in order."""
    calls = []
    review_part, headline_figures = report.review_part, comparison.headline_figures

    def recorded_part(con, period, query, part, periods):
        calls.append((part, period.label, query.by, periods))
        return review_part(con, period, query, part, periods)

    def recorded_figures(con, period, query):
        calls.append(("headline figures", period.label, query.by))
        return headline_figures(con, period, query)

    monkeypatch.setattr(report, "review_part", recorded_part)
    monkeypatch.setattr(comparison, "headline_figures", recorded_figures)
    return calls


def test_a_grouping_change_asks_again_only_for_the_grouped_weekly_table(db_file, asked):
    app = weekly_page(db_file, two_departments(), week="2009-W41")
    # the weekly table of this week and the last (the cards' changes), not the trend's twelve
    assert asked == [("weekly", "2009-W41", "owner", 2), ("commitments", "2009-W41", "owner", 12),
                     ("headline figures", "2008-W41", "owner"), ("sources", "2009-W41", "owner", 12)]
    asked.clear()
    app.segmented_control(key="by").set_value("department").run()
    assert not app.exception
    assert asked == [("weekly", "2009-W41", "department", 2)]
    # 001-005 in the first department (3 of 5 on time: 001-003), 006-007 in Billing (none on time)
    assert [row[:4] for row in app.dataframe(key="weekly_table").value.values.tolist()] == [
        ["Total", "0", "7", "7"], ["Billing", "0", "2", "2"], ["總經理室-測試環境", "0", "5", "5"]]
    assert app.dataframe(key="weekly_table").value["SL"].tolist() == ["✕ 42.9%", "✕ 0.0%", "✕ 60.0%"]
    asked.clear()
    app.segmented_control(key="by").set_value("owner").run()
    assert asked == []


def test_the_trend_tab_draws_twelve_weeks(db_file, asked):
    app = weekly_page(db_file, two_departments(), tab="Service-level trend", week="2009-W41")
    assert not app.exception
    # the cards read the trend's twelve periods too: one weekly query
    assert [call for call in asked if call[0] == "weekly"] == [("weekly", "2009-W41", "owner", 12)]
    [chart] = app.get("plotly_chart")
    service_level = json.loads(chart.proto.spec)["data"][0]
    assert service_level["x"] == [f"2009-W{week}" for week in range(30, 42)]
    # nothing in play before week 41; then 3 of its 7 new tickets on time
    y = np.frombuffer(base64.b64decode(service_level["y"]["bdata"]), dtype=service_level["y"]["dtype"])
    assert np.isnan(y[:-1]).all() and y[-1] == pytest.approx(300 / 7)


@pytest.mark.parametrize("part", sorted(service_view.UNGROUPED_PARTS))
def test_parts_cached_under_one_grouping_are_the_same_under_every_grouping(con, part):
    insert_tickets(con, two_departments())
    week = iso_week("2009-W41")
    results = [report.review_part(con, week, report.ServiceQuery(by=by), part) for by in report.GROUPINGS]
    for result in results[1:]:
        assert repr(result) == repr(results[0])


def test_year_before_figures_are_totals_the_grouping_does_not_change(con):
    insert_tickets(con, two_departments())
    figures = [comparison.headline_figures(con, iso_week("2009-W41"), report.ServiceQuery(by=by))
               for by in report.GROUPINGS]
    # 7 in play, 3 of the 7 new done on time, 6 of 7 completed
    assert figures[0]["in_play"] == 7 and figures[0]["service_level"] == pytest.approx(3 / 7)
    assert figures[0]["completion_rate"] == pytest.approx(6 / 7)
    assert figures[1:] == [figures[0]] * 2


def test_the_weekly_table_asks_for_the_targets_once(db_file, monkeypatch):
    looked_up = []
    load = store.data_version
    monkeypatch.setattr(store, "data_version", lambda con: looked_up.append(1) or load(con))
    weekly_page(db_file, two_departments(), week="2009-W41", by="department")
    # the page's own look-ups (filters, cards, the sidebar), not one per cell: 52 when each of the
    # table's 42 rated cells asked
    assert len(looked_up) < 15


def test_tickets_without_a_source_system_are_said_to_name_none(db_file):
    app = weekly_page(db_file, [
        {"ticket_id": "a", "created_at": "2009-10-05 09:00", "source_system": "Zendesk"},
        {"ticket_id": "b", "created_at": "2009-10-06 09:00"},
        {"ticket_id": "c", "created_at": "2009-10-07 09:00"},
    ], week="2009-W41")
    assert not app.exception
    assert "This period's figures come from: no source system named (2 tickets), Zendesk (1 tickets)" in [
        c.value for c in app.caption]


def test_a_count_card_change_is_written_with_thousands_separators():
    assert presentation.delta("in_play", 1_093_967, 1_087_521, "en") == "+6,446"
    assert presentation.delta("in_play", 760_255, 1_093_967, "zh-TW") == "-333,712"


def test_the_alerts_tab_counts_each_list_and_shows_its_first_page(db_file):
    unassigned = [{"ticket_id": f"u{n:04d}", "owner": None, "created_at": "2009-10-05 09:00",
                   "current_commitment_at": "2009-10-20 09:00"} for n in range(1200)]
    app = weekly_page(db_file, unassigned, tab="Alerts", week="2009-W41")
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Unassigned"] == "1,200"
    assert "Tickets 1–50 of 1,200; download the whole list below." in [c.value for c in app.caption]


def test_a_narrow_column_is_as_wide_as_its_header_in_either_language():
    """Streamlit's "small" column (75 px) cut zh-TW headers of five characters: a full-width
    character takes 14 px, a Latin one 6.5 px, and 20 px of padding."""
    assert header_width("服務水準") == 76          # 4 × 14 + 20
    assert header_width("總服務水準") == 90        # 5 × 14 + 20
    assert header_width("平均升級次數") == 104     # 6 × 14 + 20
    assert header_width("Overdue 3+×") == 92      # 11 × 6.5 + 20, rounded
    assert header_width("SL") == 75               # never narrower than "small"
    assert header_width("黃燈門檻", editable=True) == 96   # and the data editor's pencil, 20 px
    assert cell_width(["服務績效 · 一次承諾達成率", "人員職能 · 準時完成率"]) == 194   # 11 × 14 + 3 × 6.5, rounded, + 20
    assert cell_width([]) == 75


def test_a_table_of_counts_is_fitted_to_its_cells_and_a_long_name_is_cut():
    history = pd.DataFrame({"批次": [51, 7], "File": ["weekly-20261120.xlsx", "a" * 80], "Read": [312, 1_000_000],
                            "Undone": ["", "2026-11-30 21:29"]})
    assert fitted_widths(history, caps={"File": 170}) == {
        "批次": 50,        # 2 × 14 + 20 = 48, and no narrower than 50
        "File": 170,       # 80 × 6.5 + 20 = 540, cut to the cap
        "Read": 66,        # "1000000": 7 × 6.5 + 20, rounded
        "Undone": 124}     # 16 × 6.5 + 20
