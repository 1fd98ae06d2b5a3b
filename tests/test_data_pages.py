"""AppTest for the data pages: home, upload (through the file uploader) and import history."""

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.ingest import importer
from kpi.people.demo import load_demo_people
from tests.conftest import FIXTURES
from ui.upload_flow import NOT_MAPPED

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app(page: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception
    return at


def seed(db_file, *fixtures, demo=False):
    con = store.connect(db_file)
    for fixture in fixtures:
        importer.import_file(con, FIXTURES / fixture, is_demo=demo)
    con.close()


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_on_an_empty_store_says_what_to_do(db_file):
    at = open_app()
    assert at.title[0].value == "Service operations dashboard"
    assert "There are no service requests in the store yet" in at.info[0].value
    assert str(db_file) in at.caption[-1].value


def test_home_tells_what_is_loaded_and_that_it_is_demo_data(db_file):
    seed(db_file, "week41-2009.csv", demo=True)
    at = open_app(lang="zh-TW")
    assert at.title[0].value == "服務營運儀表板"
    assert "示範資料" in at.info[0].value
    # 7 tickets created 2009-10-05 … 2009-10-06, one still open, one batch.
    # and week 41 (the last complete week with data) against the default targets
    assert "提出時間範圍：**2009-10-05 – 2009-10-06**" in [m.value for m in at.markdown]
    assert metrics(at) == {"服務請求": "7", "處理中": "1", "已取消": "0", "匯入批次": "1", "執行總數": "7", ":green[✓] 完成率": "85.7%", ":red[✕] 總服務水準": "42.9%",
                           ":red[✕] 服務水準": "42.9%", ":green[✓] 平均升級次數": "0.00", ":red[✕] 承諾達成率": "50.0%"}
    assert at.subheader[0].value == "上一個完整週 2009-W41：對照目標"


def upload(at, *fixtures):
    files = [(name, (FIXTURES / name).read_bytes(), "text/csv") for name in fixtures]
    at.file_uploader[0].set_value(files if len(files) > 1 else files[0])
    at.run()
    assert not at.exception


def confirm(at) -> None:
    """Press the preview's Import button."""
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("import_"))).click()
    at.run()


def created_at(db_file, ticket_id: str) -> list[tuple]:
    with store.connect(db_file) as con:
        return con.execute("SELECT created_at FROM tickets WHERE ticket_id = ?", [ticket_id]).fetchall()


def test_upload_previews_then_imports_on_confirmation(db_file):
    at = open_app("pages/upload.py")
    upload(at, "week41-2009.big5.csv")
    assert metrics(at) == {"Rows read": "7", "To insert": "7", "To update": "0", "Unchanged": "0",
                           "Superseded": "0", "Rejected": "0"}
    assert "Big5 (CP950), comma-separated, header on line 1; format: e-contact+" in at.caption[1].value  # Sniffed.describe
    con = store.connect(db_file)
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(0,)]  # nothing stored yet
    con.close()
    confirm(at)
    assert "Imported week41-2009.big5.csv: 7 inserted, 0 updated, 0 unchanged, 0 rejected (batch 1)." in at.success[0].value
    # The newest ticket was created Tue 2009-10-06, in ISO week 41 of 2009: the link opens that week.
    link = next(link for link in at.get("page_link") if link.proto.page == "weekly")
    assert link.label == "Open the weekly review of the imported period (2009-W41)"
    assert link.proto.query_string == "week=2009-W41"
    at.switch_page("pages/home.py")
    at.run()
    assert metrics(at)["Tickets"] == "7"


def test_an_opendocument_spreadsheet_is_offered_and_imported(db_file):
    # Taiwan's agencies exchange ODF files: the picker offers .ods, and LibreOffice's file imports.
    at = open_app("pages/upload.py")
    assert ".ods" in at.file_uploader[0].proto.type
    upload(at, "week41-2009.ods")
    assert "OpenDocument spreadsheet, header on row 1; format: e-contact+" in at.caption[1].value
    confirm(at)
    assert "Imported week41-2009.ods: 7 inserted, 0 updated, 0 unchanged, 0 rejected (batch 1)." in at.success[0].value


def test_an_export_without_its_created_column_says_which_to_add(db_file):
    data = "#,追蹤標籤,狀態,優先權,主旨,被分派者,更新日期\n2101,支援,已結束,高,無法登入,王小明,2024-02-14 10:00\n"
    at = open_app("pages/upload.py")
    at.file_uploader[0].set_value(("issues.csv", data.encode("utf-8"), "text/csv"))
    at.run()
    assert not at.exception
    assert at.info[0].value == ("This looks like an export from Redmine without its 'Created / 建立日期' column, which is"
                                " required: add it to the list before exporting again, or map a column to it below.")


def test_upload_lists_rejected_rows_in_the_users_language(db_file, tmp_path):
    bad = ("編號,主旨,部門,負責人,服務請求方法,提出時間,預計完成時間,完成時間,升級次數,服務請求狀態\n"
           "B-1,ok,客服一部,王小明,Level 3,2024-03-04 09:00,2024-03-18 09:00,,0,處理中\n"
           "B-2,壞,客服一部,王小明,Level 3,2024-03-04 09:00,2024-03-18 09:00,,兩次,處理中\n").encode()
    at = open_app("pages/upload.py", lang="zh-TW")
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    rejects = at.dataframe[-1].value  # the first is the mapping editor
    assert rejects.values.tolist() == [["bad.csv", 3, "升級次數", "「兩次」不是 0 以上的整數，也不是「是」或「否」"]]
    assert [b.label for b in at.get("download_button")][-2:] == ["下載 CSV", "下載 Excel"]
    assert metrics(at)["拒絕"] == "1" and metrics(at)["新增"] == "1"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "photo.csv: this is a binary file"),
        ("notes.csv", "name,comment\nann,hello\n".encode(), "notes.csv: no column is mapped to Ticket id, Created"),
    ],
)
def test_upload_of_unusable_files_explains_without_a_trace(db_file, name, data, message):
    at = open_app("pages/upload.py")
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception
    assert message in at.error[0].value


def test_an_unknown_export_is_previewed_on_a_mapping_guessed_from_its_names_and_says_so(db_file):
    data = ("Ticket ID,Subject,Status,Priority,Created,Resolved\n"
            "T-1,Printer,Closed,High,2024-02-05 09:14,2024-02-06 10:00\nT-2,Mail,Open,Low,2024-02-13 16:02,\n").encode()
    at = open_app("pages/upload.py")
    at.file_uploader[0].set_value(("helpdesk.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    assert "format: not recognised (map the columns)" in at.caption[1].value
    assert at.warning[0].value.startswith("Format not recognised: the fields were matched to columns by their names.")
    mapping = at.dataframe[0].value  # the mapping editor
    assert {f: c for f, c in zip(mapping["field"], mapping["column"]) if c != NOT_MAPPED} == {
        "ticket_id": "Ticket ID", "subject": "Subject", "priority": "Priority", "status": "Status",
        "created_at": "Created", "resolved_at": "Resolved"}
    assert metrics(at)["To insert"] == "2" and metrics(at)["Rejected"] == "0"
    confirm(at)
    with store.connect(db_file) as con:
        assert con.execute("SELECT ticket_id, is_open, level FROM tickets ORDER BY 1").fetchall() == [
            ("T-1", False, 2), ("T-2", True, 4)]


def test_fields_a_recognised_format_does_not_name_are_matched_by_name_and_told(db_file):
    data = ("案件編號,處理人員,建立時間\nC-1,王小明,2024-02-05 09:14\n").encode()
    at = open_app("pages/upload.py", lang="zh-TW")
    at.file_uploader[0].set_value(("inhouse.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    assert "格式：e-contact+" in at.caption[1].value
    assert at.info[0].value == "格式未涵蓋、依欄位名稱對應的欄位：處理人員 → 負責人；請確認"
    assert metrics(at)["新增"] == "1"


def test_a_file_already_imported_is_recognised(db_file):
    seed(db_file, "week41-2009.csv")
    at = open_app("pages/upload.py")
    upload(at, "week41-2009.csv")
    assert "already imported (batch 1)" in at.info[0].value


def test_import_history_lists_batches_and_undoes_one(db_file):
    seed(db_file, "week41-2009.csv")
    at = open_app("pages/batches.py")
    table = at.dataframe[0].value
    assert table[["Batch", "File", "Format", "Read", "Inserted"]].values.tolist() == [
        [1, "week41-2009.csv", "e-contact+", 7, 7]]   # the product's name, not the code econtact
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]
    at.checkbox[0].check()
    at.run()
    at.button(key="undo").click()
    at.run()
    assert at.success[0].value == "Batch 1 undone; 7 tickets affected."
    con = store.connect(db_file)
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(0,)]
    con.close()


def test_demo_data_can_be_removed_from_import_history(db_file):
    seed(db_file, "week41-2009.csv", demo=True)
    at = open_app("pages/batches.py", lang="zh-TW")
    remove = next(b for b in at.button if b.label == "移除所有示範資料")
    remove.click()
    at.run()
    assert not at.exception
    assert at.success[0].value == "已移除 1 個示範批次與 0 位示範人員。"
    con = store.connect(db_file)
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(0,)]
    con.close()


def seed_demo_people(db_file):
    """The 40 demo people, and one person of the user's own."""
    con = store.connect(db_file)
    load_demo_people(con, db_file.parent / "people")
    con.execute("INSERT INTO people VALUES ('X-1', '自己人', '客服一部', 'CS', NULL)")
    con.close()


def test_home_says_demo_people_are_shown_and_removing_the_demo_takes_them_out(db_file):
    seed(db_file, "week41-2009.csv", demo=True)
    seed_demo_people(db_file)
    at = open_app(lang="en")
    assert at.info[0].value.startswith("The people pages show 40 **demo people**")
    at.switch_page("pages/batches.py").run()
    next(b for b in at.button if b.label == "Remove all demo data").click()
    at.run()
    assert at.success[0].value == "Removed 5 demo batches and 40 demo people."  # tickets, 4 people files
    con = store.connect(db_file)
    # Only the user's own person stays, with no demo rating, certificate or learning left behind.
    assert con.execute("SELECT employee_id FROM people").fetchall() == [("X-1",)]
    assert [store.scalar(con, f"SELECT count(*) FROM {table}")
            for table in ("assessments", "certificates", "completed_learning", "demo_people")] == [0, 0, 0, 0]
    con.close()
    at.switch_page("pages/home.py").run()
    assert not any("demo people" in info.value for info in at.info)


def test_demo_people_alone_can_still_be_removed(db_file):
    seed(db_file, "week41-2009.csv")  # the user's own tickets, no demo batch
    seed_demo_people(db_file)
    at = open_app("pages/batches.py")
    next(b for b in at.button if b.label == "Remove all demo data").click()
    at.run()
    assert at.success[0].value == "Removed 4 demo batches and 40 demo people."  # the people files
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 7
    con.close()


def test_a_batch_is_reopened_for_remapping_from_import_history(db_file):
    seed(db_file, "week41-2009.csv")
    at = open_app("pages/batches.py")
    at.button(key="remap").click()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Upload exports"
    assert "Re-mapping the original of batch 1; importing replaces that batch." in [c.value for c in at.caption]
    # Same mapping, same rows: all seven unchanged, and the file is not "already imported".
    assert metrics(at)["Unchanged"] == "7" and not at.info[0].value.startswith("This file was already imported")


def editor(at, prefix: str):
    return next(e for e in at.data_editor if e.key and e.key.startswith(prefix))


def test_upload_tells_the_data_quality_and_takes_the_users_status_words(db_file):
    at = open_app("pages/upload.py")
    upload(at, "zendesk-2024-02.csv")
    panel = " ".join(m.value for m in at.markdown)
    assert "**6** × placeholder dates in 'Solved at'" in panel and "(first rows: 2, 5, 6, 7, 9)" in panel
    assert "**1** × completed before created" in panel
    statuses = editor(at, "statuses_").value
    assert dict(zip(statuses["value"], statuses["state"]))["Hold"] == "On hold"


def test_unknown_status_assigned_on_the_page_is_previewed_again(db_file, tmp_path):
    data = ("Id,Status,Priority,Created at,Solved at\n1,Awaiting parts,High,2024-02-05 09:00,\n"
            "2,Fertig,Crit,2024-02-05 10:00,2024-02-06 09:00\n").encode()
    at = open_app("pages/upload.py")
    at.file_uploader[0].set_value(("custom.csv", data, "text/csv")).run()
    panel = " ".join(m.value for m in at.markdown)
    assert "unknown status values" in panel and "unknown priority values" in panel
    statuses = editor(at, "statuses_")
    assert list(statuses.value["value"]) == ["Awaiting parts", "Fertig"]
    at.session_state[statuses.key] = {"edited_rows": {0: {"state": "On hold"}, 1: {"state": "Closed"}},
                                      "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    panel = " ".join(m.value for m in at.markdown)
    assert "unknown status values" not in panel and "unknown priority values" in panel


def test_otrs_priorities_show_their_levels_and_a_level_changed_on_the_page_is_kept(db_file):
    # OTRS numbers its priorities upwards: the page shows "5 very high" as Level 1 and leaves a
    # level the user did not touch to the file's own reading.
    at = open_app("pages/upload.py")
    upload(at, "otrs-search-2024-02.csv")
    panel = " ".join(m.value for m in at.markdown)
    assert "× priority values whose level is not the number they start with: '1 very low' → Level 5" in panel
    priorities = editor(at, "priorities_")
    assert dict(zip(priorities.value["value"], priorities.value["level"])) == {
        "3 normal": "Level 3", "5 very high": "Level 1", "2 low": "Level 4", "4 high": "Level 2",
        "1 very low": "Level 5"}
    row = list(priorities.value["value"]).index("2 low")
    at.session_state[priorities.key] = {"edited_rows": {row: {"level": "Level 5"}}, "added_rows": [],
                                        "deleted_rows": []}
    at.run()
    assert not at.exception
    levels = editor(at, "priorities_").value
    assert dict(zip(levels["value"], levels["level"]))["2 low"] == "Level 5"
    assert dict(zip(levels["value"], levels["level"]))["5 very high"] == "Level 1"
    confirm(at)
    con = store.connect(db_file)
    assert con.execute("SELECT priority, level FROM tickets WHERE priority IN ('2 low', '5 very high')"
                       " ORDER BY level").fetchall() == [("5 very high", 1), ("2 low", 5)]
    con.close()


def test_a_batch_whose_original_was_deleted_says_so_and_cannot_be_remapped(db_file):
    seed(db_file, "week41-2009.csv")
    con = store.connect(db_file)
    importer.original_path(con, 1).unlink()  # as an erasure deletes the originals that name the person
    con.close()
    at = open_app("pages/batches.py")
    assert at.info[0].value == ("This batch's original file is no longer stored (deleted at an erasure, for "
                                "instance), so it cannot be re-mapped; it can still be undone.")
    assert at.button(key="remap").disabled
    at.checkbox[0].check()
    at.run()
    at.button(key="undo").click()
    at.run()
    assert not at.exception and at.success[0].value == "Batch 1 undone; 7 tickets affected."


def test_upload_marks_an_event_log_and_the_checkbox_reads_it_as_tickets_again(db_file):
    at = open_app("pages/upload.py")
    upload(at, "eventlog-disco.csv")
    [event_log] = [c for c in at.checkbox if c.key and c.key.startswith("event_log_")]
    assert event_log.value and event_log.label.startswith("This is an event log")
    # 31 valid events fold into 7 cases.
    assert metrics(at) == {"Rows read": "33", "To insert": "7", "To update": "0", "Unchanged": "0",
                           "Superseded": "24", "Rejected": "2"}
    event_log.uncheck()
    at.run()
    assert not at.exception
    # As tickets, the newest row of each id wins: still 7 tickets, but nothing folded per case.
    [unchecked] = [c for c in at.checkbox if c.key and c.key.startswith("event_log_")]
    assert not unchecked.value
    confirm(at)
    # Case 6's newest row is its "Closed" event, so as a ticket it was created then, not at its first event.
    assert created_at(db_file, "Case 6") == [(datetime(2024, 3, 6, 10),)]
    with store.connect(db_file) as con:
        assert con.execute("SELECT count(*) FROM ticket_events").fetchall() == [(0,)]


def test_upload_reads_an_export_written_in_utc_when_told_so(db_file):
    at = open_app("pages/upload.py")
    upload(at, "zendesk-2024-02.csv")
    [zone] = [s for s in at.selectbox if s.key and s.key.startswith("source_zone_")]
    assert zone.value is None and zone.label == "Times the file writes without an offset are in"
    assert zone.format_func(zone.value) == "Asia/Taipei (the store's zone)"
    zone.select("UTC")
    at.run()
    assert not at.exception
    confirm(at)
    # Ticket 101 was created at 09:00 as written: 09:00 UTC is 17:00 in Taipei.
    assert created_at(db_file, "101") == [(datetime(2024, 2, 5, 17),)]


def test_a_report_footer_is_counted_as_skipped_not_rejected(db_file):
    at = open_app("pages/upload.py")
    upload(at, "salesforce-cases-2024-02.csv")
    assert metrics(at) == {"Rows read": "10", "To insert": "5", "To update": "0", "Unchanged": "0",
                           "Superseded": "0", "Rejected": "0", "Skipped (no data)": "5"}
    confirm(at)
    assert at.success[0].value.endswith(
        "0 rejected (batch 1). 5 rows that are no data (totals, the header repeated, a footer) were skipped.")
    at.switch_page("pages/batches.py")
    at.run()
    history = at.dataframe[0].value
    assert history[["Rejected", "Skipped (no data)"]].values.tolist() == [[0, 5]]


def test_the_history_names_each_format_by_its_product():
    from ui.upload_flow import profile_name

    assert [profile_name(p) for p in ("salesforce", "avaya_cms", "planner", "parts desk")] == [
        "Salesforce Service Cloud", "Avaya CMS split/skill interval", "Microsoft Planner", "parts desk"]


def test_a_time_kept_in_a_column_of_its_own_is_joined_to_its_date_on_the_page(db_file):
    # 提出時間 holds the date alone and 時刻 the time; their names do not pair them, the user does.
    data = ("編號,主旨,部門,負責人,服務請求方法,提出時間,時刻,服務請求狀態\n"
            "T-1,話機故障,客服一部,王小明,Level 2,2024/02/05,09:15,處理中\n"
            "T-2,無法登入,客服一部,李小華,Level 3,2024/02/06,14:10,處理中\n").encode()
    at = open_app("pages/upload.py")
    at.file_uploader[0].set_value(("split.csv", data, "text/csv")).run()
    assert "'提出時間' holds dates without a time of day" in " ".join(m.value for m in at.markdown)
    mapping = editor(at, "mapping_")
    assert mapping.value["time_column"].tolist().count("—") == len(mapping.value)
    row = mapping.value["field"].tolist().index("created_at")
    at.session_state[mapping.key] = {"edited_rows": {row: {"time_column": "時刻"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert "holds dates without a time of day" not in " ".join(m.value for m in at.markdown)
    confirm(at)
    assert created_at(db_file, "T-1") == [(datetime(2024, 2, 5, 9, 15),)]
