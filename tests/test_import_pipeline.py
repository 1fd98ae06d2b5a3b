"""The one import pipeline: a store from before it carries its Planner and people imports over,
and ``kpi import`` recognises every kind of file."""

import shutil
from datetime import date, datetime

import duckdb

from kpi import inbox, store
from kpi.cli import main
from kpi.ingest import batches
from tests.conftest import FIXTURES
from tests.okr_fixtures import okr_workbook_en


def test_an_older_store_carries_its_planner_and_people_imports_over(tmp_path, monkeypatch):
    current, older = store.SCHEMA_DIR, tmp_path / "schema"
    older.mkdir()
    for sql_file in sorted(store.SCHEMA_DIR.glob("*.sql")):
        if sql_file.name < "080":
            shutil.copy(sql_file, older)
    monkeypatch.setattr(store, "SCHEMA_DIR", older)
    con = duckdb.connect()
    store.migrate(con)
    # One ticket batch, two exports of a plan, one people import, as the older code wrote them.
    con.execute("INSERT INTO import_batches (file_name, checksum, profile, source_system, mapping, source_columns,"
                " original_file, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected)"
                " VALUES ('t.csv', 'c0', 'zendesk', 'zendesk', '{}', '[]', 'c0.csv', 1, 1, 0, 0, 0)")
    for number, day, progress in ((1, 20, "in_progress"), (2, 27, "completed")):
        con.execute("INSERT INTO okr_imports (plan_id, file_name, checksum, original_file, header_language,"
                    " header_row, export_date, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected)"
                    " VALUES ('P', ?, ?, ?, 'en', 5, ?, 1, 1, 0, 0, 0)",
                    [f"w{number}.xlsx", f"c{number}", f"c{number}.xlsx", datetime(2026, 10, day)])
        con.execute("INSERT INTO okr_task_snapshots (import_id, plan_id, task_id, source_row, task_name, progress)"
                    " VALUES (?, 'P', 'T1', 6, 'Task', ?)", [number, progress])
    con.execute("INSERT INTO people_imports (file_name, kind, rows_read, rows_imported, rows_rejected)"
                " VALUES ('m.csv', 'matrix', 1, 1, 0)")
    con.execute("INSERT INTO assessments VALUES ('E1', 'communication', 'manager', DATE '2024-03-01', 2, NULL, 1)")

    monkeypatch.setattr(store, "SCHEMA_DIR", current)
    assert store.migrate(con) == ["080_import_pipeline.sql", "081_channel_costs.sql", "082_rows_skipped.sql",
                                  "083_unfinished_batches.sql"]
    assert con.execute("SELECT batch_id, kind, file_name, profile FROM import_batches ORDER BY 1").fetchall() == [
        (1, "tickets", "t.csv", "zendesk"), (2, "planner", "w1.xlsx", "planner"), (3, "planner", "w2.xlsx", "planner"),
        (4, "people", "m.csv", "matrix")]
    assert con.execute("SELECT task_id, progress, batch_id FROM okr_tasks").fetchall() == [("T1", "completed", 3)]
    assert con.execute("SELECT employee_id, batch_id FROM assessments").fetchall() == [("E1", 4)]
    # The later export undone through the one undo: the earlier one is current again.
    batches.undo_rows(con, 3)
    assert con.execute("SELECT progress, batch_id FROM okr_tasks").fetchall() == [("in_progress", 2)]
    # New batches continue the one sequence.
    assert batches.next_batch_id(con) == 5
    con.close()


def test_kpi_import_recognises_every_kind(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    workbook = tmp_path / "okr.xlsx"
    workbook.write_bytes(okr_workbook_en())
    files = [FIXTURES / "week41-2009.csv", FIXTURES / "intervals-genesys.csv", workbook, FIXTURES / "people-matrix.csv"]
    assert main(["import", *map(str, files), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "okr.xlsx (Planner plan '2026 Q4 Company OKR' exported 2026-10-20): 6 rows read, 5 inserted" in out
    assert "people-matrix.csv (people file, matrix; store rows): 3 rows read, 13 inserted, 0 updated" in out
    assert "  rejected: people-matrix.csv, row 3, column '產品操作與FAQ撰寫能力': " in out
    con = store.connect(db)
    assert con.execute("SELECT batch_id, kind FROM import_batches ORDER BY 1").fetchall() == [
        (1, "tickets"), (2, "intervals"), (3, "planner"), (4, "people")]
    assert store.scalar(con, "SELECT count(*) FROM assessments WHERE assessed_on = ?", [date.today()]) == 10
    con.close()


def test_the_inbox_routes_planner_and_people_files(con, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "okr.xlsx").write_bytes(okr_workbook_en())
    shutil.copy(FIXTURES / "people-matrix.csv", folder)
    outcomes = inbox.process(con, folder, settle_seconds=0)
    assert [(o.file, o.outcome, o.batch_id) for o in outcomes] == [("okr.xlsx", "imported", 1),
                                                                   ("people-matrix.csv", "imported", 2)]
    assert con.execute("SELECT kind FROM import_batches ORDER BY batch_id").fetchall() == [("planner",), ("people",)]
    assert sorted(path.name for path in (folder / "done").iterdir()) == ["okr.xlsx", "people-matrix.csv"]
