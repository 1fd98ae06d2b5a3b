"""Small widgets more than one page uses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.exports import csv_bytes, xlsx_bytes
from ui.session import t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_download(frame: pd.DataFrame, file_name: str, label: str, key: str) -> None:
    st.download_button(label, csv_bytes(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:")


def table_downloads(frame: pd.DataFrame, stem: str, key: str) -> None:
    """CSV and Excel buttons side by side for one table."""
    left, right = st.columns(2)
    with left:
        csv_download(frame, f"{stem}.csv", t("download.csv"), key=f"{key}_csv")
    with right:
        st.download_button(t("download.xlsx"), xlsx_bytes({stem: frame}), file_name=f"{stem}.xlsx", mime=XLSX_MIME,
                           key=f"{key}_xlsx", icon=":material/download:")
