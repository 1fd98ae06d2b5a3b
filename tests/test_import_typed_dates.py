"""A direct import lets DuckDB's reader parse ISO date columns while it stages the file
(reader.TypedDates), and stages them as text where it cannot. Either way the store, the counts,
the rejects (row, column, reason, the cell as written) and the data-quality findings must be
exactly those of the text path: every file here is imported both ways and compared."""

from datetime import datetime

import duckdb
import pytest

from kpi import store
from kpi.ingest import dates, importer, reader
from tests.conftest import FIXTURES
from tests.test_date_parity import generated_cells

HEADER = "編號,主旨,部門,負責人,服務請求方法,提出時間,預計完成時間,完成時間,升級次數,服務請求狀態,最後更新時間\n"


def row(n: int, created: str = "2024-03-04 09:00", due: str = "2024-03-18 09:00", done: str = "",
        status: str = "處理中") -> str:
    return f"T-{n},主旨{n},客服一部,王小明,Level 3,{created},{due},{done},0,{status},2024-03-08 18:00\n"


def rows(count: int) -> str:
    """Enough rows (over 256 KB) that what follows lies beyond the part the plan is chosen from."""
    return "".join(row(n, done="2024-03-06 10:30" if n % 3 else "", status="已關閉" if n % 3 else "處理中")
                   for n in range(count))


CRAFTED = {
    "clean": rows(50),
    # The markers of a missing value, a placeholder in the required created time, a totals row.
    "markers": rows(20) + row(900, due="-", done="N/A") + row(901, created="1900-01-01 00:00")
               + row(902, done="") + "合計,,,,,,,,,,\n",
    "footer": rows(20) + "Confidential Information - Do Not Distribute\n",
    # Beyond the first 256 KB: a date that is none, a two-digit year, an offset, the header again,
    # a padded date. Each sends the file (or its piece) back to be staged as text.
    "bad_date_late": rows(3000) + row(9000, created="2024-13-45 10:00"),
    "short_year_late": rows(3000) + row(9001, done="24-03-06 10:30", status="已關閉"),
    "offset_late": rows(3000) + row(9002, created="2024-03-04 09:00+00:00"),
    "header_again": rows(3000) + HEADER + rows(5),
    "padded_late": rows(3000) + row(9003, created=" 2024-03-04 09:00 "),
}


def _import(tmp_path, path, typed: bool, monkeypatch, **options):
    monkeypatch.setattr(importer, "READ_DATES_WHILE_STAGING", typed)
    con = store.connect(str(tmp_path / f"{path.stem}-{typed}.duckdb"))
    report = importer.import_file(con, path, **options)
    stored = con.execute("SELECT * FROM ticket_versions ORDER BY ticket_id, source_row").fetchall()
    created = dict(con.execute("SELECT ticket_id, created_at FROM tickets").fetchall())
    con.close()
    return (report.rows_read, report.inserted, report.updated, report.unchanged, report.superseded,
            report.rejected, report.skipped, [(r.row, r.column, r.key, r.values) for r in report.rejects],
            [(f.check, f.count, f.rows) for f in report.findings]), stored, created


def _same_both_ways(tmp_path, path, monkeypatch, **options):
    text = _import(tmp_path, path, False, monkeypatch, **options)
    typed = _import(tmp_path, path, True, monkeypatch, **options)
    assert typed == text
    return text[0], text[2]


@pytest.mark.parametrize("fixture", ["week41-2009.csv", "week41-2009.bom.csv", "week41-2009.semicolon.csv",
                                     "week41-2009.big5.csv", "week41-2009.zh-dates.csv",
                                     "zendesk-2024-02.csv", "hubspot-tickets-2024-02.csv", "jira-2024-02.csv",
                                     "servicenow-audit-2024-02.csv", "salesforce-cases-2024-02.csv",
                                     "otrs-search-2024-02.csv", "glpi-2024-02.csv", "glpi-zh-2024-02.csv",
                                     "redmine-2024-02.csv", "redmine-zh-2024-02.csv", "odoo-helpdesk-2024-02.csv"])
def test_every_export_imports_alike_with_the_dates_parsed_by_the_reader(tmp_path, monkeypatch, fixture):
    _same_both_ways(tmp_path, FIXTURES / fixture, monkeypatch)


@pytest.mark.parametrize("name", CRAFTED)
def test_messy_files_import_alike_and_a_cell_the_reader_cannot_read_stages_the_text(tmp_path, monkeypatch, name):
    path = tmp_path / f"{name}.csv"
    path.write_text(HEADER + CRAFTED[name], encoding="utf-8")
    con = store.connect(":memory:")
    assert importer.typed_dates(con, path) == reader.TypedDates(("提出時間", "預計完成時間", "完成時間", "最後更新時間"),
                                                                "%Y-%m-%d %H:%M")
    con.close()
    report, created = _same_both_ways(tmp_path, path, monkeypatch)
    if name == "markers":
        assert report[7][:1] == [(23, "提出時間", "reject.placeholder_required",
                                  (("field", "created_at"), ("value", "1900-01-01 00:00")))]
    if name == "bad_date_late":
        assert report[7] == [(3002, "提出時間", "reject.bad_date",
                              (("value", "2024-13-45 10:00"), ("example", "2012-08-01 13:06"), ("form", "iso")))]
    if name == "offset_late":  # 09:00 UTC read as 17:00 in Taipei, by the text's reading
        assert created["T-9002"] == datetime(2024, 3, 4, 17, 0)


@pytest.mark.parametrize("name", ["clean", "bad_date_late", "short_year_late"])
def test_big5_files_are_read_alike_through_the_transcoding_pipe(tmp_path, monkeypatch, name):
    path = tmp_path / f"{name}-big5.csv"
    path.write_bytes((HEADER + CRAFTED[name]).encode("cp950"))
    con = store.connect(":memory:")
    assert importer.typed_dates(con, path) is not None
    con.close()
    _same_both_ways(tmp_path, path, monkeypatch)


def test_a_piece_the_reader_cannot_read_is_staged_as_text_and_the_others_are_not(tmp_path, monkeypatch):
    path = tmp_path / "pieces.csv"
    path.write_text(HEADER + rows(3000) + row(9000, created="2024-13-45 10:00") + rows(3000).replace("T-", "U-"),
                    encoding="utf-8")
    staged = []
    stage = reader._stage_with_duckdb

    def recording(*args, **kwargs):
        typed = kwargs.get("typed", args[6] if len(args) > 6 else None)  # a piece the reader was to type
        try:
            result = stage(*args, **kwargs)
        except Exception:
            staged.append(False)
            raise
        if typed:
            staged.append(True)
        return result

    monkeypatch.setattr(reader, "_stage_with_duckdb", recording)
    monkeypatch.setattr(importer, "PIECE_BYTES", 150_000)
    report, _created = _same_both_ways(tmp_path, path, monkeypatch)
    assert report[:7] == (6001, 6000, 0, 0, 0, 1, 0)
    assert len(staged) >= 4 and staged.count(False) == 1  # the piece with 2024-13-45 alone, as text


def test_times_written_in_another_zone_are_converted_alike(tmp_path, monkeypatch):
    path = tmp_path / "utc.csv"
    path.write_text(HEADER + rows(30), encoding="utf-8")
    _report, created = _same_both_ways(tmp_path, path, monkeypatch, source_time_zone="UTC")
    assert created["T-0"] == datetime(2024, 3, 4, 17, 0)  # created 09:00 UTC


@pytest.mark.parametrize("pattern", dates.BY_NAME[importer.TYPED_FORM].patterns)
def test_wherever_the_reader_takes_a_cell_it_reads_the_time_the_text_path_reads(tmp_path, pattern):
    # Over the parity test's generated cells (and a few more): a cell the typed reader accepts in
    # ``pattern`` with a year from 1000 on reads as the text's reading of it. (A shorter year is
    # refused by the text and sends the file back to the text: reader._short_years.)
    cells = [c for c in generated_cells(4000) + ["2024-08-16 15:32 ", " 2024-08-16 15:32", "2024-08-16  15:32",
                                                 "2024-08-16 24:00", "2024-02-30 10:00", "2024-08-16 15:32:60",
                                                 "+2024-08-16 15:32", "2024-08-16 8:00 PM", "10000-01-01 00:00"]
             if "\n" not in c and '"' not in c]
    path = tmp_path / "cells.csv"
    path.write_text("v\n" + "".join(f'"{c}"\n' for c in cells), encoding="utf-8")
    con = duckdb.connect()
    options = "header = true, auto_detect = false, quote = '\"', escape = '\"'"
    text = [r[0] for r in con.execute(
        f"SELECT {dates.BY_NAME['iso'].parse_sql('trim(v)')} FROM read_csv($path, columns = {{'v': 'VARCHAR'}}, {options})",
        {"path": str(path), "time_zone": "Asia/Taipei"}).fetchall()]
    con.execute(f"CREATE TABLE typed AS SELECT * FROM read_csv($path, columns = {{'v': 'TIMESTAMP'}}, {options},"
                " timestampformat = $pattern, nullstr = $missing, store_rejects = true)",
                {"path": str(path), "pattern": pattern, "missing": list(dates.MISSING)})
    refused = {line for (line,) in con.execute("SELECT line FROM reject_errors").fetchall()}
    read = iter(v for (v,) in con.execute("SELECT v FROM typed").fetchall())
    differing = {}
    for line, (cell, expected) in enumerate(zip(cells, text), start=2):
        if line not in refused:
            value = next(read)
            if (value is None or value.year >= 1000) and value != expected:
                differing[cell] = (value, expected)
    assert differing == {}


def test_dates_not_written_as_their_pattern_writes_them_are_left_to_the_text(tmp_path):
    # A refused typed cell is quoted back in its pattern, so only zero-padded columns are typed.
    path = tmp_path / "unpadded.csv"
    path.write_text(HEADER + rows(5).replace("2024-03-04 09:00", "2024-3-4 9:00"), encoding="utf-8")
    con = store.connect(":memory:")
    assert importer.typed_dates(con, path) == reader.TypedDates(("預計完成時間", "完成時間", "最後更新時間"), "%Y-%m-%d %H:%M")
