"""Detectors and parsers of the reader, on real bytes as users' tools write them."""

from datetime import datetime

import duckdb
import pytest

from kpi.ingest import dates, reader
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
    ],
)
def test_sniff_detects_encoding_delimiter_and_header(fixture, encoding, delimiter, header_row):
    sniffed = reader.sniff((FIXTURES / fixture).read_bytes(), fixture)
    assert (sniffed.kind, sniffed.encoding, sniffed.delimiter, sniffed.header_row) == ("csv", encoding, delimiter, header_row)


def test_sniff_recognises_excel_by_content():
    sniffed = reader.sniff((FIXTURES / "week41-2009.xlsx").read_bytes()[:4096], "export.bin")
    assert sniffed.kind == "excel"


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
    assert caught.value.message("zh-TW") == "broken.csv, 第 3 列: 不是有效的 cp950 文字（含有無法解碼的位元組）"
    assert str(caught.value) == "broken.csv, row 3: not valid cp950 text (a byte that is not a character)"


def test_repeated_and_blank_headers_get_distinct_names():
    data = b"Issue key,Watchers,Watchers,\nSD-1,ann,bob,x\n"
    assert list(reader.read_frame(data, "jira.csv").frame.columns) == ["Issue key", "Watchers", "Watchers_2", "column_4"]


@pytest.mark.parametrize(
    ("values", "form", "expected"),
    [
        (["2012-08-01 13:06", "2012-07-24 10:30:00"], "iso", datetime(2012, 8, 1, 13, 6)),
        (["2012年 3月15日 17時20分"], "zh_tw", datetime(2012, 3, 15, 17, 20)),
        (["29/2/2016 01:16", "13/3/2016 09:00"], "day_first", datetime(2016, 2, 29, 1, 16)),
        (["25/Feb/26 10:17 PM"], "jira", datetime(2026, 2, 25, 22, 17)),
        (["2/29/2016 1:16 PM"], "month_first", datetime(2016, 2, 29, 13, 16)),
        # 40123.5 days after 1899-12-30 = 2009-11-06 12:00 (Excel's serial date).
        (["40123.5"], "excel_serial", datetime(2009, 11, 6, 12, 0)),
        (["20240101"], "compact", datetime(2024, 1, 1)),
        # Fractional seconds, as ServiceNow and SQL Server exports write them.
        (["2012/10/09 14:50:17.000"], "iso", datetime(2012, 10, 9, 14, 50, 17)),
        (["2012-10-09T14:50:17.250"], "iso", datetime(2012, 10, 9, 14, 50, 17, 250000)),
        # UTC offsets and Z: 15:49:42 UTC is 23:49:42 in Taipei (UTC+8); never dropped.
        (["2006-01-11 15:49:42+00:00"], "iso", datetime(2006, 1, 11, 23, 49, 42)),
        (["2006-01-11T15:49:42Z"], "iso", datetime(2006, 1, 11, 23, 49, 42)),
        (["2024-02-08T09:00:00-05:00"], "iso", datetime(2024, 2, 8, 22, 0)),
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
    assert duckdb.execute(query, used_parameters(query, {"v": values[0], "time_zone": "Asia/Taipei"})).fetchall() == [
        (expected,)]


def test_ambiguous_day_month_is_reported():
    detection = dates.detect(["3/4/2016 10:00", "5/6/2016 11:00"])
    assert detection.format.name == "day_first"
    assert detection.ambiguous and "month_first" in detection.alternatives


def test_missing_markers_parse_to_none():
    form = dates.BY_NAME["iso"]
    assert [form.parse(v) for v in ["?", "", "  ", None, "N/A", "n/a", " null "]] == [None] * 7
    assert dates.detect(["?", ""]).format is None
    # The importer's SQL uses the very same markers: each is NULL, a real value stays.
    cells = ["?", "-", "n/a", "NULL", "", "2024-01-02"]
    sql = dates.value_or_null_sql("trim(v)")
    assert duckdb.sql(f"SELECT {sql} FROM unnest(?) AS t(v)", params=[cells]).fetchall() == [(None,)] * 5 + [("2024-01-02",)]
