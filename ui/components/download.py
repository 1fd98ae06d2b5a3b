"""The one download component: every table a page shows is offered as CSV and Excel from here,
written by ``kpi.exports`` (text never becomes a formula; numbers stay numbers)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kpi import exports
from ui.session import t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_buttons(table: exports.Sheets | Callable[[], pd.DataFrame], base_name: str, key: str, *,
                     workbook: Callable[[], bytes] | None = None):
    """CSV and Excel buttons side by side for ``table``: a frame, or named frames (one sheet each
    in Excel; the CSV holds the first), or a function giving the frame from a query (a list too
    long to hold in the page: it runs when a button is pressed, outside the page's run, so it
    must not ask the session anything). ``workbook`` replaces the plain Excel file with a
    formatted one built by ``kpi.exports.Workbook``.

    The files are built only when a button is pressed, so a page with many tables stays quick.
    Returns the buttons' row, where ``file_download`` can add another.
    """
    def sheets() -> dict[str, pd.DataFrame]:
        tables = table() if callable(table) else table
        return {base_name: tables} if isinstance(tables, pd.DataFrame) else dict(tables)

    row = st.container(horizontal=True)
    row.download_button(t("download.csv"), data=lambda: exports.csv_bytes(next(iter(sheets().values()))),
                        file_name=f"{base_name}.csv",
                        mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    row.download_button(t("download.xlsx"), data=workbook or (lambda: exports.xlsx_bytes(sheets())),
                        file_name=f"{base_name}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
                        icon=":material/table_view:")
    return row


def file_download(label: str, data: Callable[[], str | bytes], file_name: str, mime: str, key: str,
                  icon: str = ":material/download:", where=st) -> None:
    """One button for a file that is not a table (a scenario's JSON, the HTML report), on the page
    or in ``where`` (a container)."""
    where.download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click="ignore", icon=icon)


def table_with_downloads(frame: pd.DataFrame, base_name: str, key: str, column_config: dict | None = None,
                         **options) -> None:
    """``st.dataframe`` of ``frame`` with the CSV and Excel of what it shows: the same headers,
    without the columns the configuration hides."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config, **options)
    download_buttons(as_shown(frame, column_config or {}), base_name, key)


def as_shown(frame: pd.DataFrame, column_config: dict) -> pd.DataFrame:
    """``frame`` with the headers a table with this column configuration shows, without the
    columns it hides."""
    hidden = [column for column, setting in column_config.items() if setting is None]
    labels = {column: setting if isinstance(setting, str) else setting.get("label")
              for column, setting in column_config.items() if setting is not None}
    return frame.drop(columns=hidden).rename(columns={c: label for c, label in labels.items() if label})
