"""``python -m kpi weekly`` and ``python -m kpi commitments``."""

import csv
import io
import json

import pytest

from kpi import store
from kpi.cli import main
from kpi.ingest.importer import import_files
from kpi.service.deadlines import fill_missing_deadlines
from kpi.service.settings import load_calendar
from tests.service_tickets import FIXTURES, WEEK41, insert_tickets

KEYS = ["group", "carried_over", "new", "in_play", "on_time", "open_not_due", "late_done", "overdue_open_0",
        "overdue_open_1", "overdue_open_2", "overdue_open_3plus", "completion_rate", "avg_escalations",
        "total_service_level", "service_level"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_weekly_from_the_week41_export(capsys):
    code, out, _ = run(capsys, "weekly", "--week", "2009-W41", WEEK41)
    assert code == 0
    rows = json.loads(out)
    assert [list(r) for r in rows] == [KEYS] * 3
    assert [r["group"] for r in rows] == ["吳小姐", "陳小明", "TOTAL"]
    total = rows[-1]
    # 7 new; 3 on time, 3 late, 1 open overdue; 6/7, 3/7, 3/7
    assert [total[k] for k in KEYS[1:11]] == [0, 7, 7, 3, 0, 3, 1, 0, 0, 0]
    assert round(total["completion_rate"], 3) == 0.857
    assert round(total["total_service_level"], 3) == round(total["service_level"], 3) == 0.429
    assert rows[0]["completion_rate"] == 1.0 and rows[0]["service_level"] == 0.6 and rows[1]["completion_rate"] == 0.5


def test_weekly_by_department_as_csv(capsys):
    code, out, _ = run(capsys, "weekly", "--week", "2009-W41", "--by", "department", "--format", "csv", WEEK41)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["group"] for r in rows] == ["總經理室-測試環境", "TOTAL"]
    assert rows[1]["in_play"] == "7" and rows[1]["late_done"] == "3" and rows[1]["overdue_open_0"] == "1"


def test_weekly_from_the_database_with_an_empty_week(capsys, db_file):
    con = store.connect(db_file)
    import_files(con, [WEEK41])
    con.close()
    code, out, _ = run(capsys, "weekly", "--week", "2009-W40")
    assert code == 0
    [total] = json.loads(out)
    assert total["group"] == "TOTAL" and total["in_play"] == 0
    assert total["completion_rate"] is None and total["service_level"] is None  # 0 in play: undefined


def test_due_basis_and_commitments(capsys, db_file):
    con = store.connect(db_file)
    # done 10-08 12:00: after the standard (10-06) and first (10-07) times, before the current one (10-09)
    insert_tickets(con, [{"ticket_id": "t", "created_at": "2009-10-05 12:00", "standard_due_at": "2009-10-06 12:00",
                          "first_commitment_at": "2009-10-07 12:00", "current_commitment_at": "2009-10-09 12:00",
                          "resolved_at": "2009-10-08 12:00"}])
    con.close()
    on_time = {}
    for due in ("current", "first", "standard"):
        code, out, _ = run(capsys, "weekly", "--week", "2009-W41", "--due", due, "--db", db_file)
        on_time[due] = json.loads(out)[-1]["on_time"]
    assert on_time == {"current": 1, "first": 0, "standard": 0}
    code, out, _ = run(capsys, "commitments", "--from", "2009-10-05", "--to", "2009-10-11", "--db", db_file)
    assert json.loads(out)[-1] == {"group": "TOTAL", "completed": 1, "commitment_achievement": 1.0,
                                   "first_commitment_achievement": 0.0, "standard_achievement": 0.0}


def test_week41_commitments_from_the_export(capsys):
    code, out, _ = run(capsys, "commitments", "--from", "2009-10-05", "--to", "2009-10-11", "--format", "csv", WEEK41)
    assert out.splitlines()[-1] == "TOTAL,6,0.5,0.5,0.5"  # 3 of 6 by each deadline
    # The same periods as the weekly report: its week, its month, and by default the last complete week.
    for period in (["--week", "2009-W41"], ["--month", "2009-10"], []):
        code, out, _ = run(capsys, "commitments", *period, "--format", "csv", WEEK41)
        assert code == 0 and out.splitlines()[-1] == "TOTAL,6,0.5,0.5,0.5", period


def test_a_report_on_export_files_names_the_rows_it_could_not_read(capsys, tmp_path):
    # Rows 2-4 hold a 13th month: the report counts the other four and says where the first refusal is.
    lines = WEEK41.read_text(encoding="utf-8").splitlines()
    some = [lines[0], *(line.replace(",2009-10-0", ",2009-13-0", 1) if i < 3 else line for i, line in enumerate(lines[1:]))]
    (tmp_path / "some.csv").write_text("\n".join(some) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "weekly", "--week", "2009-W41", "--format", "csv", tmp_path / "some.csv")
    assert code == 0 and out.splitlines()[-1].startswith("TOTAL,0,4,4,")
    assert err == ("warning: some.csv: 3 rows rejected, the first row 2, column '提出時間': '2009-13-05 09:00' is not a date"
                   " in the form '2012-08-01 13:06' (iso) (all of them: `python -m kpi import`)\n")
    # Every row refused: no table of zeros, as if there were no tickets, but the reason.
    every = [lines[0], *(line.replace(",2009-10-0", ",2009-13-0", 1) for line in lines[1:])]
    (tmp_path / "none.csv").write_text("\n".join(every) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "weekly", "--week", "2009-W41", tmp_path / "none.csv")
    assert (code, out) == (2, "")
    assert err == ("error: no row of none.csv could be read, so there is nothing to report on; row 2, column '提出時間':"
                   " '2009-13-05 09:00' is not a date in the form '2012-08-01 13:06' (iso)\n")


def test_calendar_applies_for_the_run_only(capsys, db_file):
    con = store.connect(db_file)
    # Wed 2024-02-07 10:00 Level 1, no deadlines; done Tue 2/13 09:00
    insert_tickets(con, [{"ticket_id": "t", "level": 1, "created_at": "2024-02-07 10:00", "resolved_at": "2024-02-13 09:00"}])
    fill_missing_deadlines(con)
    con.close()
    args = ("weekly", "--week", "2024-W07", "--db", db_file)
    # Mon-Fri: due Mon 2/12 10:00 -> late; with Lunar New Year off: due Sat 2/17 10:00 -> on time
    assert json.loads(run(capsys, *args)[1])[-1]["late_done"] == 1
    calendar = FIXTURES / "office-calendar-2024-02.csv"
    assert json.loads(run(capsys, *args, "--calendar", calendar)[1])[-1]["on_time"] == 1
    assert json.loads(run(capsys, *args)[1])[-1]["late_done"] == 1
    con = store.connect(db_file)
    assert load_calendar(con).empty
    con.close()


@pytest.mark.parametrize(("argv", "message"), [
    (["weekly", "--week", "2009-W54"], "not an ISO week"),
    (["weekly", "--month", "2009-13"], "not a month"),
    (["weekly", "--from", "2009-10-05"], "needs both --from and --to"),
    (["commitments", "--from", "2009-10-09", "--to", "2009-10-05"], "ends (2009-10-05) before it starts"),
    (["weekly", "--db", "x.duckdb", str(WEEK41)], "either --db or export files"),
    (["weekly", "missing.csv"], "no such file: missing.csv"),
    (["weekly", "--calendar", str(WEEK41), str(WEEK41)], "lacks the column"),
])
def test_user_mistakes_exit_2_with_a_message(capsys, db_file, argv, message):
    store.connect(db_file).close()
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["weekly", "--week", "2009-W41"],
    ["commitments", "--from", "2009-10-05", "--to", "2009-10-11"],
    ["distribution", "--week", "2009-W41"],
    ["export-parquet", "--out", "parquet"],
    ["phone", "--period", "2024-W08"],
    ["channels", "--period", "2024-W08"],
    ["okr", "--period", "2026-Q4"],
    ["compact"],
    ["people", "erase", "E1"],
], ids=lambda argv: argv[0] if argv[0] != "people" else "people erase")
def test_a_mistyped_database_is_refused_not_created(capsys, tmp_path, monkeypatch, argv):
    # Opening it would create an empty store, and the report would print zeros as the figures.
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "servce_ops.duckdb"
    code, out, err = run(capsys, *argv, "--db", typo)
    assert (code, out) == (2, "")
    assert err == (f"error: no database at {typo}: import exports first (python -m kpi import FILE)"
                   " or load the demo (python -m kpi demo)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_export_parquet_writes_every_column_of_the_tickets_by_month_and_an_empty_store_as_one_file(capsys, tmp_path):
    import duckdb

    from kpi.engine.parquet import ticket_columns

    db = tmp_path / "store.duckdb"
    con = store.connect(db)
    import_files(con, [WEEK41])
    con.close()
    code, _, err = run(capsys, "export-parquet", "--db", db, "--out", tmp_path / "parquet")
    assert code == 0 and err == f"7 tickets written to {tmp_path / 'parquet'}\n"
    assert [p.name for p in (tmp_path / "parquet").iterdir()] == ["created_month=2009-10"]
    reader = duckdb.connect()   # not the module's default connection, which other tests share
    written = reader.read_parquet(str(tmp_path / "parquet" / "**" / "*.parquet"), hive_partitioning=True)
    assert set(ticket_columns()) | {"sla_policy", "created_month"} == set(written.columns)
    assert written.aggregate("count(*), count(DISTINCT ticket_id), min(created_month)").fetchall() == [(7, 7, "2009-10")]
    code, _, err = run(capsys, "export-parquet", "--db", db, "--out", tmp_path / "parquet")
    assert code == 2 and "already exists and is not an empty folder" in err

    store.connect(tmp_path / "empty.duckdb").close()
    code, _, err = run(capsys, "export-parquet", "--db", tmp_path / "empty.duckdb", "--out", tmp_path / "none")
    assert code == 0 and err.startswith("0 tickets written")
    empty = reader.read_parquet(str(tmp_path / "none" / "no-tickets.parquet"))
    assert set(empty.columns) == set(written.columns) and empty.aggregate("count(*)").fetchall() == [(0,)]
