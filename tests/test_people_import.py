"""People uploads: layouts recognised, rows checked, rejects named, one transaction; exports re-import;
the model editors' replace; the demo people; the CLI."""

from datetime import date

import pandas as pd
import pytest

from kpi import exports, store
from kpi.cli import main
from kpi.demo import DEMO_OWNERS
from kpi.ingest import batches
from kpi.ingest.errors import InputError
from kpi.ingest.reader import read_frame
from kpi.people import demo, imports, records, skills
from tests.conftest import FIXTURES

MATRIX = FIXTURES / "people-matrix.csv"
RATED = imports.ImportDefaults("manager", date(2024, 3, 1))


def plan(con, text: str | bytes, file_name: str = "upload.csv", defaults=RATED) -> imports.ImportPlan:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return imports.plan_import(con, read_frame(data, file_name), defaults)


def rejects(result: imports.ImportPlan) -> list[tuple]:
    return [(r.row, r.column, r.key.removeprefix("people.reject.")) for r in result.rejects]


def stored(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp950"])
def test_wide_matrix_in_utf8_or_big5(con, encoding):
    data = MATRIX.read_text(encoding="utf-8-sig").encode(encoding)
    result = plan(con, data, "matrix.csv")
    assert result.layout.kind == "matrix"
    assert list(result.layout.competency_columns.values()) == [
        "project_issue_mgmt", "communication", "requirement_mgmt", "problem_discovery", "it_fundamentals", "product_faq"]
    # Row 3 (陳小明) has "x" for FAQ; his empty requirement cell is simply not rated.
    assert rejects(result) == [(3, "產品操作與FAQ撰寫能力", "bad_level")]
    assert result.counts() == {"assessments": 6 + 4, "people": 3}
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (3, 3, 1)
    version = store.data_version(con)
    imports.apply_import(con, result)
    assert store.data_version(con) == version + 1
    assert stored(con, "SELECT competency_id, level, source, assessed_on FROM assessments WHERE employee_id = 'E01'"
                       " ORDER BY competency_id") == [
        ("communication", 2, "manager", date(2024, 3, 1)), ("it_fundamentals", 3, "manager", date(2024, 3, 1)),
        ("problem_discovery", 1, "manager", date(2024, 3, 1)), ("product_faq", 3, "manager", date(2024, 3, 1)),
        ("project_issue_mgmt", 2, "manager", date(2024, 3, 1)), ("requirement_mgmt", 1, "manager", date(2024, 3, 1))]
    assert stored(con, "SELECT employee_id, name, role_id FROM people ORDER BY 1") == [
        ("E01", "吳小姐", "CS"), ("E02", "陳小明", "CS"), ("E03", "王大同", "PM")]
    # One batch of the shared pipeline: 10 assessments and 3 people new to the store.
    assert stored(con, "SELECT file_name, kind, profile, encoding, rows_read, rows_inserted, rows_updated, rows_rejected"
                       " FROM import_batches") == [("matrix.csv", "people", "matrix", encoding, 3, 13, 0, 1)]
    original = store.scalar(con, "SELECT original_file FROM import_batches")
    assert (store.originals_dir(con) / original).read_bytes() == data


def test_matrix_rows_name_people_by_name_or_id(con):
    imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    text = ("姓名,員工編號,職務,溝通協調能力\n"
            "吳小姐,,,3\n"           # known name, no id
            "林大華,,,2\n"           # unknown name and no id
            ",E09,,2\n"             # unknown id and no name
            "新人,E10,Boss,1\n"      # unknown role
            "新人,E11,PM,1\n")       # a new person
    result = plan(con, text)
    assert rejects(result) == [(3, "姓名", "unknown_name"), (4, "員工編號", "unknown_employee"), (5, "職務", "unknown_role")]
    assert result.tables["assessments"]["employee_id"].tolist() == ["E01", "E11"]
    assert result.tables["people"].to_dict("records") == [
        {"employee_id": "E11", "name": "新人", "department": None, "role_id": "PM", "manager": None}]


def test_two_people_with_one_name_need_an_id(con):
    con.execute("INSERT INTO people VALUES ('E1', '吳小姐', NULL, 'CS', NULL), ('E2', '吳小姐', NULL, 'CS', NULL)")
    result = plan(con, "姓名,溝通協調能力\n吳小姐,2\n")
    assert rejects(result) == [(2, "姓名", "ambiguous_name")]
    assert result.rejects[0].reason_in("en") == "2 people are called '吳小姐': use the employee id to tell them apart"


def test_long_assessments_with_their_own_source_and_date(con):
    imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    text = ("員工編號,能力,等級,來源,評核日期,備註\n"
            "E01,溝通協調能力,顧問,self,2024年 5月 2日,自評偏高\n"
            "E01,IT fundamentals,1,主管評核,2024年 5月 3日,\n"
            "E02,communication,2,certificate,2024年 5月 3日,\n"     # certificates have their own file
            "E02,Negotiation,2,self,2024年 5月 3日,\n"              # no such competency
            "E02,product_faq,4,self,2024年 5月 3日,\n")             # no level 4
    result = plan(con, text)
    assert result.layout.kind == "assessments"
    assert rejects(result) == [(4, "來源", "certificate_source"), (5, "能力", "unknown_competency"), (6, "等級", "bad_level")]
    imports.apply_import(con, result)
    assert stored(con, "SELECT competency_id, source, assessed_on, level, note FROM assessments"
                       " WHERE employee_id = 'E01' AND assessed_on > '2024-03-01' ORDER BY 1") == [
        ("communication", "self", date(2024, 5, 2), 3, "自評偏高"), ("it_fundamentals", "manager", date(2024, 5, 3), 1, None)]


def test_a_re_upload_of_the_same_day_corrects_instead_of_duplicating(con):
    imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    imports.apply_import(con, plan(con, "員工編號,溝通協調能力\nE01,1\n"))
    assert stored(con, "SELECT level FROM assessments WHERE employee_id = 'E01' AND competency_id = 'communication'") == [(1,)]


def test_certificates_and_completed_learning(con):
    imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    certificates = plan(con, "employee_id,certificate_name,issuer,competency_id,level,issued_on,expires_on\n"
                             "E01,MCSA,Microsoft,it_fundamentals,2,2023-01-15,2026-01-15\n"
                             "E02,PMP,PMI,project_mgmt,3,2024-01-01,2023-01-01\n"   # expires before it is issued
                             "E02,ITIL,Axelos,it_fundamentals,0,2024-01-01,\n")     # a certificate proves ≥ 1
    assert certificates.layout.kind == "certificates"
    assert rejects(certificates) == [(3, "expires_on", "expires_before_issue"), (4, "level", "bad_level")]
    imports.apply_import(con, certificates)
    assert skills.current_levels(con, date(2024, 6, 1)).set_index(["employee_id", "competency_id"]).loc[
        ("E01", "it_fundamentals"), "source"] == "certificate"
    learning = plan(con, "員工編號,學習項目,完成日期\n"
                         "E01,SQL基礎,2024/02/01\n"          # by title
                         "E01,qbq,2024/02/02\n"              # by code
                         "E02,Underwater basket weaving,2024/02/03\n"
                         "E02,qbq,someday\n")
    assert learning.layout.kind == "learning"
    assert rejects(learning) == [(4, "學習項目", "unknown_item"), (5, "完成日期", "bad_date")]
    assert learning.tables["completed_learning"]["item_id"].tolist() == ["sql_basics", "qbq"]


def test_people_list_updates_only_what_it_names(con):
    con.execute("INSERT INTO people VALUES ('E01', '吳小姐', '舊部門', 'CS', '王經理')")
    result = plan(con, "employee_id,name,department\nE01,吳小姐,新部門\nE02,陳小明,新部門\n,無編號,新部門\n")
    assert result.layout.kind == "people"
    assert rejects(result) == [(4, "employee_id", "empty")]
    imports.apply_import(con, result)
    assert stored(con, "SELECT * FROM people ORDER BY 1") == [
        ("E01", "吳小姐", "新部門", "CS", "王經理"), ("E02", "陳小明", "新部門", None, None)]
    imports.apply_import(con, plan(con, "employee_id,name,manager\nE01,吳小姐,\n"))  # an empty cell clears
    assert stored(con, "SELECT manager, department FROM people WHERE employee_id = 'E01'") == [(None, "新部門")]
    imports.apply_import(con, plan(con, "employee_id,溝通協調能力,manager\nE02,2,\n"))  # a matrix leaves it
    assert stored(con, "SELECT department FROM people WHERE employee_id = 'E02'") == [("新部門",)]


def test_unknown_layout_and_unreadable_files(con):
    with pytest.raises(InputError) as err:
        plan(con, "foo,bar\n1,2\n")
    assert err.value.key == "people.reject.unknown_layout"
    with pytest.raises(InputError) as err:
        plan(con, "")
    assert err.value.key == "ingest.empty"


def test_matrix_export_reimports_as_the_same_levels_csv_and_xlsx(con):
    imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    before = skills.current_levels(con, date(2024, 6, 1))
    exported = records.matrix_export(con, date(2024, 6, 1), "en")
    assert exported.columns[:4].tolist() == ["employee_id", "name", "department", "role_id"]
    assert exported.set_index("employee_id").loc["E03"].iloc[3:].isna().all()  # nobody rated E03: empty, not 0
    for data, name in ((exports.csv_bytes(exported), "m.csv"), (exports.xlsx_bytes(exported), "m.xlsx")):
        again = plan(con, data, name)
        assert (again.layout.kind, again.rejects) == ("matrix", [])
        assert len(again.tables["assessments"]) == len(before)


def test_table_exports_leave_notes_out_unless_asked(con):
    imports.apply_import(con, plan(con, "員工編號,姓名,能力,等級,備註\nE01,吳小姐,problem_discovery,1,私人備註\n"))
    assert "note" not in records.table_export(con, "assessments").columns
    assert records.table_export(con, "assessments", include_notes=True)["note"].tolist() == ["私人備註"]


def test_an_import_that_would_break_a_reference_stores_nothing(con):
    imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    competencies = records.table_export(con, "competencies")
    edited = competencies[competencies["competency_id"] != "communication"]
    result = imports.plan_import(con, imports.source_from_frame(edited, "editor"))
    assert result.layout.kind == "competencies" and not result.rejects
    with pytest.raises(InputError) as err:
        imports.apply_import(con, result, replace=True)
    assert err.value.key == "people.reject.in_use.role_requirements"
    assert err.value.values == {"codes": "communication"}
    assert stored(con, "SELECT count(*) FROM competencies") == [(9,)]
    assert stored(con, "SELECT count(*) FROM import_batches") == [(1,)]  # the failed one was rolled back


def test_model_editor_replaces_a_table(con):
    requirements = records.table_export(con, "role_requirements")
    edited = requirements.assign(required_level=requirements["required_level"].where(
        requirements["competency_id"] != "product_faq", 2))
    edited = edited[edited["competency_id"] != "problem_discovery"]
    result = imports.plan_import(con, imports.source_from_frame(edited, "editor"))
    imports.apply_import(con, result, replace=True)
    cs = stored(con, "SELECT competency_id, required_level FROM role_requirements WHERE role_id = 'CS' ORDER BY axis_order")
    assert cs == [("project_issue_mgmt", 2), ("communication", 2), ("requirement_mgmt", 1), ("it_fundamentals", 2),
                  ("product_faq", 2)]


def ratings(con) -> list[tuple]:
    return stored(con, "SELECT employee_id, competency_id, level FROM assessments ORDER BY 1, 2")


MATRIX_RATINGS = [  # people-matrix.csv as imported on 2024-03-01 (row 3's FAQ cell is refused)
    ("E01", "communication", 2), ("E01", "it_fundamentals", 3), ("E01", "problem_discovery", 1),
    ("E01", "product_faq", 3), ("E01", "project_issue_mgmt", 2), ("E01", "requirement_mgmt", 1),
    ("E02", "communication", 1), ("E02", "it_fundamentals", 2), ("E02", "problem_discovery", 2),
    ("E02", "project_issue_mgmt", 1)]


def test_undo_puts_back_what_a_people_file_replaced(con):
    first = imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    assert ratings(con) == MATRIX_RATINGS
    correction = imports.apply_import(con, plan(con, "員工編號,溝通協調能力\nE01,1\n", "fix.csv"))
    assert ratings(con)[0] == ("E01", "communication", 1)
    assert con.execute("SELECT kind, rows_inserted, rows_updated FROM import_batches WHERE batch_id = ?",
                       [correction]).fetchall() == [("people", 0, 1)]
    assert batches.undo_batch(con, correction) == 1
    assert ratings(con) == MATRIX_RATINGS
    assert stored(con, "SELECT count(*) FROM people") == [(3,)]
    assert batches.undo_batch(con, first) == 13
    assert ratings(con) == [] and stored(con, "SELECT count(*) FROM people") == [(0,)]


def test_a_re_export_says_which_ratings_changed_and_which_are_as_stored(con):
    # HR exports the matrix again each month: the same ten ratings are unchanged, not updated;
    # one rating raised is the one update. The file's bytes differ each time (a line end added).
    # A re-export that changes nothing gets no batch (as a ticket export would not), but says so.
    first = imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    march = plan(con, MATRIX.read_bytes() + b"\n", "matrix-march.csv")
    assert imports.stored_as_is(con, march) and imports.apply_import(con, march) is None
    again = imports.report(con, march, None)
    assert (again.inserted, again.updated, again.unchanged, again.kept_nothing) == (0, 0, 10, False)
    raised = MATRIX.read_text(encoding="utf-8-sig").replace("E02,陳小明,總經理室-測試環境,CS,1,", "E02,陳小明,總經理室-測試環境,CS,2,")
    assert not imports.stored_as_is(con, plan(con, raised, "matrix-april.csv"))
    one_raised = imports.apply_import(con, plan(con, raised, "matrix-april.csv"))
    counts = "SELECT rows_inserted, rows_updated, rows_unchanged FROM import_batches WHERE batch_id = ?"
    assert [stored(con, counts.replace("?", str(b))) for b in (first, one_raised)] == [[(13, 0, 0)], [(0, 1, 9)]]
    assert stored(con, "SELECT count(*) FROM import_batches") == [(2,)]
    report = imports.report(con, plan(con, raised, "matrix-april.csv"), one_raised)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 9)
    assert batches.undo_batch(con, one_raised) == 10
    assert ratings(con) == MATRIX_RATINGS


def test_undo_in_any_order_ends_as_importing_only_the_others(con):
    first = imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    correction = imports.apply_import(con, plan(con, "員工編號,溝通協調能力\nE01,1\n", "fix.csv"))
    batches.undo_batch(con, first)
    # The correction's rating stays; everything else the matrix brought (people too) is gone.
    assert ratings(con) == [("E01", "communication", 1)]
    assert stored(con, "SELECT count(*) FROM people") == [(0,)]
    batches.undo_batch(con, correction)  # what it replaced was the matrix's rating, itself undone
    assert ratings(con) == []


def test_undo_of_a_model_editor_save_restores_the_table(con):
    before = stored(con, "SELECT * FROM role_requirements ORDER BY role_id, competency_id")
    requirements = records.table_export(con, "role_requirements")
    edited = requirements[requirements["competency_id"] != "problem_discovery"]
    batch = imports.apply_import(con, imports.plan_import(con, imports.source_from_frame(edited, "editor")),
                                 replace=True)
    assert len(stored(con, "SELECT * FROM role_requirements")) == 11  # of 12: only CS requires it
    batches.undo_batch(con, batch)
    assert stored(con, "SELECT * FROM role_requirements ORDER BY role_id, competency_id") == before


def test_the_same_people_file_twice_is_already_imported(con):
    first = imports.apply_import(con, plan(con, MATRIX.read_bytes()))
    again = plan(con, MATRIX.read_bytes(), "copy.csv")
    assert again.already_imported == first
    assert imports.apply_import(con, again) is None
    assert stored(con, "SELECT count(*) FROM import_batches") == [(1,)]


def test_learning_items_file_with_words_for_level_and_mode(con):
    result = plan(con, "item_id,competency_id,level,title_zh,delivery_mode,hours\n"
                       "kb_review,product_faq,顧問,知識庫審查,導師指導,6\n"
                       "bad,product_faq,2,壞的,podcast,1\n")
    assert result.layout.kind == "learning_items"
    assert rejects(result) == [(3, "delivery_mode", "bad_mode")]
    assert result.tables["learning_items"].iloc[0].to_dict() == {
        "item_id": "kb_review", "competency_id": "product_faq", "level": 3, "title_zh": "知識庫審查",
        "title_en": "知識庫審查", "delivery_mode": "mentoring", "hours": 6.0}


def test_demo_people_are_the_ticket_owners_and_import_cleanly(con, tmp_path):
    first = demo.demo_tables(con)
    assert all(first[name].equals(frame) for name, frame in demo.demo_tables(con).items())  # same every time
    people = first["people.csv"]
    assert len(people) == 40
    assert {name for name, _ in DEMO_OWNERS} <= set(people["name"])
    summaries = demo.load_demo_people(con, tmp_path)
    assert all(line.endswith("0 refused") for line in summaries)
    assert stored(con, "SELECT count(*) FROM people") == [(40,)]


def test_cli_imports_files_and_reports_rejects(db_file, capsys, tmp_path):
    assert main(["people", "import", str(MATRIX), "--source", "self", "--date", "2024-02-01"]) == 1  # one row refused
    out = capsys.readouterr().out
    assert "people-matrix.csv, row 3, column '產品操作與FAQ撰寫能力'" in out
    assert "matrix, 3 rows read, 3 imported, 1 refused\n" in out
    again = tmp_path / "matrix-march.csv"
    again.write_bytes(MATRIX.read_bytes() + b"\n")
    assert main(["people", "import", str(MATRIX), str(again), "--source", "self", "--date", "2024-02-01"]) == 1
    out = capsys.readouterr().out
    assert "people-matrix.csv: matrix, 3 rows read, 2 imported, 1 refused; identical to batch 1, already imported," \
           " nothing changed\n" in out
    assert "matrix-march.csv: matrix, 3 rows read, 2 imported, 1 refused; the store holds every row as it is," \
           " nothing changed\n" in out
    con = store.connect(db_file)
    assert stored(con, "SELECT DISTINCT source, assessed_on FROM assessments") == [("self", date(2024, 2, 1))]
    con.close()
    assert main(["people", "import", str(FIXTURES / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_row_with_a_stray_delimiter_is_refused_whole(con):
    result = plan(con, "employee_id,name\nE01,甲\nE02,乙,extra\n")
    assert rejects(result) == [(3, None, "ingest.wrong_width")]
    assert (result.rows_read, result.rows_accepted) == (2, 1)

