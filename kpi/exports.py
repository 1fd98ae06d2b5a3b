"""Every downloadable table of the app, as CSV or XLSX that is safe to open in a spreadsheet.

Text in a table can come from an upload (a ticket subject, a competency name, a scenario name), so
no text cell may turn into a formula when the file is opened (OWASP, "CSV Injection"):

- XLSX: text is written as a string cell, never a formula or a link; text that starts like a
  formula also carries Excel's quote prefix, so editing the cell keeps it text.
- CSV: text that starts like a formula gets a leading apostrophe, and every text field is wrapped
  in double quotes with its own quotes doubled, so a separator or quote inside it cannot start a
  new cell either. The file is UTF-8 with a byte-order mark: without it Excel on zh-TW Windows
  reads it as Big5 and garbles it.

Numbers (and dates, booleans) stay what they are in both: only text cells are neutralised.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Mapping
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula: OWASP's list (=, +, -, @, tab, carriage
# return, line feed) and the full-width forms that East Asian locales of Excel accept too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

# xlsxwriter's write() would turn "=…" into a formula and "http://…" into a link; never.
_WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                     "strings_to_numbers": False}
_DATETIME_FORMAT, _DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"

Sheets = pd.DataFrame | Mapping[str, pd.DataFrame]


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _is_number(value) -> bool:
    """A finite int or float (numpy's too); a bool is not a number here."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_) and math.isfinite(value)


# ---------------------------------------------------------------------------------------- CSV

def _csv_text(text: str) -> str:
    if starts_like_formula(text):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"'


def _column_kind(values: pd.Series) -> str:
    """How a whole column can be written at once: "text", "number", "datetime", or else "cells",
    one by one (mixed objects, nullable integers, booleans, dates)."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        return "text"
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf" and not np.isinf(values).any():
        return "number"
    if isinstance(dtype, np.dtype | pd.DatetimeTZDtype) and dtype.kind == "M":
        return "datetime"
    return "cells"


def _csv_field(value) -> str:
    if isinstance(value, str):
        return _csv_text(value)
    if _is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if _is_number(value):
        return repr(float(value))
    if isinstance(value, datetime | date):
        return str(value)
    return _csv_text(str(value))


def _csv_column(values: pd.Series) -> pd.Series:
    kind = _column_kind(values)
    if kind == "text":
        quoted = values.str.replace('"', '""', regex=False)
        quoted = quoted.mask(values.str.startswith(FORMULA_STARTS, na=False), "'" + quoted)
        return ('"' + quoted + '"').fillna("")
    if kind in ("number", "datetime"):
        return values.astype(str).mask(values.isna(), "")  # floats as repr, times as 2024-02-08 13:20:00
    return pd.Series([_csv_field(value) for value in values.tolist()], index=values.index, dtype=str)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """One table as RFC 4180 CSV (CRLF line ends), UTF-8 with a byte-order mark."""
    header = ",".join(_csv_text(str(column)) for column in frame.columns)
    columns = [_csv_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
    rows = columns[0].str.cat(columns[1:], sep=",").tolist() if columns else [""] * len(frame)
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8-sig")


# --------------------------------------------------------------------------------------- XLSX

class Workbook:
    """An in-memory XLSX whose sheets write every value as what it is (see ``Sheet.write``)."""

    def __init__(self) -> None:
        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self._buffer, _WORKBOOK_OPTIONS)
        self._formats: dict[tuple, object] = {}

    def style(self, **properties):
        """The workbook's format with these properties, made once."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.book.add_format(properties) if properties else None
        return self._formats[key]

    def sheet(self, name: str) -> Sheet:
        """A new worksheet; the name is cut to Excel's 31 characters."""
        return Sheet(self, self.book.add_worksheet(name[:31]))

    def bytes(self) -> bytes:
        self.book.close()
        return self._buffer.getvalue()


class Sheet:
    def __init__(self, workbook: Workbook, worksheet: Worksheet) -> None:
        self.workbook, self.worksheet = workbook, worksheet

    def write(self, row: int, col: int, value, **properties) -> None:
        """Text as a string cell, numbers as numbers, dates as dates, missing values as blanks.

        ``properties`` are cell format properties (``bold``, ``num_format``, …)."""
        if _is_missing(value):
            return
        if _is_number(value):
            self.worksheet.write_number(row, col, float(value), self.workbook.style(**properties))
        elif isinstance(value, bool | np.bool_):
            self.worksheet.write_boolean(row, col, bool(value), self.workbook.style(**properties))
        elif isinstance(value, datetime | date):
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones: keep the wall-clock time
            shown = _DATETIME_FORMAT if isinstance(value, datetime) else _DATE_FORMAT
            self.worksheet.write_datetime(row, col, value,
                                          self.workbook.style(**{"num_format": shown, **properties}))
        else:
            text = str(value)
            if starts_like_formula(text):
                properties = {**properties, "quote_prefix": True}
            self.worksheet.write_string(row, col, text, self.workbook.style(**properties))

    def write_row(self, row: int, col: int, values, **properties) -> None:
        for offset, value in enumerate(values):
            self.write(row, col + offset, value, **properties)

    def table(self, frame: pd.DataFrame, number_formats: Mapping[str, str] | None = None) -> None:
        """A frame with a bold header row kept in view and columns sized to their contents;
        ``number_formats`` gives a column's Excel number format by header (e.g. "0.0%" for a rate
        kept as a fraction). Only numbers take it: text stays text."""
        self.write_row(0, 0, [str(column) for column in frame.columns], bold=True)
        for col in range(frame.shape[1]):
            self._column(col, frame.iloc[:, col], (number_formats or {}).get(str(frame.columns[col])))
        self.worksheet.freeze_panes(1, 0)
        self.worksheet.autofit()

    def _column(self, col: int, values: pd.Series, number_format: str | None = None) -> None:
        """One column below the header: whole text, number and time columns without asking each
        cell what it is (the same result as ``write``, several times faster)."""
        kind, sheet = _column_kind(values), self.worksheet
        if kind == "text":
            quoted = self.workbook.style(quote_prefix=True)
            for row, text in enumerate(values.tolist(), start=1):
                if isinstance(text, str):
                    sheet.write_string(row, col, text, quoted if text.startswith(FORMULA_STARTS) else None)
            return
        if kind == "datetime":
            if isinstance(values.dtype, pd.DatetimeTZDtype):
                values = values.dt.tz_localize(None)  # Excel has no time zones: keep the wall-clock time
            # Excel's day numbers count from 1899-12-30 for every date after February 1900
            values = (values - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
        given = {"num_format": number_format} if number_format else {}
        style = self.workbook.style(num_format=_DATETIME_FORMAT) if kind == "datetime" else self.workbook.style(**given)
        for row, value in enumerate(values.tolist(), start=1):
            if kind == "cells":
                self.write(row, col, value, **(given if _is_number(value) else {}))
            elif value == value:  # not NaN
                sheet.write_number(row, col, value, style)


def xlsx_bytes(sheets: Sheets, name: str = "Sheet1", number_formats: Mapping[str, str] | None = None) -> bytes:
    """One worksheet per frame (a single frame goes on a sheet called ``name``); ``number_formats``
    as ``Sheet.table`` takes them, for every sheet."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {name: sheets}
    workbook = Workbook()
    for sheet_name, frame in sheets.items():
        workbook.sheet(sheet_name).table(frame, number_formats)
    return workbook.bytes()
