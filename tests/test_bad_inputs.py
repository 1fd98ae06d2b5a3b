"""Bad files through the command line and the upload page: one translated line naming file, row
and column, the store exactly as before, and never a trace."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.cli import main
from kpi.ingest import importer
from kpi.ingest.errors import InputError
from tests import bad_inputs
from tests.conftest import FIXTURES
from tests.test_hostile_input import fingerprint

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CASES = bad_inputs.refused()
TRACE_SIGNS = ("Traceback", 'File "')


def stocked(path: Path) -> dict:
    """A store holding the week-41 tickets; returns its fingerprint."""
    con = store.connect(path)
    importer.import_file(con, FIXTURES / "week41-2009.csv")
    before = fingerprint(con)
    con.close()
    return before


def fingerprint_of(path: Path) -> dict:
    con = store.connect(path)
    try:
        return fingerprint(con)
    finally:
        con.close()


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert not any(sign in out + err for sign in TRACE_SIGNS)
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_refuses_a_bad_file_in_one_line_and_changes_nothing(tmp_path, capsys, case):
    db = tmp_path / "store.duckdb"
    before = stocked(db)
    path = tmp_path / case.name
    path.write_bytes(case.data)
    code, out, err = run_cli(capsys, "import", path, "--db", db)
    assert (code, out, err) == (1, "", f"error: {case.message}\n")
    assert str(tmp_path) not in err
    assert fingerprint_of(db) == before
    assert sorted(p.name for p in store.originals_dir(store.connect(":memory:")).parent.glob("*.partial")) == []


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_within_a_second(tmp_path):
    bomb = next(c for c in CASES if c.name == "bomb.xlsx")
    started = time.perf_counter()
    with pytest.raises(InputError) as refused:
        from kpi.ingest.reader import read_frame
        read_frame(bomb.data, "bomb.xlsx")
    assert time.perf_counter() - started < 1.0
    assert refused.value.key == "ingest.workbook_too_big"


def test_rejected_rows_name_file_row_column_and_reason(tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    path = tmp_path / "rejects.csv"
    path.write_bytes(bad_inputs.rejected_rows())
    code, out, _err = run_cli(capsys, "import", path, "--db", db)
    assert code == 0
    assert out.splitlines() == [
        # Row 6's unknown level ("Level 9") is no reject: the level stays empty and is reported.
        "rejects.csv: 7 rows read, 2 inserted, 0 updated, 0 unchanged, 0 superseded, 5 rejected (batch 1)",
        "  note: 1 row: unknown priority values 'Level 9' (their level is left empty): assign them on the upload page,"
        " save the profile, and import with --profile, or give them in a profile file's priority_map and import with"
        " --mapping (first rows: 6)",
        "  rejected: rejects.csv, row 7: the row does not have the header's 13 columns (a stray delimiter or quote?)",
        "  rejected: rejects.csv, row 8: the row is longer than 16 MB and cannot be read",
        "  rejected: rejects.csv, row 3, column '編號': Ticket id is empty, but every ticket needs one",
        "  rejected: rejects.csv, row 4, column '提出時間': '2009-13-45 14:00' is not a date in the form "
        "'2012-08-01 13:06' (iso)",
        "  rejected: rejects.csv, row 5, column '延時申請次數': '兩次' is not a whole number of zero or more, nor a yes or no",
    ]


@pytest.mark.parametrize(("name", "data"), [
    ("ten-mb-cell.csv", bad_inputs.ten_mb_cell()),
    ("utf16-no-bom.csv", bad_inputs.utf16_without_bom()),
])
def test_a_long_cell_and_utf16_without_bom_import_whole(tmp_path, capsys, name, data):
    db = tmp_path / "store.duckdb"
    path = tmp_path / name
    path.write_bytes(data)
    _code, out, _err = run_cli(capsys, "import", path, "--db", db)
    assert out == f"{name}: 7 rows read, 7 inserted, 0 updated, 0 unchanged, 0 superseded, 0 rejected (batch 1)\n"
    con = store.connect(db)
    assert store.scalar(con, "SELECT length(subject) FROM tickets WHERE ticket_id = '200910-003'") == (
        3_500_000 if "ten" in name else 7)
    con.close()


def test_duplicate_headers_are_kept_as_name_2_and_noted_alike_for_csv_and_xlsx(tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    (tmp_path / "dup.csv").write_bytes(bad_inputs.duplicate_headers())
    rows = [line.split(",") for line in bad_inputs.duplicate_headers().decode().splitlines()]
    (tmp_path / "dup.xlsx").write_bytes(bad_inputs.workbook(rows))
    _code, out, _err = run_cli(capsys, "import", tmp_path / "dup.csv", tmp_path / "dup.xlsx", "--db", db)
    note = "  note: the header repeats column names; the repeats are read as: 主旨_2"
    assert out.splitlines()[1] == note and out.splitlines()[3] == note
    con = store.connect(":memory:")
    for name in ("dup.csv", "dup.xlsx"):
        source = importer.open_source(con, tmp_path / name)
        assert (source.columns[1], source.columns[13], source.staged.renamed) == ("主旨", "主旨_2", ("主旨_2",))
    con.close()


def test_an_unknown_profile_is_one_line(tmp_path, capsys):
    code, _out, err = run_cli(capsys, "import", FIXTURES / "week41-2009.csv", "--profile", "nope",
                              "--db", tmp_path / "s.duckdb")
    assert (code, err) == (1, "error: week41-2009.csv: there is no saved profile or known format named 'nope'\n")


UPLOAD_CASES = [c for c in CASES if c.name in ("wide.csv", "quote.csv", "nul.csv", "bomb.xlsx", "tall.xlsx",
                                               "broken.xlsx", "photo.csv", "header-only.csv")]


@pytest.mark.parametrize("case", UPLOAD_CASES, ids=[c.name for c in UPLOAD_CASES])
def test_upload_page_refuses_a_bad_file_in_one_line_and_changes_nothing(db_file, case):
    before = stocked(db_file)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader[0].set_value((case.name, case.data, "application/octet-stream"))
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [case.message]
    assert fingerprint_of(db_file) == before


def test_upload_page_says_it_in_zh_tw_too(db_file):
    wide = next(c for c in CASES if c.name == "wide.csv")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "zh-TW"
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    at.file_uploader[0].set_value((wide.name, wide.data, "text/csv"))
    at.run()
    assert [e.value for e in at.error] == ["wide.csv：有 20,000 個欄位，超過上限 2,000 個；這不像是服務請求匯出檔"]
