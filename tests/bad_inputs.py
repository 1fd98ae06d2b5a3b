"""A corpus of bad files, written into a test's tmp_path (big ones are never committed).

Each case is a file name, its bytes and the one-line reason (English) the CLI and the upload page
give, or None where the file imports and the test checks its counts instead.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import openpyxl

from tests.conftest import FIXTURES

WEEK41 = (FIXTURES / "week41-2009.csv").read_text(encoding="utf-8").splitlines()
HEADER, ROWS = WEEK41[0], WEEK41[1:]


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    message: str | None  # the refusal, as `error: …` prints it without the prefix


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(xlsx: bytes, member: str, replace) -> bytes:
    """The workbook with one zip member rewritten by ``replace(old_bytes) -> new_bytes``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, replace(data) if info.filename == member else data)
    return out.getvalue()


def nul_after_sniff() -> tuple[bytes, int]:
    """3,000 copies of the week's rows, a NUL byte in row 2,000 (300 KB in, past the sniffed 256 KB)."""
    lines = [HEADER, *(ROWS * 430)]
    lines[1999] = lines[1999].replace(",", ",\x00", 1)
    return csv_bytes(lines), 2000


def refused() -> list[Case]:
    """Files refused whole: each with its reason; the store must not change."""
    wide_header = ",".join(f"col{i}" for i in range(20_000))
    quote_rows = [HEADER, ROWS[0], ROWS[1].replace(",", ',"', 1), *ROWS[2:]]
    nul, nul_row = nul_after_sniff()
    big5_lines = (FIXTURES / "week41-2009.big5.csv").read_bytes().splitlines()
    undecodable = b"\n".join([*big5_lines, *big5_lines[1:] * 5000]) + b"\n"
    bad_line = len(big5_lines) + 30_000  # well past the sniffed part
    lines = undecodable.split(b"\n")
    lines[bad_line - 1] = lines[bad_line - 1] + b"\xff"
    undecodable = b"\n".join(lines)
    small = workbook([HEADER.split(","), ROWS[0].split(",")])
    bomb = with_member(small, "xl/worksheets/sheet1.xml", lambda xml: xml + b" " * 60_000_000)
    tall = with_member(small, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b'ref="A1:M2"', b'ref="A1:M2000000"'))
    return [
        Case("empty.csv", b"", "empty.csv: the file is empty"),
        Case("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 50,
             "photo.csv: this is a binary file, not a CSV/TSV text export or an Excel workbook"),
        Case("prose.txt", "just a note\nwith two lines\n".encode(),
             "prose.txt: this is not a table: no comma, tab, semicolon or | separates columns"),
        Case("numbers.csv", b"1,2,3\n4,5,6\n7,8,9\n",
             "numbers.csv: no header row found: expected a row of column names above the data"),
        Case("header-only.csv", csv_bytes([HEADER]), "header-only.csv: the file has a header but no data rows"),
        Case("wide.csv", (wide_header + "\n" + ",".join("x" * 20_000) + "\n").encode(),
             "wide.csv: it has 20,000 columns, more than the 2,000 any export has"),
        Case("quote.csv", csv_bytes(quote_rows),
             'quote.csv, row 3: a quote (") opened in this row is never closed, so the rest of the file would read '
             "as one cell; fix it and import again"),
        Case("nul.csv", nul, f"nul.csv, row {nul_row}: this row holds a NUL byte (binary data inside a text export); "
                             "export the file again"),
        Case("big5-broken.csv", undecodable,
             f"big5-broken.csv, row {bad_line}: not valid cp950 text (a byte that is not a character)"),
        Case("bomb.xlsx", bomb, "bomb.xlsx: this workbook unpacks to 60 MB, or is packed far tighter than any export; "
                                "it was not read, to protect the server (save it as CSV instead)"),
        Case("tall.xlsx", tall, "tall.xlsx: the workbook has 2,000,000 rows, more than the 1,048,576 a sheet can "
                                "hold; export it as CSV instead"),
        Case("wide.xlsx", workbook([[f"c{i}" for i in range(2_001)], ["x"] * 2_001]),
             "wide.xlsx: it has 2,001 columns, more than the 2,000 any export has"),
        Case("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100, "broken.xlsx: the workbook cannot be read (BadZipFile)"),
    ]


def ten_mb_cell() -> bytes:
    """The week's seven tickets, the third with a 10 MB subject (a pasted mail thread)."""
    cells = ROWS[2].split(",")
    cells[1] = "長" * 3_500_000  # 3 bytes each in UTF-8
    return csv_bytes([HEADER, ROWS[0], ROWS[1], ",".join(cells), *ROWS[3:]])


def utf16_without_bom() -> bytes:
    """The week's tickets in UTF-16 LE with no BOM: the zh-TW header has no zero bytes."""
    return csv_bytes(WEEK41, "utf-16-le")


def duplicate_headers() -> bytes:
    return csv_bytes([HEADER + ",主旨", *(row + ",備註" for row in ROWS)])


def rejected_rows() -> bytes:
    """One good row and one row for each reason a row is refused (rows 3-8 in the file)."""
    return csv_bytes([
        HEADER, ROWS[0],
        "," + ROWS[1].split(",", 1)[1],                          # row 3: no id
        ROWS[2].replace("2009-10-06 14:00", "2009-13-45 14:00", 1),  # row 4: a date that is none
        ROWS[3].rsplit(",", 3)[0] + ",兩次,0,已關閉",              # row 5: a count in words
        ROWS[4].replace("Level 1", "Level 9", 1),                 # row 6: an unknown level
        ROWS[5] + ",extra",                                       # row 7: a column too many
        ROWS[6] + "x" * 17_000_000,                               # row 8: longer than 16 MB
    ])
