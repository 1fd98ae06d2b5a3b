"""Interval reports through the one import pipeline: recognised by header, parsed, rejected with
reasons, versioned by (queue, interval start), undone. Every figure below is worked by hand
from the fixture rows."""

import shutil
import subprocess
import sys
from datetime import datetime

import pytest

from kpi.contact import interval_import
from kpi.contact.layouts import service_level
from kpi.ingest import importer
from tests.conftest import FIXTURES

# The fixtures' first interval (Billing / 帳務, 08:00): 200 offered, 180 answered, 20 abandoned,
# 8 of them within 5 s, 153 answered within 15 s. Under each denominator:
#   offered: 153 / 200 = 0.765;  answered: 153 / 180 = 0.85;  offered − short: 153 / 192 = 0.796875
FIRST = {"offered": 0.765, "answered": 0.85, "offered_minus_short_abandons": 0.796875}

IMPORTS = {
    # file: (layout, inserted, rejected, [(row, column, reason key)])
    "intervals-amazon-connect.csv": ("amazon_connect", 3, 1, [
        (5, "Average queue answer time", "reject.bad_duration"), (5, "Contacts queued", "reject.bad_count")]),
    "intervals-genesys.csv": ("genesys_cloud", 3, 1, [(5, "Service Level %", "reject.bad_share")]),
    "intervals-avaya-cms.csv": ("avaya_cms", 4, 0, []),
    "intervals-zh-tw.csv": ("generic_zh_tw", 3, 1, [(5, "上線人數", "reject.bad_number")]),
}


def _stored(con, queue, start="2024-02-19 08:00"):
    return con.execute(
        "SELECT answered_within_threshold, offered, answered, coalesce(abandoned_short, 0), interval_minutes,"
        " threshold_seconds, asa_seconds, handle_seconds, agents_staffed, source_system, within_estimated"
        " FROM intervals WHERE queue = ? AND interval_start = ?", [queue, datetime.fromisoformat(start)]).fetchone()


@pytest.mark.parametrize("name", list(IMPORTS))
def test_each_vendor_layout_imports_with_its_rejects(con, name):
    layout, inserted, rejected, rejects = IMPORTS[name]
    report = importer.import_file(con, FIXTURES / name)
    assert (report.rows_read, report.inserted, report.rejected) == (4, inserted, rejected)
    assert [(r.row, r.column, r.key) for r in report.rejects] == rejects
    assert con.execute("SELECT kind, profile FROM import_batches").fetchall() == [("intervals", layout)]
    assert con.execute("SELECT count(*) FROM tickets").fetchone()[0] == 0


def test_an_interval_without_its_start_is_refused_and_empty_rows_are_skipped(con, tmp_path):
    # Before, a row with its start left empty failed the whole import (its field had no name to
    # tell); rows of blank cells, of the header's width or not, were refused.
    header, first, *rest = (FIXTURES / "intervals-genesys.csv").read_text(encoding="utf-8").splitlines()
    no_start = "," + first.split(",", 1)[1]
    path = tmp_path / "genesys.csv"
    path.write_text("\n".join([header, first, no_start, *rest, ",,,,,,,,,,", ",,,", " , "]) + "\n", encoding="utf-8")
    report = importer.import_file(con, path)
    assert (report.rows_read, report.inserted, report.rejected, report.skipped) == (8, 3, 2, 3)
    # The lines the reader refused for their width first (8, 9), then the rows refused cell by cell.
    assert [(r.row, r.column, r.key) for r in report.rejects] == [
        (8, None, "reject.empty_row"), (9, None, "reject.empty_row"), (3, "Interval Start", "reject.empty_interval_field"),
        (6, "Service Level %", "reject.bad_share"), (7, None, "reject.empty_row")]
    assert [r.reason_in(lang) for r in report.rejects[2:3] for lang in ("en", "zh-TW")] == [
        "Interval start is empty, but every interval needs one", "「時段開始」是空的，但每個時段都必須有"]


@pytest.mark.parametrize("name, queue, first_within, short", [
    ("intervals-amazon-connect.csv", "Billing", 153, 8),       # the count itself
    ("intervals-genesys.csv", "Billing", 153, 8),              # 76.5 (%) × 200 offered
    ("intervals-avaya-cms.csv", "Billing", 153, 0),            # 85 (%) × 180 answered (CMS counts answered calls)
    ("intervals-zh-tw.csv", "帳務", 153, 8),                    # 15秒內接通數
])
def test_service_level_of_the_first_interval_under_each_denominator(con, name, queue, first_within, short):
    importer.import_file(con, FIXTURES / name)
    within, offered, answered, stored_short, minutes, threshold, *_ = _stored(con, queue)
    assert (within, offered, answered, stored_short) == (pytest.approx(first_within), 200, 180, short)
    assert (minutes, threshold) == (30, 15)
    for basis, expected in FIRST.items():
        if basis == "offered_minus_short_abandons" and short == 0:
            expected = 153 / 200   # CMS writes no short abandons: the denominator is the offered calls
        assert service_level(within, offered, answered, stored_short, basis) == pytest.approx(expected)


def test_times_shares_and_time_zones_as_each_vendor_writes_them(con):
    for name in ("intervals-amazon-connect.csv", "intervals-avaya-cms.csv"):
        importer.import_file(con, FIXTURES / name)
    # Amazon Connect: 00:00 UTC is 08:00 in Asia/Taipei; ASA "00:00:12" and "3"; AHT in seconds.
    # Avaya CMS then updates Billing 08:00 (same queue and interval): ASA "0:12", AHT = talk 3:20 + ACW 0:40.
    assert _stored(con, "Billing")[6:] == (12.0, 240.0, 30.0, "avaya_cms", True)
    assert _stored(con, "Support", "2024-02-19 08:30")[4] == 30   # "8:30-9:00"
    assert _stored(con, "Support", "2024-02-19 08:30")[7] is None  # no talk time: no handle time


def test_percent_forms_and_the_threshold_from_a_header(con, tmp_path):
    path = tmp_path / "connect.csv"
    path.write_text("StartInterval,Queue,Contacts queued,Contacts handled,Contacts abandoned,Service level 20 seconds\n"
                    "2024-02-19 08:00,A,100,90,10,0.85\n2024-02-19 08:15,A,100,90,10,1\n", encoding="utf-8")
    importer.import_file(con, path)
    rows = con.execute("SELECT interval_minutes, service_level_pct, answered_within_threshold, threshold_seconds"
                       " FROM intervals ORDER BY interval_start").fetchall()
    assert rows == [(15, 0.85, pytest.approx(85.0), 20.0), (15, 1.0, 100.0, 20.0)]


def test_an_overlapping_re_export_updates_and_undo_restores_the_previous_version(con, tmp_path):
    first = importer.import_file(con, FIXTURES / "intervals-zh-tw.csv")
    again = tmp_path / "intervals-zh-tw-again.csv"
    again.write_bytes((FIXTURES / "intervals-zh-tw.csv").read_bytes().replace(b"200,180,20,8,153", b"210,190,20,8,160")
                      + "2024/02/19 09:00,帳務,80,80,0,0,80,200,6\r\n".encode("cp950"))
    second = importer.import_file(con, again)
    assert (second.inserted, second.updated, second.unchanged, second.rejected) == (1, 1, 2, 1)
    assert _stored(con, "帳務")[:3] == (160, 210, 190)
    assert importer.undo_batch(con, second.batch_id) == 2
    assert _stored(con, "帳務")[:3] == (153, 200, 180)
    assert con.execute("SELECT count(*) FROM intervals").fetchone()[0] == 3
    assert importer.undo_batch(con, first.batch_id) == 3
    assert con.execute("SELECT count(*) FROM interval_stats").fetchone()[0] == 0


def test_the_same_file_twice_changes_nothing(con):
    importer.import_file(con, FIXTURES / "intervals-genesys.csv")
    report = importer.import_file(con, FIXTURES / "intervals-genesys.csv")
    assert report.already_imported == 1 and report.batch_id is None


def test_a_ticket_export_is_no_interval_report(con):
    source = importer.open_source(con, FIXTURES / "zendesk-2024-02.csv")
    assert interval_import.recognise(source.columns) is None
    assert interval_import.recognise(["Interval Start", "Queue Name", "Offer", "Answer"]).layout == "genesys_cloud"


def test_one_import_command_for_every_kind_of_file(tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(FIXTURES / "intervals-avaya-cms.csv", tmp_path / "cms.csv")
    done = subprocess.run([sys.executable, "-m", "kpi", "import", str(tmp_path / "cms.csv"),
                           str(FIXTURES / "zendesk-2024-02.csv"), "--db", str(db)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "cms.csv: 4 rows read, 4 inserted, 0 updated, 0 unchanged, 0 superseded, 0 rejected (batch 1)"
    assert lines[1].startswith("zendesk-2024-02.csv:") and "(batch 2)" in lines[1]


def test_the_upload_page_previews_an_interval_report_then_imports_it(db_file):
    from tests.test_data_pages import metrics, open_app, upload

    at = open_app("pages/upload.py", lang="zh-TW")
    upload(at, "intervals-zh-tw.csv")
    assert metrics(at) == {"讀取列數": "4", "新增": "3", "更新": "0", "未變更": "0", "較舊版本": "0", "拒絕": "1"}
    assert "時段報表：通用中文時段報表；服務水準門檻 15 秒；每時段 30 分鐘" in at.caption[1].value
    assert at.dataframe[0].value.values.tolist() == [
        ["intervals-zh-tw.csv", 5, "上線人數", "「-1」不是 0 以上的數字"]]
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("import_"))).click()
    at.run()
    assert at.success[0].value == "已匯入 intervals-zh-tw.csv：新增 3、更新 0、未變更 0、拒絕 1（批次 1）。"
    at.switch_page("pages/batches.py")
    at.run()
    table = at.dataframe[-1].value
    assert table[["批次", "種類"]].values.tolist() == [[1, "話務時段"]]
    assert not [b for b in at.button if b.key == "remap"]   # nothing to re-map in an interval report
