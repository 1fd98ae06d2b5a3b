"""Detectors and parsers of the reader, on real bytes as users' tools write them."""

import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import duckdb
import pytest

from kpi import cli, i18n
from kpi.ingest import dates, encodings, importer, reader
from kpi.ingest.errors import InputError
from kpi.sql import used_parameters
from tests.conftest import FIXTURES


@pytest.mark.parametrize(
    ("fixture", "encoding", "delimiter", "header_row"),
    [
        ("week41-2009.csv", "utf-8", ",", 1),
        ("week41-2009.bom.csv", "utf-8-sig", ",", 1),
        ("week41-2009.big5.csv", "cp950", ",", 1),
        ("week41-2009.utf16.txt", "utf-16", "\t", 1),
        ("week41-2009.semicolon.csv", "utf-8", ";", 1),
        # Big5 with a report title and an export-time line above the header.
        ("week41-2009.zh-dates.csv", "cp950", ",", 3),
        # Redmine's English CSV is ISO-8859-1; "Rémy" alone once made the file Big5.
        ("redmine-2024-02.csv", "cp1252", ",", 1),
        ("redmine-zh-2024-02.csv", "cp950", ",", 1),
    ],
)
def test_sniff_detects_encoding_delimiter_and_header(fixture, encoding, delimiter, header_row):
    sniffed = reader.sniff((FIXTURES / fixture).read_bytes(), fixture)
    assert (sniffed.kind, sniffed.encoding, sniffed.delimiter, sniffed.header_row) == ("csv", encoding, delimiter, header_row)


def test_a_short_export_under_more_title_lines_than_rows_is_still_a_table(con, tmp_path):
    # Two tickets under a title, the export time and a blank line: the one-field lines once
    # outnumbered the table's rows and the file was "not a table".
    text = ("服務請求明細表\n匯出時間：2024/02/20 10:00\n\n編號,主旨,負責人,提出時間,服務請求狀態\n"
            "A-1,印表機,王小明,2024-02-05 09:14,已關閉\nA-2,信箱,李小華,2024-02-13 16:02,處理中\n")
    sniffed = reader.sniff(text.encode("utf-8"), "title.csv")
    assert (sniffed.delimiter, sniffed.header_row) == (",", 4)
    path = tmp_path / "title.csv"
    path.write_text(text, encoding="utf-8")
    importer.import_file(con, path)
    assert con.execute("SELECT ticket_id, source_row FROM ticket_versions ORDER BY 1").fetchall() == [("A-1", 5), ("A-2", 6)]


def test_sniff_recognises_excel_by_content():
    sniffed = reader.sniff((FIXTURES / "week41-2009.xlsx").read_bytes()[:4096], "export.bin")
    assert sniffed.kind == "excel"
    assert reader.sniff((FIXTURES / "week41-2009.ods").read_bytes()[:4096], "export.bin").kind == "ods"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"   \r\n\r\n", "the file is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00" * 40, "binary file"),
        ("這是一段說明文字，不是表格。\n第二行也是文字。\n".encode(), "not a table"),
    ],
)
def test_unreadable_input_names_the_file_and_problem(data, message):
    with pytest.raises(InputError) as caught:
        reader.sniff(data, "upload.csv")
    assert caught.value.file == "upload.csv"
    assert message in str(caught.value)


def test_read_frame_keeps_text_and_numbers_rows_like_a_spreadsheet():
    source = reader.read_frame((FIXTURES / "week41-2009.zh-dates.csv").read_bytes(), "zh.csv")
    assert list(source.frame.columns[:4]) == ["編號", "主旨", "部門", "負責人"]
    assert len(source.frame) == 7
    # Header on line 3, so the first ticket is row 4 and the last (7th) is row 10.
    assert source.row_number(0) == 4 and source.row_number(6) == 10
    assert source.frame.iloc[6]["完成時間"] is None  # the open ticket's empty completion cell
    assert source.frame.iloc[0]["提出時間"] == "2009年10月 5日  9時00分"


def test_rows_of_the_wrong_width_are_set_apart_with_their_row():
    data = "id,name\n1,a\n2,b,extra\n3,c\n".encode()
    source = reader.read_frame(data, "ragged.csv")
    assert list(source.frame["id"]) == ["1", "3"]
    assert source.malformed == (3,)
    assert source.row_number(1) == 4


def test_duckdb_staging_numbers_rows_around_refused_lines(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,name\n1,a\n2,b\n3,c,extra\n4,d\n")
    sniffed = reader.sniff(path.read_bytes(), path.name)
    con = duckdb.connect()
    staged = reader.stage_csv(con, path, sniffed, "stage")
    assert staged.rows == 3 and staged.malformed == (4,)
    assert con.execute(f"SELECT {staged.ref('id')}, source_row FROM {staged.numbered()} ORDER BY source_row").fetchall() == [
        ("1", 2), ("2", 3), ("4", 5)]


def test_rows_after_several_refused_lines_keep_their_file_row(tmp_path):
    path = tmp_path / "ragged.csv"
    # Lines 3 and 4 and 6 are refused; 2, 5, 7, 8 are accepted.
    path.write_text("id,name\n1,a\nx,y,z\nx,y,z\n5,e\nx,y,z\n7,g\n8,h\n")
    con = duckdb.connect()
    staged = reader.stage_csv(con, path, reader.sniff(path.read_bytes(), path.name), "stage")
    assert staged.malformed == (3, 4, 6)
    assert con.execute(f"SELECT {staged.ref('id')}, source_row FROM {staged.numbered()} ORDER BY source_row").fetchall() == [
        ("1", 2), ("5", 5), ("7", 7), ("8", 8)]


def test_undecodable_big5_names_the_line(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("編號,主旨\n1,正常\n".encode("cp950") + b"2,\xff\xff\n")
    with pytest.raises(InputError) as caught:
        reader.transcode_to_utf8(path, "cp950", "broken.csv")
    assert caught.value.row == 3
    assert caught.value.message("zh-TW") == "broken.csv，第 3 列：不是有效的 cp950 文字（含有無法解碼的位元組）"
    assert str(caught.value) == "broken.csv, row 3: not valid cp950 text (a byte that is not a character)"



def test_big5_user_defined_characters_read_as_windows_reads_them():
    # The first and last code of each of CP950's three user-defined rows, then an ordinary 中.
    data = b"\xfa\x40\xfe\xfe\x8e\x40\xa0\xfe\x81\x40\x8d\xfe" + "中".encode("cp950")
    assert encodings.decode(data, "cp950") == "\ue000\ue310\ue311\ueeb7\ueeb8\uf6b0中"
    with pytest.raises(UnicodeDecodeError):
        encodings.decode(b"\xfa\x30", "cp950")  # a lead byte of the area with no trail byte of Big5's
    assert encodings.decoder("cp950", replace=True).decode(b"\xff\xfa\x40") == "\ufffd\ue000"


def test_a_name_in_user_defined_characters_is_big5_a_page_of_them_is_not():
    names = "編號,主旨,負責人\n1,印表機,陳".encode("cp950") + b"\xfa\x40" + "明\n".encode("cp950")
    assert reader.detect_encoding(names, "x.csv") == "cp950"
    # Shift-JIS lead bytes fall in Big5's user-defined rows: these kana all read as such codes.
    kana = ("id,memo\n" + "1,いうかきく\n" * 5).encode("shift_jis")
    assert encodings.decode(kana, "cp950").count("\uef95") == 5
    assert reader.detect_encoding(kana, "x.csv") == "cp932"


@pytest.mark.parametrize(("text", "written_in", "read_as"), [
    # Latin-1 names whose accented letter is followed by a letter decoded as Big5 without an error.
    ("Rémy Chen", "iso-8859-1", "cp1252"), ("Jürgen Wang", "iso-8859-1", "cp1252"),
    ("Señora Peña", "iso-8859-1", "cp1252"), ("Zoë, Rémy", "iso-8859-1", "cp1252"),
    ("Don’t “quote” – ok… €5", "cp1252", "cp1252"),  # Windows' punctuation
    # Big5 stays Big5: names of two or three characters, and lone characters whose second byte is ASCII.
    ("王小明", "cp950", "cp950"), ("低", "cp950", "cp950"), ("許", "cp950", "cp950"), ("高 中 低", "cp950", "cp950"),
])
def test_western_single_byte_text_is_not_taken_for_big5(text, written_in, read_as):
    data = f"#,Subject,Assignee,Created\n1,Printer,{text},2024-02-05 09:14\n".encode(written_in)
    assert reader.detect_encoding(data, "x.csv") == read_as
    assert data.decode(read_as).splitlines()[1] == f"1,Printer,{text},2024-02-05 09:14"


def test_simplified_chinese_and_korean_text_is_not_taken_for_big5():
    # GBK's bytes for these rows are all valid Big5 too: read as Big5 they were stored garbled
    # (编号 as 晤瘍). EUC text never has a second byte below A1; a third of Big5's characters do.
    gbk = ("编号,主题\n" + "1,打印机无法使用\n2,无法登录\n" * 5).encode("gbk")
    assert gbk.decode("cp950").startswith("晤瘍")
    assert reader.detect_encoding(gbk, "x.csv") == "gb18030"
    korean = ("번호,제목,담당자\n" + "1,프린터 오류,김민수\n2,로그인 실패,이지은\n" * 4).encode("euc-kr")
    assert reader.detect_encoding(korean, "x.csv") == "cp949"
    assert reader.detect_encoding((FIXTURES / "week41-2009.big5.csv").read_bytes(), "x.csv") == "cp950"
    assert reader.detect_encoding("編號,主旨\n1,印表機\n".encode("cp950"), "x.csv") == "cp950"  # too short to tell


def test_a_big5_export_with_names_in_user_defined_characters_imports_and_says_so(tmp_path, capsys):
    # Taiwanese systems keep 喆, 堃 … of a name in Big5's user-defined area (造字); Python's cp950
    # refused them, and with them the whole file.
    data = ("編號,主旨,負責人,提出時間\nA-1,印表機,王小明,2024-03-04 09:00\n".encode("cp950")
            + "A-2,網路,陳".encode("cp950") + b"\xfa\x40" + "明,2024-03-04 10:00\n".encode("cp950")
            + "A-3,帳號,林".encode("cp950") + b"\x8e\x41\xfa\x40" + ",2024-03-05 11:00\n".encode("cp950"))
    (tmp_path / "big5.csv").write_bytes(data)
    assert cli.main(["import", "--db", str(tmp_path / "s.duckdb"), str(tmp_path / "big5.csv")]) == 0
    out = capsys.readouterr().out
    assert "3 inserted" in out
    assert "note: 3 Big5 user-defined characters (造字: characters Big5 lacks, mostly in names) were kept" in out
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT ticket_id, owner FROM tickets ORDER BY ticket_id").fetchall() == [
        ("A-1", "王小明"), ("A-2", "陳\ue000明"), ("A-3", "林\ue312\ue000")]
    assert i18n.t("ingest.user_defined_characters", "zh-TW", count=3).startswith("檔案中有 3 個 Big5 造字")


def _export(rows: int, odd_line: int | None = None, odd: str = "") -> str:
    """A zh-TW export of ``rows`` tickets; ``odd`` replaces file line ``odd_line``."""
    lines = ["編號,主旨,負責人"] + [f"{i},話機螢幕無顯示 {i},吳小姐" for i in range(1, rows + 1)]
    if odd_line:
        lines[odd_line - 1] = odd
    return "\n".join(lines) + "\n"


def _sniffed(path):
    """What the import sniffs: the file's first bytes only."""
    return reader.sniff(path.read_bytes()[:reader.SNIFF_BYTES], path.name)


def _staged_rows(con, staged):
    return con.execute(f"SELECT * FROM {staged.numbered()} ORDER BY source_row").fetchall()


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, to see what staging leaves in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_big5_is_staged_through_a_pipe_as_its_utf8_twin_and_leaves_no_copy(tmp_path, private_temp, monkeypatch):
    # 20,000 rows (a megabyte, far more than a pipe holds at once) with a ragged line at row 5,000.
    text = _export(20_000, odd_line=5_000, odd="x,y,z,extra")
    (tmp_path / "big5.csv").write_bytes(text.encode("cp950"))
    (tmp_path / "utf8.csv").write_bytes(text.encode("utf-8"))
    monkeypatch.setattr(reader, "transcode_to_utf8", lambda *args: pytest.fail("a UTF-8 copy was written"))
    con = duckdb.connect()
    big5 = reader.stage_csv(con, tmp_path / "big5.csv", _sniffed(tmp_path / "big5.csv"), "big5")
    utf8 = reader.stage_csv(con, tmp_path / "utf8.csv", _sniffed(tmp_path / "utf8.csv"), "utf8")
    assert big5.columns == utf8.columns == ("編號", "主旨", "負責人")
    assert big5.rows == 19_999 and big5.malformed == utf8.malformed == (5_000,)
    rows = _staged_rows(con, big5)
    assert rows == _staged_rows(con, utf8)
    assert rows[4_997:4_999] == [(4_999, "4998", "話機螢幕無顯示 4998", "吳小姐"), (5_001, "5000", "話機螢幕無顯示 5000", "吳小姐")]
    assert list(private_temp.iterdir()) == []  # the pipe's folder is gone


def test_an_undecodable_byte_far_into_a_piped_big5_file_names_its_line_and_stages_nothing(tmp_path, private_temp):
    path = tmp_path / "broken.csv"
    good = _export(20_000).encode("cp950")
    path.write_bytes(good + b"20001,\xff\xff,x\n" + _export(100).split("\n", 1)[1].encode("cp950"))
    con = duckdb.connect()
    with pytest.raises(InputError) as caught:
        reader.stage_csv(con, path, _sniffed(path), "stage")
    assert (caught.value.key, caught.value.row) == ("ingest.undecodable", 20_002)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'stage'").fetchone() == (0,)
    assert list(private_temp.iterdir()) == []


def test_a_quote_never_closed_in_a_piped_big5_file_is_told_as_in_utf8_without_waiting(tmp_path, private_temp):
    # DuckDB stops at the quote while the thread still has most of the file to write.
    text = _export(20_000, odd_line=3, odd='2,"話機螢幕無顯示,吳小姐')
    (tmp_path / "big5.csv").write_bytes(text.encode("cp950"))
    (tmp_path / "utf8.csv").write_bytes(text.encode("utf-8"))
    errors = []
    for name in ("big5.csv", "utf8.csv"):
        path = tmp_path / name
        with pytest.raises(InputError) as caught:
            reader.stage_csv(duckdb.connect(), path, _sniffed(path), "stage")
        errors.append((caught.value.key, caught.value.row))
    assert errors[0] == errors[1] and errors[0][0] == "ingest.unclosed_quote"
    assert list(private_temp.iterdir()) == []



def _refusing_reader(read_bytes: int):
    """A stand-in for DuckDB's reader that reads ``read_bytes`` of the pipe (0: never opens it) and fails."""
    def stage(con, path, sniffed, table, header=None, first_row=None, typed=None):
        if read_bytes:
            with open(path, "rb") as pipe:
                pipe.read(read_bytes)
        raise InputError(sniffed.file_name, "ingest.unreadable_table", detail="refused")
    return stage


@pytest.mark.parametrize("read_bytes", [0, 1024])
def test_a_reader_that_stops_early_leaves_no_thread_waiting_on_the_pipe(tmp_path, private_temp, monkeypatch, read_bytes):
    path = tmp_path / "big5.csv"
    path.write_bytes(_export(20_000).encode("cp950"))
    monkeypatch.setattr(reader, "_stage_with_duckdb", _refusing_reader(read_bytes))
    with ThreadPoolExecutor(max_workers=1) as pool:
        staging = pool.submit(reader.stage_csv, duckdb.connect(), path, _sniffed(path), "stage")
        with pytest.raises(InputError) as caught:
            staging.result(timeout=60)
    assert caught.value.key == "ingest.unreadable_table"
    assert list(private_temp.iterdir()) == []
    # The feeding thread ended with the staging; its idle worker leaves soon after.
    for _ in range(100):
        if not [t for t in threading.enumerate() if t.name.startswith("transcoding")]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("a transcoding thread is still running")

def test_without_named_pipes_big5_is_staged_from_a_temporary_copy(tmp_path, private_temp, monkeypatch):
    text = _export(300, odd_line=10, odd="x,y,z,extra")
    (tmp_path / "big5.csv").write_bytes(text.encode("cp950"))
    con = duckdb.connect()
    sniffed = _sniffed(tmp_path / "big5.csv")
    piped = _staged_rows(con, reader.stage_csv(con, tmp_path / "big5.csv", sniffed, "piped"))
    monkeypatch.delattr(os, "mkfifo")  # as on Windows
    copied = reader.stage_csv(con, tmp_path / "big5.csv", sniffed, "copied")
    assert copied.malformed == (10,) and _staged_rows(con, copied) == piped
    assert list(private_temp.iterdir()) == []

def test_repeated_and_blank_headers_get_distinct_names():
    data = b"Issue key,Watchers,Watchers,\nSD-1,ann,bob,x\n"
    assert list(reader.read_frame(data, "jira.csv").frame.columns) == ["Issue key", "Watchers", "Watchers_2", "column_4"]


def test_a_header_read_past_the_first_256_kb_is_the_header_read_whole(tmp_path):
    # The header is read a little at a time: here its title lines and the rows under it, whose
    # width tells whether the header's trailing delimiter names a column, run past 256 KB.
    title = ["報表說明：" + "說" * 100_000]  # 300 KB of title line
    rows = [f"T-{n},{'x' * 10_000}" for n in range(60)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([*title, "編號,主旨,", *rows]) + "\n", encoding="utf-8")
    sniffed = reader.Sniffed("wide.csv", "csv", "utf-8", ",", 2)
    assert reader._header(path, sniffed) == ("編號", "主旨")  # every row has two cells: no third column
    rows[40] = "T-40,x,late"  # the 41st row under the header has a third cell: the column is one
    path.write_text("\n".join([*title, "編號,主旨,", *rows]) + "\n", encoding="utf-8")
    assert reader._header(path, sniffed) == ("編號", "主旨", "column_3")


@pytest.mark.parametrize(
    ("values", "form", "expected"),
    [
        (["2012-08-01 13:06", "2012-07-24 10:30:00"], "iso", datetime(2012, 8, 1, 13, 6)),
        (["2012年 3月15日 17時20分"], "zh_tw", datetime(2012, 3, 15, 17, 20)),
        # Windows and .NET in zh-TW: 下午 (PM) before a 12-hour time; 上午 12:05 is five past midnight.
        (["2024/8/16 下午 03:32:00", "2024/8/17 上午 12:05:00"], "zh_tw_12h", datetime(2024, 8, 16, 15, 32)),
        (["2024/8/17 上午 12:05:00"], "zh_tw_12h", datetime(2024, 8, 17, 0, 5)),
        # Republic of China years (民國 113 = 2024); 113 is a leap year as 2024 is.
        (["113/02/29 15:32", "113/03/01"], "roc", datetime(2024, 2, 29, 15, 32)),
        (["民國113年 8月16日 15時32分", "113年8月17日"], "roc_zh", datetime(2024, 8, 16, 15, 32)),
        (["113.08.16 15:32", "113.08.17"], "roc", datetime(2024, 8, 16, 15, 32)),
        (["113/8/16 下午 03:32:00", "113/8/17 上午 12:05:00"], "roc_12h", datetime(2024, 8, 16, 15, 32)),
        # The ROC year running into the month, as Taiwan's government and legacy systems keep it.
        (["1130816", "1130817 09:30"], "roc_compact", datetime(2024, 8, 16)),
        (["1130817 09:30", "11308171645"], "roc_compact", datetime(2024, 8, 17, 9, 30)),
        # A weekday inside the date, as Taiwanese systems and Windows' long dates write it.
        (["2024/02/05(一) 14:30", "2024/2/6 (週二) 下午 02:30"], "weekday", datetime(2024, 2, 5, 14, 30)),
        (["2024年2月6日 星期二 下午 02:30"], "weekday", datetime(2024, 2, 6, 14, 30)),
        (["113/02/05（一）", "民國113年2月6日 星期二"], "roc_weekday", datetime(2024, 2, 5)),
        (["Mon, 05 Feb 2024 14:30", "Tuesday, February 6, 2024 9:05 AM"], "weekday", datetime(2024, 2, 5, 14, 30)),
        # E-mail's dates (RFC 5322) end in their UTC offset: 06:30 GMT is 14:30 in Taipei (UTC+8).
        (["Mon, 05 Feb 2024 06:30:00 +0000", "6 Feb 2024 09:05 -0500 (EST)"], "mail", datetime(2024, 2, 5, 14, 30)),
        (["Tue, 6 Feb 2024 01:00:00 GMT"], "mail", datetime(2024, 2, 6, 9)),
        (["2024.08.16 15:32", "2024.08.17"], "iso", datetime(2024, 8, 16, 15, 32)),
        (["29/2/2016 01:16", "13/3/2016 09:00"], "day_first", datetime(2016, 2, 29, 1, 16)),
        (["25/Feb/26 10:17 PM"], "jira", datetime(2026, 2, 25, 22, 17)),
        (["2/29/2016 1:16 PM"], "month_first", datetime(2016, 2, 29, 13, 16)),
        # Two-digit years: ICU's en-US short form and a spreadsheet's m/d/yy; German's dd.MM.yy.
        (["2/5/24, 9:14 AM", "12/31/24, 11:59 PM"], "month_first_yy", datetime(2024, 2, 5, 9, 14)),
        (["2/13/24 16:02", "12/28/23 8:00"], "month_first_yy", datetime(2024, 2, 13, 16, 2)),
        (["05.02.24, 09:14", "13.02.24 16:02"], "day_first_yy", datetime(2024, 2, 5, 9, 14)),
        # Oracle's defaults as SQL Developer exports them, in English and Traditional Chinese.
        (["05-FEB-24 09.14.00.000000 PM", "13-FEB-24 04.02.00.000000 PM"], "oracle", datetime(2024, 2, 5, 21, 14)),
        (["05-2月 -24 09.14.00.000000 下午", "13-2月 -24"], "oracle", datetime(2024, 2, 5, 21, 14)),
        (["31-DEC-2024 23:59:59", "05-FEB-24"], "oracle", datetime(2024, 12, 31, 23, 59, 59)),
        (["29/2/16 01:16", "31/12/99"], "day_first_yy", datetime(2016, 2, 29, 1, 16)),
        # ICU's medium form, a comma after the year too (browsers, Java 9 on).
        (["Feb 5, 2024, 9:14:00 AM", "Dec 31, 2024, 11:59\u202fPM"], "month_name", datetime(2024, 2, 5, 9, 14)),
        # .NET's full form ("F") set to zh-TW, and ICU's medium one.
        (["2024年2月5日 上午 09:14:00", "2024年2月6日 下午2:30"], "zh_tw_12h", datetime(2024, 2, 5, 9, 14)),
        # Java's ZonedDateTime: the offset says the time (01:14 UTC is 09:14 in Taipei), the id is read past.
        (["2024-02-05T01:14Z[UTC]", "2024-02-05T09:14:30+08:00[Asia/Taipei]"], "iso", datetime(2024, 2, 5, 9, 14)),
        # Java's Date.toString() in a JVM set to Asia/Taipei (CST), and one in UTC: 01:14 UTC is 09:14.
        (["Mon Feb 05 09:14:00 CST 2024", "Tue Feb 06 14:30:59 CST 2024"], "java_date", datetime(2024, 2, 5, 9, 14)),
        (["Mon Feb 05 01:14:00 UTC 2024", "Sat Dec 31 23:59:59 GMT 2022"], "java_date", datetime(2024, 2, 5, 9, 14)),
        # A JVM started with -Duser.timezone=GMT+8 writes the offset: it says the time.
        (["Mon Feb 05 06:14:00 GMT+05:00 2024", "Tue Feb 06 14:30:59 GMT+08:00 2024"], "java_date", datetime(2024, 2, 5, 9, 14)),
        # Unix seconds: 1707095640 is 2024-02-05 01:14 UTC.
        (["1707095640", "1707183900"], "epoch_s", datetime(2024, 2, 5, 9, 14)),
        # 40123.5 days after 1899-12-30 = 2009-11-06 12:00 (Excel's serial date).
        (["40123.5"], "excel_serial", datetime(2009, 11, 6, 12, 0)),
        (["20240101"], "compact", datetime(2024, 1, 1)),
        # Fractional seconds, as ServiceNow and SQL Server exports write them.
        (["2012/10/09 14:50:17.000"], "iso", datetime(2012, 10, 9, 14, 50, 17)),
        (["2012-10-09T14:50:17.250"], "iso", datetime(2012, 10, 9, 14, 50, 17, 250000)),
        # SQL Server's datetime2: seven digits of a second, the seventh dropped as DuckDB drops it.
        (["2024-03-04 09:05:00.0000000", "2024-03-04 10:00:00.1234567"], "iso", datetime(2024, 3, 4, 9, 5)),
        # UTC offsets and Z: 15:49:42 UTC is 23:49:42 in Taipei (UTC+8); never dropped.
        (["2006-01-11 15:49:42+00:00"], "iso", datetime(2006, 1, 11, 23, 49, 42)),
        (["2006-01-11T15:49:42Z"], "iso", datetime(2006, 1, 11, 23, 49, 42)),
        (["2024-02-08T09:00:00-05:00"], "iso", datetime(2024, 2, 8, 22, 0)),
        (["2024-02-08 09:00:00 +0800"], "iso", datetime(2024, 2, 8, 9, 0)),   # a space before the offset
        (["2024-02-08T09:00:00.5+09:00"], "iso", datetime(2024, 2, 8, 8, 0, 0, 500000)),
    ],
)
def test_date_forms_are_detected_and_parsed_alike_in_python_and_duckdb(values, form, expected):
    detection = dates.detect(values + ["?", ""])
    assert detection.format.name == form
    assert detection.present == len(values)
    assert detection.format.parse(values[0]) == expected
    sql = detection.format.parse_sql("trim(v)")
    query = f"SELECT {sql} FROM (SELECT $v AS v)"
    parameters = {"v": values[0], "time_zone": "Asia/Taipei", "zone_names": list(dates.zone_abbreviations("Asia/Taipei"))}
    assert duckdb.execute(query, used_parameters(query, parameters)).fetchall() == [(expected,)]


def test_ambiguous_day_month_is_reported():
    detection = dates.detect(["3/4/2016 10:00", "5/6/2016 11:00"])
    assert detection.format.name == "day_first"
    assert detection.ambiguous and "month_first" in detection.alternatives


def test_a_two_digit_year_is_its_own_form_and_a_four_digit_one_is_not_read_by_it():
    assert dates.detect(["31/12/99 23:00"]).format.parse("31/12/99 23:00") == datetime(1999, 12, 31, 23)
    assert dates.detect(["1/3/68 1:00", "1/13/68 1:00"]).format.parse("1/13/68 1:00") == datetime(2068, 1, 13, 1)
    assert dates.detect(["2/13/2024 16:02"]).format.name == "month_first"   # not month_first_yy
    assert [dates.BY_NAME[f].parse("2/13/2024 16:02") for f in ("month_first_yy", "day_first_yy")] == [None, None]


def test_a_columns_ambiguous_dates_take_the_form_another_date_column_settles(con, tmp_path):
    # Resolved alone could be 6 February or 2 June; Created's 2/13/24 can only be month first.
    path = tmp_path / "helpdesk.csv"
    path.write_text("Ticket ID,Created,Resolved\nT-1,2/5/24 9:14,2/6/24 10:00\nT-2,2/13/24 16:02,\n"
                    "T-3,12/28/23 8:00,1/3/24 17:30\n", encoding="utf-8")
    source = importer.open_source(con, path)
    plan = importer.propose_plan(con, source)
    assert plan.date_formats == {"created_at": "month_first_yy", "resolved_at": "month_first_yy"}
    preview = importer.preview(con, source, plan)
    assert not any(detection.ambiguous for detection in preview.date_detection.values())
    importer.commit(con, preview)
    assert con.execute("SELECT ticket_id, created_at, resolved_at FROM tickets ORDER BY 1").fetchall() == [
        ("T-1", datetime(2024, 2, 5, 9, 14), datetime(2024, 2, 6, 10)), ("T-2", datetime(2024, 2, 13, 16, 2), None),
        ("T-3", datetime(2023, 12, 28, 8), datetime(2024, 1, 3, 17, 30))]
    # With no column to settle it, the ambiguity is still told.
    alone = tmp_path / "alone.csv"
    alone.write_text("Ticket ID,Created\nT-1,2/5/24 9:14\n", encoding="utf-8")
    source = importer.open_source(con, alone)
    assert importer.preview(con, source, importer.propose_plan(con, source)).date_detection["created_at"].ambiguous


def test_missing_markers_parse_to_none():
    form = dates.BY_NAME["iso"]
    assert [form.parse(v) for v in ["?", "", "  ", None, "N/A", "n/a", " null "]] == [None] * 7
    assert dates.detect(["?", ""]).format is None
    # The importer's SQL uses the very same markers: each is NULL, a real value stays.
    cells = ["?", "-", "n/a", "NULL", "", "2024-01-02"]
    sql = dates.value_or_null_sql("trim(v)")
    assert duckdb.sql(f"SELECT {sql} FROM unnest(?) AS t(v)", params=[cells]).fetchall() == [(None,)] * 5 + [("2024-01-02",)]
