"""Tables as downloadable files, readable by Excel on a zh-TW Windows machine."""

from __future__ import annotations

import io

import pandas as pd


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM: without it Excel on zh-TW Windows reads the file as Big5 and garbles it.
    return frame.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One worksheet per frame; sheet names are cut to Excel's 31 characters."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            writer.sheets[name[:31]].autofit()
    return buffer.getvalue()
