"""Tables that systems save under an .xls name but write as text: a web page holding an HTML table
(Jira's "Excel" export, many in-house and older CRM reports) and Excel 2003's XML Spreadsheet
(SpreadsheetML, from .NET and Oracle reports). Excel opens both, so users take them for
workbooks; calamine reads neither. Each is read here into rows of text, as a sheet would be.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from html.parser import HTMLParser

from kpi.ingest import encodings
from kpi.ingest.errors import InputError

HTML = "html"
SPREADSHEET_XML = "spreadsheetml"
_SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
# Both are parsed in Python, about 4 MB a second (a 50,000-row page in 5 s): a larger file is
# refused at once rather than keeping the server busy for minutes.
MAX_BYTES = 100 * 1024 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# Charset labels that name a narrower table than the one the text is written in, as browsers read them.
_WIDER = {"big5": encodings.BIG5, "big5-hkscs": "big5hkscs", "gb2312": "gb18030", "gbk": "gb18030",
          "iso-8859-1": "cp1252", "us-ascii": "cp1252"}


def kind(head: bytes) -> str | None:
    """HTML or SPREADSHEET_XML when the file's first bytes are one of those, else None."""
    start = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<?xml") and _SPREADSHEET_NS.encode() in head[:4096]:
        return SPREADSHEET_XML
    if start.startswith(b"<") and b"<table" in head.lower():
        return HTML
    return None


def encoding(head: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, as a Python codec name, if it names one."""
    declared = _META_CHARSET.search(head[:4096])
    if not declared:
        return None
    name = declared.group(1).decode("ascii", "replace").lower()
    name = _WIDER.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def check_file_size(data: bytes, file_name: str) -> None:
    """Refuse a file too large to be parsed here in reasonable time (MAX_BYTES)."""
    if len(data) > MAX_BYTES:
        raise InputError(file_name, "ingest.page_too_big", size=f"{len(data) / 1e6:,.0f}",
                         limit=f"{MAX_BYTES / 1e6:,.0f}")


def page_rows(text: str, bounds: Callable[[int | None, int], None]) -> list[list[str | None]]:
    """The rows of all a page's tables in order, as Excel shows the page; ``bounds(rows, columns)``
    refuses a page past a sheet's bounds as it grows (a colspan of 1,000 in every cell)."""
    page = _TableRows(bounds)
    page.feed(text)
    page.close()
    return page.rows


class _TableRows(HTMLParser):
    """The rows of every table on a page: a cell's text with runs of spaces made one and <br> a line
    end, a cell spanning n columns followed by n - 1 empty ones so later cells keep their column.
    A table inside a cell is that cell's text; a script or style inside a cell is no text."""

    def __init__(self, bounds: Callable[[int | None, int], None]) -> None:
        super().__init__(convert_charrefs=True)
        self._bounds = bounds
        self.rows: list[list[str | None]] = []
        self._row: list[str | None] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._tables = 0  # tables open, counted from those around the cell
        self._cell_tables = 0  # tables open around the cell being read
        self._unseen = 0  # scripts and styles open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._unseen += 1
        elif tag == "table":
            self._tables += 1
        elif self._tables > self._cell_tables and self._cell is not None:
            if tag in ("td", "th", "tr", "br"):  # inside a table within the cell: its cells are words
                self._cell.append("\n" if tag == "br" else " ")
        elif tag == "tr":
            self._end_row()
            self._row = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._cell, self._cell_tables = [], self._tables
            span = dict(attrs).get("colspan") or "1"
            self._span = min(int(span), 1000) if span.isdigit() and int(span) > 0 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._unseen = max(self._unseen - 1, 0)
        elif self._tables > self._cell_tables and self._cell is not None:
            self._tables -= tag == "table"  # the end of a cell or row of a table within the cell
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()
            if tag == "table":
                self._tables = max(self._tables - 1, 0)

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._unseen:
            # a line end in the page's source is a space; only <br> ends a line
            self._cell.append(data.replace("\r", " ").replace("\n", " "))

    def close(self) -> None:
        super().close()
        self._end_row()

    def _end_cell(self) -> None:
        if self._cell is None:
            return
        lines = "".join(self._cell).split("\n")
        text = "\n".join(" ".join(line.split()) for line in lines).strip()
        self._row.extend([text or None] + [None] * (self._span - 1))
        self._cell, self._span = None, 1
        self._bounds(None, len(self._row))

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self.rows.append(self._row)
            self._row = None
            self._bounds(len(self.rows), 0)


def worksheets(data: bytes, file_name: str, bounds: Callable[[int | None, int], None]
               ) -> list[tuple[str, list[list[str | None]]]]:
    """An XML Spreadsheet's worksheets. A Row or Cell with ss:Index starts at that row or column
    (the ones skipped were empty); a DateTime is written as a workbook's dates are read. Read as a
    stream, each row let go once read; ``bounds(rows, columns)`` refuses an index past a sheet's
    bounds before the rows it would add are made."""
    def tag(name: str) -> str:
        return f"{{{_SPREADSHEET_NS}}}{name}"

    found: list[tuple[str, list[list[str | None]]]] = []
    rows: list[list[str | None]] | None = None
    cells: list[str | None] | None = None
    table = None
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(data), events=("start", "end")):
            at = element.get(tag("Index"), "") if event == "start" else ""
            if event == "start" and element.tag == tag("Worksheet"):
                rows = []
            elif event == "start" and element.tag == tag("Table"):
                table = element
            elif event == "start" and element.tag == tag("Row") and rows is not None:
                if at.isdigit():
                    bounds(int(at), 0)
                    rows.extend([] for _ in range(int(at) - 1 - len(rows)))
                cells = []
            elif event == "start" and element.tag == tag("Cell") and cells is not None and at.isdigit():
                bounds(None, int(at))
                cells.extend([None] * (int(at) - 1 - len(cells)))
            elif event == "end" and element.tag == tag("Cell") and cells is not None:
                cells.append(_xml_value(element.find(tag("Data"))))
                bounds(None, len(cells))
            elif event == "end" and element.tag == tag("Row") and rows is not None:
                rows.append(cells or [])
                bounds(len(rows), 0)
                cells = None
                if table is not None:
                    table.clear()  # the rows read so far: only their values are kept
            elif event == "end" and element.tag == tag("Worksheet"):
                found.append((element.get(tag("Name"), ""), rows or []))
                rows, table = None, None
                element.clear()
    except ElementTree.ParseError as err:
        raise InputError(file_name, "ingest.workbook_unreadable", detail=f"XML, line {err.position[0]}") from err
    if not found:
        raise InputError(file_name, "ingest.workbook_unreadable", detail="XML, no worksheet")
    return found


def _xml_value(data) -> str | None:
    if data is None:
        return None
    text = "".join(data.itertext()).strip()
    cell_type = data.get(f"{{{_SPREADSHEET_NS}}}Type")
    if cell_type == "DateTime":  # 2009-10-05T09:00:00.000, written as a workbook's date cell is
        day, _, time = text.partition("T")
        time = time.split(".")[0]
        return f"{day} {time}" if time else day
    if cell_type == "Number" and re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text or None
