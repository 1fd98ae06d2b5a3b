"""Tables saved under an .xls name but written as text: web pages (HTML) and Excel 2003 XML."""

from datetime import datetime

import pytest

from kpi.ingest import importer, markup, reader
from kpi.ingest.errors import InputError
from tests.conftest import FIXTURES


def test_jira_excel_export_a_web_page_imports_as_its_csv_twin(con):
    # Jira's "Export Excel" is a page: a title table (colspan 300), then the issue table whose
    # cells hold links, lozenges, <p> and &nbsp;, with a custom field also called "Priority".
    report = importer.import_file(con, FIXTURES / "jira-html-2024-02.xls")
    assert (report.rows_read, report.inserted, report.rejected) == (6, 6, 0)
    source = importer.open_source(con, FIXTURES / "jira-html-2024-02.xls")
    assert source.sniffed.header_row == 4
    assert source.sniffed.describe() == ("a web page table saved as .xls (HTML, which Excel opens but is no"
                                         " workbook), header on row 4")
    rows = con.execute("SELECT ticket_id, subject, owner, state, level, created_at, completed_at, category"
                       " FROM tickets ORDER BY ticket_id").fetchall()
    assert rows[0] == ("SD-1", "Site down", "Cleo", "resolved", 1, datetime(2024, 2, 5, 9), datetime(2024, 2, 5, 13),
                       "Incident")
    assert [r[3] for r in rows] == ["resolved", "pending", "open", "cancelled", "open", "closed"]
    assert rows[5][6] == datetime(2024, 2, 8, 16, 30)


def test_page_cells_read_as_excel_shows_them():
    page = ("<html><body><table><tr><td colspan=3>Report</td></tr>"
            "<tr><th>Id<th>Note<th>Owner"           # cells and rows left open, as HTML allows
            "<tr><td> A-1 </td><td>first line<br>  second\n   line &amp; more</td><td>&nbsp;</td></tr>"
            "<tr><td colspan=2>A-2 spans</td><td>Lee</td>"
            # Office's conditional comments; a script; a table inside a cell is that cell's text
            "<tr><td><![if !supportLists]>A-3<![endif]></td><td><script>var a = '<td>';</script>ok</td>"
            "<td><table><tr><td>Kim</td><td>Lee</td></tr></table></td></tr></table></body></html>")
    assert markup.page_rows(page, lambda rows, columns: None) == [["Report", None, None], ["Id", "Note", "Owner"],
                                      ["A-1", "first line\nsecond line & more", None], ["A-2 spans", None, "Lee"],
                                      ["A-3", "ok", "Kim Lee"]]


def test_a_page_declares_its_charset_and_big5_reads_as_windows_reads_it():
    head = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><table>'
    assert reader.sniff(head, "r.xls").encoding == "cp950"
    assert reader.sniff(b"<table><tr><td>a</td><td>b</td></tr></table>", "r.xls").encoding == "utf-8"


def test_an_xml_spreadsheet_whose_first_sheet_holds_no_tickets_says_which_sheet_it_read(con):
    source = importer.open_source(con, FIXTURES / "week41-2009.xml-spreadsheet.xls")
    assert source.sniffed.describe() == ("Excel 2003 XML Spreadsheet, sheet '服務請求明細' (the first holds no"
                                         " tickets), header on row 1")
    assert source.sniffed.describe("zh-TW").startswith("Excel 2003 XML 試算表，工作表「服務請求明細」")


def test_xml_spreadsheet_cells_keep_their_columns_and_dates():
    data = (FIXTURES / "week41-2009.xml-spreadsheet.xls").read_bytes()
    sheets = markup.worksheets(data, "w.xls", lambda rows, columns: None)
    assert [name for name, _ in sheets] == ["查詢條件", "服務請求明細"]
    rows = sheets[1][1]
    assert rows[1][:6] == ["200910-001", "話機螢幕無顯示", "總經理室-測試環境", "吳小姐", "Level 1", "2009-10-05 09:00:00"]
    # 200910-007 has no 完成時間: the cell after it says ss:Index="11".
    assert rows[7][9:] == [None, "0", "0", "處理中"]


@pytest.mark.parametrize(("data", "detail"), [
    (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>',
     "XML, line 1"),
    # Entities that expand to gigabytes: expat stops them before they take the memory.
    (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
     + b"".join(b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&" + chr(97 + i).encode() + b";") * 10)
                for i in range(9))
     + b']><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row><Cell>'
       b'<Data ss:Type="String">&j;</Data></Cell></Row></Table></Worksheet></Workbook>', "XML, line 1"),
])
def test_a_broken_xml_spreadsheet_is_refused_naming_the_file(con, tmp_path, data, detail):
    path = tmp_path / "broken.xls"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        importer.import_file(con, path)
    assert caught.value.file == "broken.xls"
    assert f"the workbook cannot be read ({detail})" in str(caught.value)


def test_a_bad_cell_in_a_page_is_refused_naming_its_row_and_column(con, tmp_path):
    page = FIXTURES.joinpath("jira-html-2024-02.xls").read_text(encoding="utf-8")
    path = tmp_path / "jira.xls"
    path.write_text(page.replace(" 06/Feb/2024 11:15 AM ", " 06/Feb/2024 25:15 AM "), encoding="utf-8")
    report = importer.import_file(con, path)
    assert (report.inserted, report.rejected) == (5, 1)
    assert [(r.row, r.column) for r in report.rejects] == [(7, "Created")]


@pytest.mark.parametrize(("index", "message"), [
    ('<Row ss:Index="99999999"><Cell><Data ss:Type="String">x</Data></Cell></Row>',
     "the workbook has 99,999,999 rows, more than the 1,048,576 a sheet can hold"),
    ('<Row><Cell ss:Index="5000000"><Data ss:Type="String">x</Data></Cell></Row>',
     "it has 5,000,000 columns, more than the 2,000 any export has"),
])
def test_an_xml_index_past_a_sheets_bounds_is_refused_before_its_rows_are_made(con, tmp_path, index, message):
    path = tmp_path / "huge.xls"
    path.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
                    ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="a"><Table>'
                    f"{index}</Table></Worksheet></Workbook>", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        importer.import_file(con, path)
    assert message in str(caught.value)


def test_a_page_whose_spans_pass_a_sheets_width_is_refused_as_it_grows(con, tmp_path):
    path = tmp_path / "spans.xls"
    path.write_text("<table><tr>" + "<td colspan=1000>x</td>" * 5000 + "</tr></table>", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        importer.import_file(con, path)
    assert "it has 3,000 columns, more than the 2,000 any export has" in str(caught.value)


def test_a_page_too_large_to_parse_in_python_is_refused_at_once(con, tmp_path, monkeypatch):
    monkeypatch.setattr(markup, "MAX_BYTES", 1000)
    with pytest.raises(InputError) as caught:
        importer.import_file(con, FIXTURES / "jira-html-2024-02.xls")
    assert "such files over 0 MB are not read (open it in Excel and save it as CSV or .xlsx)" in str(caught.value)
