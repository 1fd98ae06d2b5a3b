"""SLA settings: the business calendar and the SLA policies, validated, stored and previewed.

Saving either re-derives the deadlines that depend on it, in the same transaction.
The calendar holds only exceptions to Mon–Fri: weekdays off and weekend days worked.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import pandas as pd

from kpi import store
from kpi.service.deadlines import rederive_deadlines, sample_deadlines, what_if
from kpi.service.policies import SettingsError, store_policies

CALENDAR_COLUMNS = ["day", "is_working_day", "note"]
# Taiwan's office calendar (政府行政機關辦公日曆表): 是否放假 2 = day off, 0 = working day.
OFFICE_CALENDAR_DATE, OFFICE_CALENDAR_FLAG, OFFICE_CALENDAR_NOTE = "西元日期", "是否放假", "備註"
_FLAG_WORKING = {"0": True, "2": False}


def _decode(data: bytes) -> str:
    # Government and Excel exports come as UTF-8 (with or without BOM), UTF-16 or Big5 (cp950).
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp950")
        except UnicodeDecodeError:
            raise SettingsError("service.error.calendar_encoding") from None


def parse_office_calendar(data: bytes) -> pd.DataFrame:
    """The exceptions to Mon–Fri in an office-calendar CSV (西元日期, 星期, 是否放假, 備註)."""
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text), delimiter="\t" if "\t" in text.partition("\n")[0] else ",")
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in (OFFICE_CALENDAR_DATE, OFFICE_CALENDAR_FLAG) if name not in header]
    if missing:
        raise SettingsError("service.error.calendar_columns", columns=", ".join(missing))
    reader.fieldnames = header
    days, seen = [], set()
    for line, row in enumerate(reader, start=2):
        raw_day, flag = (row.get(OFFICE_CALENDAR_DATE) or "").strip(), (row.get(OFFICE_CALENDAR_FLAG) or "").strip()
        try:
            day = datetime.strptime(raw_day, "%Y%m%d").date()
        except ValueError:
            raise SettingsError("service.error.calendar_date", line=line, value=raw_day) from None
        if flag not in _FLAG_WORKING:
            raise SettingsError("service.error.calendar_flag", line=line, value=flag)
        if day in seen:
            raise SettingsError("service.error.calendar_duplicate", day=day.isoformat())
        seen.add(day)
        is_working = _FLAG_WORKING[flag]
        if is_working != (day.isoweekday() <= 5):
            days.append((day, is_working, (row.get(OFFICE_CALENDAR_NOTE) or "").strip() or None))
    if not seen:
        raise SettingsError("service.error.calendar_empty")
    frame = pd.DataFrame(days, columns=CALENDAR_COLUMNS)
    frame.attrs["covers"] = (min(seen), max(seen))
    return frame


def load_calendar(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT day, is_working_day, note FROM business_calendar ORDER BY day").df()


def validate_calendar(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited exceptions, cleaned; raises on a missing or repeated date."""
    frame = frame[CALENDAR_COLUMNS].copy()
    if frame["day"].isna().any():
        raise SettingsError("service.error.calendar_no_date")
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    repeated = frame.loc[frame["day"].duplicated(), "day"]
    if not repeated.empty:
        raise SettingsError("service.error.calendar_duplicate", day=repeated.iloc[0].isoformat())
    frame["is_working_day"] = frame["is_working_day"].fillna(False).astype(bool)
    return frame


def _store_calendar(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    frame = validate_calendar(frame)
    con.execute("DELETE FROM business_calendar")
    with store.registered(con, "edited_calendar", frame):
        con.execute("INSERT INTO business_calendar SELECT day, is_working_day, note FROM edited_calendar")


def merge_office_calendar(con: duckdb.DuckDBPyConnection, data: bytes) -> pd.DataFrame:
    """The stored exceptions, with those within the file's dates replaced by the file's."""
    imported = parse_office_calendar(data)
    first, last = imported.attrs["covers"]
    kept = load_calendar(con)
    kept = kept[(kept["day"] < pd.Timestamp(first)) | (kept["day"] > pd.Timestamp(last))]
    return validate_calendar(pd.concat([kept, imported], ignore_index=True))


def apply_settings(con: duckdb.DuckDBPyConnection, *, policies: pd.DataFrame | None = None,
                   calendar: pd.DataFrame | None = None) -> None:
    """Store edited policies and/or calendar and re-derive the deadlines; the caller holds the
    transaction (``store.transaction`` to keep it, ``deadlines.what_if`` for one report)."""
    if policies is not None:
        store_policies(con, policies)
    if calendar is not None:
        _store_calendar(con, calendar)
    rederive_deadlines(con)
    store.bump_data_version(con)


def save_settings(con: duckdb.DuckDBPyConnection, *, policies: pd.DataFrame | None = None,
                  calendar: pd.DataFrame | None = None) -> None:
    with store.transaction(con):
        apply_settings(con, policies=policies, calendar=calendar)


@dataclass(frozen=True)
class SampleTicket:
    """What a ticket brings to the policies: when it came, and what they may match on."""

    created_at: datetime
    level: int | None = None
    category: str | None = None
    department: str | None = None
    channel: str | None = None


def preview_deadlines(con: duckdb.DuckDBPyConnection, ticket: SampleTicket, policies: pd.DataFrame,
                      calendar: pd.DataFrame) -> pd.DataFrame:
    """The policy a sample ticket matches and its deadlines, under the saved settings and the
    edited ones (raises SettingsError while the edits are invalid)."""
    conditions = asdict(ticket)
    saved = sample_deadlines(con, conditions.pop("created_at"), **conditions)
    with what_if(con):
        store_policies(con, policies)
        _store_calendar(con, calendar)
        edited = sample_deadlines(con, ticket.created_at, **conditions)
    return pd.DataFrame(
        [("saved", saved.policy_name, saved.first_response_due, saved.standard_due),
         ("edited", edited.policy_name, edited.first_response_due, edited.standard_due)],
        columns=["settings", "sla_policy", "first_response_due_at", "standard_due_at"],
    )
