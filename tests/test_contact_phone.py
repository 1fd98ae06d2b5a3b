"""Phone KPIs and staffing per interval, from the zh-TW fixture, worked by hand.

The fixture's three valid intervals (2024-02-19, a Monday, ISO week 2024-W08):
  帳務 08:00: 200 offered, 180 answered, 20 abandoned (8 short), 153 within 15 s, AHT 240 s, 30 staffed
  帳務 08:30: 100 offered,  95 answered,  5 abandoned (2 short),  90 within,      AHT 200 s, 13 staffed
  客服 08:00:  50 offered,  50 answered,  0 abandoned,            50 within,      AHT 180 s,  7 staffed
"""

import datetime
import json
import subprocess
import sys

import pandas as pd
import pytest

from kpi import metrics, store
from kpi.contact import phone
from kpi.contact.phone import PhoneQuery, StaffingSettings
from kpi.ingest import importer
from kpi.service import periods
from tests.conftest import FIXTURES

WEEK = PhoneQuery(periods.iso_week("2024-W08"))


@pytest.fixture
def calls(con):
    importer.import_file(con, FIXTURES / "intervals-zh-tw.csv")
    return con


@pytest.mark.parametrize("basis, service_level", [
    ("offered", 293 / 350),                 # (153 + 90 + 50) / (200 + 100 + 50) = 0.837
    ("answered", 293 / 325),                # / (180 + 95 + 50) = 0.902
    ("offered_minus_short_abandons", 293 / 340),   # / (350 − 10) = 0.862
])
def test_the_week_in_total_under_each_denominator(calls, basis, service_level):
    row = phone.kpis(calls, WEEK, "total", basis).iloc[0]
    assert (row["period"], row["queue"], row["offered"], row["answered"], row["abandoned"]) == (
        "2024-W08", "all", 350, 325, 25)
    assert row["abandonment_rate"] == pytest.approx(25 / 350)
    assert row["service_level"] == pytest.approx(service_level)
    # AHT weighted by answered calls: (240·180 + 200·95 + 180·50) / 325 = 71 200 / 325
    assert row["aht_seconds"] == pytest.approx(71200 / 325)
    # Occupancy: that handle time over staffed time (30 + 13 + 7) × 1 800 s
    assert row["occupancy"] == pytest.approx(71200 / 90000)
    assert row["staffed_hours"] == pytest.approx(25.0)


def test_per_queue_and_per_day(calls):
    by_queue = phone.kpis(calls, WEEK, "queue").set_index("queue")
    assert by_queue.loc["帳務", "service_level"] == pytest.approx(243 / 300)
    assert by_queue.loc["客服", "service_level"] == pytest.approx(1.0)
    assert by_queue.loc["帳務", "aht_seconds"] == pytest.approx((240 * 180 + 200 * 95) / 275)
    assert phone.kpis(calls, WEEK, "day")["period"].tolist() == ["2024-02-19"]
    empty_week = phone.kpis(calls, PhoneQuery(periods.iso_week("2024-W09")), "total").iloc[0]
    assert empty_week["offered"] is pd.NA and pd.isna(empty_week["service_level"])   # no calls: no figures


def test_the_heat_map_by_weekday_and_time_of_day(calls):
    cells = phone.heatmap(calls, WEEK)
    assert cells.values.tolist() == [[1, "08:00", pytest.approx(203 / 250), 250], [1, "08:30", pytest.approx(0.9), 100]]


def test_staffing_per_interval_against_erlang_c(calls):
    table = phone.staffing(calls, WEEK, StaffingSettings(shrinkage=0.3, hourly_cost=300)).set_index(["queue"])
    # 客服 08:00: A = 50 × 180 / 1 800 = 5 erlangs; 85% within 15 s needs 8 agents (7 give 72.6%,
    # 8 give 87.0%: 1 − C·e^(−(N−A)·15/180)); scheduled ⌈8 / 0.7⌉ = 12; 7 staffed → 1 short.
    support = table.loc["客服"]
    assert (support["traffic_erlangs"], support["required"], support["scheduled"], support["gap"]) == (5.0, 8, 12, -1)
    assert (support["short_agent_hours"], support["status"]) == (0.5, "under")


def test_unused_capacity_and_its_cost(calls):
    # Double the agents staffed at 客服 08:00 by a what-if volume of half: A = 2.5 erlangs.
    table = phone.staffing(calls, WEEK, StaffingSettings(volume_factor=0.5, hourly_cost=300))
    support = table[table["queue"] == "客服"].iloc[0]
    assert (support["traffic_erlangs"], support["required"]) == (2.5, 5)   # 4 give 71.8%, 5 give 89.4%
    assert (support["gap"], support["unused_agent_hours"]) == (2, 1.0)
    days = phone.unused_capacity(table, 300).set_index("queue")
    assert (days.loc["客服", "unused_agent_hours"], days.loc["客服", "unused_cost"]) == (1.0, 300.0)


def test_the_phone_kpis_are_declared_once():
    registered = {key for key in metrics.registry() if key.startswith("phone.")}
    assert {"phone.service_level", "phone.asa_seconds", "phone.occupancy", "phone.unused_agent_hours"} <= registered
    assert metrics.get("phone.service_level").format(0.8371) == "83.7%"


def test_the_phone_command_prints_fixed_keys(tmp_path):
    db = tmp_path / "store.duckdb"
    run = lambda *args: subprocess.run([sys.executable, "-m", "kpi", *args, "--db", str(db)],  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    assert run("import", str(FIXTURES / "intervals-zh-tw.csv")).returncode == 0
    done = run("phone", "--period", "2024-W08", "--by", "queue", "--basis", "answered", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["formula"] == "Service level = answered within threshold ÷ answered"
    assert [list(row) for row in report["rows"]] == [list(phone.KEYS)] * 2
    billing = next(row for row in report["rows"] if row["queue"] == "帳務")
    assert (billing["offered"], billing["answered"], billing["asa_seconds"]) == (300, 275, None)
    assert billing["service_level"] == pytest.approx(243 / 275)
    # Without a period, the days the page opens on: here the file's one day, a Monday. Offered
    # 200 + 100 (帳務) + 50 (客服; its 08:30 row, with -1 agents, is refused on import).
    default = json.loads(run("phone").stdout)
    assert (default["period"], default["rows"][0]["offered"]) == ("2024-02-19..2024-02-19", 350)
    bad = run("phone", "--period", "2024-W60")
    assert (bad.returncode, bad.stderr.strip()) == (
        2, "error: '2024-W60' is not a period such as 2024-W08, 2024-02, 2024-02-19 or 2024-02-01..2024-02-29")


def test_the_phone_command_without_a_period_on_a_store_without_intervals_says_what_to_do(db_file):
    store.connect(db_file).close()
    done = subprocess.run([sys.executable, "-m", "kpi", "phone", "--db", str(db_file)],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("error: no interval report is imported yet: import one (python -m kpi import FILE)"
                           " or give --period\n")


def test_demo_intervals_have_under_staffed_peaks_and_idle_afternoons(con, tmp_path):
    from kpi.contact.demo import write_demo_intervals

    reports = importer.import_files(con, write_demo_intervals(tmp_path), is_demo=True)
    # 8 weeks × (5 weekdays × 24 half-hours + Saturday's 16) × 3 queues, in two four-week files
    assert [r.inserted for r in reports] == [1632, 1632]
    last_week = PhoneQuery(periods.iso_week("2026-W47"))
    table = phone.staffing(con, last_week, StaffingSettings())
    by_hour = table.assign(hour=table["interval_start"].dt.hour).groupby("hour")["gap"].mean()
    assert by_hour[10] < -2 and by_hour[17] > 2          # short at the morning peak, spare late afternoon
    cells = phone.heatmap(con, last_week).set_index(["weekday", "time_of_day"])["service_level"]
    assert cells[(1, "10:00")] < 0.6 < 0.95 < cells[(1, "18:00")]


@pytest.mark.parametrize(("first", "last", "days"), [
    # the demo: closed on Sundays, last data on Saturday 2026-11-21: four weeks from Monday 10-26
    ("2026-09-28", "2026-11-21", ("2026-10-26", "2026-11-21")),
    ("2026-09-28", "2026-11-22", ("2026-10-26", "2026-11-22")),   # the Sunday ends the same four
    ("2026-09-28", "2026-11-23", ("2026-11-02", "2026-11-23")),   # a Monday begins the fourth week
    ("2026-11-10", "2026-11-21", ("2026-11-10", "2026-11-21")),   # less than four weeks: all of it
])
def test_the_page_opens_on_the_last_four_iso_weeks_of_the_data(first, last, days):
    as_date = datetime.date.fromisoformat
    assert phone.default_days(as_date(first), as_date(last)) == tuple(map(as_date, days))

