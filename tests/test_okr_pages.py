"""AppTest of the OKR tree page, the weekly plans page and a Planner export on the upload page."""

import json
from datetime import date

import pytest

from kpi import store
from kpi.okr import planner
from tests.conftest import FIXTURES
from tests.okr_fixtures import okr_workbook_en, okr_workbook_zh, seed_people, weekly_exports
from tests.test_people_pages import page


@pytest.fixture
def okr_db(db_file):
    con = store.connect(db_file)
    seed_people(con)
    for number, data in enumerate([okr_workbook_en(), *weekly_exports()]):
        planner.commit(con, planner.read_export(con, data, f"f{number}.xlsx"))
    con.close()


def test_tree_page_shows_scores_status_and_flags(okr_db):
    at = page("okr_tree")
    at.run()
    at.text_input(key="okr_period").set_value("2026-Q4")
    at.date_input(key="okr_as_of").set_value(date(2026, 12, 10))
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    names = table["Objective / key result"].tolist()
    assert names[:2] == ["Grow recurring revenue", "\u3000\u3000• New customers 12 → 0.6"]
    d1 = names.index("\u3000\u3000Faster service")
    assert table["Status"].iloc[d1] == "⚠ At risk" and table["Score"].iloc[d1] == pytest.approx(0.25)
    d2 = names.index("\u3000\u3000Tidy knowledge base")
    assert table["Flags"].iloc[d2] == "fewer than 3 key results、not aligned to a parent objective"
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]


def test_tree_page_in_zh_tw_and_a_bad_period(okr_db):
    at = page("okr_tree", "zh-TW")
    at.run()
    at.text_input(key="okr_period").set_value("2026-Q9")
    at.run()
    assert at.error[0].value == "期間「2026-Q9」應寫成 2026-Q4、2026-H2 或 2026"


def test_weekly_page_lists_the_days_checkins(okr_db):
    at = page("okr_weekly")
    at.run()
    at.date_input(key="okr_day").set_value(date(2026, 11, 2))
    at.run()
    assert not at.exception
    checkins = at.dataframe[0].value
    assert checkins[["employee_id", "action"]].values.tolist() == [
        ["E3", "Morning: agree today's goal, review yesterday"],
        ["E1", "Monday/Friday: next week's tasks and help needed"],
        ["E2", "Before leaving: progress check, step in on delays"],
        ["E3", "Before leaving: progress check, step in on delays"]]
    weeks = at.dataframe[1].value
    assert weeks[["person", "planned", "done", "late", "updates", "update_days"]].values.tolist() == [
        ["林美華", 2, 1, 1, 2, 2], ["王小明", 1, 1, 0, 2, 2], ["陳新人", 1, 1, 1, 1, 1]]
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"] * 2  # both tables
    [trend] = at.get("plotly_chart")
    layout = json.loads(trend.proto.spec)["layout"]
    # dates as ISO, not Plotly's English month names; a tick each week, on its Monday (2024-01-01 was one)
    assert {key: layout["xaxis"][key] for key in ("tickformat", "tick0", "dtick")} == {
        "tickformat": "%Y-%m-%d", "tick0": "2024-01-01", "dtick": 7 * 24 * 3600 * 1000}
    assert layout["legend"]["title"]["text"] == ""


def test_upload_page_previews_and_imports_a_planner_export(db_file):
    at = page("upload")
    at.run()
    at.file_uploader[0].set_value(("部門.xlsx", okr_workbook_zh(),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["4", "4", "0", "0", "0"]
    at.button(key=[b.key for b in at.button if b.key.startswith("planner_import_")][0]).click()
    at.run()
    assert at.success[0].value == "Imported plan '2026 Q4 部門OKR' (batch 1)"
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM okr_tasks") == 4
    con.close()


def test_upload_page_previews_and_imports_a_people_file(db_file):
    at = page("upload")
    at.run()
    at.file_uploader[0].set_value(("people-matrix.csv", (FIXTURES / "people-matrix.csv").read_bytes(), "text/csv"))
    at.run()
    assert not at.exception
    assert any("Skills matrix" in m.value for m in at.markdown)
    assert "Rows to import: 3 (Assessments 10、People 3)" in [m.value for m in at.markdown]
    rejects = at.dataframe[2].value  # mapping, first rows, rejects
    assert [row[:3] for row in rejects.values.tolist()] == [["people-matrix.csv", 3, "產品操作與FAQ撰寫能力"]]
    at.button(key=[b.key for b in at.button if b.key.endswith("_import")][0]).click()
    at.run()
    assert at.success[0].value.startswith("Imported people-matrix.csv")
    con = store.connect(db_file)
    assert con.execute("SELECT kind, profile, rows_inserted, rows_rejected FROM import_batches").fetchall() == [
        ("people", "matrix", 13, 1)]
    con.close()
