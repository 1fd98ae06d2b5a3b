"""Targets registry: ratings at the thresholds, department overrides, validation, the settings page."""

import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from kpi import formatting, metrics, store, targets
from kpi.targets import TargetsError
from ui.components.kpi_card import style_by_target

ROOT = Path(__file__).resolve().parents[1]
EDITOR = "targets.editor"


@pytest.mark.parametrize(("value", "status"), [
    (0.90, "green"), (0.85, "green"),      # at the target: on target
    (0.8499, "amber"), (0.75, "amber"),    # below 85%, not below 75%
    (0.7499, "red"), (0.0, "red"),
    (None, None), (float("nan"), None),
])
def test_service_level_default_is_85_amber_below_85_red_below_75(con, value, status):
    assert targets.load(con).status("service.service_level", value) == status


@pytest.mark.parametrize(("value", "status"), [(0.0, "green"), (0.30, "green"), (0.31, "amber"),
                                               (0.60, "amber"), (0.61, "red")])
def test_lower_is_better_for_average_escalations(con, value, status):
    assert targets.load(con).status("service.avg_escalations", value) == status


def test_a_kpi_without_a_target_has_no_status(con):
    assert targets.load(con).status("service.forward_rate", 0.5) is None
    assert targets.load(con).rating("service.forward_rate", 0.5, "en") is None


def test_rating_carries_symbol_word_and_legend(con):
    registry = targets.load(con)
    assert registry.rating("service.service_level", 0.285, "en") == targets.Rating(
        "red", "✕", "off target", "target ≥ 85.0%, amber < 85.0%, red < 75.0%")
    assert registry.rating("service.service_level", 0.80, "zh-TW") == targets.Rating(
        "amber", "▲", "注意", "目標 ≥ 85.0%，黃燈 < 85.0%，紅燈 < 75.0%")
    # 336 h and 504 h read as days; 400 h of mean resolution lies between them
    assert registry.rating("people.mean_resolution_hours", 400, "en") == targets.Rating(
        "amber", "▲", "watch", "target ≤ 14 d, amber > 14 d, red > 21 d")


def edited(con, *extra: dict) -> pd.DataFrame:
    frame = targets.editor_frame(con)
    return pd.concat([frame, pd.DataFrame(list(extra))], ignore_index=True) if extra else frame


def test_a_department_row_overrides_the_overall_one(con):
    targets.save_targets(con, edited(con, {"kpi_key": "service.service_level", "department": "二線支援",
                                           "direction": "higher", "target": 70, "amber": 70, "red": 50}))
    registry = targets.load(con)
    assert registry.status("service.service_level", 0.72, "二線支援") == "green"
    assert registry.status("service.service_level", 0.69, "二線支援") == "amber"
    assert registry.status("service.service_level", 0.72, "客服部") == "red"    # overall: below 75%
    assert registry.status("service.service_level", 0.72) == "red"


def test_saving_stores_fractions_and_bumps_the_data_version(con):
    before = store.data_version(con)
    frame = edited(con)
    frame.loc[frame["kpi_key"] == "service.service_level", ["target", "amber", "red"]] = [90, 88, 80]
    targets.save_targets(con, frame)
    assert store.first_row(con, "SELECT target, amber, red FROM kpi_targets WHERE kpi_key = 'service.service_level'") == (
        0.9, 0.88, 0.8)
    assert store.data_version(con) == before + 1


@pytest.mark.parametrize(("change", "key"), [
    ({"red": 90}, "targets.error.order_higher"),          # red above amber for a higher-is-better KPI
    ({"amber": 95}, "targets.error.order_higher"),        # amber above the target
    ({"target": 120, "amber": 110}, "targets.error.percent"),
    ({"target": None}, "targets.error.missing"),
    ({"direction": "sideways"}, "targets.error.direction"),
])
def test_invalid_rows_are_refused_and_nothing_changes(con, change, key):
    frame = edited(con)
    row = frame.index[frame["kpi_key"] == "service.service_level"][0]
    for column, value in change.items():
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    with pytest.raises(TargetsError) as raised:
        targets.save_targets(con, frame)
    assert raised.value.key == key
    assert targets.load(con).find("service.service_level").target == 0.85


def test_a_second_row_for_the_same_kpi_and_department_is_refused(con):
    duplicate = {"kpi_key": "service.service_level", "department": None, "direction": "higher",
                 "target": 80, "amber": 80, "red": 70}
    with pytest.raises(TargetsError) as raised:
        targets.save_targets(con, edited(con, duplicate))
    assert raised.value.message("zh-TW") == (
        "第 12 列：服務水準 在部門「—」已經有一列目標，每個 KPI 每個部門只能有一列。")


def test_order_error_names_the_kpi_in_the_users_language(con):
    frame = edited(con)
    frame.loc[frame["kpi_key"] == "service.avg_escalations", "red"] = 0.1
    with pytest.raises(TargetsError) as raised:
        targets.save_targets(con, frame)
    row = int(frame.index[frame["kpi_key"] == "service.avg_escalations"][0]) + 1
    assert raised.value.message("en") == (
        f"Row {row} (Average escalations, lower is better): red ≥ amber ≥ target is needed, "
        "but they are 0.1 / 0.3 / 0.3.")


def targets_page(lang: str) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "targets.py"), default_timeout=30)
    app.session_state["lang"] = lang
    return app.run()


def service_level_row(app: AppTest) -> int:
    frame = app.dataframe(key=EDITOR).value
    return int(frame.index[frame["kpi_key"] == "service.service_level"][0])


def test_targets_page_saves_an_edit_and_shows_it_after_a_reload(db_file):
    app = targets_page("en")
    assert not app.exception
    row = service_level_row(app)
    app.session_state[EDITOR] = {"edited_rows": {row: {"target": 90, "amber": 88}}, "added_rows": [],
                                 "deleted_rows": []}
    app.run()
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert app.toast[0].value == "Targets saved; every page's colours now follow them."

    reloaded = targets_page("en")
    frame = reloaded.dataframe(key=EDITOR).value
    assert frame.loc[service_level_row(reloaded), ["target", "amber", "red"]].tolist() == [90, 88, 75]


def test_targets_page_refuses_red_above_amber_with_a_message(db_file):
    app = targets_page("zh-TW")
    row = service_level_row(app)
    app.session_state[EDITOR] = {"edited_rows": {row: {"red": 95}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.button[0].click().run()
    assert not app.exception
    assert app.error[0].value == (
        f"第 {row + 1} 列（服務水準，越高越好）：需要 紅燈門檻 ≤ 黃燈門檻 ≤ 目標，現在是 95.0 / 85.0 / 85.0。")
    assert targets_page("en").dataframe(key=EDITOR).value.loc[row, "red"] == 75


def card_script():
    import streamlit as st

    from ui.components.kpi_card import kpi_card

    st.session_state["lang"] = "en"
    kpi_card(st, "service.service_level", 0.285, "+1.0 pt")
    kpi_card(st, "service.in_play", 7, "+7")


def test_a_rising_service_level_far_below_target_is_not_shown_green(db_file):
    app = AppTest.from_function(card_script, default_timeout=30).run()
    assert not app.exception
    rated, plain = app.metric
    assert (rated.label, rated.value, rated.delta) == (":red[✕] Service level", "28.5%", "+1.0 pt")
    assert rated.proto.delta_description == ":red[**off target**]"
    assert rated.proto.color == Metric.MetricColor.GRAY       # the arrow says "up", not "good"
    assert rated.proto.help.endswith("target ≥ 85.0%, amber < 85.0%, red < 75.0%")
    assert (plain.label, plain.value) == ("In play", "7")      # no target: no status


def test_table_cells_are_marked_and_tinted_by_their_departments_target(db_file):
    con = store.connect(db_file)
    targets.save_targets(con, edited(con, {"kpi_key": "service.service_level", "department": "二線支援",
                                           "direction": "higher", "target": 70, "amber": 70, "red": 50}))
    con.close()
    shown = pd.DataFrame({"group": ["二線支援", "客服部", "Total"], "SL": ["72.0%", "80.0%", ""]})
    styler = style_by_target(shown, {"SL": ("service.service_level", [0.72, 0.80, None])},
                             ["二線支援", "客服部", None])
    assert styler.data["SL"].tolist() == ["✓ 72.0%", "▲ 80.0%", ""]
    html = styler.to_html()
    assert re.search(r"row0_col1 \{\s*background-color: #dcf5e3;", html)
    assert re.search(r"row1_col1 \{\s*background-color: #fff0c2;", html)
    assert "row2_col1 {" not in html and "row0_col0 {" not in html


def test_codes_read_as_users_name_them():
    assert formatting.code_name("encoding", "utf-8", "en") == "UTF-8"
    assert formatting.code_name("encoding", "cp950", "zh-TW") == "Big5（CP950）"
    assert formatting.code_name("date_form", "iso", "en") == "ISO 8601 (2012-08-01 13:06)"
    assert formatting.code_name("encoding", "koi8-r", "en") == "koi8-r"      # unknown: as it is


@pytest.mark.parametrize(("hours", "lang", "text"), [
    (269.4, "en", "11 d 5 h"), (269.4, "zh-TW", "11 天 5 小時"), (48, "en", "2 d"), (float("nan"), "en", "—"),
    # under a day to the minute: a first response of 24 minutes is not "0 h"
    (5.4, "en", "5 h 24 min"), (5.4, "zh-TW", "5 小時 24 分鐘"), (5, "en", "5 h"), (0.4, "en", "24 min"),
    (0.4, "zh-TW", "24 分鐘"), (0.004, "en", "0 min"), (23.99, "en", "23 h 59 min"), (23.995, "en", "1 d"),
    (-0.5, "en", "−30 min")])
def test_durations_read_in_days_and_hours(hours, lang, text):
    assert formatting.duration(hours, lang) == text


@pytest.mark.parametrize(("amount", "text"), [
    (661295.6, "NT$661,296"), (-338704.4, "−NT$338,704"), (-0.4, "NT$0"), (0, "NT$0"), (None, "—")])
def test_amounts_read_in_whole_nt_dollars_with_the_sign_first(amount, text):
    assert formatting.currency(amount) == text


def test_dates_drop_a_midnight_clock():
    assert formatting.moment(pd.Timestamp("2025-05-29 00:00:00")) == "2025-05-29"
    assert formatting.moment(pd.Timestamp("2025-05-29 13:06")) == "2025-05-29 13:06"
    assert formatting.moment(pd.NaT) == "—"


def test_every_kpi_states_its_formula_and_scope_in_both_languages():
    for metric in metrics.registry().values():
        for text in (metric.formula("zh-TW"), metric.scope("zh-TW")):
            assert re.search(r"[\u4e00-\u9fff]", text), f"{metric.key}: {text!r} has no Chinese"
    completion = metrics.get("service.completion_rate")
    assert completion.formula("zh-TW") == "準時完成 + 升級完成 / 執行總數"
    assert completion.formula("en") == "done on time + done late / in play"
    with pytest.raises(ValueError, match="zh-TW"):
        metrics.Metric("x.y", "甲", "A", "甲", "A", "n", "d", "f", "ratio", numerator_zh="分子", filters_zh="範圍")


def test_kpi_help_panel_reads_formulas_and_scopes_in_zh_tw(db_file):
    app = AppTest.from_function(help_script, default_timeout=30).run()
    help_table = app.table[0].value
    assert help_table.iloc[:, 2].tolist()[0] == "服務請求件數"
    row = help_table[help_table.iloc[:, 0] == "服務水準"].iloc[0].tolist()
    assert row[2:] == ["本期新增且準時完成 / 本期新增", "本期提出的服務請求"]


def help_script():
    import streamlit as st

    from ui import service_view

    st.session_state["lang"] = "zh-TW"
    service_view.help_panel()


def test_a_viewer_sees_the_targets_but_cannot_save_them(db_file, monkeypatch):
    monkeypatch.setattr("ui.access.current_may", lambda permission: permission != "sla.edit")
    app = targets_page("en")
    assert not app.exception and not app.button
    assert ":material/lock: Saving KPI targets needs the manager role." in [c.value for c in app.caption]
