"""Erasing a person: gone from the database file's bytes, a stable pseudonym on their tickets,
the weekly figures unchanged in shape, and the original exports that still name them listed."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from kpi import demo, demo_cli, store
from kpi.cli import main
from kpi.ingest import importer
from kpi.ingest.errors import InputError
from kpi.people import erasure
from kpi.service import report
from kpi.service.periods import Period
from kpi.service.report import ServiceQuery
from tests.conftest import NO_DATABASE_HINT
from tests.people_team import seed_team
from tests.service_tickets import insert_tickets

NAME, EMPLOYEE_ID = "陳怡君", "E1001"  # a demo ticket owner, in the demo people as E1001
NOTE = "右膝手術後復健中，暫停外勤"  # a health note: the kind of text erasure exists for
PSEUDONYM = re.compile(r"已刪除人員-[0-9A-F]{6}")
QUARTER = Period("range", datetime(2026, 8, 24), datetime(2026, 11, 23))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    """The demo (2,000 requests in four quarterly exports, and the 40 demo people), with a note."""
    folder = tmp_path_factory.mktemp("demo_store")
    path = folder / "store.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "DEMO_REQUESTS", 2_000)
        patch.setattr(demo_cli, "DEMO_DIR", folder / "demo")
        assert main(["demo", "--db", str(path)]) == 0
    con = store.connect(path)
    con.execute("UPDATE assessments SET note = ? WHERE employee_id = ? AND competency_id = 'communication'",
                [NOTE, EMPLOYEE_ID])
    con.close()
    return path


@pytest.fixture
def demo_copy(demo_store, tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(demo_store, path)
    shutil.copytree(demo_store.with_suffix(".originals"), path.with_suffix(".originals"))
    return path


def raw_bytes(path: Path) -> bytes:
    """The database file and whatever else DuckDB keeps beside it (its WAL), as stored on disk."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")) if p.is_file())


def weekly_by_owner(path: Path) -> pd.DataFrame:
    con = store.connect(path)
    table = report.weekly_report(con, QUARTER, ServiceQuery(by="owner"))
    con.close()
    return table


def test_erased_person_is_gone_from_the_file_bytes_and_tickets_carry_the_pseudonym(demo_copy, capsys):
    needles = [NAME.encode(), EMPLOYEE_ID.encode(), NOTE.encode()]
    # The scan can see them before: DuckDB keeps short strings verbatim.
    assert all(needle in raw_bytes(demo_copy) for needle in needles)
    con = store.connect(demo_copy)
    versions, tickets = store.first_row(
        con, "SELECT count(*), count(DISTINCT ticket_id) FROM ticket_versions WHERE owner = ?", [NAME])
    rows = {table: store.scalar(con, f"SELECT count(*) FROM {table} WHERE employee_id = ?", [EMPLOYEE_ID])
            for table in ("assessments", "certificates", "completed_learning", "demo_people", "people")}
    con.close()
    before = weekly_by_owner(demo_copy)
    assert versions > tickets > 0 and rows["people"] == 1  # open tickets repeat in later exports
    assert rows["demo_people"] == 1  # a demo person: their place in the demo list goes with them

    assert main(["people", "erase", EMPLOYEE_ID, "--db", str(demo_copy)]) == 0

    after_bytes = raw_bytes(demo_copy)
    assert [needle in after_bytes for needle in needles] == [False, False, False]
    assert sorted(p.name for p in demo_copy.parent.iterdir()) == ["store.duckdb", "store.originals"]
    con = store.connect(demo_copy)
    pseudonym = erasure.pseudonym_for(con, EMPLOYEE_ID)
    assert PSEUDONYM.fullmatch(pseudonym)
    assert store.first_row(con, "SELECT count(*), count(DISTINCT ticket_id) FROM ticket_versions WHERE owner = ?",
                           [pseudonym]) == (versions, tickets)
    assert store.scalar(con, "SELECT count(*) FROM people") == 39
    con.close()

    out = capsys.readouterr().out.splitlines()
    # The demo people files wrote each of her rows once; what they replaced (nothing) is kept for undo.
    replaced = rows["assessments"] + rows["certificates"] + rows["completed_learning"] + 1
    assert out[0] == (f"Erased {NAME} ({EMPLOYEE_ID}): {sum(rows.values()) + 1 + replaced} rows deleted (assessments "
                      f"{rows['assessments']}, certificates {rows['certificates']}, completed_learning "
                      f"{rows['completed_learning']}, demo_people 1, people 1, people_checkin_groups 1, "
                      f"batch_replaced_rows {replaced}).")
    # The demo Planner plans name her too: as assignee of her weekly tasks in every export, and her OKR bucket.
    assert out[1] == (f"Their name is now the pseudonym “{pseudonym}” in {versions + 825} values "
                      f"(okr_task_snapshots.assigned_to 821, okr_task_snapshots.bucket 2, okr_task_snapshots.task_name 2, "
                      f"ticket_versions.owner {versions}).")
    assert out[2] == "The database file was rewritten: the erased values are no longer in it."
    # Every quarterly ticket export (batches 1-4), the four demo people files (5-8) and the 41 Planner
    # exports (11-51) name them; the two interval reports (9, 10) do not. All are listed, with their paths.
    listed = ", ".join(str(batch) for batch in [*range(1, 9), *range(11, 52)])
    assert out[3] == (f"49 original export files still mention them (batches {listed}): "
                      "the name stays in those files until they are deleted.")
    assert len(out) == 5 + 49 and all(Path(line.strip()).is_file() for line in out[5:])

    # The weekly report by owner: the same rows and figures, the pseudonym where the name was.
    after = weekly_by_owner(demo_copy)
    expected = before.replace({"group": {NAME: pseudonym}})
    assert len(after) == len(before) and NAME in set(before["group"]) and pseudonym in set(after["group"])
    pd.testing.assert_frame_equal(after.sort_values(["is_total", "group"]).reset_index(drop=True),
                                  expected.sort_values(["is_total", "group"]).reset_index(drop=True))


def test_the_rewritten_store_keeps_its_schema_and_sequences(demo_copy):
    def schema(path: Path) -> dict:
        con = store.connect(path)
        shape = {
            "columns": con.execute("""SELECT table_name, column_name, data_type, column_default, is_nullable
                                      FROM duckdb_columns() ORDER BY ALL""").fetchall(),
            "constraints": con.execute("SELECT table_name, constraint_text FROM duckdb_constraints() ORDER BY ALL").fetchall(),
            "views": con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY ALL").fetchall(),
            "sequences": con.execute("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY ALL").fetchall(),
            "migrations": con.execute("SELECT name FROM schema_migrations ORDER BY ALL").fetchall(),
        }
        con.close()
        return shape

    before = schema(demo_copy)
    store.compact(demo_copy)
    assert schema(demo_copy) == before
    # 6 ticket and interval batches, 41 Planner exports and 4 people files, all batches of one sequence.
    assert dict(before["sequences"]) == {"import_batch_seq": 6 + 41 + 4, "roi_scenario_seq": 1,
                                         "inbox_log_seq": None, "sla_policy_id_seq": None}


def test_pseudonym_is_stable_in_a_store_and_keyed_by_it(tmp_path):
    first, second = store.connect(tmp_path / "a.duckdb"), store.connect(tmp_path / "b.duckdb")
    assert erasure.pseudonym_for(first, "E1") == erasure.pseudonym_for(first, "E1")
    assert erasure.pseudonym_for(first, "E1") != erasure.pseudonym_for(first, "E2")
    # Another store draws another secret: the pseudonym cannot be recomputed without the store's key.
    assert erasure.pseudonym_for(first, "E1") != erasure.pseudonym_for(second, "E1")


def test_the_name_goes_from_every_table_and_a_namesake_keeps_theirs(db_file):
    con = store.connect(db_file)
    seed_team(con)
    con.execute("INSERT INTO people VALUES ('B9', '甲乙', '客服部', 'CS', '甲'), ('A9', '甲', '客服部', NULL, NULL)")
    con.execute("UPDATE people SET name = '吳小姐' WHERE employee_id = 'A1'")
    con.execute("UPDATE people SET manager = '吳小姐' WHERE employee_id IN ('A2', 'A3')")
    con.execute("UPDATE assessments SET note = '吳小姐 (A1) 代理；A10 不是她' WHERE employee_id = 'A2' "
                "AND competency_id = 'communication'")
    insert_tickets(con, [
        {"ticket_id": "T1", "owner": "吳小姐", "subject": "請吳小姐回電", "created_at": "2024-06-01 09:00"},
        {"ticket_id": "T2", "owner": "甲乙", "created_at": "2024-06-02 09:00"},
    ])
    con.execute("""INSERT INTO import_batches (file_name, checksum, profile, source_system, mapping, defaults,
                       source_columns, original_file, rows_read, rows_inserted, rows_updated, rows_unchanged,
                       rows_rejected)
                   VALUES ('吳小姐的匯出.csv', 'x', 'p', 's', '{"owner": "負責人"}', ?, '["負責人"]', 'x.csv',
                           1, 1, 0, 0, 0)""", [json.dumps({"owner": "吳小姐"}, ensure_ascii=False)])
    con.execute("INSERT INTO mapping_profiles (name, header_key, mapping, defaults) VALUES ('p', 'k', '{}', ?)",
                [json.dumps({"owner": "吳小姐", "department": "A1"}, ensure_ascii=False)])
    con.close()

    result = erasure.erase_person(str(db_file), "A1")

    con = store.connect(db_file)
    p = erasure.pseudonym_for(con, "A1")
    assert result.pseudonym == p and result.namesakes == () and result.compacted
    assert result.rows_deleted == {"assessments": 7, "certificates": 4, "completed_learning": 3, "demo_people": 0,
                                   "people": 1, "people_checkin_groups": 0, "batch_replaced_rows": 0}
    assert result.values_replaced == {"assessments.note": 1, "import_batches.defaults": 1,
                                      "import_batches.file_name": 1, "mapping_profiles.defaults": 1,
                                      "people.manager": 2, "ticket_versions.owner": 1,
                                      "ticket_versions.subject": 1}
    assert con.execute("SELECT employee_id, manager FROM people ORDER BY 1").fetchall() == [
        ("A2", p), ("A3", p), ("A9", None), ("B9", "甲"), ("P1", None)]
    # The id goes from free text as a whole word only: A10 is somebody else.
    assert store.scalar(con, "SELECT string_agg(note) FROM assessments WHERE employee_id = 'A2'") == f"{p} ({p}) 代理；A10 不是她"
    assert con.execute("SELECT owner, subject FROM ticket_versions ORDER BY ticket_id").fetchall() == [
        (p, f"請{p}回電"), ("甲乙", None)]
    assert store.first_row(con, "SELECT file_name, defaults FROM import_batches") == (
        f"{p}的匯出.csv", json.dumps({"owner": p}, ensure_ascii=False))
    assert json.loads(store.scalar(con, "SELECT defaults FROM mapping_profiles")) == {"owner": p, "department": p}
    con.close()

    # Two people named 甲: erasing one leaves every value that is exactly "甲", which may be the other's.
    con = store.connect(db_file)
    con.execute("INSERT INTO people VALUES ('A8', '甲', '客服部', NULL, NULL)")
    con.close()
    namesake = erasure.erase_person(str(db_file), "A9")
    assert namesake.namesakes == ("A8",)
    con = store.connect(db_file)
    # B9's manager is exactly "甲", a name A8 still has; B9's own name 甲乙 holds it as a part.
    assert con.execute("SELECT employee_id, name, manager FROM people ORDER BY 1").fetchall() == [
        ("A2", "乙", p), ("A3", "丙", p), ("A8", "甲", None), ("B9", "甲乙", "甲"), ("P1", "丁", None)]
    con.close()


def test_originals_naming_them_are_found_in_any_export_encoding_and_can_be_deleted(db_file, tmp_path):
    con = store.connect(db_file)
    con.execute("INSERT INTO people VALUES ('E7', '吳小姐', NULL, NULL, NULL)")
    folder = store.originals_dir(con)
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as xlsx:
        xlsx.writestr("xl/sharedStrings.xml", "<sst><si><t>吳小姐</t></si></sst>")
    files = {
        "utf8.csv": "編號,負責人\n1,吳小姐\n".encode("utf-8-sig"),
        "big5.csv": "編號,負責人\n1,吳小姐\n".encode("cp950"),
        "utf16.txt": "編號\t負責人\n1\t吳小姐\n".encode("utf-16"),
        "by_id.csv": b"id,owner_id\n1,E7\n",
        "book.xlsx": workbook.getvalue(),
        "other.csv": "編號,負責人\n1,林志明\n".encode(),
    }
    for batch_id, (stored, content) in enumerate(files.items(), start=1):
        (folder / stored).write_bytes(content)
        con.execute("""INSERT INTO import_batches (file_name, checksum, profile, source_system, mapping,
                           source_columns, original_file, rows_read, rows_inserted, rows_updated,
                           rows_unchanged, rows_rejected)
                       VALUES (?, 'x', 'p', 's', '{}', '[]', ?, 1, 1, 0, 0, 0)""", [stored, stored])
    con.close()

    result = erasure.erase_person(str(db_file), "E7", delete_originals=True)

    assert [(o.path.name, o.batches, o.deleted) for o in result.originals] == [
        ("utf8.csv", (1,), True), ("big5.csv", (2,), True), ("utf16.txt", (3,), True), ("by_id.csv", (4,), True),
        ("book.xlsx", (5,), True)]
    assert sorted(p.name for p in folder.iterdir()) == ["other.csv"]
    assert result.summary("zh-TW")[3] == "已刪除提到此人的 5 個原始匯出檔（批次 1, 2, 3, 4, 5）；這些批次保留，但無法再重新對應。"
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 6  # the batches stay
    with pytest.raises(InputError) as refused:
        importer.reopen_batch(con, 1, tmp_path / "copy.csv")
    assert str(refused.value) == "utf8.csv: this batch's original file is no longer stored, so it cannot be re-mapped"
    con.close()


def test_erasure_while_the_store_is_open_erases_but_says_the_file_was_not_rewritten(db_file):
    holder = store.connect(db_file)
    holder.execute("INSERT INTO people VALUES ('E7', '吳小姐', NULL, NULL, NULL)")
    result = erasure.erase_person(str(db_file), "E7")
    assert not result.compacted
    assert result.summary("en")[2] == ("The database file could not be rewritten now: the erased values may stay "
                                       "in its free space until the next erasure rewrites it.")
    assert store.scalar(holder, "SELECT count(*) FROM people") == 0
    holder.close()


@pytest.mark.parametrize("args, message", [
    (["E404"], "error: no person with employee id 'E404' is stored"),
    (["E1", "--db", "missing.duckdb"], "error: no database at missing.duckdb" + NO_DATABASE_HINT),
    (["E1", "--db", "junk.duckdb"],
     "error: the database junk.duckdb is damaged or incomplete and cannot be opened; restore it from a backup or "
     "use another database file."),
])
def test_cli_errors_are_one_line(db_file, monkeypatch, tmp_path, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    store.connect(db_file).close()
    (tmp_path / "junk.duckdb").write_bytes(b"not a database\n" * 1000)
    assert main(["people", "erase", *args]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message.format(dir=tmp_path) + "\n")


def test_cli_says_when_another_program_holds_the_store(db_file, capsys):
    import subprocess
    import sys
    store.connect(db_file).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", str(db_file)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "open\n"
        assert main(["people", "erase", "E1", "--db", str(db_file)]) == 2
    finally:
        holder.communicate("")
    assert capsys.readouterr().err == (f"error: the database {db_file.name} is in use by another program (usually the"
                                       " running app); stop it, or use another database with --db.\n")


def test_duckdb_alone_leaves_deleted_values_in_the_file(tmp_path):
    """Why compaction exists: a DELETE and a CHECKPOINT leave the value readable in the file."""
    path = tmp_path / "plain.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (name VARCHAR); INSERT INTO t VALUES ('吳小姐'), ('林志明')")
    con.execute("CHECKPOINT")
    con.execute("DELETE FROM t WHERE name = '吳小姐'")
    con.execute("CHECKPOINT")
    con.close()
    assert "吳小姐".encode() in path.read_bytes()
    store.compact(path)
    assert "吳小姐".encode() not in path.read_bytes() and "林志明".encode() in path.read_bytes()


def test_compaction_after_one_that_stopped_half_way_keeps_the_store_and_scrubs_the_old_bytes(tmp_path):
    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    con.execute("INSERT INTO people VALUES ('E7', '吳小姐', NULL, NULL, NULL)")
    con.close()
    retired = tmp_path / "s.duckdb.retired"
    os.link(path, retired)  # stopped after naming the old file, before the rename
    (tmp_path / "s.duckdb.compacting").write_bytes(b"half a copy")
    store.compact(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb", "s.originals"]
    con = store.connect(path)
    assert store.scalar(con, "SELECT name FROM people") == "吳小姐"
    con.close()

    retired.write_bytes("吳小姐".encode())  # stopped after the rename: the old bytes are scrubbed
    witness = tmp_path / "witness" / "old"  # another name for the same bytes, to see them after
    witness.parent.mkdir()
    os.link(retired, witness)
    store.compact(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb", "s.originals", "witness"]
    assert witness.read_bytes() == bytes(len("吳小姐".encode()))
