"""Downloads are safe to open: hostile text stays text in CSV and XLSX, numbers stay numbers."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from kpi import exports
from kpi.roi import report
from kpi.roi.model import SEED
from kpi.roi.scenarios import list_scenarios, save_scenario

HOSTILE = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def hostile() -> pd.DataFrame:
    return pd.DataFrame({
        "cell": HOSTILE,
        "count": [-5, 0, 1, 2, 3, 4],
        "share": [3.5, -0.25, None, 1.0, 2.0, -5.0],
    })


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def test_csv_prefixes_formula_text_and_leaves_numbers_bare(hostile):
    assert exports.csv_bytes(hostile) == (
        '\ufeff"cell","count","share"\r\n'
        '"\'=HYPERLINK(""http://x"",""click"")",-5,3.5\r\n'
        '"\'+1+1",0,-0.25\r\n'
        '"\'-2+3",1,\r\n'
        '"\'@SUM(A1)",2,1.0\r\n'
        '"\'\t=1",3,2.0\r\n'
        '"\'\r=1",4,-5.0\r\n'
    ).encode("utf-8")


def test_csv_follows_owasps_examples_for_separators_and_quotes():
    # OWASP "CSV Injection": =1+2";=1+2 → "'=1+2"";=1+2" and =1+2'" ;,=1+2 → "'=1+2'"" ;,=1+2"
    frame = pd.DataFrame({"x": ['=1+2";=1+2', "=1+2'\" ;,=1+2"]})
    assert exports.csv_bytes(frame).decode("utf-8-sig").splitlines()[1:] == [
        '"\'=1+2"";=1+2"', '"\'=1+2\'"" ;,=1+2"']


def test_csv_neutralises_headers_full_width_starts_and_text_that_looks_like_a_number():
    frame = pd.DataFrame({"=cmd": ["－1", "＝SUM(A1)", "-5", "王小明"], "mixed": [-5, "-5", 3.5, None]})
    assert exports.csv_bytes(frame).decode("utf-8-sig") == (
        '"\'=cmd","mixed"\r\n'
        '"\'－1",-5\r\n'
        '"\'＝SUM(A1)","\'-5"\r\n'
        '"\'-5",3.5\r\n'
        '"王小明",\r\n'
    )


def test_csv_writes_dates_booleans_and_missing_values_as_excel_reads_them():
    frame = pd.DataFrame({
        "created": pd.to_datetime(["2024-02-08 13:20", None]),
        "day": [date(2024, 2, 8), None],
        "open": [True, False],
        "escalations": pd.array([2, None], dtype="Int64"),
    })
    assert exports.csv_bytes(frame).decode("utf-8-sig") == (
        '"created","day","open","escalations"\r\n'
        "2024-02-08 13:20:00,2024-02-08,TRUE,2\r\n"
        ",,FALSE,\r\n"
    )


def test_xlsx_writes_formula_text_as_text_and_numbers_as_numbers(hostile):
    data = exports.xlsx_bytes(hostile, "hostile")
    sheet = read_xlsx(data)
    assert sheet.title == "hostile"
    rows = list(sheet.iter_rows(min_row=2))
    # openpyxl leaves the carriage return in its OOXML escape, which Excel decodes
    assert [row[0].value for row in rows] == [*HOSTILE[:5], "_x000D_=1"]
    assert [row[0].data_type for row in rows] == ["s"] * 6
    assert all(row[0].quotePrefix for row in rows)       # stays text when edited in Excel
    assert [(row[1].value, row[1].data_type) for row in rows] == [
        (-5, "n"), (0, "n"), (1, "n"), (2, "n"), (3, "n"), (4, "n")]
    assert [row[2].value for row in rows] == [3.5, -0.25, None, 1, 2, -5]
    assert {row[2].data_type for row in rows} == {"n"}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()
        assert "hyperlink" not in book.read("xl/worksheets/sheet1.xml").decode().lower()


def test_xlsx_keeps_urls_plain_dates_as_dates_and_one_sheet_per_frame():
    sheets = {"tickets": pd.DataFrame({"link": ["http://x.example/a"], "created": pd.to_datetime(["2024-02-08 13:20"]),
                                       "=header": ["ok"]}),
              "second": pd.DataFrame({"n": [1]})}
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(sheets)))
    assert book.sheetnames == ["tickets", "second"]
    header, row = list(book["tickets"].iter_rows())
    assert [(c.value, c.data_type) for c in header] == [("link", "s"), ("created", "s"), ("=header", "s")]
    assert (row[0].value, row[0].data_type, row[0].hyperlink) == ("http://x.example/a", "s", None)
    assert (row[1].value, row[1].is_date, row[1].number_format) == (datetime(2024, 2, 8, 13, 20), True,
                                                                   "yyyy-mm-dd hh:mm")


def test_roi_workbook_writes_hostile_scenario_names_and_notes_as_text(con):
    save_scenario(con, None, '=HYPERLINK("http://x","click")', SEED, "@SUM(A1)", {})
    stored = list_scenarios(con)
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(stored, "en")))
    header = [(c.value, c.data_type) for c in book["Comparison"][1]]
    assert header[-1] == ('=HYPERLINK("http://x","click")', "s")
    notes = {row[1].value: row[-1] for row in book["Comparison"].iter_rows(min_row=2)}["Notes"]
    assert (notes.value, notes.data_type) == ("@SUM(A1)", "s")
    benefits = {c.value for row in book["Intangible benefits"].iter_rows() for c in row if c.data_type == "f"}
    assert benefits == set()


def test_roi_html_report_escapes_scenario_names_and_notes(con):
    save_scenario(con, None, "<script>alert(1)</script>", SEED, "<img src=x onerror=alert(1)>", {})
    page = report.html_report(list_scenarios(con), "en", datetime(2026, 11, 24, 9, 30))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_whole_columns_and_cell_by_cell_write_the_same(hostile):
    # typed columns take the fast path, object columns go cell by cell: both must agree
    typed = hostile.assign(created=pd.to_datetime(["2024-02-08 13:20", None, "2024-02-09 08:00", None, None, None]))
    loose = typed.astype(object)
    assert exports.csv_bytes(typed) == exports.csv_bytes(loose)

    def cells(data: bytes):
        return [[(c.value, c.data_type, c.quotePrefix, c.number_format) for c in row] for row in read_xlsx(data).iter_rows()]
    assert cells(exports.xlsx_bytes(typed)) == cells(exports.xlsx_bytes(loose))


def test_xlsx_number_formats_apply_to_numbers_only(hostile):
    mixed = hostile.assign(mixed=[0.5, "=1+1", None, 0.25, "text", 1])     # a column of numbers and text
    sheet = read_xlsx(exports.xlsx_bytes(mixed, "formats", {"share": "0.0%", "mixed": "0.0%", "cell": "0.0%"}))
    assert [cell.font.b for cell in sheet[1]] == [True] * 4 and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[2].number_format for row in rows if row[2].value is not None] == ["0.0%"] * 5
    assert [row[1].number_format for row in rows] == ["General"] * 6          # no format asked for
    assert [(row[3].value, row[3].number_format) for row in rows if row[3].value is not None] == [
        (0.5, "0.0%"), ("=1+1", "General"), (0.25, "0.0%"), ("text", "General"), (1, "0.0%")]
    assert [(row[0].data_type, row[0].quotePrefix) for row in rows] == [("s", True)] * 6    # formula text stays text
