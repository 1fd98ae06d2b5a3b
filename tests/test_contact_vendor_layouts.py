"""Interval exports of Cisco Unified CCX, Twilio Flex and Avaya CMS (12-hour time ranges), and how
recognition copes with exports it has not seen: header spellings, units, share and duration
forms, start + length or start + end, total rows. Every figure is worked by hand from the rows."""

from datetime import datetime

import pytest

from kpi.contact import interval_import
from kpi.contact.layouts import service_level
from kpi.ingest import importer
from tests.conftest import FIXTURES

# The first interval of each fixture: 200 offered, 180 answered, 20 abandoned, 153 answered within.
BASES = ("offered", "answered", "offered_minus_short_abandons")


def _rows(con, columns="interval_start, interval_minutes"):
    return con.execute(f"SELECT {columns} FROM intervals ORDER BY queue, interval_start").fetchall()


def _levels(con, queue, start):
    within, offered, answered, short = con.execute(
        "SELECT answered_within_threshold, offered, answered, coalesce(abandoned_short, 0) FROM intervals"
        " WHERE queue = ? AND interval_start = ?", [queue, datetime.fromisoformat(start)]).fetchone()
    return tuple(service_level(within, offered, answered, short, basis) for basis in BASES)


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_cisco_uccx_csq_activity_by_interval(con):
    report = importer.import_file(con, FIXTURES / "intervals-cisco-uccx.csv")
    # Four intervals; the "Total" line under them is skipped with its reason, and not counted as refused.
    assert (report.inserted, report.rejected, report.skipped) == (4, 0, 1)
    assert [(r.row, r.column, r.key) for r in report.rejects] == [(6, "Interval Start Time", "reject.summary_row")]
    assert con.execute("SELECT profile FROM import_batches").fetchone()[0] == "cisco_uccx"
    # "2/19/2024 8:00:00 AM" to "8:30:00 AM": 30 minutes from the end column; ASA "0:00:12", AHT "0:04:00".
    assert _rows(con, "queue, interval_start, interval_minutes, threshold_seconds, asa_seconds, handle_seconds")[0] == (
        "Billing", datetime(2024, 2, 19, 8), 30, 15.0, 12.0, 240.0)
    # 153 handled within 15 s; 8 abandoned within it:
    #   ÷ presented 153/200 = 0.765; ÷ handled 153/180 = 0.85; ÷ (presented − short) 153/192 = 0.796875
    assert _levels(con, "Billing", "2024-02-19 08:00") == pytest.approx((0.765, 0.85, 0.796875))
    # Support 08:30: 38 within, 42 presented, 40 handled, 1 short: 38/42, 38/40, 38/41.
    assert _levels(con, "Support", "2024-02-19 08:30") == pytest.approx((38 / 42, 0.95, 38 / 41))


def test_webex_contact_center_queue_statistics_in_epoch_milliseconds(con):
    report = importer.import_file(con, FIXTURES / "intervals-webex-cc.csv")
    assert (report.inserted, report.rejected) == (4, 0)
    assert con.execute("SELECT profile FROM import_batches").fetchone()[0] == "webex_cc"
    # intervalStartTime 1708300800000 ms = 2024-02-19 00:00 UTC = 08:00 in Asia/Taipei; the next
    # start 30 minutes on gives the length; the two averages arrive in milliseconds.
    assert _rows(con, "queue, interval_start, interval_minutes, asa_seconds, handle_seconds")[:2] == [
        ("Billing", datetime(2024, 2, 19, 8), 30, 12.0, 240.0), ("Billing", datetime(2024, 2, 19, 8, 30), 30, 8.0, 200.0)]
    # serviceLevelThresholdPercentage is of the handled: 85% of 180 = 153 within;
    #   ÷ offered 153/200 = 0.765; ÷ answered 0.85; no short abandons given: ÷ 200 again.
    assert _levels(con, "Billing", "2024-02-19 08:00") == pytest.approx((0.765, 0.85, 0.765))
    # Support 08:00: 95% of 40 = 38 within of 42 offered.
    assert _levels(con, "Support", "2024-02-19 08:00") == pytest.approx((38 / 42, 0.95, 38 / 42))


def test_twilio_taskrouter_statistics_with_the_flex_insights_sla(con):
    report = importer.import_file(con, FIXTURES / "intervals-twilio-taskrouter.csv")
    assert (report.inserted, report.rejected) == (4, 0)
    # start_time/end_time in UTC: 00:00Z is 08:00 in Asia/Taipei, 15 minutes long; SLA threshold
    # Flex Insights' default 60 s; avg_task_acceptance_time is the ASA in seconds.
    assert _rows(con, "queue, interval_start, interval_minutes, threshold_seconds, asa_seconds")[:2] == [
        ("Billing", datetime(2024, 2, 19, 8), 15, 60.0, 12.0), ("Billing", datetime(2024, 2, 19, 8, 15), 15, 60.0, 8.0)]
    # SLA 76.5% of (200 entered − 0 short abandons known) = 153 within:
    #   ÷ offered 0.765; ÷ answered 153/180 = 0.85; no short abandons given: ÷ 200 again.
    assert _levels(con, "Billing", "2024-02-19 08:00") == pytest.approx((0.765, 0.85, 0.765))
    # An empty SLA cell: no calls known within the threshold, so no service level is made up.
    assert con.execute("SELECT answered_within_threshold FROM intervals WHERE queue = 'Support'"
                       " AND interval_start = '2024-02-19 08:15'").fetchone() == (None,)


def test_avaya_cms_twelve_hour_ranges_with_noon_and_midnight(con):
    report = importer.import_file(con, FIXTURES / "intervals-avaya-cms-12h.csv")
    assert (report.inserted, report.rejected, report.skipped) == (7, 0, 1)
    assert [(r.row, r.key) for r in report.rejects] == [(9, "reject.summary_row")]   # "Totals"
    assert _rows(con) == [
        (datetime(2024, 2, 19, 0, 0), 30),    # 12:00 AM-12:30 AM: midnight
        (datetime(2024, 2, 19, 8, 0), 30),    # 8:00 AM-8:30 AM
        (datetime(2024, 2, 19, 8, 30), 30),   # 8:30-9:00 AM: the start shares the end's AM
        (datetime(2024, 2, 19, 11, 30), 30),  # 11:30-12:00 PM: ends at noon, so starts at 11:30 AM
        (datetime(2024, 2, 19, 12, 0), 30),   # 12:00 PM-12:30 PM: noon
        (datetime(2024, 2, 19, 13, 0), 30),   # 1:00-1:30 PM
        (datetime(2024, 2, 19, 23, 30), 30),  # 11:30-12:00 AM: ends at midnight, starts at 11:30 PM
    ]
    # CMS counts its service level over answered (ACD) calls: 85% × 180 = 153 within.
    assert _levels(con, "Billing", "2024-02-19 08:00") == pytest.approx((0.765, 0.85, 0.765))


@pytest.mark.parametrize("columns, layout", [
    (["INTERVAL START TIME", "interval_end_time", "csq-name", "Calls  Presented", "Calls Handled"], "cisco_uccx"),
    (["intervalStartTime", "queueName", "totalOfferedTasks", "totalAcceptedTasks"], "webex_cc"),
    (["Start_Time", "End_Time", "Skill", "Calls Offered", "Calls Answered"], "generic_en"),
    (["時段", "技能群組", "來電數", "應答數", "放棄數"], "generic_zh_tw"),
    (["Interval Start", "Queue Name", "Offer", "Answer", "Service Level %"], "genesys_cloud"),
])
def test_headers_are_matched_whatever_their_case_spacing_or_punctuation(columns, layout):
    assert interval_import.recognise(columns).layout == layout


def test_units_in_headers_are_ignored_but_do_not_steal_the_threshold_column():
    plan = interval_import.recognise(["Interval Start Time", "CSQ Name", "Calls Presented", "Calls Handled",
                                      "Service Level (sec)", "Service Level"])
    assert plan.mapping["threshold_seconds"] == "Service Level (sec)"
    assert plan.mapping["service_level_pct"] == "Service Level"
    plan = interval_import.recognise(["Start Time", "Queue", "Offered", "Answered", "ASA (s)", "AHT [sec]",
                                      "Service Level (%)", "Answered within 20s"])
    assert (plan.layout, plan.threshold_seconds) == ("generic_en", 20.0)
    assert {plan.mapping[f] for f in ("asa_seconds", "handle_seconds", "service_level_pct")} == {
        "ASA (s)", "AHT [sec]", "Service Level (%)"}


def test_an_unseen_english_export_with_start_and_length(con, tmp_path):
    path = _write(tmp_path, "wfm.csv",
                  "Start Time,Interval Length,Skill,Calls Offered,Calls Answered,Abandoned,Service Level %,"
                  "ASA (s),AHT (hh:mm:ss),Agents Logged In\n"
                  "2024-02-19 08:00,15,Sales,100,90,10,85%,20,00:05:00,9\n"
                  "2024-02-19 08:15,15,Sales,100,90,10,0.8,00:25,300,9\n"
                  "2024-02-19 08:30,15,Sales,100,90,10,75,25,0:05:00,8\n"
                  "Grand Total,,Sales,300,270,30,80%,23,300,9\n")
    report = importer.import_file(con, path)
    assert (report.inserted, report.skipped, [r.key for r in report.rejects]) == (3, 1, ["reject.summary_row"])
    assert con.execute("SELECT profile FROM import_batches").fetchone()[0] == "generic_en"
    # "85%", "0.8" and "75" are all shares (a column with a bare value above 1 is read as percents,
    # so 0.8 there is 0.8%); ASA "20", "00:25", "25"; AHT "00:05:00", "300", "0:05:00" are 300 s.
    assert _rows(con, "interval_minutes, service_level_pct, answered_within_threshold, asa_seconds,"
                      " handle_seconds, agents_staffed") == [
        (15, 0.85, pytest.approx(85.0), 20.0, 300.0, 9.0),
        (15, 0.008, pytest.approx(0.8), 25.0, 300.0, 9.0),
        (15, 0.75, pytest.approx(75.0), 25.0, 300.0, 8.0)]


def test_a_zh_tw_sheet_with_synonyms_and_a_total_row(con, tmp_path):
    path = _write(tmp_path, "話務.csv",
                  "日期,時段,組別,來電數,應答數,放棄數,20秒內接通數,平均處理時間,在線人數\n"
                  "2024/02/19,09:00-09:30,客服,120,110,10,99,00:03:30,12\n"
                  "2024/02/19,09:30-10:00,客服,80,80,0,80,00:03:00,10\n"
                  "2024/02/19,合計,客服,200,190,10,179,00:03:18,11\n")
    report = importer.import_file(con, path)
    assert (report.inserted, report.skipped, report.rejects[0].key) == (2, 1, "reject.summary_row")
    # 99 within 20 s of 120 offered / 110 answered: 0.825 and 0.9.
    assert _rows(con, "interval_start, interval_minutes, threshold_seconds, handle_seconds")[0] == (
        datetime(2024, 2, 19, 9), 30, 20.0, 210.0)
    assert _levels(con, "客服", "2024-02-19 09:00") == pytest.approx((0.825, 0.9, 0.825))
