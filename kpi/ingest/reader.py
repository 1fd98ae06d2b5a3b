"""Reading exported tables: detect encoding, delimiter and header row, then load every cell as text.

Two ways in, sharing the detection:
- ``read_frame`` for small tables (people, calendars): a pandas frame of strings.
- ``stage_csv`` / ``stage_frame`` for ticket exports of any size: a DuckDB TEMP table of
  VARCHAR columns, read by DuckDB's parallel CSV reader, and an expression (``Staged.row_sql``)
  giving each staged row's row in the file. DuckDB cannot decode
  Big5/CP950 itself, so those files are transcoded to UTF-8 first, in chunks.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from kpi import i18n, sql, store
from kpi.ingest.errors import InputError, Reject

SNIFF_BYTES = 256 * 1024
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_NUMBER = re.compile(r"^[\d\s.,:/%-]+$")


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file say about how to read it."""

    file_name: str
    kind: str                 # "csv" or "excel"
    encoding: str | None      # Python codec name: utf-8, utf-8-sig, utf-16, cp950 …
    delimiter: str | None
    header_row: int           # 1-based line (or sheet row) holding the header

    @property
    def duckdb_encoding(self) -> str | None:
        """The encoding DuckDB's reader is told, or None when the text must be transcoded first."""
        return {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16"}.get(self.encoding or "")

    def describe(self, lang: str = "en") -> str:
        """What was detected, e.g. "cp950, comma-separated, header on line 3"."""
        if self.kind == "excel":
            return i18n.t("sniffed.excel", lang, row=self.header_row)
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

    def row_number(self, index: int) -> int:
        """The file row (header = row ``header_row``) of frame row ``index``; blank rows are skipped."""
        return self.row_numbers[index]


def is_excel(data_head: bytes, file_name: str) -> bool:
    return file_name.lower().endswith(EXCEL_SUFFIXES) or data_head.startswith((_ZIP_MAGIC, _OLE_MAGIC))


def detect_encoding(head: bytes, file_name: str) -> str:
    """BOM first, then strict UTF-8, then Big5 (CP950), then charset-normalizer's best guess."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _looks_utf16_without_bom(head):
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    if b"\x00" in head:
        raise InputError(file_name, "ingest.binary")
    for encoding in ("utf-8", "cp950"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        raise InputError(file_name, "ingest.encoding_unknown")
    return best.encoding


def _looks_utf16_without_bom(head: bytes) -> bool:
    sample = head[:2000]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) * 0.4 or sample[0::2].count(0) > len(sample) * 0.4)


def _records(text: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
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
        counts = Counter(len(r) for r in rows)
        if not counts:
            continue
        width, frequency = counts.most_common(1)[0]
        if width < 2:
            continue
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
    if is_excel(data_head, file_name):
        return Sniffed(file_name, "excel", None, None, 0)
    encoding = detect_encoding(data_head, file_name)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data_head, final=False)
    delimiter = detect_delimiter(text, file_name)
    header_row = detect_header_row(_records(text, delimiter, limit=50), file_name)
    return Sniffed(file_name, "csv", encoding, delimiter, header_row)


def _excel_rows(data: bytes, file_name: str) -> list[list[str | None]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as err:  # calamine raises its own types for every kind of broken workbook
        raise InputError(file_name, "ingest.workbook_unreadable", detail=str(err)) from err
    return [[_excel_cell(c) for c in row] for row in rows]


def _excel_cell(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def read_frame(data: bytes, file_name: str) -> SourceTable:
    """Read a small CSV/TSV/XLSX table whole into a frame of strings (None for empty cells)."""
    sniffed = sniff(data[:SNIFF_BYTES], file_name)
    if sniffed.kind == "excel":
        rows = _excel_rows(data, file_name)
        header_row = detect_header_row(rows[:50], file_name)
        sniffed = Sniffed(file_name, "excel", None, None, header_row)
    else:
        text = _decode_all(data, sniffed)
        rows = list(csv.reader(io.StringIO(text), delimiter=sniffed.delimiter))
        header_row = sniffed.header_row
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
                       tuple(row_numbers), tuple(malformed))


def _decode_all(data: bytes, sniffed: Sniffed) -> str:
    try:
        return data.decode(sniffed.encoding)
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


def transcode_to_utf8(source: Path, encoding: str, file_name: str, chunk_bytes: int = 8 << 20) -> Path:
    """Stream a non-UTF file into a temporary UTF-8 copy; names the line of any undecodable byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    handle, target = tempfile.mkstemp(suffix=".csv", prefix="transcoded-")
    lines_before = 0
    try:
        with open(source, "rb") as src, os.fdopen(handle, "wb") as dst:
            while chunk := src.read(chunk_bytes):
                try:
                    dst.write(decoder.decode(chunk).encode("utf-8"))
                except UnicodeDecodeError as err:
                    line = lines_before + chunk[: err.start].count(b"\n") + 1
                    raise InputError(file_name, "ingest.undecodable", row=line, encoding=encoding) from err
                lines_before += chunk.count(b"\n")
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        os.unlink(target)
        raise
    return Path(target)


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
    malformed: tuple[int, ...]  # file rows the CSV reader refused (wrong number of columns)
    row_sql: str = "source_row"  # SQL over ``table`` giving a row's 1-based row in the file

    def ref(self, column: str) -> str:
        """The SQL name of the staged column holding the file's column ``column``."""
        return sql.positional(self.columns.index(column))

    def numbered(self) -> str:
        """The staged rows with their file row as ``source_row``, for a FROM clause."""
        if self.row_sql == "source_row":
            return self.table
        return f"(SELECT {self.row_sql} AS source_row, * FROM {self.table})"


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, sniffed: Sniffed, table: str) -> Staged:
    """Load a CSV/TSV into TEMP ``table`` (all VARCHAR) with DuckDB's parallel reader."""
    transcoded = None
    if sniffed.duckdb_encoding is None:
        transcoded = transcode_to_utf8(path, sniffed.encoding, sniffed.file_name)
    try:
        return _stage_with_duckdb(con, transcoded or path, sniffed, table)
    finally:
        if transcoded is not None:
            transcoded.unlink()


def _stage_with_duckdb(con, path: Path, sniffed: Sniffed, table: str) -> Staged:
    options = {
        "delim": sniffed.delimiter,
        "header": True,
        "skip": sniffed.header_row - 1,
        "all_varchar": True,
        "quote": '"',
        "escape": '"',
        "encoding": sniffed.duckdb_encoding or "utf-8",
        "store_rejects": True,
        "rejects_scan": f"{table}_scan",
        "rejects_table": f"{table}_errors",
        "normalize_names": False,
        "null_padding": False,
    }
    # The header read alone, its ragged lines skipped here: the real read below lists them.
    reading = {**{k: v for k, v in options.items() if k not in _REJECT_OPTIONS}, "ignore_errors": True}
    try:
        # The headers come back as data; the table itself names its columns by position.
        header = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_read_csv_sql(reading)}",
                                            {"path": str(path), **reading}).fetchall()]
        names = [sql.positional(i) for i in range(len(header))]
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {_read_csv_sql({**options, 'names': names})}",
                    {"path": str(path), **options, "names": names})
    except duckdb.Error as err:
        raise InputError(sniffed.file_name, "ingest.unreadable_table", detail=_first_line(err)) from err
    columns = tuple(header)
    errors = con.execute(f"SELECT line, error_message FROM {table}_errors ORDER BY line").fetchall()
    con.execute(f"DROP TABLE IF EXISTS {table}_errors")
    con.execute(f"DROP TABLE IF EXISTS {table}_scan")
    malformed = tuple(sorted({int(line) for line, _message in errors}))  # a line may be reported twice
    rows = store.scalar(con, f"SELECT count(*) FROM {table}")
    return Staged(table, columns, rows, malformed, _file_row_sql(sniffed.header_row, malformed))


_REJECT_OPTIONS = ("store_rejects", "rejects_scan", "rejects_table")


def _read_csv_sql(options: dict) -> str:
    """``read_csv($path, delim = $delim, …)``: every option a parameter named after itself."""
    return f"read_csv($path, {', '.join(f'{k} = ${k}' for k in options)})"


def _file_row_sql(header_row: int, malformed: tuple[int, ...]) -> str:
    """The file row of a staged row, from its rowid.

    Accepted rows keep file order (DuckDB preserves insertion order), so the k-th (rowid k)
    sits at header_row + 1 + k, one further down for every refused line before it. The j-th
    refused line L_j (0-based) falls before accepted rows with rowid >= L_j - header_row - 1 - j.
    Numbering with rowid rather than row_number() keeps the CSV read parallel.
    """
    row = f"CAST(rowid AS INTEGER) + {header_row + 1}"
    if not malformed:
        return row
    firsts = ", ".join(str(line - header_row - 1 - j) for j, line in enumerate(malformed))
    return f"{row} + len(list_filter([{firsts}], lambda first: first <= rowid))"


def stage_frame(con: duckdb.DuckDBPyConnection, source: SourceTable, table: str) -> Staged:
    """Load an already-read small table (e.g. from Excel) into TEMP ``table`` like ``stage_csv`` does."""
    frame = source.frame.copy()
    frame.columns = [sql.positional(i) for i in range(frame.shape[1])]
    frame["source_row"] = [source.row_number(i) for i in range(len(frame))]
    con.register("_incoming_frame", frame)
    try:
        column_list = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in frame.columns[:-1])
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT {column_list}, CAST(source_row AS INTEGER) AS source_row"
                    " FROM _incoming_frame")
    finally:
        con.unregister("_incoming_frame")
    return Staged(table, tuple(source.frame.columns), len(frame), source.malformed)


def wrong_width_rejects(file_name: str, rows: tuple[int, ...], header_width: int) -> list[Reject]:
    """Rejects for rows whose number of columns differs from the header's."""
    return [Reject(file_name, row, None, "ingest.wrong_width", (("width", str(header_width)),)) for row in rows]


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0]
