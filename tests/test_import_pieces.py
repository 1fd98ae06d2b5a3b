"""A big file imported a piece at a time: cuts only between records, and the same tickets, counts,
rejects (file row and column) and data-quality findings as the file read whole."""

import errno
import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from kpi import store
from kpi.ingest import importer, reader
from kpi.ingest.errors import InputError

HEADER = "編號,主旨,部門,負責人,服務請求方法,提出時間,預計完成時間,完成時間,升級次數,服務請求狀態,最後更新時間"
ROW = "{id},{subject},客服一部,王小明,Level 3,2024-03-04 09:00,2024-03-18 09:00,{done},{escalations},{status},{updated}"


def ticket(number: int, subject: str = "主旨", done: str = "", escalations: str = "0", status: str = "處理中",
           updated: str = "2024-03-05 10:00") -> str:
    return ROW.format(id=f"P-{number:03d}", subject=subject, done=done, escalations=escalations, status=status,
                      updated=updated)


def export(tmp_path: Path) -> Path:
    """30 tickets (file rows 2-31) with, far from the first piece: a cell with a line break in
    quotes (row 12), a ticket repeated later with a newer update (rows 5 and 25), a bad count
    (row 18), a row one column short (row 21) and a bad date (row 28)."""
    rows = [ticket(n) for n in range(1, 31)]
    rows[10] = ticket(11, subject='"兩行,\n""主旨"""')
    rows[23] = ticket(4, status="已關閉", done="2024-03-06 12:00", updated="2024-03-06 12:00")
    rows[16] = ticket(17, escalations="兩次")
    rows[19] = ticket(20).rsplit(",", 1)[0]
    rows[26] = ticket(27).replace("2024-03-04 09:00", "2024-13-45 09:00")
    path = tmp_path / "big.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def stored(con) -> list[tuple]:
    return con.execute("SELECT * EXCLUDE (batch_id) FROM ticket_versions ORDER BY source_row").fetchall()


def test_cuts_fall_only_at_record_ends_whatever_the_read_size():
    data = b'h1,h2\n1,"a\nb"\n2,c\n'  # the line end at byte 10 is inside quotes; record 1 ends at 14
    path = Path(__file__).parent / "fixtures" / "quoted-line-break.csv"
    sniffed = reader.Sniffed("x.csv", "csv", "utf-8", ",", 1)
    path.write_bytes(data)
    try:
        for chunk_bytes in (4, 5, 64):
            assert reader.scan_for_pieces(path, sniffed, 8, chunk_bytes=chunk_bytes)[1] == (14,)
        assert reader.scan_for_pieces(path, sniffed, 3, chunk_bytes=4)[1] == (6, 14)  # past the header, then 14
    finally:
        path.unlink()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_the_scan_hashes_in_file_order_and_names_a_nul_bytes_row_whatever_the_read_size(tmp_path, encoding):
    text = "".join(f"{n},row {n}\n" for n in range(1, 40))
    path = tmp_path / "scanned.csv"
    path.write_bytes(text.encode(encoding))
    sniffed = reader.Sniffed("scanned.csv", "csv", encoding, ",", 1)
    for chunk_bytes in (2, 6, 64, 1 << 20):
        assert reader.scan(path, sniffed, chunk_bytes) == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_bytes(text.replace("row 27", "row \x0027").encode(encoding))  # a NUL in line 27
    for chunk_bytes in (2, 6, 64, 1 << 20):
        with pytest.raises(InputError) as caught:
            reader.scan(path, sniffed, chunk_bytes)
        assert (caught.value.key, caught.value.row) == ("ingest.nul_byte", 27)


def test_a_file_imported_in_pieces_stores_and_reports_what_the_whole_file_does(tmp_path, monkeypatch):
    path = export(tmp_path)
    whole_con = store.connect(":memory:")
    whole = importer.import_file(whole_con, path)

    monkeypatch.setattr(importer, "PIECE_BYTES", 700)  # about seven rows a piece
    heard, con = [], store.connect(":memory:")
    pieced = importer.import_file(con, path, progress=lambda *call: heard.append(call))

    checks = [call for call in heard if call[0] == "check"]
    assert checks[0] == ("check", 0, 5) and checks[-1] == ("check", 5, 5)  # five pieces
    first_piece = reader.scan_for_pieces(path, reader.sniff(path.read_bytes(), path.name), 700)[1][0]
    assert [call for call in heard if call[0] == "stage"] == [("stage", 0, first_piece), ("stage", first_piece, first_piece)]
    # 30 rows: 3 rejected, ticket 4 twice (its row 5 superseded by row 25), 26 stored.
    assert (pieced.rows_read, pieced.inserted, pieced.superseded, pieced.rejected) == (30, 26, 1, 3)
    assert [(r.row, r.column) for r in pieced.rejects] == [(21, None), (18, "升級次數"), (28, "提出時間")]
    assert [(r.row, r.column, r.reason) for r in pieced.rejects] == [(r.row, r.column, r.reason) for r in whole.rejects]
    assert con.execute("SELECT subject, source_row FROM tickets WHERE ticket_id = 'P-011'").fetchall() == [
        ('兩行,\n"主旨"', 12)]
    assert con.execute("SELECT state, source_row FROM tickets WHERE ticket_id = 'P-004'").fetchall() == [("closed", 25)]
    assert stored(con) == stored(whole_con)
    assert (pieced.inserted, pieced.superseded, pieced.rejected) == (whole.inserted, whole.superseded, whole.rejected)


def test_the_scratch_database_of_a_big_file_is_gone_after_the_import(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    monkeypatch.setattr(importer.tempfile, "tempdir", str(scratch))
    con = store.connect(tmp_path / "store.duckdb")
    report = importer.import_file(con, export(tmp_path))
    assert report.inserted == 26
    assert [name for (name,) in con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
            if name.endswith("_scratch")] == []
    assert list(scratch.iterdir()) == []  # the pieces' copies and the scratch database
    con.close()


def test_a_bad_piece_late_in_the_file_stores_nothing_and_names_its_row(tmp_path, monkeypatch):
    path = export(tmp_path)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[27] = lines[27].replace("主旨", '"主旨', 1)  # file row 27 (a line of row 12 is above): a quote never closed
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    con = store.connect(tmp_path / "store.duckdb")
    with pytest.raises(InputError) as refused:
        importer.import_file(con, path)
    assert str(refused.value) == ('big.csv, row 27: a quote (") opened in this row is never closed, so the rest of'
                                  " the file would read as one cell; fix it and import again")
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 0
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions") == 0
    assert list(store.originals_dir(con).iterdir()) == []
    con.close()


def test_a_direct_import_over_the_scratch_size_previews_and_stores_alike(tmp_path, monkeypatch):
    path = export(tmp_path)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[8] = lines[8].replace(",,0,處理中,", ",2024-03-01 08:00,0,已關閉,")  # row 9 (P-008): done before created
    path.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(importer, "SCRATCH_FROM_ROWS", 10)
    con = store.connect(tmp_path / "store.duckdb")
    source = importer.open_source(con, path)
    preview = importer.preview(con, source, importer.propose_plan(con, source), keep_text=False)
    assert source.scratch is not None and source.scratch.is_file()
    assert (preview.to_insert, preview.superseded, preview.rejected) == (26, 1, 3)
    assert preview.quality.found() == {"completed_before_created": 1}
    assert importer.quality_rows(con, preview).values.tolist() == [[9, "completed_before_created", "P-008"]]
    report = importer.commit(con, preview)
    importer.discard(con, source)
    assert (report.inserted, report.rejected) == (26, 3)
    assert con.execute("SELECT state, completed_at < created_at FROM tickets WHERE ticket_id = 'P-008'").fetchall() == [
        ("closed", True)]
    assert source.scratch is None
    con.close()


def test_a_bom_a_title_line_and_crlf_line_ends_read_in_pieces_as_whole(tmp_path, monkeypatch):
    rows = [HEADER, *(ticket(n) for n in range(1, 21))]
    path = tmp_path / "titled.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(["服務請求報表 2024-03,,,,,,,,,,", *rows]).encode("utf-8") + b"\r\n")
    whole_con = store.connect(":memory:")
    whole = importer.import_file(whole_con, path)
    monkeypatch.setattr(importer, "PIECE_BYTES", 500)
    heard, con = [], store.connect(":memory:")
    pieced = importer.import_file(con, path, progress=lambda *call: heard.append(call))
    assert [call for call in heard if call[0] == "check"][-1] == ("check", 5, 5)
    assert (pieced.rows_read, pieced.inserted, pieced.rejected) == (whole.rows_read, whole.inserted, whole.rejected) \
        == (20, 20, 0)
    assert con.execute("SELECT min(source_row), max(source_row) FROM ticket_versions").fetchall() == [(3, 22)]
    assert stored(con) == stored(whole_con)


def test_a_stray_quote_that_misleads_the_cuts_reads_the_file_whole(tmp_path, monkeypatch):
    rows = [ticket(n) for n in range(1, 21)]
    rows[1] = ticket(2, subject='7"螢幕')  # a quote inside an unquoted cell: text to DuckDB, one quote to the count
    rows[12] = ticket(13, subject='"第一行\n第二行\n第三行\n第四行"')  # after it, line ends inside quotes look like record ends
    path = tmp_path / "stray.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    sniffed = reader.sniff(path.read_bytes(), path.name)
    data = path.read_bytes()
    inside = range(data.index('"第一行'.encode()) + 1, data.index('第四行"'.encode()) + 1)
    assert any(cut in inside for cut in reader.scan_for_pieces(path, sniffed, 200)[1])  # a cut within the cell
    whole_con = store.connect(":memory:")
    whole = importer.import_file(whole_con, path)
    monkeypatch.setattr(importer, "PIECE_BYTES", 200)
    con = store.connect(":memory:")
    report = importer.import_file(con, path)
    assert (report.rows_read, report.inserted, report.rejected) == (whole.rows_read, whole.inserted, whole.rejected) \
        == (20, 20, 0)
    assert con.execute("SELECT subject FROM tickets WHERE ticket_id IN ('P-002', 'P-013') ORDER BY 1").fetchall() == [
        ('7"螢幕',), ("第一行\n第二行\n第三行\n第四行",)]
    assert stored(con) == stored(whole_con)


def test_a_full_temporary_folder_stores_nothing_and_says_so(tmp_path, monkeypatch):
    path = export(tmp_path)
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    con = store.connect(tmp_path / "store.duckdb")

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reader.os, "copy_file_range", full)
    with pytest.raises(InputError) as refused:
        importer.import_file(con, path)
    assert str(refused.value) == (
        "big.csv: the temporary folder, where a big file is read a piece at a time, could not be written"
        " (No space left on device); nothing was imported. Free some space or point TMPDIR at a larger disk")
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 0
    assert list(store.originals_dir(con).iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr(importer, "SCRATCH_FROM_ROWS", 10)  # its mapped rows go to a scratch database
    monkeypatch.setattr(importer.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "gone" / prefix))
    with pytest.raises(InputError, match="could not be written \\(IOException\\)"):
        importer.import_file(con, path)
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions") == 0
    con.close()


def test_a_report_footer_is_named_so_in_the_last_piece_only(tmp_path, monkeypatch):
    path = export(tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + "\n報表產生時間：2024/03/07 上午 09:00\n機密資料，請勿外流\n",
                    encoding="utf-8")
    whole = importer.import_file(store.connect(":memory:"), path)
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    pieced = importer.import_file(store.connect(":memory:"), path)
    assert [(r.row, r.key) for r in pieced.rejects] == [  # the lines the CSV reader refused come first
        (21, "ingest.wrong_width"), (33, "ingest.footer_line"), (34, "ingest.footer_line"),
        (18, "reject.bad_ticket_count"), (28, "reject.bad_date")]
    assert [(r.row, r.reason) for r in pieced.rejects] == [(r.row, r.reason) for r in whole.rejects]
    # a piece that ends the same way but is followed by more rows has no footer
    staged = reader.Staged("t", ("a", "b"), 5, (7,), footer=((7, "stray"),))
    assert [r.key for r in reader.refused_rows("x.csv", staged, at_end=False)] == ["ingest.wrong_width"]
    assert [r.key for r in reader.refused_rows("x.csv", staged)] == ["ingest.footer_line"]


def unfinished(con) -> list[int]:
    return [batch for (batch,) in con.execute("SELECT batch_id FROM unfinished_batches").fetchall()]


def test_versions_written_ahead_are_current_only_once_the_batch_is_recorded(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    con = store.connect(tmp_path / "store.duckdb")
    seen = []

    def look(phase, done, _total):
        if phase == "check" and done == 3:  # three of five pieces written, from another session
            other = con.cursor()
            seen.append((other.execute("SELECT count(*) FROM tickets").fetchone()[0],
                         other.execute("SELECT count(*), count(*) FILTER (is_current) FROM ticket_versions").fetchone(),
                         unfinished(other)))

    report = importer.import_file(con, export(tmp_path), progress=look)
    # the first three pieces: rows 2-7, 8-14 (row 12 on two lines), 15-21 (18 rejected, 21 refused)
    assert seen == [(0, (18, 0), [report.batch_id])]
    assert (report.inserted, report.superseded) == (26, 1)
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 26
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions WHERE batch_id = ?", [report.batch_id]) == 26
    assert unfinished(con) == [] and store.UNFINISHED_HERE == set()
    con.close()


def test_an_import_that_died_mid_way_leaves_nothing_once_the_store_is_opened_again(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    path, db = export(tmp_path), tmp_path / "store.duckdb"
    con = store.connect(db)
    monkeypatch.setattr(importer.batches, "drop_unfinished", lambda *_args: None)  # the process dies: no clean-up

    def die(phase, done, _total):
        if phase == "check" and done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importer.import_file(con, path, progress=die)
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions") == 18
    batch = unfinished(con)
    # A second connection of the same process leaves an import it has in progress alone.
    assert store.connect(db).execute("SELECT count(*) FROM ticket_versions").fetchone()[0] == 18
    con.close()
    store.UNFINISHED_HERE.clear()  # a new process
    monkeypatch.undo()
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    con = store.connect(db)
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions") == 0 and unfinished(con) == []
    report = importer.import_file(con, path)
    assert report.batch_id != batch[0] and report.inserted == 26
    con.close()


def test_a_failed_import_deletes_the_versions_it_wrote_ahead(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    con = store.connect(tmp_path / "store.duckdb")

    def fail(phase, done, _total):
        if phase == "check" and done == 4:
            raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        importer.import_file(con, export(tmp_path), progress=fail)
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions") == 0
    assert unfinished(con) == [] and store.UNFINISHED_HERE == set()
    con.close()


def test_a_file_written_ahead_updates_stored_tickets_as_the_file_read_whole_does(tmp_path, monkeypatch):
    earlier = tmp_path / "earlier.csv"  # tickets 1-10 stored, 3 and 6 as other updates left them
    rows = [ticket(n) for n in range(1, 11)]
    rows[2] = ticket(3, status="已關閉", done="2024-03-05 09:00", updated="2024-03-05 09:00")
    rows[5] = ticket(6, escalations="2", updated="2024-03-05 11:00")
    earlier.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    path = export(tmp_path)
    results = []
    for piece_bytes in (importer.PIECE_BYTES, 700):
        monkeypatch.setattr(importer, "PIECE_BYTES", piece_bytes)
        con = store.connect(":memory:")
        importer.import_file(con, earlier)
        report = importer.import_file(con, path)
        results.append(((report.inserted, report.updated, report.unchanged, report.superseded, report.rejected),
                        con.execute("SELECT * EXCLUDE (batch_id) FROM ticket_versions ORDER BY ticket_id, batch_id,"
                                    " source_row").fetchall()))
        importer.undo_batch(con, report.batch_id)
        assert con.execute("SELECT ticket_id, status FROM tickets WHERE ticket_id IN ('P-003', 'P-006')"
                           " ORDER BY 1").fetchall() == [("P-003", "已關閉"), ("P-006", "處理中")]
    # 26 tickets, 16 of them new; of the 10 stored: 3 (the file's 10:00 update is newer than the
    # stored 09:00) and 4 (its newer row 25) updated, 6 stale (stored at 11:00), 7 the same;
    # superseded: 6 and ticket 4's row 5.
    assert results[0][0] == (16, 2, 7, 2, 3)
    assert results[1] == results[0]


def test_a_deadline_of_dates_only_in_the_first_piece_is_read_to_the_end_of_the_day_before_writing(tmp_path, monkeypatch):
    path = export(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(",2024-03-18 09:00,", ",2024-03-18,"), encoding="utf-8")
    whole_con = store.connect(":memory:")
    whole = importer.import_file(whole_con, path)
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    con = store.connect(":memory:")
    pieced = importer.import_file(con, path)
    assert [(f.check, f.count) for f in pieced.findings] == [(f.check, f.count) for f in whole.findings] == [
        ("end_of_day_current_commitment_at", 27)]  # the valid rows, ticket 4's row 5 too
    assert store.scalar(con, "SELECT DISTINCT current_commitment_at FROM tickets") == datetime(2024, 3, 18, 23, 59, 59)
    assert stored(con) == stored(whole_con)


def test_undoing_a_batch_never_makes_versions_written_ahead_current(tmp_path, monkeypatch):
    earlier = tmp_path / "earlier.csv"
    earlier.write_text("\n".join([HEADER, *(ticket(n, updated="2024-03-01 10:00") for n in range(1, 11))]) + "\n",
                       encoding="utf-8")
    con = store.connect(tmp_path / "store.duckdb")
    first = importer.import_file(con, earlier)
    monkeypatch.setattr(importer, "PIECE_BYTES", 700)
    monkeypatch.setattr(importer.batches, "drop_unfinished", lambda *_args: None)  # left as a dead import leaves it

    def stop(phase, done, _total):
        if phase == "check" and done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        importer.import_file(con, export(tmp_path), progress=stop)
    # tickets 1-6 of the first piece and 7-13 of the second, written ahead; 1-10 stored before
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions WHERE NOT is_current") == 13
    importer.undo_batch(con, first.batch_id)
    assert store.scalar(con, "SELECT count(*) FROM ticket_versions WHERE is_current") == 0
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 0
    con.close()
