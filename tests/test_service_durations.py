"""Median and 90th-percentile first response and resolution (kpi/service/durations.py)."""

from fractions import Fraction

import pandas as pd
import pytest

from kpi.service.durations import response_and_resolution_times
from kpi.service.periods import iso_week
from kpi.service.report import ServiceQuery
from tests.service_tickets import RESOLUTION_MICROSECONDS, insert_tickets, resolved_after, week41_rows, weekly_page

W41 = iso_week("2009-W41")
# Answered after 1 h, 4 h and 24 h, none completed; one answered the week before (not counted).
ANSWERED = [
    {"ticket_id": "R-1", "owner": "Ann", "created_at": "2009-10-05 09:00", "first_response_at": "2009-10-05 10:00"},
    {"ticket_id": "R-2", "owner": "Ann", "created_at": "2009-10-06 09:00", "first_response_at": "2009-10-06 13:00"},
    {"ticket_id": "R-3", "owner": "Bob", "created_at": "2009-10-07 09:00", "first_response_at": "2009-10-08 09:00"},
    {"ticket_id": "R-0", "owner": "Bob", "created_at": "2009-10-02 09:00", "first_response_at": "2009-10-02 09:30"},
    # A call answered at 08:30 and logged at 09:00: no response time, not -0.5 h (answered in time, though).
    {"ticket_id": "R-4", "owner": "Bob", "created_at": "2009-10-08 09:00", "first_response_at": "2009-10-08 08:30"},
]


def test_percentiles_per_owner_and_over_all_tickets(con):
    insert_tickets(con, week41_rows() + ANSWERED)
    frame = response_and_resolution_times(con, W41, ServiceQuery(by="owner"))
    times = frame.set_index(frame["group"].fillna("TOTAL"))
    assert times["answered"].to_dict() == {"Ann": 2, "Bob": 1, "吳小姐": 0, "陳小明": 0, "TOTAL": 3}
    # Ann: 1 h and 4 h → median 2.5, p90 1 + 0.9 × 3 = 3.7; all: 1, 4, 24 → median 4, p90 4 + 0.8 × 20 = 20
    assert times.loc["Ann", ["first_response_median", "first_response_p90"]].tolist() == pytest.approx([2.5, 3.7])
    assert times.loc["TOTAL", ["first_response_median", "first_response_p90"]].tolist() == pytest.approx([4.0, 20.0])
    # 吳小姐's five: 54, 69, 71.5, 97.5, 101 h → median 71.5, p90 97.5 + 0.6 × 3.5 = 99.6;
    # with 陳小明's 92.5 h: median (71.5 + 92.5) / 2 = 82, p90 97.5 + 0.5 × 3.5 = 99.25
    assert times.loc["吳小姐", ["resolved", "resolution_median", "resolution_p90"]].tolist() == pytest.approx([5, 71.5, 99.6])
    assert times.loc["TOTAL", ["resolved", "resolution_median", "resolution_p90"]].tolist() == pytest.approx([6, 82.0, 99.25])
    assert pd.isna(times.loc["Ann", "resolution_median"]) and times["is_total"].tolist() == [False] * 4 + [True]


def test_an_empty_period_still_has_its_total_row(con):
    insert_tickets(con, week41_rows())
    [total] = response_and_resolution_times(con, iso_week("2009-W30"), ServiceQuery()).to_dict("records")
    assert total["is_total"] and total["answered"] == 0 and total["resolved"] == 0
    assert pd.isna(total["first_response_median"]) and pd.isna(total["resolution_p90"])


def test_weekly_page_shows_the_times_in_days_and_hours(db_file):
    app = weekly_page(db_file, week41_rows() + ANSWERED, tab="Response, forwarding, extensions", week="2009-W41")
    assert not app.exception
    [times] = [d.value for d in app.dataframe if "First response, median" in d.value.columns]
    assert list(times.columns) == ["Owner", "Answered", "First response, median", "First response, 90th percentile",
                                   "Resolved", "Resolution, median", "Resolution, 90th percentile"]
    assert times.iloc[-1].tolist() == ["Total", 3, "4 h", "20 h", 6, "3 d 10 h", "4 d 3 h"]   # 82 h, 99.25 h
    assert times.iloc[0].tolist() == ["Ann", 2, "2 h 30 min", "3 h 42 min", 0, "—", "—"]   # 2.5 h, 3.7 h: under a day, minutes


def test_percentiles_interpolate_between_whole_microseconds(con):
    # p90 of five: position 4 × 0.9 = 3.6, the fourth time plus 0.6 of the way to the fifth, taken
    # in microseconds (exact on both engines) and then turned into hours.
    insert_tickets(con, resolved_after(RESOLUTION_MICROSECONDS))
    [ann, total] = response_and_resolution_times(con, iso_week("2024-W41"), ServiceQuery()).to_dict("records")
    fourth, fifth = RESOLUTION_MICROSECONDS[3:]
    assert ann["resolution_p90"] == total["resolution_p90"] == (fourth + (4 * 0.9 - 3) * (fifth - fourth)) / 3_600_000_000
    assert ann["resolution_p90"] == pytest.approx(float(Fraction(fourth * 10 + 6 * (fifth - fourth), 36_000_000_000)),
                                                  rel=1e-15)
    assert ann["resolution_median"] == RESOLUTION_MICROSECONDS[2] / 3_600_000_000
