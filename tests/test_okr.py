"""Planner import (both languages, re-import, undo), the OKR tree's scores and flags, the CLI JSON."""

import json
from datetime import date, datetime

import pytest

from kpi import store
from kpi.ingest import batches
from kpi.ingest.errors import InputError
from kpi.cli import main
from kpi.okr import planner, tree
from kpi.okr.workbook import planner_workbook
from tests.okr_fixtures import okr_tasks_en, okr_workbook_en, okr_workbook_zh

Q4 = tree.period("2026-Q4")


def imported(con, data: bytes, name: str) -> int:
    return planner.commit(con, planner.read_export(con, data, name))


def test_english_export_block_header_and_rejects(con):
    preview = planner.read_export(con, okr_workbook_en(), "okr.xlsx")
    assert (preview.language, preview.header_row) == ("en", 5)  # block rows 1-3, blank row 4
    assert (preview.plan_id, preview.plan_name, preview.export_date) == ("PLAN-A", "2026 Q4 Company OKR",
                                                                         datetime(2026, 10, 20))
    assert (preview.rows_read, preview.to_insert, preview.to_update, preview.rejected) == (6, 5, 0, 1)
    reject = preview.rejects[0]
    assert (reject.file, reject.row, reject.column) == ("okr.xlsx", 11, "Progress")
    assert reject.reason == "progress 'Blocked' is not Not started / In progress / Completed"
    c1 = preview.tasks.set_index("task_id").loc["C1"]
    assert (c1.checklist_done, c1.checklist_total, c1.due_on) == (1, 3, date(2026, 12, 31))


def test_zh_tw_export_is_recognised(con):
    preview = planner.read_export(con, okr_workbook_zh(), "部門.xlsx")
    assert (preview.language, preview.plan_id, preview.export_date) == ("zh-TW", "PLAN-B", datetime(2026, 10, 21))
    assert preview.tasks.set_index("task_id").loc["K4", "progress"] == "completed"
    assert preview.tasks.set_index("task_id").loc["K4", "completed_on"] == date(2026, 11, 2)
    assert preview.rejected == 0


def test_other_files_are_not_planner_exports():
    assert not planner.is_planner_export(b"Task,Owner\n1,Amy\n", "tasks.csv")
    assert planner.is_planner_export(okr_workbook_zh(), "x.xlsx")


def test_later_export_updates_by_task_id_keeps_history_and_undo_restores(con):
    first = imported(con, okr_workbook_en(), "week1.xlsx")
    tasks = okr_tasks_en()[:5]
    tasks[0] = {**tasks[0], "progress": "completed", "checklist_done": 3}
    tasks.append(dict(task_id="C3", task_name="New objective", bucket="Company", progress="not_started"))
    data = okr_workbook_en(datetime(2026, 11, 20), tasks)
    later_preview = planner.read_export(con, data, "week5.xlsx")
    assert (later_preview.to_insert, later_preview.to_update, later_preview.unchanged) == (1, 1, 4)
    later = planner.commit(con, later_preview)
    assert store.scalar(con, "SELECT progress FROM okr_tasks WHERE task_id = 'C1'") == "completed"
    history = con.execute("SELECT i.export_date, s.progress FROM okr_task_snapshots s JOIN okr_exports i"
                          " USING (batch_id) WHERE task_id = 'C1' ORDER BY 1").fetchall()
    assert history == [(datetime(2026, 10, 20), "in_progress"), (datetime(2026, 11, 20), "completed")]
    assert planner.read_export(con, data, "again.xlsx").already_imported == later
    # Both exports are batches of the one pipeline, with their counts and originals.
    assert con.execute("SELECT batch_id, kind, file_name, rows_read, rows_inserted, rows_updated, rows_unchanged,"
                       " rows_rejected FROM import_batches ORDER BY 1").fetchall() == [
        (first, "planner", "week1.xlsx", 6, 5, 0, 0, 1), (later, "planner", "week5.xlsx", 6, 1, 1, 4, 0)]
    originals = [name for (name,) in con.execute("SELECT original_file FROM import_batches ORDER BY batch_id").fetchall()]
    assert (store.originals_dir(con) / originals[1]).read_bytes() == data
    assert batches.undo_batch(con, later) == 6
    assert con.execute("SELECT task_id, progress, checklist_done FROM okr_tasks ORDER BY 1").fetchall() == [
        ("C1", "in_progress", 1), ("C2", "in_progress", 0), ("D1", "in_progress", 0), ("D2", "not_started", 1),
        ("P1", "in_progress", 3)]
    assert not (store.originals_dir(con) / originals[1]).exists()
    with pytest.raises(InputError):
        batches.undo_batch(con, later)
    assert first == 1
    # Undoing the earlier batch while the later one is in force leaves the later one's tasks.
    again = imported(con, data, "week5-again.xlsx")
    batches.undo_batch(con, first)
    assert store.scalar(con, "SELECT count(*) FROM okr_tasks WHERE batch_id = ?", [again]) == 6


@pytest.mark.parametrize(("text", "score"), [
    ("Renewal rate 70%", 0.7), ("Upsell 6/10", 0.6), ("New customers 12 → 0.6", 0.6), ("Reopen rate", None),
    ("Backlog under 50 by 2026/12/15 0.3", 0.3), ("Target 90% — now 0.45", 0.45), ("120%", 1.0),
    ("by 2026-12-31", None),
])
def test_score_written_in_a_key_result(text, score):
    assert tree.score_in(text) == score


def test_tree_convention_a_scores_flags_and_alignment(con):
    imported(con, okr_workbook_en(), "okr.xlsx")
    by_id = {o.task_id: o for o in tree.build_tree(con, Q4, date(2026, 12, 1))}
    assert [(o.tier, o.owner) for o in by_id.values()] == [
        ("company", "Company"), ("company", "Company"), ("department", "Customer Service Dept"),
        ("department", "Customer Service Dept"), ("person", "Amy Chen")]
    # C1: (0.6 + 0.7 + 0.6) / 3; C2: (0.95 + 0.9 + 0.95) / 3
    assert by_id["C1"].score == pytest.approx(1.9 / 3) and by_id["C1"].status == "best"
    assert by_id["C2"].score == pytest.approx(2.8 / 3) and by_id["C2"].status == "target_too_low"
    # D1: the two KRs with a number, (0.2 + 0.3) / 2; 61 of 92 days gone is not yet late
    assert by_id["D1"].score == pytest.approx(0.25) and by_id["D1"].status == "normal"
    assert by_id["D1"].aligned_to == ["C2"] and by_id["D1"].flags == []
    assert [kr.flags for kr in by_id["D1"].key_results] == [[], [], ["no_number"], ["no_number"]]
    assert by_id["D2"].flags == ["too_few_krs", "not_aligned"]
    assert [kr.flags for kr in by_id["D2"].key_results] == [["no_date"], ["no_number", "no_date"]]
    # P1: no KR has a number, so the checklist completion 3/6; aligned by naming C2 in its description
    assert by_id["P1"].score == pytest.approx(0.5) and by_id["P1"].aligned_to == ["C2"]
    assert by_id["P1"].flags == ["too_many_krs"]
    late = {o.task_id: o.status for o in tree.build_tree(con, Q4, date(2026, 12, 10))}  # 70/92 > 2/3
    assert late["D1"] == "at_risk" and late["D2"] == "normal"


def test_tree_convention_b_in_zh_tw(con):
    imported(con, okr_workbook_zh(), "部門.xlsx")
    tree.set_convention(con, "PLAN-B", "B", "okr")
    company, department = tree.build_tree(con, Q4, date(2026, 11, 1))
    assert (company.name, company.tier, company.owner) == ("營收成長", "company", "公司")
    # K1 0.5, K2 0.8, K3 checklist 2/4
    assert [kr.score for kr in company.key_results] == [0.5, 0.8, 0.5]
    assert company.key_results[2].score_from == "checklist"
    assert company.key_results[2].flags == ["no_number", "no_date"]
    assert company.score == pytest.approx(0.6) and company.status == "best" and company.flags == []
    assert (department.name, department.tier, department.score) == ("顧客滿意", "department", 0.95)
    assert department.aligned_to == ["K1"] and department.flags == ["too_few_krs"]


def test_bucket_mapping_is_editable(con):
    imported(con, okr_workbook_en(), "okr.xlsx")
    mapping = tree.bucket_mapping(con, "PLAN-A")
    assert mapping.values.tolist() == [["Company", "company", "Company"],
                                       ["Customer Service Dept", "department", "Customer Service Dept"],
                                       ["Amy Chen", "person", "Amy Chen"]]
    mapping.loc[2, "owner"] = "陳雅婷"
    tree.save_bucket_mapping(con, "PLAN-A", mapping)
    assert tree.bucket_mapping(con, "PLAN-A").loc[2, "owner"] == "陳雅婷"


def test_periods():
    assert (Q4.start, Q4.end) == (date(2026, 10, 1), date(2027, 1, 1))
    assert (tree.period("2026-H1").end, tree.period("2026").end) == (date(2026, 7, 1), date(2027, 1, 1))
    with pytest.raises(ValueError):
        tree.period("2026-Q5")


def test_cli_import_routes_planner_workbook_and_prints_json(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    workbook = tmp_path / "okr.xlsx"
    workbook.write_bytes(okr_workbook_en())
    assert main(["import", str(workbook), "--db", db]) == 0
    assert "6 rows read, 5 inserted, 0 updated, 0 unchanged, 0 superseded, 1 rejected (batch 1)" in capsys.readouterr().out
    assert main(["okr", "--db", db, "--period", "2026-Q4", "--as-of", "2026-12-01", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["period"], printed["as_of"]) == ("2026-Q4", "2026-12-01")
    first = printed["objectives"][0]
    assert list(first) == ["objective", "task_id", "plan", "bucket", "tier", "owner", "score", "status", "flags",
                           "aligned_to", "key_results"]
    assert (first["objective"], first["score"], first["status"]) == ("Grow recurring revenue", 0.633, "best")
    assert first["key_results"][1] == {"key_result": "Renewal rate 70%", "score": 0.7, "score_from": "number",
                                       "due": "2026-12-31", "flags": []}
    assert main(["okr", "--db", db, "--period", "2026-Q9"]) == 2
    capsys.readouterr()
    # Without --period, the quarter of --as-of, as the page opens on today's.
    assert main(["okr", "--db", db, "--as-of", "2026-11-15", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["objectives"][0]["objective"] == "Grow recurring revenue"
    assert main(["okr", "--db", db, "--as-of", "2027-01-05", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2027-Q1"


def test_empty_plan_is_refused(con):
    data = planner_workbook("Empty", "E", datetime(2026, 10, 1), [], "en")
    with pytest.raises(Exception, match="no data rows"):
        planner.read_export(con, data, "empty.xlsx")
