"""Canonical tickets for the service tests, inserted straight into ticket_versions."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.ingest import vocabularies

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WEEK41 = FIXTURES / "week41-2009.csv"

_TIMES = ("created_at", "first_response_at", "standard_due_at", "first_commitment_at",
          "current_commitment_at", "resolved_at", "closed_at")
_DEFAULTS = {"department": "Support", "owner": "Ann", "level": 1, "channel": "phone",
             "extension_count": 0, "escalation_count": 0, "forwarded_second_line": False}


def insert_tickets(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> None:
    """Insert current versions (batch 0); times as 'YYYY-MM-DD HH:MM' strings, None = missing."""
    frame = pd.DataFrame([_DEFAULTS | row for row in rows])
    for column in _TIMES:
        frame[column] = pd.to_datetime(frame[column]) if column in frame else pd.NaT
    # The lifecycle as the importer derives it: a given state, else closed/resolved/open by the dates.
    by_dates = np.where(frame["closed_at"].notna(), "closed", np.where(frame["resolved_at"].notna(), "resolved", "open"))
    frame["state"] = frame["state"].fillna(pd.Series(by_dates)) if "state" in frame else by_dates
    done = frame["state"].isin(vocabularies.DONE_STATES)
    frame["completed_at"] = frame["resolved_at"].fillna(frame["closed_at"]).where(done)
    frame["is_open"] = frame["state"].isin(vocabularies.OPEN_STATES)
    frame["batch_id"], frame["is_current"] = 0, True
    frame["source_row"] = range(2, len(frame) + 2)
    con.register("test_tickets", frame)
    con.execute("INSERT INTO ticket_versions BY NAME SELECT * FROM test_tickets")
    con.unregister("test_tickets")
    store.bump_data_version(con)  # as every real write does, so caches keyed on it refresh


# Times on the periods' bounds and in the gap between 2009-W38 (09-14 to 09-21) and W41 (10-05 to 10-12).
BOUNDARY_TICKETS = [
    {"ticket_id": "gap_created", "created_at": "2009-09-25 10:00", "current_commitment_at": "2009-10-20 00:00"},
    {"ticket_id": "at_start", "created_at": "2009-10-05 00:00", "resolved_at": "2009-10-12 00:00",
     "current_commitment_at": "2009-10-12 00:00"},
    {"ticket_id": "done_in_gap", "created_at": "2009-09-20 23:59", "resolved_at": "2009-09-30 08:00",
     "current_commitment_at": "2009-09-21 00:00"},
    {"ticket_id": "due_in_gap", "created_at": "2009-09-15 09:00", "current_commitment_at": "2009-09-22 00:00",
     "escalation_count": 2},
    {"ticket_id": "late_at_start", "created_at": "2009-09-01 09:00", "resolved_at": "2009-10-05 00:00",
     "current_commitment_at": "2009-09-10 00:00"},
    {"ticket_id": "steady", "created_at": "2009-01-01 09:00", "current_commitment_at": "2010-01-01 00:00"},
]


# Five resolution times in whole microseconds, resolved on 2024-10-10 at noon (2024-W41).
RESOLUTION_MICROSECONDS = [48_527_928_817, 432_463_014_168, 580_446_369_893, 845_652_181_299, 912_084_365_707]


def resolved_after(microseconds: list[int]) -> list[dict]:
    resolved = datetime(2024, 10, 10, 12)
    return [{"ticket_id": f"P-{n}", "owner": "Ann", "created_at": f"{resolved - timedelta(microseconds=us):%Y-%m-%d %H:%M:%S.%f}",
             "resolved_at": f"{resolved:%Y-%m-%d %H:%M}", "current_commitment_at": "2024-10-11 00:00"}
            for n, us in enumerate(microseconds)]


def week41_rows() -> list[dict]:
    """The week-41 example mapped to canonical fields (what the importer will produce)."""
    raw = pd.read_csv(WEEK41, dtype=str, keep_default_na=False)
    return [
        {"ticket_id": r["編號"], "subject": r["主旨"], "department": r["部門"], "owner": r["負責人"],
         "level": int(r["服務請求方法"].removeprefix("Level ")), "created_at": r["提出時間"],
         "standard_due_at": r["標準完成時間"], "first_commitment_at": r["首次承諾時間"],
         "current_commitment_at": r["預計完成時間"], "resolved_at": r["完成時間"] or None,
         "extension_count": int(r["延時申請次數"]), "escalation_count": int(r["升級次數"]),
         "status": r["服務請求狀態"], "channel": None}
        for _, r in raw.iterrows()
    ]


def weekly_page(db_file: Path, rows: list[dict], lang: str = "en", tab: str | None = None, **query) -> AppTest:
    """The weekly page run once on a new store holding ``rows``, with ``query`` in its link, and
    ``tab`` (its label) open: only the open tab is drawn."""
    st.cache_data.clear()          # cached figures are keyed on the data version, which a new store restarts
    con = store.connect(db_file)
    insert_tickets(con, rows)
    con.close()
    app = AppTest.from_file(str(FIXTURES.parent.parent / "pages" / "weekly.py"), default_timeout=30)
    app.session_state["lang"] = lang
    if tab is not None:
        app.session_state["weekly_tab"] = tab
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()
