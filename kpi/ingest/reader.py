"""Reading exported tables: detect encoding, delimiter and header row, then load every cell as text.

Two ways in, sharing the detection:
- ``read_frame`` for small tables (people, calendars): a pandas frame of strings.
- ``stage_csv`` / ``stage_frame`` for ticket exports of any size: a DuckDB TEMP table of
  VARCHAR columns, read by DuckDB's parallel CSV reader, and an expression (``Staged.row_sql``)
  giving each staged row's row in the file. DuckDB cannot decode
  Big5/CP950 itself, so those files are transcoded to UTF-8 in chunks, in a thread that feeds
  DuckDB through a named pipe (``stage_csv``).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import os
import re
import select
import shutil
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from kpi import i18n, sql, store
from kpi.ingest import dates, encodings, markup
from kpi.ingest.errors import InputError, Reject
from kpi.ingest.progress import Progress, ignore

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# What the upload pages offer to pick: text tables, workbooks (OpenDocument's .ods too: Taiwan's
# government agencies exchange ODF files), and the .xls files that are really web pages or XML.
UPLOAD_TYPES = ("csv", "tsv", "txt", *(suffix[1:] for suffix in WORKBOOK_SUFFIXES), "xml", "htm", "html")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_ODS_MAGIC = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_KINDS = ("excel", "ods")  # read by calamine
_NUMBER = re.compile(r"^[\d\s.,:/%-]+$")

# Bounds far beyond any real export, checked before a file is parsed, so a hostile or broken
# file is refused in a moment instead of taking the server's memory.
MAX_COLUMNS = 2_000
MAX_EXCEL_ROWS = 1_048_576                 # Excel's own sheet limit
MAX_UNPACKED_BYTES = 1 << 30               # a workbook's members, unpacked (XML)
MAX_PACKING_RATIO = 100                    # unpacked : packed, for members of 1 MB and more
_RATIO_CHECKED_FROM = 1 << 20
# DuckDB's reader refuses longer lines (default 2 MB); a long text cell (a pasted mail
# thread) fits, a longer line is refused as a row of its own, naming its row.
MAX_LINE_BYTES = 16 << 20
# Checksums computed while DuckDB stages the same file (scan_and_stage).
_SCANS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="checksum")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file say about how to read it."""

    file_name: str
    kind: str                 # "csv", WORKBOOK_KINDS, or a table written as text (markup.HTML, markup.SPREADSHEET_XML)
    encoding: str | None      # Python codec name: utf-8, utf-8-sig, utf-16, cp950 …
    delimiter: str | None
    header_row: int           # 1-based line (or sheet row) holding the header
    sheet: str | None = None  # a workbook's sheet read, when it is not the first

    @property
    def duckdb_encoding(self) -> str | None:
        """The encoding DuckDB's reader is told, or None when the text must be transcoded first."""
        return {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(self.encoding or "")

    @property
    def is_table(self) -> bool:
        """Read whole into rows, as a sheet (a workbook, or a web page or XML Spreadsheet saved as .xls)."""
        return self.kind != "csv"

    def describe(self, lang: str = "en") -> str:
        """What was detected, e.g. "cp950, comma-separated, header on line 3"."""
        if self.is_table:
            sheet = "_sheet" if self.sheet else ""
            return i18n.t(f"sniffed.{self.kind}{sheet}", lang, sheet=self.sheet, row=self.header_row)
        delimiter = i18n.t(f"sniffed.delimiter.{DELIMITER_NAMES[self.delimiter]}", lang)
        return i18n.t("sniffed.text", lang, encoding=self.encoding, delimiter=delimiter, line=self.header_row)


@dataclass
class SourceTable:
    """A small table read whole: every cell a str or None, headers as in the file."""

    frame: pd.DataFrame
    file_name: str
    encoding: str | None
    delimiter: str | None
    header_row: int
    sniffed: Sniffed = field(repr=False)
    row_numbers: tuple[int, ...] = field(repr=False, default=())
    malformed: tuple[int, ...] = ()  # file rows whose width differs from the header's
    data: bytes = field(repr=False, default=b"")  # the file as uploaded, kept as the batch's original

    def row_number(self, index: int) -> int:
        """The file row (header = row ``header_row``) of frame row ``index``; blank rows are skipped."""
        return self.row_numbers[index]


def is_workbook(data_head: bytes, file_name: str) -> bool:
    return file_name.lower().endswith(WORKBOOK_SUFFIXES) or data_head.startswith((_ZIP_MAGIC, _OLE_MAGIC))


def is_opendocument(data_head: bytes, file_name: str) -> bool:
    """An OpenDocument spreadsheet (.ods): its zip's first member, stored, is "mimetype"."""
    return file_name.lower().endswith(".ods") or data_head[30:30 + len(_ODS_MAGIC)] == _ODS_MAGIC


def detect_encoding(head: bytes, file_name: str) -> str:
    """BOM first, then strict UTF-8, then Western text (Windows-1252) where every byte above 7F
    stands alone as an accented letter or Windows' punctuation (``encodings.western_like``), then
    Big5 (CP950) unless the text is EUC-like (GBK, EUC-KR), then charset-normalizer's best guess."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise InputError(file_name, "ingest.binary")
        return utf16
    for encoding in ("utf-8", "cp950"):
        # Before Big5 and charset-normalizer: Big5 decodes "Rémy" without an error, and
        # charset-normalizer may call such text Central European (cp1250: ñ as ń).
        if encoding == encodings.BIG5 and encodings.western_like(head):
            return encodings.WESTERN
        encodings.take_user_defined_count()  # a decoding that failed half way leaves its count
        try:
            text = encodings.decoder(encoding).decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if encodings.plausible(text, encodings.take_user_defined_count()) and not (
                encoding == encodings.BIG5 and encodings.euc_like(head)):
            return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        raise InputError(file_name, "ingest.encoding_unknown")
    return best.encoding


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 LE or BE when the bytes read as text in that order, else None (a binary file).

    Line ends and delimiters are ASCII, so in the right byte order they come out as themselves,
    in the wrong one as CJK characters; a zh-TW header has no zero bytes to count on."""
    sample = head[: min(len(head), 16384) & ~1]
    best, best_marks = None, 0
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n") + text.count("\ufffd")
        marks = sum(text.count(mark) for mark in ("\n", *DELIMITERS))
        if controls <= len(text) // 100 and marks > best_marks:
            best, best_marks = encoding, marks
    return best if best_marks >= 2 else None


def _records(text: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    rows = []
    # newline="": lines end in \n, \r\n or a lone \r (Excel for Mac's "CSV (Macintosh)"), as DuckDB reads them
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def detect_delimiter(text: str, file_name: str) -> str:
    """The delimiter giving the most rows with one and the same number (≥ 2) of fields."""
    best, best_score = None, (0.0, 0)
    for delimiter in DELIMITERS:
        rows = [r for r in _records(text, delimiter) if any(cell.strip() for cell in r)]
        if len(rows) > 1:
            rows = rows[:-1]  # the sample's last line may be cut short
        while len(rows) > 1 and len(rows[-1]) == 1:
            rows.pop()  # a report's footer under few or no rows (see Staged.footer)
        # Rows of one field are a report's title lines above the header (服務請求明細表, 匯出時間 …)
        # or text without this delimiter: only rows it splits can give the table's width.
        counts = Counter(len(r) for r in rows if len(r) >= 2)
        if not counts:
            continue
        width, frequency = counts.most_common(1)[0]
        score = (frequency / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        raise InputError(file_name, "ingest.not_a_table")
    return best


def detect_header_row(rows: list[list], file_name: str) -> int:
    """1-based index of the header: the first full-width row of text labels (skips report titles)."""
    widths = Counter(w for w in (sum(1 for c in r if _text(c)) for r in rows) if w >= 2)
    if not widths:
        raise InputError(file_name, "ingest.not_a_table")
    table_width = widths.most_common(1)[0][0]
    for index, row in enumerate(rows):
        cells = [_text(c) for c in row]
        filled = [c for c in cells if c]
        labels = [c for c in filled if not _NUMBER.match(c)]
        if len(filled) >= max(2, table_width * 0.8) and len(labels) >= len(filled) * 0.8:
            return index + 1
    raise InputError(file_name, "ingest.no_header")


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def sniff(data_head: bytes, file_name: str) -> Sniffed:
    """Detect how to read a file from its first bytes."""
    if not data_head.strip():
        raise InputError(file_name, "ingest.empty")
    written_as = markup.kind(data_head)
    if written_as == markup.HTML:
        return Sniffed(file_name, written_as, markup.encoding(data_head) or detect_encoding(data_head, file_name), None, 0)
    if written_as:
        return Sniffed(file_name, written_as, None, None, 0)
    if is_workbook(data_head, file_name):
        return Sniffed(file_name, "ods" if is_opendocument(data_head, file_name) else "excel", None, None, 0)
    encoding = detect_encoding(data_head, file_name)
    text = encodings.decoder(encoding, replace=True).decode(data_head, final=False)
    delimiter = detect_delimiter(text, file_name)
    header_row = detect_header_row(_records(text, delimiter, limit=50), file_name)
    return Sniffed(file_name, "csv", encoding, delimiter, header_row)


def check_workbook(data: bytes, file_name: str) -> None:
    """Refuse a workbook whose packed members unpack to far more than any export, or whose
    first sheet declares more rows or columns than a sheet can hold, from the zip directory
    alone (nothing is unpacked): a few MB can unpack to GBs of XML."""
    if not data.startswith(_ZIP_MAGIC):
        return  # an old .xls (OLE) file: calamine reads it, sizes are not packed
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as workbook:
            members = workbook.infolist()
            unpacked = sum(m.file_size for m in members)
            packed_too_well = [m for m in members if m.file_size >= _RATIO_CHECKED_FROM
                               and m.file_size > MAX_PACKING_RATIO * max(m.compress_size, 1)]
            if unpacked > MAX_UNPACKED_BYTES or packed_too_well:
                raise InputError(file_name, "ingest.workbook_too_big", size=_megabytes(unpacked))
            sheets = sorted(m.filename for m in members if m.filename.startswith("xl/worksheets/sheet"))
            head = workbook.open(sheets[0]).read(4096) if sheets else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as err:
        raise InputError(file_name, "ingest.workbook_unreadable", detail=type(err).__name__) from err
    dimension = _DIMENSION.search(head)
    if dimension:
        last_column, last_row = dimension.group(3) or dimension.group(1), dimension.group(4) or dimension.group(2)
        _check_size(file_name, int(last_row), _column_number(last_column.decode()))


def _column_number(letters: str) -> int:
    """Excel's column letters as a number: A → 1, Z → 26, AA → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_size(file_name: str, rows: int | None, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise InputError(file_name, "ingest.too_many_columns", columns=f"{columns:,}", limit=f"{MAX_COLUMNS:,}")
    if rows is not None and rows > MAX_EXCEL_ROWS:
        raise InputError(file_name, "ingest.too_many_rows", rows=f"{rows:,}", limit=f"{MAX_EXCEL_ROWS:,}")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f}"


def _markup_sheets(data: bytes, sniffed: Sniffed) -> list[tuple[str, list[list[str | None]]]]:
    """The sheets of an .xls that is text: a web page is one sheet, an XML Spreadsheet has its worksheets."""
    markup.check_file_size(data, sniffed.file_name)
    bounds = partial(_check_size, sniffed.file_name)
    if sniffed.kind == markup.HTML:
        return [("", markup.page_rows(_decode_all(data, sniffed), bounds))]
    return markup.worksheets(data, sniffed.file_name, bounds)


def _workbook(data: bytes, file_name: str):
    from python_calamine import CalamineWorkbook

    check_workbook(data, file_name)
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as err:  # calamine raises its own types for every kind of broken workbook
        raise InputError(file_name, "ingest.workbook_unreadable", detail=type(err).__name__) from err


def _sheets(data: bytes, sniffed: Sniffed) -> Iterator[tuple[str, list[list[str | None]]]]:
    """A workbook's sheets in order, name and rows, each read when asked for: the workbook is
    opened, or the text parsed, once."""
    if sniffed.kind not in WORKBOOK_KINDS:
        yield from _markup_sheets(data, sniffed)  # held to a sheet's bounds as they were read
        return
    workbook = _workbook(data, sniffed.file_name)
    if not workbook.sheet_names:
        raise InputError(sniffed.file_name, "ingest.workbook_unreadable", detail="no sheet")
    for index in range(len(workbook.sheet_names)):
        try:
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as err:  # calamine raises its own types for every kind of broken workbook
            # calamine's text may hold a server path: only the kind of error is shown
            raise InputError(sniffed.file_name, "ingest.workbook_unreadable", detail=type(err).__name__) from err
        _check_size(sniffed.file_name, len(rows), max((len(row) for row in rows), default=0))
        yield sheet.name, [[_excel_cell(c) for c in row] for row in rows]


def _excel_cell(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def table_rows(data: bytes, file_name: str) -> tuple[Sniffed, list[list]]:
    """Every row of a small CSV/TSV or of a workbook's first sheet, as read (cells as text or
    None), with what was sniffed: for files whose own layout says where the header is (a
    Planner export's plan-name block above its task table)."""
    sniffed = sniff(data[:SNIFF_BYTES], file_name)
    if sniffed.is_table:
        _sheet, rows = next(_sheets(data, sniffed))
        return sniffed, rows
    text = _decode_all(data, sniffed)
    if "\x00" in text:
        raise InputError(file_name, "ingest.nul_byte", row=text.count("\n", 0, text.index("\x00")) + 1)
    return sniffed, list(csv.reader(io.StringIO(text, newline=""), delimiter=sniffed.delimiter))


def read_frame(data: bytes, file_name: str) -> SourceTable:
    """Read a small CSV/TSV/XLSX table (a workbook's first sheet) whole into a frame of strings
    (None for empty cells)."""
    return _frame(*table_rows(data, file_name), data)


def read_sheets(data: bytes, file_name: str) -> Iterator[SourceTable]:
    """A workbook's sheets as ``read_frame`` reads its first, in order, each read when asked for;
    a later sheet that holds no table (empty, no header) is passed over."""
    sniffed = sniff(data[:SNIFF_BYTES], file_name)
    for index, (sheet, rows) in enumerate(_sheets(data, sniffed)):
        try:
            yield _frame(replace(sniffed, sheet=sheet if index else None), rows, data)
        except InputError:
            if not index:
                raise


def _frame(sniffed: Sniffed, rows: list[list], data: bytes) -> SourceTable:
    file_name = sniffed.file_name
    if sniffed.is_table:
        sniffed = replace(sniffed, header_row=detect_header_row(rows[:50], file_name))
    header_row = sniffed.header_row
    if sniffed.kind == "csv":
        rows[header_row - 1] = _without_trailing_delimiter(
            rows[header_row - 1], [row for row in rows[header_row:header_row + 50] if any(row)])
    _check_size(file_name, None, len(rows[header_row - 1]))
    header = _unique_names([_text(c) for c in rows[header_row - 1]])
    width = len(header)
    records, row_numbers, malformed = [], [], []
    for row_number, row in enumerate(rows[header_row:], start=header_row + 1):
        cells = [_text(c) or None for c in row]
        if not any(cells):
            continue
        if sniffed.kind == "csv" and len(cells) != width:
            malformed.append(row_number)
            continue
        records.append((cells + [None] * width)[:width])
        row_numbers.append(row_number)
    if not records:
        raise InputError(file_name, "ingest.no_data")
    frame = pd.DataFrame(records, columns=header, dtype=object)
    return SourceTable(frame, file_name, sniffed.encoding, sniffed.delimiter, header_row, sniffed,
                       tuple(row_numbers), tuple(malformed), data)


def _decode_all(data: bytes, sniffed: Sniffed) -> str:
    try:
        return encodings.decode(data, sniffed.encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(sniffed.file_name, "ingest.undecodable", row=line, encoding=sniffed.encoding) from err


def _unique_names(names: list[str]) -> list[str]:
    """Blank headers become column_N and repeated ones get _2, _3 (Jira repeats Watchers, Comment)."""
    seen: Counter = Counter()
    unique = []
    for position, name in enumerate(names, start=1):
        name = name or f"column_{position}"
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique


def renamed_headers(columns: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The columns ``_unique_names`` renamed because their header repeats an earlier one: a
    data-quality note, so a user knows which 主旨 the mapping means."""
    firsts = set()
    renamed = []
    for name in columns:
        base, _, number = name.rpartition("_")
        if base in firsts and number.isdigit():
            renamed.append(name)
        firsts.add(name)
    return tuple(renamed)


def scan(path: Path, sniffed: Sniffed, chunk_bytes: int = 8 << 20, progress: Progress = ignore) -> str:
    """The file's SHA-256, reading it once; a text file holding a NUL byte (binary data pasted
    past the part ``sniff`` looked at) is refused, naming the row. Tells ``progress`` the bytes
    read (phase ``read``)."""
    return _scan(path, sniffed, chunk_bytes, progress)[0]


def scan_for_pieces(path: Path, sniffed: Sniffed, piece_bytes: int, progress: Progress = ignore,
                    chunk_bytes: int = 8 << 20) -> tuple[str, tuple[int, ...]]:
    """``scan``, and where the file can be cut into pieces of about ``piece_bytes`` that each
    hold whole records: the offsets just past a line end with an even number of quotes before
    it (a line end inside a quoted cell has an odd number). Only for files DuckDB reads as they
    are (UTF-8); others give no cut."""
    return _scan(path, sniffed, chunk_bytes, progress, piece_bytes if sniffed.duckdb_encoding == "utf-8" else None)


def _scan(path: Path, sniffed: Sniffed, chunk_bytes: int, progress: Progress,
          piece_bytes: int | None = None) -> tuple[str, tuple[int, ...]]:
    # Each chunk is hashed in a thread (hashlib releases the GIL) while the next is read and
    # searched: at 10M rows the hash alone is half the scan's 3 s. Lines are counted only to
    # name a NUL byte's row, so only then.
    digest = hashlib.sha256()
    unit, newline = b"\x00", b"\n"
    offset, quotes = 0, 0
    cuts: list[int] = []
    size = path.stat().st_size
    progress("read", 0, size)
    with open(path, "rb") as f, ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256") as hashing:
        if (sniffed.encoding or "").startswith("utf-16"):
            big_endian = sniffed.encoding == "utf-16-be" or f.read(2) == codecs.BOM_UTF16_BE
            unit, newline = b"\x00\x00", "\n".encode("utf-16-be" if big_endian else "utf-16-le")
            f.seek(0)
        hashed = None
        while chunk := f.read(chunk_bytes):
            if hashed:
                hashed.result()  # in file order: one chunk at a time
            hashed = hashing.submit(digest.update, chunk)
            if sniffed.kind == "csv":
                nul = _aligned_find(chunk, unit, offset)
                if nul >= 0:
                    raise InputError(sniffed.file_name, "ingest.nul_byte",
                                     row=_lines_before(path, offset, chunk_bytes, newline) + chunk[:nul].count(newline) + 1)
            if piece_bytes:
                cuts.extend(_record_ends(chunk, offset, quotes, (cuts[-1] if cuts else 0) + piece_bytes, piece_bytes))
                quotes += chunk.count(b'"')
            offset += len(chunk)
            progress("read", offset, size)
        if hashed:
            hashed.result()
    return digest.hexdigest(), tuple(cut for cut in cuts if cut < size)


def _lines_before(path: Path, end: int, chunk_bytes: int, newline: bytes) -> int:
    """The line ends in the file's first ``end`` bytes (a chunk boundary), counted chunk by chunk."""
    lines = 0
    with open(path, "rb") as f:
        while f.tell() < end and (chunk := f.read(min(chunk_bytes, end - f.tell()))):
            lines += chunk.count(newline)
    return lines


def _record_ends(chunk: bytes, offset: int, quotes_before: int, wanted: int, piece_bytes: int) -> list[int]:
    """Cuts in ``chunk`` (at file ``offset``, after ``quotes_before`` quotes): the first record
    end at or past ``wanted``, then every ``piece_bytes`` further."""
    cuts = []
    position = chunk.find(b"\n", max(0, wanted - offset))
    while position >= 0:
        if (quotes_before + chunk.count(b'"', 0, position)) % 2 == 0:
            cuts.append(offset + position + 1)
            wanted = offset + position + 1 + piece_bytes
            position = chunk.find(b"\n", max(position + 1, wanted - offset))
        else:
            position = chunk.find(b"\n", position + 1)
    return cuts


def _aligned_find(chunk: bytes, unit: bytes, offset: int) -> int:
    """Where ``unit`` starts in ``chunk`` at a multiple of its length in the file, or -1."""
    start = chunk.find(unit)
    while start >= 0 and (offset + start) % len(unit):
        start = chunk.find(unit, start + 1)
    return start


def _utf8_chunks(source: Path, encoding: str, file_name: str, chunk_bytes: int = 8 << 20,
                 found: Counter | None = None) -> Iterator[bytes]:
    """A non-UTF file's text as UTF-8, chunk by chunk; names the line of any undecodable byte.
    Counts Big5's user-defined characters in ``found["user_defined"]`` (see ``encodings``)."""
    decoder, found = encodings.decoder(encoding), Counter() if found is None else found
    encodings.take_user_defined_count()
    lines_before = 0
    with open(source, "rb") as src:
        while chunk := src.read(chunk_bytes):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as err:
                line = lines_before + chunk[: err.start].count(b"\n") + 1
                raise InputError(file_name, "ingest.undecodable", row=line, encoding=encoding) from err
            found["user_defined"] += encodings.take_user_defined_count()
            yield text.encode("utf-8")
            lines_before += chunk.count(b"\n")
    yield decoder.decode(b"", final=True).encode("utf-8")


def transcode_to_utf8(source: Path, encoding: str, file_name: str, chunk_bytes: int = 8 << 20,
                      found: Counter | None = None) -> Path:
    """Stream a non-UTF file into a temporary UTF-8 copy; names the line of any undecodable byte."""
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="transcoded-")
    try:
        with os.fdopen(handle, "wb") as dst:
            for text in _utf8_chunks(source, encoding, file_name, chunk_bytes, found):
                dst.write(text)
    except BaseException:
        os.unlink(target)
        raise
    return Path(target)


def _feed_pipe(source: Path, sniffed: Sniffed, pipe: Path, found: Counter) -> None:
    """Write a non-UTF file's text into ``pipe`` as UTF-8, for DuckDB to read as it comes."""
    try:
        with open(pipe, "wb") as dst:
            for text in _utf8_chunks(source, sniffed.encoding, sniffed.file_name, found=found):
                dst.write(text)
    except BrokenPipeError:
        pass  # DuckDB stopped reading at an error of its own, which is the one to tell


def _drain(pipe: Path, feeding: Future) -> None:
    """Read what DuckDB left in ``pipe`` (it stopped at an error, or never opened it) until the
    thread feeding it is done, so that thread never waits for a reader that will not come."""
    if feeding.done():
        return
    reader_end = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        while not feeding.done():
            if not select.select([reader_end], [], [], 0.05)[0]:
                continue
            try:
                if not os.read(reader_end, 1 << 20):  # no writer (yet, or any more)
                    time.sleep(0.01)
            except BlockingIOError:
                pass
    finally:
        os.close(reader_end)


def _stage_transcoded(con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, table: str,
                      typed: TypedDates | None = None) -> Staged:
    """Stage a file DuckDB cannot decode (Big5, UTF-16 without a BOM) as UTF-8.

    A thread transcodes the file into a named pipe that DuckDB reads as the text comes, so no
    UTF-8 copy of the file is written to disk. At 1M rows that copy was 246 MB beside a 62 MB
    database. Where there are no named pipes (Windows), a temporary copy is used instead.
    """
    header, found = _header(path, sniffed, sniffed.encoding), Counter()
    if not hasattr(os, "mkfifo"):
        copy = transcode_to_utf8(path, sniffed.encoding, sniffed.file_name, found=found)
        try:
            return replace(_stage_with_duckdb(con, copy, sniffed, table, header, typed=typed),
                           user_defined=found["user_defined"])
        finally:
            copy.unlink()
    folder = None
    try:
        folder = Path(tempfile.mkdtemp(prefix="transcoding-"))
        os.mkfifo(folder / "utf8.csv")
    except OSError as err:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise InputError(sniffed.file_name, "ingest.no_temp_space", detail=err.strerror or type(err).__name__) from err
    pipe, thread = folder / "utf8.csv", ThreadPoolExecutor(max_workers=1, thread_name_prefix="transcoding")
    feeding = thread.submit(_feed_pipe, path, sniffed, pipe, found)
    try:
        try:
            staged = _stage_with_duckdb(con, pipe, sniffed, table, header, typed=typed)
        except BaseException:
            _drain(pipe, feeding)
            feeding.result()  # an undecodable byte says more than the reader's error about the cut-off text
            raise
        _drain(pipe, feeding)
        try:
            feeding.result()  # the text stopped at an undecodable byte: what was staged is cut short
        except BaseException:
            con.execute(f"DROP TABLE IF EXISTS {table}")
            raise
    finally:
        thread.shutdown(wait=False)
        shutil.rmtree(folder, ignore_errors=True)
    return replace(staged, user_defined=found["user_defined"])


@dataclass(frozen=True)
class TypedDates:
    """Date columns DuckDB's reader parses itself while staging (``format``: its strptime pattern),
    instead of staging their text for SQL to parse: a third of what checking a file costs. Only for
    columns whose every cell the reader's reading equals the text's (``importer.typed_dates``):
    the markers of a missing value are read as NULL, and a file in which any cell of them is not
    in ``format``, or reads as a year before 1000 (a short year, which the text's reading refuses),
    is staged as text after all."""

    columns: tuple[str, ...]  # the file's headers
    format: str


@dataclass(frozen=True)
class Staged:
    """A file loaded into a DuckDB table of text columns, with its ragged rows set apart.

    The table's columns are named by position (c1, c2 …), never by the file's headers: a header
    is data and must not become SQL text. ``columns`` keeps the headers as the file gave them,
    and ``ref`` turns one into its column's SQL name.
    """

    table: str
    columns: tuple[str, ...]
    rows: int
    malformed: tuple[int, ...]  # file rows the CSV reader refused (wrong number of columns, too long)
    row_sql: str = "source_row"  # SQL over ``table`` giving a row's 1-based row in the file
    too_long: tuple[int, ...] = ()  # of ``malformed``, the rows longer than MAX_LINE_BYTES
    # Of ``malformed``, the one-cell lines after the last row read, with their cell: a report's
    # footer, as Salesforce writes one ("Confidential Information - Do Not Distribute" …).
    footer: tuple[tuple[int, str], ...] = ()
    # Of ``malformed``, the lines of blank cells only, fewer or more than the header's (",,,").
    empty: tuple[int, ...] = ()
    user_defined: int = 0  # Big5 user-defined characters (造字) read as private-use ones (``encodings``)
    typed: TypedDates | None = None  # the date columns staged as TIMESTAMP, if any

    @property
    def renamed(self) -> tuple[str, ...]:
        """Columns renamed because their header repeats an earlier one (主旨 → 主旨_2)."""
        return renamed_headers(self.columns)

    def ref(self, column: str) -> str:
        """The SQL name of the staged column holding the file's column ``column``."""
        return sql.positional(self.columns.index(column))

    def is_typed(self, column: str | None) -> bool:
        return self.typed is not None and column in self.typed.columns

    def text(self, column: str, qualifier: str = "") -> str:
        """SQL: the cell of ``column`` (of the table ``qualifier`` names) as text; a typed date
        written back in its format."""
        ref = qualifier + self.ref(column)
        return f"strftime({ref}, '{self.typed.format}')" if self.is_typed(column) else ref

    def blank_sql(self) -> str:
        """SQL: whether every cell of a staged row is empty or blank."""
        return " AND ".join(f"{sql.positional(i)} IS NULL" if self.is_typed(column)
                            else f"nullif(trim({sql.positional(i)}), '') IS NULL" for i, column in enumerate(self.columns))

    def numbered(self) -> str:
        """The staged rows with their file row as ``source_row``, for a FROM clause."""
        if self.row_sql == "source_row":
            return self.table
        return f"(SELECT {self.row_sql} AS source_row, * FROM {self.table})"


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, table: str,
              progress: Progress = ignore, typed: TypedDates | None = None) -> Staged:
    """Load a CSV/TSV into TEMP ``table`` (VARCHAR columns, but for the date columns ``typed``
    names where the reader can parse them: TypedDates) with DuckDB's parallel reader; tells
    ``progress`` the file's bytes (phase ``stage``) when it starts and when it is done."""
    size = path.stat().st_size
    progress("stage", 0, size)
    if sniffed.duckdb_encoding is None:
        staged = _typed_or_text(partial(_stage_transcoded, con, path, sniffed, table), typed)
    else:
        staged = _typed_or_text(partial(_stage_with_duckdb, con, path, sniffed, table, None, None), typed)
    progress("stage", size, size)
    return staged


def scan_and_stage(con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, table: str,
                   progress: Progress = ignore, typed: TypedDates | None = None) -> tuple[str, Staged]:
    """``scan`` and ``stage_csv`` at once: the SHA-256 is computed in a thread (hashlib releases
    the GIL) while DuckDB reads the file, instead of in a pass of its own before. Tells
    ``progress`` both phases as they start, then as they end."""
    size = path.stat().st_size
    progress("read", 0, size)
    progress("stage", 0, size)
    hashing = _SCANS.submit(scan, path, sniffed)
    try:
        staged = stage_csv(con, path, sniffed, table, typed=typed)
    except BaseException:
        hashing.result()  # a NUL byte the scan found says more than the reader's own error
        raise
    try:
        checksum = hashing.result()
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise
    progress("read", size, size)
    progress("stage", size, size)
    return checksum, staged


def stage_piece(con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, table: str, piece: tuple[int, int],
                header: tuple[str, ...] | None = None, first_row: int | None = None,
                typed: TypedDates | None = None) -> Staged:
    """Load the bytes ``piece`` (start, end: whole records, see ``scan_for_pieces``) of a UTF-8
    file into TEMP ``table`` like ``stage_csv``: the first piece with the file's header, any
    other with the ``header`` read from the first, its first record being file row ``first_row``."""
    start, end = piece
    try:
        handle, copy = tempfile.mkstemp(suffix=".csv", prefix="piece-")
    except OSError as err:
        raise InputError(sniffed.file_name, "ingest.no_temp_space", detail=err.strerror or type(err).__name__) from err
    try:
        with open(path, "rb") as src, os.fdopen(handle, "wb") as dst:
            while start < end:
                start += os.copy_file_range(src.fileno(), dst.fileno(), end - start, start)
        return _typed_or_text(partial(_stage_with_duckdb, con, Path(copy), sniffed, table, header, first_row), typed)
    except OSError as err:  # the temporary folder's disk is full
        raise InputError(sniffed.file_name, "ingest.no_temp_space", detail=err.strerror or type(err).__name__) from err
    finally:
        os.unlink(copy)


def _stage_with_duckdb(con, path: Path, sniffed: Sniffed, table: str, header: tuple[str, ...] | None = None,
                       first_row: int | None = None, typed: TypedDates | None = None) -> Staged:
    """Stage a whole file, or a piece of one (its first record file row ``first_row``); ``header``:
    the file's column names, when they are not read from ``path`` itself; ``typed``: date columns
    the reader parses (see TypedDates), which are staged as text after all where it cannot."""
    # DuckDB numbers a whole file's lines from its start (skipped ones too), a piece's from its first record.
    lines_before = 0 if first_row is None else first_row - 1
    header = header or _header(path, sniffed)
    first_row = first_row or sniffed.header_row + 1
    names = [sql.positional(i) for i in range(len(header))]
    typed = typed if typed and set(typed.columns) <= set(header) else None
    # The header is read here, not by DuckDB: its sniffer fails on a file-long quote and would
    # name the server's path; the table names its columns by position (see Staged).
    options = {
        "delim": sniffed.delimiter,
        "header": False,
        "skip": 0 if lines_before else sniffed.header_row,
        "auto_detect": False,
        "columns": {name: "TIMESTAMP" if typed and column in typed.columns else "VARCHAR"
                    for name, column in zip(names, header)},
        "quote": '"',
        "escape": '"',
        "encoding": sniffed.duckdb_encoding or "utf-8",
        "max_line_size": MAX_LINE_BYTES,
        "buffer_size": 2 * MAX_LINE_BYTES,
        "store_rejects": True,
        "rejects_scan": f"{table}_scan",
        "rejects_table": f"{table}_errors",
        "null_padding": False,
    }
    if typed:
        options |= {"timestampformat": typed.format, "nullstr": list(dates.MISSING)}
    try:
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {_read_csv_sql(options)}", {"path": str(path), **options})
        errors = con.execute(f"SELECT line, error_type, error_message, csv_line FROM {table}_errors ORDER BY line").fetchall()
    except duckdb.Error as err:
        raise InputError(sniffed.file_name, "ingest.unreadable_table", detail=_first_line(err)) from err
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}_errors")
        con.execute(f"DROP TABLE IF EXISTS {table}_scan")
    if typed and (any(kind == "CAST" for _line, kind, _message, _text in errors) or _short_years(con, table, names, header, typed)):
        con.execute(f"DROP TABLE {table}")
        raise _TextAfterAll
    errors = [(int(line) + lines_before, kind, message, text) for line, kind, message, text in errors]
    unclosed = [row for row, kind, message, _text in errors if kind == "UNQUOTED VALUE" and "unterminated" in message]
    if unclosed:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        raise InputError(sniffed.file_name, "ingest.unclosed_quote", row=unclosed[-1])
    malformed = tuple(sorted({row for row, *_rest in errors}))  # a line may be reported twice
    too_long = tuple(sorted({row for row, kind, *_rest in errors if kind == "LINE SIZE OVER MAXIMUM"}))
    rows = store.scalar(con, f"SELECT count(*) FROM {table}")
    empty = tuple(sorted({row for row, kind, _message, text in errors if kind != "LINE SIZE OVER MAXIMUM"
                          and not any(cell.strip() for cell in _cells(text, sniffed.delimiter))}))
    footer = _footer(errors, malformed, first_row, rows, sniffed.delimiter, set(empty))
    return Staged(table, header, rows, malformed, _file_row_sql(first_row, malformed), too_long, footer, empty,
                  typed=typed)


class _TextAfterAll(Exception):
    """A typed date column holds a cell the reader cannot read as the text's reading does."""


def _typed_or_text(stage: Callable[[TypedDates | None], Staged], typed: TypedDates | None) -> Staged:
    """``stage`` with the typed date columns, or all as text where the reader cannot read them."""
    if typed:
        try:
            return stage(typed)
        except _TextAfterAll:
            pass
    return stage(None)


def _short_years(con, table: str, names: list[str], header: tuple[str, ...], typed: TypedDates) -> bool:
    """Whether a typed date reads as a year before 1000: %Y takes "24-08-16" as the year 24,
    where the text's reading refuses all but four-digit years."""
    years = [f"year({name}) < 1000" for name, column in zip(names, header) if column in typed.columns]
    return bool(store.scalar(con, f"SELECT count(*) FILTER ({' OR '.join(years)}) FROM {table}"))


def _footer(errors: list[tuple], malformed: tuple[int, ...], first_row: int, rows: int,
            delimiter: str, empty: set[int]) -> tuple[tuple[int, str], ...]:
    """The refused lines after the last row read (see ``_file_row_sql``) that hold one cell, lines
    of ``empty`` cells among them aside."""
    after_last = {line for j, line in enumerate(malformed) if line - first_row - j >= rows} - empty
    cells = {row: _cells(text, delimiter) for row, _kind, _message, text in errors if row in after_last}
    if len(cells) != len(after_last) or any(len(cell) != 1 for cell in cells.values()):
        return ()  # one line of many cells after the rows is no footer: each is refused for its width
    return tuple((row, cell[0].strip()) for row, cell in sorted(cells.items()))


def _cells(line: str | None, delimiter: str) -> list[str]:
    """A line's cells as Python's csv module reads them (DuckDB gives a line the blank lines before it)."""
    return next(iter(_records((line or "").strip("\r\n"), delimiter, limit=1)), [])


def _header(path: Path, sniffed: Sniffed, encoding: str | None = None) -> tuple[str, ...]:
    """The staged columns' names: the header row's cells, repeats renamed (``_unique_names``)."""
    return tuple(_unique_names([_text(c) for c in _header_record(path, sniffed, encoding)]))


def _header_record(path: Path, sniffed: Sniffed, encoding: str | None = None) -> list[str]:
    """The header row's cells, read with Python's csv module from the start of the file (in
    ``encoding``; by default the one DuckDB is told)."""
    encoding = encoding or sniffed.duckdb_encoding or "utf-8"
    wanted = sniffed.header_row + 50
    # The first ``wanted`` records of the file's first MAX_LINE_BYTES, read a little at a time:
    # decoding all 16 MB took 0.1 s for every file. A record is whole once another follows it.
    size = min(SNIFF_BYTES, MAX_LINE_BYTES) if sniffed.header_row > 0 else 0
    with open(path, "rb") as f:
        while True:
            f.seek(0)
            head = f.read(size)
            text = encodings.decoder("utf-8-sig" if encoding == "utf-8" else encoding, replace=True).decode(head)
            records = _records(text, sniffed.delimiter, limit=wanted + 1)
            if len(records) > wanted or len(head) < size or size in (0, MAX_LINE_BYTES):
                break
            size = min(size * 8, MAX_LINE_BYTES)
    records = records[:wanted]
    if len(records) < sniffed.header_row:
        raise InputError(sniffed.file_name, "ingest.no_header")
    header = records[sniffed.header_row - 1]
    _check_size(sniffed.file_name, None, len(header))
    cut_short = path.stat().st_size >= MAX_LINE_BYTES  # then the last record read may be cut short
    rows = [row for row in records[sniffed.header_row:len(records) - cut_short] if any(row)]
    return _without_trailing_delimiter(header, rows)


def _without_trailing_delimiter(header: list[str], rows: list[list[str]]) -> list[str]:
    """The header without the empty names a delimiter after its last column gave it, when the
    rows under it all lack those columns: some report tools end the header line alone with a
    delimiter, and every row would otherwise be refused for its width."""
    unnamed = len(header) - len(list(itertools.dropwhile(lambda name: not name.strip(), reversed(header))))
    if unnamed and rows and all(len(row) == len(header) - unnamed for row in rows):
        return header[:-unnamed]
    return header


def _read_csv_sql(options: dict) -> str:
    """``read_csv($path, delim = $delim, …)``: every option a parameter named after itself."""
    return f"read_csv($path, {', '.join(f'{k} = ${k}' for k in options)})"


def _file_row_sql(first_row: int, malformed: tuple[int, ...]) -> str:
    """The file row of a staged row, from its rowid.

    Accepted rows keep file order (DuckDB preserves insertion order), so the k-th (rowid k)
    sits at first_row + k, one further down for every refused line before it. The j-th
    refused line L_j (0-based) falls before accepted rows with rowid >= L_j - first_row - j.
    Numbering with rowid rather than row_number() keeps the CSV read parallel.
    """
    row = f"CAST(rowid AS INTEGER) + {first_row}"
    if not malformed:
        return row
    firsts = ", ".join(str(line - first_row - j) for j, line in enumerate(malformed))
    return f"{row} + len(list_filter([{firsts}], lambda first: first <= rowid))"


def stage_frame(con: duckdb.DuckDBPyConnection, source: SourceTable, table: str) -> Staged:
    """Load an already-read small table (e.g. from Excel) into TEMP ``table`` like ``stage_csv`` does."""
    frame = source.frame.copy()
    frame.columns = [sql.positional(i) for i in range(frame.shape[1])]
    frame["source_row"] = [source.row_number(i) for i in range(len(frame))]
    with store.registered(con, "_incoming_frame", frame):
        column_list = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in frame.columns[:-1])
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT {column_list}, CAST(source_row AS INTEGER) AS source_row"
                    " FROM _incoming_frame")
    return Staged(table, tuple(source.frame.columns), len(frame), source.malformed)


def wrong_width_rejects(file_name: str, rows: tuple[int, ...], header_width: int) -> list[Reject]:
    """Rejects for rows whose number of columns differs from the header's."""
    return [Reject(file_name, row, None, "ingest.wrong_width", (("width", str(header_width)),)) for row in rows]


def refused_rows(file_name: str, staged: Staged, at_end: bool = True) -> list[Reject]:
    """Rejects for the rows the CSV reader refused: too long, a footer line (``at_end``: the staged
    rows end the file), blank cells only, or not the header's number of columns."""
    too_long = [Reject(file_name, row, None, "ingest.line_too_long", (("limit", str(MAX_LINE_BYTES >> 20)),))
                for row in staged.too_long]
    footer = [Reject(file_name, row, None, "ingest.footer_line", (("value", cell),))
              for row, cell in (staged.footer if at_end else ())]
    no_data = footer + [Reject(file_name, row, None, "reject.empty_row", ()) for row in staged.empty]
    named = set(staged.too_long) | {reject.row for reject in no_data}
    wrong_width = wrong_width_rejects(file_name, tuple(r for r in staged.malformed if r not in named),
                                      len(staged.columns))
    return sorted(too_long + no_data + wrong_width, key=lambda reject: reject.row)


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]
