"""AppTest of the weekly review and SLA settings pages, and the chart builders behind them."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.ingest.importer import import_files
from kpi.service import report
from kpi.service.periods import iso_week
from tests.service_tickets import FIXTURES, WEEK41, insert_tickets
from ui import service_charts

ROOT = Path(__file__).resolve().parents[1]
SEED_HEADERS = ["前期遺留", "本期新增", "執行總數", "準時完成", "未完成", "升級完成", "逾期未升級", "升級一次",
                "升級二次", "三次以上", "完成率", "平均升級次數", "總服務水準", "服務水準"]


@pytest.fixture
def week41_db(db_file):
    con = store.connect(db_file)
    import_files(con, [WEEK41])
    con.close()
    return db_file


def page(name: str, lang: str = "en", **query) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / name), default_timeout=30)
    app.session_state["lang"] = lang
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def table_rows(app: AppTest) -> list[list[str]]:
    return app.dataframe(key="weekly_table").value.values.tolist()


def test_weekly_page_reproduces_week41_with_the_seed_headers_in_zh_tw(week41_db):
    app = page("weekly.py", "zh-TW", week="2009-W41")
    assert not app.exception
    table = app.dataframe(key="weekly_table").value
    assert list(table.columns) == ["負責人", *SEED_HEADERS]
    # /work/shared/examples/week41-2009.expected.md: 6/7 = 85.7%, 3/7 = 42.9%; marked against the
    # default targets: completion ✓ from 80% (✕ below 65%), escalations ✓ up to 0.30, service levels ✕ below 75%.
    # The total comes first on screen, where it is in view without scrolling.
    assert table.values.tolist() == [
        ["合計", "0", "7", "7", "3", "0", "3", "1", "0", "0", "0", "✓ 85.7%", "✓ 0.00", "✕ 42.9%", "✕ 42.9%"],
        ["吳小姐", "0", "5", "5", "3", "0", "2", "0", "0", "0", "0", "✓ 100.0%", "✓ 0.00", "✕ 60.0%", "✕ 60.0%"],
        ["陳小明", "0", "2", "2", "0", "0", "1", "1", "0", "0", "0", "✕ 50.0%", "✓ 0.00", "✕ 0.0%", "✕ 0.0%"],
    ]


def test_weekly_table_in_english_has_short_headers_with_the_full_name_in_the_tooltip(week41_db):
    app = page("weekly.py", week="2009-W41")
    table = app.dataframe(key="weekly_table")
    assert list(table.value.columns) == ["Owner", "Carried", "New", "In play", "On time", "Open", "Late", "Overdue 0×",
                                         "Overdue 1×", "Overdue 2×", "Overdue 3+×", "Done %", "Esc./ticket", "Total SL", "SL"]
    assert json.loads(table.proto.columns)["SL"]["help"] == "Service level: Share of the period's new tickets done on time within it."
    assert table.proto.column_order[:5] == ["Owner", "SL", "Total SL", "Done %", "Esc./ticket"]


def test_weekly_page_cards_in_english_with_the_change_against_last_week(week41_db):
    app = page("weekly.py", week="2009-W41", by="department")
    assert not app.exception
    cards = {m.label: (m.value, m.delta) for m in app.metric}
    # week 40 had nothing in play, so rates have no change to show; 7 - 0 = +7 in play.
    # Rated against the default targets: completion 85.7% ≥ 80%, commitments 50% < 80%.
    assert cards["In play"] == ("7", "+7")
    assert cards[":green[✓] Completion rate"] == ("85.7%", "")
    assert cards[":red[✕] Commitment achievement"] == ("50.0%", "")
    assert cards[":red[✕] Service level"] == ("42.9%", "")
    assert any("Service level: target ≥ 85.0%, amber < 85.0%, red < 75.0%" in c.value for c in app.caption)
    assert table_rows(app)[0][0] == "Total" and table_rows(app)[-1][0] == "總經理室-測試環境"
    assert app.query_params["by"] == "department"  # the code, not the English label


def test_weekly_page_month_period(week41_db):
    app = page("weekly.py", period="month", month="2009-10")
    assert not app.exception
    assert table_rows(app)[0][:4] == ["Total", "0", "7", "7"]


def test_weekly_page_week_without_tickets_says_what_to_do(week41_db):
    con = store.connect(week41_db)
    insert_tickets(con, [{"ticket_id": "later", "owner": "陳小明", "created_at": "2009-10-21 09:00"}])
    con.close()
    # 吳小姐 finished all hers in week 41, so week 42 has nothing of hers in play
    app = page("weekly.py", week="2009-W42", owner="吳小姐")
    assert not app.exception
    assert any("No tickets in 2009-W42" in info.value for info in app.info)


def test_weekly_page_on_an_empty_store_points_to_the_upload(db_file):
    app = page("weekly.py", "zh-TW")
    assert not app.exception
    assert "上傳匯出檔" in app.info[0].value


def test_weekly_page_custom_range_needs_both_days(week41_db):
    app = page("weekly.py", period="range")
    app.date_input(key="range").set_value((pd.Timestamp("2009-10-05").date(),)).run()
    assert not app.exception
    assert "last day" in app.warning[0].value


def test_weekly_page_lists_the_tickets_behind_a_cell(week41_db):
    app = AppTest.from_file(str(ROOT / "pages" / "weekly.py"), default_timeout=30)
    app.session_state["lang"] = "en"
    app.query_params["week"] = "2009-W41"
    week = iso_week("2009-W41")
    app.session_state["service.drill"] = {
        "period": {"kind": week.kind, "start": week.start, "end": week.end}, "title": "陳小明 · Done late",
        "cell": {"group": "陳小明", "all_groups": False, "column": "late_done"}}
    app.run()
    assert not app.exception
    listed = app.dataframe[-1].value
    assert listed["Ticket"].tolist() == ["200910-006"]
    assert listed["SLA policy"].tolist() == ["Level 1"] and listed["Category"].tolist() == [""]
    assert listed["Due"].tolist() == ["2009-10-08 13:00"] and listed["Completed"].tolist() == ["2009-10-09 09:30"]
    assert [b.label for b in app.get("download_button")][-2:] == ["Download CSV", "Download Excel"]


def test_weekly_page_through_the_app_navigation(week41_db):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    app.session_state["lang"] = "en"
    app.run()
    app.switch_page("pages/weekly.py")
    app.query_params["week"] = "2009-W41"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Weekly service review"


def test_sla_page_shows_the_seed_levels_and_previews_a_ticket(db_file):
    app = page("sla_settings.py")
    assert not app.exception
    shown = app.dataframe(key="sla.policy_editor").value
    assert shown[["position", "name", "level", "completion_value"]].values.tolist() == [
        [1, "Level 1", 1, 3], [2, "Level 2", 2, 5], [3, "Level 3", 3, 10], [4, "Level 4", 4, 14], [5, "Level 5", 5, 21]]
    # 2012-02-24 17:20, Level 4: first response by the end of that Friday, standard 14 business days later
    app.date_input(key="sla.sample_day").set_value(pd.Timestamp("2012-02-24").date()).run()
    preview = app.dataframe[-1].value
    assert preview.values.tolist() == [
        ["Saved settings", "Level 4", "2012-02-25 00:00", "2012-03-15 17:20"],
        ["Edited settings", "Level 4", "2012-02-25 00:00", "2012-03-15 17:20"],
    ]
    # the policy, the calendar (empty: nothing to download) and the preview
    assert [b.label for b in app.get("download_button")] == ["Download CSV", "Download Excel"] * 2


def test_sla_page_loads_the_hotline_preset_and_previews_a_dispatch_item(db_file):
    app = page("sla_settings.py")
    app.selectbox[0].select("hotline_1999").run()
    app.button[0].click().run()
    assert not app.exception
    shown = app.dataframe(key="sla.policy_editor").value
    assert len(shown) == 23 and shown["name"].iloc[15] == "Traffic light out"
    assert shown.iloc[0][["category", "first_action", "first_action_value", "first_action_unit"]].tolist() == [
        "人與動物噪音", "on_site", 30, "minutes"]
    app.date_input(key="sla.sample_day").set_value(pd.Timestamp("2024-02-07").date())
    app.time_input(key="sla.sample_time").set_value(pd.Timestamp("2024-02-07 09:00").time())
    app.text_input(key="sla.sample_category").input("交通號誌不亮申報修復").run()
    assert app.dataframe[-1].value.values.tolist() == [
        ["Saved settings", "Level 4", "2024-02-08 00:00", "2024-02-27 09:00"],
        ["Edited settings", "Traffic light out", "2024-02-07 15:00", "2024-02-19 09:00"],
    ]
    [save] = [b for b in app.button if b.label == "Save policies"]
    save.click().run()
    assert app.toast[0].value.startswith("Saved")
    assert app.dataframe[-1].value.values.tolist()[0][1] == "Traffic light out"


def test_sla_page_refuses_a_policy_without_a_stage_with_a_message(db_file):
    app = page("sla_settings.py", "zh-TW")
    draft = app.dataframe(key="sla.policy_editor").value.copy()
    draft.loc[1, ["completion_value", "completion_unit", "first_action_value", "first_action_unit"]] = None
    app.session_state["sla.policy_draft"] = draft
    app.run()
    assert "第 2 條政策「Level 2」沒有任何時限" in app.error[0].value   # the preview says so at once
    [save] = [b for b in app.button if b.label == "儲存政策"]
    save.click().run()
    assert not app.exception and not app.toast
    assert sum("第 2 條政策「Level 2」沒有任何時限" in e.value for e in app.error) == 2
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM sla_policies WHERE completion_value IS NULL") == 0
    con.close()


def test_sla_policy_conditions_left_empty_read_blank_and_save_as_any(db_file):
    app = page("sla_settings.py", "zh-TW")
    shown = app.dataframe(key="sla.policy_editor").value
    # The seed levels name no category, department or channel: blank cells, not "None".
    assert shown[["category", "department", "channel"]].values.tolist() == [["", "", ""]] * 5
    [save] = [b for b in app.button if b.label == "儲存政策"]
    save.click().run()
    assert not app.exception
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM sla_policies WHERE category IS NULL AND channel IS NULL") == 5
    con.close()


def test_sla_page_imports_an_office_calendar(db_file):
    app = page("sla_settings.py")
    calendar = (FIXTURES / "office-calendar-2024-02.csv").read_bytes()
    app.file_uploader[0].set_value(("calendar.csv", calendar, "text/csv")).run()
    assert "7 exception days" in app.info[0].value
    [import_button] = [b for b in app.button if b.label == "Import the calendar"]
    import_button.click().run()
    assert not app.exception
    assert app.toast[0].value.startswith("Saved")
    assert len(app.dataframe(key="sla.calendar_editor").value) == 7


def test_sla_page_refuses_a_bad_calendar_with_a_message(db_file):
    app = page("sla_settings.py", "zh-TW")
    app.file_uploader[0].set_value(("calendar.csv", "西元日期,是否放假\n20240101,1\n".encode(), "text/csv")).run()
    assert not app.exception
    assert "第 2 行" in app.error[0].value and "2（放假）或 0（上班）" in app.error[0].value


def test_escalation_bars_carry_row_and_bucket_ids(con):
    import_files(con, [WEEK41])
    distribution = report.count_distribution(con, iso_week("2009-W41"), report.ServiceQuery())
    figure = service_charts.count_bars(distribution, ["吳小姐", "陳小明"], ["0", "1", "2", "3+"], "t", "n")
    assert [bar.name for bar in figure.data] == ["0", "1", "2", "3+"]
    assert list(figure.data[0].y) == [5, 2] and list(figure.data[3].y) == [0, 0]
    assert [list(c) for c in figure.data[2].customdata] == [[0, 2], [1, 2]]


def test_trend_has_the_target_line_and_gaps_for_empty_periods(con):
    import_files(con, [WEEK41])
    trend = report.weekly_review(con, iso_week("2009-W41"), report.ServiceQuery(), trend_length=3).trend
    figure = service_charts.service_level_trend(trend, ["W39", "W40", "W41"], {"service_level": "SL"}, 85, "target", "t")
    assert list(figure.data[0].y[2:]) == [pytest.approx(300 / 7)] and pd.isna(figure.data[0].y[0])
    assert figure.layout.shapes[0].y0 == 85


def test_weekly_page_writes_the_default_period_into_the_url(week41_db):
    app = page("weekly.py")
    assert not app.exception
    # the data ends 2009-10-09, so the default is that week: written out, so a bookmark keeps it
    assert app.query_params["period"] == "week" and app.query_params["week"] == "2009-W41"
    app.segmented_control(key="period").set_value("month").run()
    assert app.query_params["month"] == "2009-10" and "week" not in app.query_params
    app.segmented_control(key="period").set_value("range").run()
    assert app.query_params["range"] == ["2009-10-05", "2009-10-11"] and "month" not in app.query_params


def test_weekly_page_takes_its_period_from_the_url(week41_db):
    app = page("weekly.py", period="range", range=["2009-10-06", "2009-10-07"])
    assert not app.exception
    assert app.subheader[0].value == "Period: 2009-10-06..2009-10-07"
    # six created on the 5th still open on the 6th (carried over), 003 created on the 6th
    assert table_rows(app)[0][:4] == ["Total", "6", "1", "7"]
    app = page("weekly.py", week="2009-W54")
    assert app.query_params["week"] == "2009-W41" and "week" in app.warning[0].value
    # A range whose end has no next day (or whose year before is no year) is the link's mistake too.
    for days in (["9999-12-31", "9999-12-31"], ["1899-01-01", "1899-01-07"]):
        app = page("weekly.py", period="range", range=days)
        assert not app.exception and "range" in app.warning[0].value
        assert app.subheader[0].value == "Period: 2009-10-05..2009-10-11"


def test_escalation_bars_lie_down_for_many_groups():
    names = [f"agent-{n:02d}" for n in range(30)]
    distribution = pd.DataFrame({"is_total": [False] * 30, "0": range(30), "1": [1] * 30, "2": [0] * 30, "3+": [2] * 30})
    figure = service_charts.count_bars(distribution, names, ["0", "1", "2", "3+"], "t", "n")
    assert figure.data[0].orientation == "h" and list(figure.data[0].y) == names
    assert list(figure.data[0].x) == list(range(30)) and [list(c) for c in figure.data[3].customdata][29] == [29, 3]
    # a row per owner, the first on top
    assert figure.layout.height == 22 * 30 + 150 and figure.layout.yaxis.autorange == "reversed"
