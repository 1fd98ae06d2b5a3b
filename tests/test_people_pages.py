"""AppTest for every people page: rendered values and labels, both languages, bad input as a message."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.people import erasure
from tests.conftest import FIXTURES
from tests.people_team import AS_OF, seed_team
from tests.service_tickets import insert_tickets

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=60)
    at.session_state["lang"] = lang
    return at


@pytest.fixture
def team_db(db_file):
    con = store.connect(db_file)
    seed_team(con)
    insert_tickets(con, [
        {"ticket_id": "T1", "owner": "甲", "created_at": "2024-06-01 09:00", "resolved_at": "2024-06-02 09:00",
         "current_commitment_at": "2024-06-03 09:00"},
        {"ticket_id": "T2", "owner": "甲", "created_at": "2024-06-05 10:00", "resolved_at": "2024-06-10 10:00",
         "current_commitment_at": "2024-06-07 10:00", "escalation_count": 2},
    ])
    con.close()
    return db_file


def texts(elements) -> list[str]:
    return [element.value for element in elements]


@pytest.mark.parametrize("name", ["people_matrix", "people_person", "people_team"])
def test_an_empty_store_says_what_to_do(db_file, name):
    at = page(name).run()
    assert not at.exception
    assert "No people are stored yet" in at.info[0].value
    assert str(db_file) in at.caption[0].value  # where the data live


def test_matrix_flags_single_points_of_failure(team_db):
    at = page("people_matrix").run()
    at.date_input(key="matrix_as_of").set_value(AS_OF).run()
    assert not at.exception
    assert at.title[0].value == "Skills matrix"
    # CS: requirement management, problem discovery, FAQ have one person at the required level;
    # PM has one person, who meets project management only: all six PM competencies.
    assert at.error[0].value.startswith("Single points of failure (9:")
    assert "System technical customer service · Problem discovery" in at.error[0].value   # CS by its name
    coverage = at.dataframe[0].value.set_index("competency")
    assert coverage.loc["Product operation and FAQ writing", ["at_entry", "at_professional", "at_consultant",
                                                              "meeting_required"]].tolist() == [3, 2, 1, 1]
    at.multiselect(key="matrix_role").set_value(["CS"]).run()
    assert at.error[0].value.startswith("Single points of failure (3:")


def test_matrix_filters_who_can_do_what_and_only_gaps(team_db):
    at = page("people_matrix").run()
    at.date_input(key="matrix_as_of").set_value(AS_OF).run()
    at.selectbox(key="matrix_can_do").set_value("communication").run()
    at.select_slider(key="matrix_min_level").set_value(2).run()
    assert not at.exception
    # Communication: A1 and A2 have 2 (Professional), A3 1, P1 0.
    assert at.info[0].value == "2 people have Communication and coordination at 2 Professional or above: 乙、甲"
    at.select_slider(key="matrix_min_level").set_value(3).run()
    assert at.info[0].value == "Nobody has Communication and coordination at 3 Consultant or above."
    assert not at.success  # the notice above says it; no heat map
    at.selectbox(key="matrix_can_do").set_value(None).run()
    at.checkbox(key="matrix_only_gaps").check().run()
    assert not at.exception and not at.info and not at.success  # all four fall short somewhere


def test_matrix_in_chinese(team_db):
    at = page("people_matrix", "zh-TW").run()
    assert not at.exception
    assert at.title[0].value == "人員技能矩陣"
    assert "有效證照 ＞ 主管評核 ＞ 自評" in " ".join(texts(at.caption))


def test_person_page_blueprint_alerts_and_tickets(team_db):
    at = page("people_person").run()
    # The first person in the directory is shown at once; clearing the choice asks for one.
    first = at.multiselect(key="person_ids").value
    assert len(first) == 1 and at.metric
    at.multiselect(key="person_ids").set_value([]).run()
    assert "Choose a person" in at.info[0].value
    at.multiselect(key="person_ids").set_value(["A1"])
    at.date_input(key="person_as_of").set_value(AS_OF).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Completion"] == "33.3%"        # 2 of 6 blueprint items done
    assert metrics["Items done"] == "2 / 6"
    assert metrics["On the job (70%)"] == "94.1%"  # 80 of 85 hours
    assert metrics["Tickets handled"] == "2"
    assert metrics[":red[✕] On-time completion"] == "50.0%"     # T1 on time, T2 late: below 75%
    assert metrics[":green[✓] Mean resolution time"] == "3 d"  # (24 + 120) / 2 = 72 h, within the 14-day target
    blueprint = at.dataframe[0].value
    assert blueprint["title"].tolist()[:2] == ["Project issue handling SOP", "Using project management tools"]
    assert blueprint["status"].tolist()[0] == "Done (2024-03-01)"
    assert blueprint.columns.tolist()[:4] == ["competency", "step", "title", "status"]   # in view before level, mode, hours
    assert at.success[0].value.startswith("No required certificate is missing")


def test_person_page_compares_people_and_says_who_has_no_role(team_db):
    con = store.connect(team_db)
    con.execute("INSERT INTO people VALUES ('N1', '無職務', '客服部', NULL, NULL)")
    con.close()
    at = page("people_person", "zh-TW").run()
    at.multiselect(key="person_ids").set_value(["A3", "P1"]).run()
    assert not at.exception
    assert "丁 的職務不同" in " ".join(texts(at.caption))
    at.selectbox(key="person_focus").set_value("P1").run()
    assert at.subheader[2].value == "丁 的發展藍圖"
    assert "缺少" in at.error[0].value or "失效" in at.error[0].value  # P1's PMP expired
    at.multiselect(key="person_ids").set_value(["N1"]).run()
    assert not at.exception
    assert "無職務 尚未設定職務" in at.warning[0].value


def test_team_page_shortage_training_plan_and_performance(team_db):
    at = page("people_team").run()
    at.date_input(key="team_as_of").set_value(AS_OF).run()
    assert not at.exception
    ranked = at.dataframe[0].value
    # requirement_form (level 1): A2, A3, P1; then level-1 items two people need: sql_basics (A3, P1) first by code.
    assert ranked[["title", "people"]].head(2).values.tolist() == [["Writing requirement forms", 3], ["SQL basics", 2]]
    assert "Training plan: 4 people" in at.markdown[0].value
    assert at.error[0].value == "Required certificates missing or no longer valid: 2"
    performance = at.dataframe[-1].value.set_index("Name")
    assert performance.loc["甲", "Tickets handled"] == "2"
    assert performance.loc["甲", "On-time completion"] == "✕ 50.0%"     # below 75%: red
    assert performance.loc["甲", "Short in (now▼required)"].startswith("Project issue management 0▼2")


def test_team_page_in_chinese_with_a_filter_that_matches_nobody(team_db):
    at = page("people_team", "zh-TW").run()
    at.multiselect(key="team_department").set_value(["專案部"])
    at.multiselect(key="team_role").set_value(["CS"]).run()
    assert not at.exception
    assert at.title[0].value == "團隊缺口與訓練計畫"
    assert "沒有缺口" in at.success[0].value


def test_data_page_upload_preview_rejects_and_import(db_file):
    at = page("people_data").run()
    at.file_uploader[0].set_value(("people-matrix.csv", (FIXTURES / "people-matrix.csv").read_bytes(), "text/csv")).run()
    assert not at.exception
    assert any(m.value.startswith("Recognised as **Skills matrix") for m in at.markdown)
    assert at.warning[0].value == "Rows with problems: 1 (the row, or just the bad cell, is left out)"
    refused = at.dataframe[-1].value
    assert refused.iloc[0].tolist()[1:3] == [3, "產品操作與FAQ撰寫能力"]
    at.button(key="people_upload_import").click().run()
    assert not at.exception
    assert at.success[0].value == ("Imported people-matrix.csv (3 rows imported, 1 with problems): 13 new, 0 changed"
                                   " and 0 unchanged entries in the store.")
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM assessments") == 10
    con.close()
    # Next month's export of the same ratings: other bytes, nothing changed, and the page says so.
    at.file_uploader[0].set_value(("matrix-march.csv", (FIXTURES / "people-matrix.csv").read_bytes() + b"\n",
                                   "text/csv")).run()
    assert at.info[-1].value == "The store already holds every row of this file as it is: nothing to add or change."
    assert not [b for b in at.button if b.key == "people_upload_import"]


def test_data_page_reads_a_matrix_saved_as_opendocument(db_file):
    at = page("people_data").run()
    at.file_uploader[0].set_value(("people-matrix.ods", (FIXTURES / "people-matrix.ods").read_bytes(),
                                   "application/vnd.oasis.opendocument.spreadsheet")).run()
    assert not at.exception
    assert any(m.value.startswith("Recognised as **Skills matrix") for m in at.markdown)
    assert any(c.value.startswith("Encoding ODS, delimiter —, header on row 1") for c in at.caption)
    assert at.warning[0].value == "Rows with problems: 1 (the row, or just the bad cell, is left out)"


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"foo,bar\n1,2\n", "the columns match no people or competency-model layout"),
])
def test_data_page_bad_files_show_a_message(db_file, data, message):
    at = page("people_data").run()
    at.file_uploader[0].set_value(("bad.csv", data, "text/csv")).run()
    assert not at.exception
    assert message in at.error[0].value


def test_data_page_erases_a_person_once_their_id_is_typed(team_db):
    at = page("people_data", "zh-TW").run()
    at.selectbox(key="erase_who_0").set_value("A1")
    at.text_input(key="erase_typed_0").input("A2").run()
    assert at.button(key="erase_0").disabled  # the id typed is someone else's
    at.text_input(key="erase_typed_0").input("A1").run()
    at.button(key="erase_0").click().run()
    assert not at.exception
    con = store.connect(team_db)
    pseudonym = erasure.pseudonym_for(con, "A1")
    assert con.execute("SELECT DISTINCT owner FROM tickets").fetchall() == [(pseudonym,)]
    assert store.scalar(con, "SELECT count(*) FROM people") == 3
    con.close()
    assert at.success[0].value.splitlines() == [
        "- 已刪除 甲（A1）：共 15 筆資料（assessments 7, certificates 4, completed_learning 3, people 1）。",
        f"- 姓名已改為代號「{pseudonym}」：共 2 個值（ticket_versions.owner 2）。",
        "- 資料庫檔已重寫：被刪除的資料不再存在於檔案中。",
        "- 沒有任何原始匯出檔提到此人。",
        "- 資料庫以外的副本（您保留的匯出檔、備份）不在此範圍內。之後再匯入提到此人的檔案，姓名會再次出現。",
    ]
    # A fresh form: nobody chosen, nothing typed.
    assert at.selectbox(key="erase_who_1").options == ["丁 (P1)", "丙 (A3)", "乙 (A2)"]  # by name
    assert at.selectbox(key="erase_who_1").value is None and at.text_input(key="erase_typed_1").value == ""
    at.run()  # the page goes on working on the rewritten file; the result is shown once
    assert not at.exception and not at.success


def test_model_page_imports_model_files_and_sends_people_files_elsewhere(db_file):
    at = page("people_model").run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["Roles", "Competencies", "Role requirements", "Learning items", "Import"]
    assert "The competency model is stored" in at.caption[0].value
    at.file_uploader[0].set_value(("people-matrix.csv", (FIXTURES / "people-matrix.csv").read_bytes(), "text/csv")).run()
    assert "upload it on its own page" in at.error[0].value
    items = "item_id,competency_id,level,title_zh,title_en,delivery_mode,hours\nkb_review,product_faq,3,知識庫審查,KB review,mentoring,6\n"
    at.file_uploader[0].set_value(("items.csv", items.encode(), "text/csv")).run()
    at.button(key="model_upload_import").click().run()
    assert not at.exception
    assert at.success[0].value == ("Imported items.csv (1 rows imported, 0 with problems): 1 new, 0 changed and"
                                   " 0 unchanged entries in the store.")
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT title_en FROM learning_items WHERE item_id = 'kb_review'") == "KB review"
    con.close()


def test_model_page_in_chinese(db_file):
    at = page("people_model", "zh-TW").run()
    assert not at.exception
    assert at.title[0].value == "職能模型"
    assert [tab.label for tab in at.tabs][:2] == ["職務", "能力項目"]


def test_data_page_adds_a_person_and_names_a_missing_field(db_file):
    at = page("people_data").run()
    assert "No people yet" in at.info[0].value
    at.text_input[0].input("E77")
    at.button[0].click().run()                     # no name yet
    assert not at.exception
    assert at.dataframe[-1].value.iloc[0].tolist()[2:] == ["name", "this cell must not be empty"]
    at.text_input[0].input("E77")
    at.text_input[1].input("新同事")
    at.selectbox[0].set_value("CS")
    at.button[0].click().run()
    assert at.success[0].value == "Added 新同事."
    con = store.connect(db_file)
    assert con.execute("SELECT employee_id, name, role_id FROM people").fetchall() == [("E77", "新同事", "CS")]
    con.close()


def test_people_editors_show_role_and_mode_names_not_codes(team_db):
    at = page("people_data", "zh-TW").run()
    assert not at.exception
    editor = next(e for e in at.data_editor if e.key == "people_editor")
    config = json.loads(editor.proto.columns)["role_id"]
    # The drop-down keeps the codes as values and shows the roles' names.
    assert config["type_config"]["options"] == [{"value": "CS", "label": "系統技術客服"},
                                                {"value": "PM", "label": "系統服務PM"}]
    at = page("people_model", "zh-TW").run()
    modes = json.loads(next(e for e in at.data_editor if e.key == "model_learning_items").proto.columns)
    assert [o["label"] for o in modes["delivery_mode"]["type_config"]["options"]][:2] == ["在職實作", "導師指導"]
