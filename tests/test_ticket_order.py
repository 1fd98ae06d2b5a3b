"""ticket_versions is kept in completion order (store.TICKET_ORDER), so the reports' scans skip
row groups completed before the period: each import batch writes its versions in that order, and
compaction rewrites the whole table in it."""

import duckdb

from kpi import store
from kpi.cli import main
from kpi.ingest import importer
from tests.conftest import FIXTURES, NO_DATABASE_HINT

# week41-2009.csv's tickets by completion time; 007 is still open.
IN_COMPLETION_ORDER = ["200910-001", "200910-002", "200910-006", "200910-003", "200910-004", "200910-005",
                       "200910-007"]


def stored_order(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT ticket_id FROM ticket_versions ORDER BY rowid").fetchall()]


def test_an_import_writes_its_versions_in_completion_order_open_ones_last(con):
    importer.import_file(con, FIXTURES / "week41-2009.csv")
    assert stored_order(con) == IN_COMPLETION_ORDER


def test_compaction_rewrites_the_versions_in_completion_order(tmp_path):
    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    importer.import_file(con, FIXTURES / "week41-2009.csv")
    # An older store's rows, in file order: as they were written before imports sorted them.
    con.execute("CREATE TEMP TABLE file_order AS SELECT * FROM ticket_versions ORDER BY source_row")
    con.execute("DELETE FROM ticket_versions")
    con.execute("INSERT INTO ticket_versions SELECT * FROM file_order")
    assert stored_order(con) == [f"200910-00{i}" for i in range(1, 8)]
    before = con.execute("SELECT * FROM ticket_versions ORDER BY ticket_id").fetchall()
    con.close()

    store.compact(path)
    con = store.connect(path)
    assert stored_order(con) == IN_COMPLETION_ORDER
    assert con.execute("SELECT * FROM ticket_versions ORDER BY ticket_id").fetchall() == before
    con.close()


def test_the_compact_command_rewrites_the_store_and_refuses_a_missing_one(tmp_path, capsys):
    path = tmp_path / "s.duckdb"
    store.connect(path).close()
    assert main(["compact", "--db", str(path)]) == 0
    assert capsys.readouterr().out.startswith("compacted s.duckdb: ")
    assert main(["compact", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err == f"error: no database at {tmp_path / 'none.duckdb'}{NO_DATABASE_HINT}\n"
