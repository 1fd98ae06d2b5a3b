"""Faults: a store that cannot be opened, a full disk or a kill while the original is copied,
two sessions importing at once, the inbox folder, and hostile URL values."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi import inbox, store
from kpi.ingest import importer
from kpi.ingest.errors import InputError
from tests import bad_inputs
from tests.conftest import FIXTURES
from tests.test_hostile_input import fingerprint
from ui import inbox as inbox_view

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
WEEK41 = FIXTURES / "week41-2009.csv"
TRACE_SIGNS = ("Traceback", 'File "')


def kpi(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpi", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture
def held(tmp_path):
    """A store file held open by another process, as the running app holds it."""
    db = tmp_path / "store.duckdb"
    store.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); sys.stdin.read()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    yield db
    holder.stdin.close()
    holder.wait(timeout=30)


def corrupt(tmp_path) -> Path:
    db = tmp_path / "store.duckdb"
    store.connect(db).close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])  # cut short, as a full disk or a bad copy leaves it
    return db


COMMANDS = [("import", WEEK41), ("people", "import", FIXTURES / "people-matrix.csv"), ("demo",), ("weekly",)]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(map(str, c[:2])))
def test_every_command_says_in_one_line_that_the_store_is_held(held, tmp_path, command):
    result = kpi(*command, "--db", held, env={inbox.INBOX_ENV_VAR: str(tmp_path / "inbox")})
    assert result.returncode == 2 and result.stdout == ""
    if command[0] == "import":
        assert result.stderr == (f"error: the database store.duckdb is in use by the running app; copy the file "
                                 f"into {tmp_path / 'inbox'} and the app imports it.\n")
    else:
        assert result.stderr == ("error: the database store.duckdb is in use by another program (usually the "
                                 "running app); stop it, or use another database with --db.\n")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(map(str, c[:2])))
def test_every_command_says_in_one_line_that_the_store_is_damaged(tmp_path, command):
    db = corrupt(tmp_path)
    damaged = db.read_bytes()
    result = kpi(*command, "--db", db)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("error: the database store.duckdb is damaged or incomplete and cannot be opened; "
                             "restore it from a backup or use another database file.\n")
    assert db.read_bytes() == damaged



def test_a_reader_that_leaves_early_stops_a_command_without_a_word(tmp_path):
    # `python -m kpi weekly … | head -1` where head has gone before the report is written.
    report = subprocess.Popen([sys.executable, "-m", "kpi", "weekly", "--week", "2009-W41", str(WEEK41)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, store.DB_ENV_VAR: str(tmp_path / "store.duckdb")})
    report.stdout.close()
    said = report.stderr.read().decode()
    assert report.wait(timeout=300) == 141
    assert said == ""

def test_the_page_runner_says_in_one_sentence_that_the_store_is_damaged(tmp_path, monkeypatch):
    # Every page runs inside app.py's guard; AppTest's switch_page runs a page without app.py
    # once the ui package is imported, so the guard is tested on the home page.
    monkeypatch.setenv(store.DB_ENV_VAR, str(corrupt(tmp_path)))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "zh-TW"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["資料庫 store.duckdb 已損壞或不完整，無法開啟；請從備份還原，或改用另一個資料庫檔案。"]


def test_a_full_disk_while_keeping_the_original_stores_nothing(tmp_path, monkeypatch):
    con = store.connect(tmp_path / "store.duckdb")
    importer.import_file(con, WEEK41)
    before, originals = fingerprint(con), sorted(store.originals_dir(con).iterdir())

    def half_then_full(source, target):
        data = Path(source).read_bytes()
        Path(target).write_bytes(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(importer.shutil, "copyfile", half_then_full)
    path = tmp_path / "next.csv"
    path.write_bytes(bad_inputs.csv_bytes([bad_inputs.HEADER, bad_inputs.ROWS[0].replace("200910-001", "NEW-1")]))
    with pytest.raises(InputError) as failed:
        importer.import_file(con, path)
    assert str(failed.value) == "next.csv: the disk is full, so the original file could not be kept; nothing was imported"
    assert fingerprint(con) == before
    assert sorted(store.originals_dir(con).iterdir()) == originals  # no half copy, adopted or not
    con.close()


def test_a_copy_cut_short_without_an_error_is_never_adopted(tmp_path, monkeypatch):
    con = store.connect(tmp_path / "store.duckdb")
    monkeypatch.setattr(importer.shutil, "copyfile",
                        lambda source, target: Path(target).write_bytes(Path(source).read_bytes()[:100]))
    with pytest.raises(InputError, match="the original file could not be kept \\(SHA-256\\)"):
        importer.import_file(con, WEEK41)
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 0
    assert list(store.originals_dir(con).iterdir()) == []
    con.close()


KILLED_IMPORT = textwrap.dedent("""
    import shutil, sys, time
    from kpi.cli import main
    from kpi.ingest import importer

    def slow_copy(source, target):  # a big file on a slow disk: the kill lands mid-copy
        with open(source, "rb") as src, open(target, "wb") as dst:
            while chunk := src.read(64 * 1024):
                dst.write(chunk)
                dst.flush()
                print("copying", flush=True)
                time.sleep(0.05)

    importer.shutil.copyfile = slow_copy
    main(["import", sys.argv[1], "--db", sys.argv[2]])
""")


def test_an_import_killed_mid_copy_leaves_no_batch_and_no_partial_original(tmp_path):
    db = tmp_path / "store.duckdb"
    con = store.connect(db)
    importer.import_file(con, WEEK41)
    before = fingerprint(con)
    con.close()
    big = tmp_path / "big.csv"
    rows = [row.replace("200910-", f"K{n:05d}-") for n in range(3_000) for row in bad_inputs.ROWS]
    big.write_bytes(bad_inputs.csv_bytes([bad_inputs.HEADER, *rows]))
    child = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(big), str(db)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "copying"
    partials = list((tmp_path / "store.originals").glob("*.partial"))
    assert len(partials) == 1 and 0 < partials[0].stat().st_size < big.stat().st_size
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    con = store.connect(db)  # opening the store sweeps the partial copy away
    assert fingerprint(con) == before
    assert [p.suffix for p in store.originals_dir(con).iterdir()] == [".csv"]  # week 41's alone
    con.close()


def import_at_once(con, paths: list[Path]) -> list:
    """Preview each file on its own cursor, then press Import in every session at the same moment."""
    cursors = [con.cursor() for _ in paths]
    previews = []
    for cursor, path in zip(cursors, paths):
        source = importer.open_source(cursor, path)
        previews.append(importer.preview(cursor, source, importer.propose_plan(cursor, source)))
    start, results = threading.Barrier(len(paths)), [None] * len(paths)

    def press_import(index):
        start.wait()
        try:
            results[index] = importer.commit(cursors[index], previews[index])
        except Exception as err:  # the test asserts there is none
            results[index] = err

    threads = [threading.Thread(target=press_import, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_sessions_importing_at_once_both_succeed(tmp_path):
    con = store.connect(tmp_path / "store.duckdb")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(bad_inputs.csv_bytes([bad_inputs.HEADER, *bad_inputs.ROWS[:4]]))
    second.write_bytes(bad_inputs.csv_bytes([bad_inputs.HEADER, *bad_inputs.ROWS[4:]]))
    reports = import_at_once(con, [first, second])
    assert sorted((r.file_name, r.inserted) for r in reports) == [("a.csv", 4), ("b.csv", 3)]
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 7
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 2
    con.close()


def test_a_losing_session_never_deletes_the_original_the_winner_refers_to(tmp_path):
    con = store.connect(tmp_path / "store.duckdb")
    for race in range(8):
        path = tmp_path / f"same-{race}.csv"
        path.write_bytes(bad_inputs.csv_bytes([bad_inputs.HEADER, bad_inputs.ROWS[0].replace("200910-001", f"R-{race}")]))
        reports = import_at_once(con, [path, path])
        assert sorted(r.inserted for r in reports) == [0, 1]
    kept = store.originals_dir(con)
    for (name,) in con.execute("SELECT original_file FROM import_batches").fetchall():
        assert (kept / name).is_file()
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 8
    con.close()


def test_the_inbox_imports_each_file_once_and_records_its_outcome(tmp_path):
    con = store.connect(tmp_path / "store.duckdb")
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(WEEK41, folder / "week41.csv")
    shutil.copy(FIXTURES / "week41-2009.bom.csv", folder / "week41-again.csv")  # the same rows, other bytes
    lines = WEEK41.read_text(encoding="utf-8").splitlines()
    (folder / "bad.csv").write_text("\n".join([lines[0], *(line.replace(",2009-10-0", ",2009-13-0", 1) for line in lines[1:])]),
                                    encoding="utf-8")  # every 提出時間 in a 13th month
    (folder / "empty.csv").write_bytes(b"")
    (folder / ".arriving.csv").write_bytes(b"still being written")
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.extend(inbox.process(con.cursor(), folder, 0)))
               for _ in range(2)]  # the watcher and a page load at the same moment
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((o.file, o.outcome, o.batch_id) for o in outcomes) == [
        ("bad.csv", "rejected", None), ("empty.csv", "failed", None), ("week41-again.csv", "imported", 1),
        ("week41.csv", "unchanged", None)]
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["week41-again.csv", "week41.csv"]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == ["bad.csv", "empty.csv"]
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [".arriving.csv"]
    history = inbox.history(con, "zh-TW")
    assert history[["file", "outcome", "reason"]].values.tolist() == [
        ["week41.csv", "unchanged", ""], ["week41-again.csv", "imported", ""], ["empty.csv", "failed", "empty.csv：檔案是空的"],
        ["bad.csv", "rejected", "bad.csv，第 2 列，欄位「提出時間」：「2009-13-05 09:00」不是「ISO 8601（2012-08-01 13:06）」格式的日期"]]
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 7
    con.close()


def test_the_home_page_says_which_inbox_file_kept_no_row_and_why(db_file, tmp_path, monkeypatch):
    # The store's own inbox folder, beside it: $SERVICE_OPS_INBOX would also be read by the watchers
    # earlier tests' app runs left running, which would take the files first.
    folder = inbox.inbox_dir(db_file)
    folder.mkdir()
    shutil.copy(WEEK41, folder / "week41.csv")
    lines = WEEK41.read_text(encoding="utf-8").splitlines()
    (folder / "bad.csv").write_text("\n".join([lines[0], *(line.replace(",2009-10-0", ",2009-13-0", 1) for line in lines[1:])]),
                                    encoding="utf-8")
    for path in folder.iterdir():
        os.utime(path, (1_700_000_000, 1_700_000_000))  # settled long ago
    monkeypatch.setattr(inbox_view, "_watch", lambda path, stop: None)  # the page's own pass takes both files
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning if w.value.startswith("Inbox")] == [
        "Inbox: no row of bad.csv could be imported; it was moved to failed/. The first row's reason: bad.csv, row 2, "
        "column '提出時間': '2009-13-05 09:00' is not a date in the form '2012-08-01 13:06' (iso)"]
    assert [s.value for s in at.success] == ["Inbox: week41.csv imported (batch 1)"]


def test_the_inbox_leaves_a_file_that_is_still_changing(tmp_path):
    con = store.connect(":memory:")
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(WEEK41, folder / "week41.csv")
    assert inbox.process(con, folder, settle_seconds=60) == []
    assert (folder / "week41.csv").exists()


@pytest.mark.parametrize(("query", "ignored"), [
    ({"target": "1e309"}, "target"), ({"target": "-5"}, "target"), ({"target": "abc"}, "target"),
    ({"week": "2009-W99"}, "week"), ({"period": "fortnight"}, "period"), ({"by": "x"}, "by"), ({"due": "x"}, "due"),
    ({"period": "month", "month": "2009-13"}, "month"), ({"period": "range", "range": "2009-99-01"}, "range"),
    ({"dept": "nobody"}, "dept"), ({"level": "9"}, "level"),
])
def test_a_url_value_the_weekly_page_cannot_use_is_ignored_with_a_notice(db_file, query, ignored):
    con = store.connect(db_file)
    importer.import_file(con, WEEK41)
    con.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/weekly.py")
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [f"The link's value for {ignored} could not be used; the default is shown instead."]


def test_an_unknown_language_in_the_url_is_ignored_with_a_notice(db_file):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception
    # The sidebar's "no sign-in configured" notice is the other warning.
    assert [w.value for w in at.warning if "lang" in w.value] and len(at.warning) == 2


def test_the_inbox_watcher_tells_a_damaged_store_once_in_one_line(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(inbox_view, "POLL_SECONDS", 0.05)  # several passes, one line
    damaged = tmp_path / "store.duckdb"
    damaged.write_bytes(b"not a database" * 1000)
    stop = threading.Event()
    watching = threading.Thread(target=inbox_view._watch, args=(str(damaged), stop))
    with caplog.at_level("ERROR", logger="service_ops"):
        watching.start()
        stop.wait(0.5)
        stop.set()
        watching.join(5)
    told = [r for r in caplog.records if r.name == "service_ops"]
    assert [r.getMessage() for r in told] == [
        "inbox watcher: the database store.duckdb is damaged or incomplete and cannot be opened; "
        "restore it from a backup or use another database file."]
    assert told[0].exc_info is None
