"""Period presets and the same period a year before (kpi/service/periods.py), on the weekly page too."""

from datetime import date, datetime, timedelta

import pytest

from kpi import store
from kpi.cli import main
from kpi.service import periods
from kpi.service.periods import PeriodError, iso_week, month
from tests.service_tickets import week41_rows, weekly_page

TODAY = date(2026, 11, 25)      # a Wednesday in the year's fourth quarter


@pytest.mark.parametrize(("name", "start", "end", "kind"), [
    ("last_7_days", datetime(2026, 11, 18), datetime(2026, 11, 25), "range"),        # 18th–24th, today left out
    ("last_30_days", datetime(2026, 10, 26), datetime(2026, 11, 25), "range"),
    ("this_month", datetime(2026, 11, 1), datetime(2026, 11, 26), "range"),          # to the end of today
    ("last_month", datetime(2026, 10, 1), datetime(2026, 11, 1), "month"),
    ("this_quarter", datetime(2026, 10, 1), datetime(2026, 11, 26), "range"),
])
def test_presets(name, start, end, kind):
    period = periods.preset(name, TODAY)
    assert (period.start, period.end, period.kind) == (start, end, kind)


def test_presets_at_the_turn_of_a_year():
    assert periods.preset("last_month", date(2027, 1, 3)).label == "2026-12"
    assert periods.preset("this_quarter", date(2027, 1, 3)).start == datetime(2027, 1, 1)
    with pytest.raises(PeriodError):
        periods.preset("yesterday", TODAY)


def test_the_same_period_a_year_before():
    assert iso_week("2026-W47").year_before().label == "2025-W47"
    assert iso_week("2026-W53").year_before().label == "2025-W52"     # 2025 has 52 ISO weeks
    assert iso_week("2021-W01").year_before().label == "2020-W01"
    assert month("2026-03").year_before().label == "2025-03"
    leap = periods.date_range(date(2024, 2, 29), date(2024, 3, 1)).year_before()
    assert (leap.start, leap.end) == (datetime(2023, 2, 28), datetime(2023, 3, 2))


LAST_YEAR = {"ticket_id": "2008-1", "owner": "吳小姐", "department": "總經理室-測試環境", "created_at": "2008-10-06 09:00",
             "current_commitment_at": "2008-10-08 09:00", "resolved_at": "2008-10-07 09:00"}


def test_cards_compare_with_the_previous_week_and_the_same_week_last_year(db_file):
    app = weekly_page(db_file, week41_rows() + [LAST_YEAR], week="2009-W41")
    assert not app.exception
    cards = {m.label: (m.value, m.delta, m.proto.delta_description) for m in app.metric}
    # 2008-W41 had 1 ticket in play, done on time: 7 − 1 = +6; service level 42.9% against 100%
    assert cards["In play"] == ("7", "+7", "vs 2008-W41: +6")
    assert cards[":red[✕] Service level"] == ("42.9%", "", ":red[**off target**] · vs 2008-W41: -57.1 pp")


def test_a_quick_choice_from_the_link_and_in_the_link(db_file):
    app = weekly_page(db_file, week41_rows(), period="preset", preset="last_7_days")
    assert not app.exception and app.query_params["preset"] == "last_7_days" and "week" not in app.query_params
    today = date.today()
    assert app.subheader[0].value == f"Period: {today - timedelta(days=7)}..{today - timedelta(days=1)}"
    app.selectbox(key="preset").set_value("last_month").run()
    assert app.query_params["preset"] == "last_month"
    assert app.subheader[0].value == f"Period: {(today.replace(day=1) - timedelta(days=1)):%Y-%m}"


@pytest.mark.parametrize("make", [
    lambda: iso_week("9999-W52"), lambda: month("9999-12"), lambda: month("0000-05"), lambda: iso_week("1899-W52"),
    lambda: periods.date_range(date(9999, 12, 30), date(9999, 12, 31)),
    lambda: periods.date_range(date(1, 1, 1), date(1, 1, 7)),
])
def test_periods_whose_end_trend_or_year_before_leave_the_calendar_are_refused(make):
    with pytest.raises(PeriodError, match="outside the years 1900-9998"):
        make()


def test_the_first_and_last_years_keep_their_trend_and_year_before():
    last, first = month("9998-12"), iso_week("1900-W01")
    assert last.end == datetime(9999, 1, 1) and first.start == datetime(1900, 1, 1)
    assert first.year_before().label == "1899-W01" and len(first.trailing(12)) == 12
    assert periods.date_range(date(9998, 12, 31), date(9998, 12, 31)).end == datetime(9999, 1, 1)


def test_the_cli_names_a_period_it_cannot_cover_without_a_trace(tmp_path, capsys):
    store.connect(str(tmp_path / "store.duckdb")).close()
    assert main(["weekly", "--month", "9999-12", "--db", str(tmp_path / "store.duckdb")]) == 2
    err = capsys.readouterr().err
    assert err == "error: '9999-12' is outside the years 1900-9998 a report can cover\n"


def test_a_store_holding_older_times_offers_weeks_from_the_first_year_a_report_covers(db_file):
    # A date floor set far back in a profile lets an 1850 time in; the choices start at 1900-W01.
    app = weekly_page(db_file, week41_rows() + [{"ticket_id": "OLD", "created_at": "1850-03-04 09:00"}])
    assert not app.exception and app.selectbox(key="week").options[-1] == "1900-W01"
    app.segmented_control(key="period").set_value("month").run()
    assert not app.exception and app.selectbox(key="month").options[-1] == "1900-01"
