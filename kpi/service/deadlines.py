"""Deadlines from the SLA policy and the business calendar, derived in SQL.

Where an export lacks 標準完成時間 the standard completion time is created + the level's
resolution time (business days land on the Nth working day at the same clock time); a missing
首次承諾時間 defaults to the standard, a missing 預計完成時間 to the first commitment. Values the
export had are never touched. Derived values carry a ``*_derived`` flag in ``ticket_versions``
so ``rederive_deadlines`` can recompute exactly those when the calendar or the policy changes.
The first-response deadline never comes from an export and is always derived.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import duckdb

from kpi import store

BUSINESS_UNITS = ("business_days", "end_of_business_day")
UNITS = ("minutes", "hours", "calendar_days", *BUSINESS_UNITS)


def _deadline_expr(limit: str, target: str) -> str:
    """SQL for created + the policy's ``limit`` (first_response | resolution); ``target`` is the
    alias of the working day that limit reaches, joined below."""
    value, unit = f"p.{limit}_value", f"p.{limit}_unit"
    return f"""CASE {unit}
        WHEN 'minutes' THEN s.created_at + {value} * INTERVAL 1 MINUTE
        WHEN 'hours' THEN s.created_at + {value} * INTERVAL 1 HOUR
        WHEN 'calendar_days' THEN s.created_at + {value} * INTERVAL 1 DAY
        WHEN 'business_days' THEN CASE WHEN {value} = 0 THEN s.created_at
            ELSE {target}.day + (s.created_at - CAST(s.created_at AS DATE)) END
        WHEN 'end_of_business_day' THEN {target}.day + INTERVAL 1 DAY
    END"""


def _target_join(limit: str, target: str) -> str:
    # work_ordinal counts working days up to and including a day, so the Nth working day after
    # the day of creation has ordinal + N. 'end_of_business_day' counts the day of creation as
    # day 0 when it is a working day, else the next working day.
    value, unit = f"p.{limit}_value", f"p.{limit}_unit"
    return f"""LEFT JOIN numbered {target} ON {target}.is_working
        AND {target}.work_ordinal = n0.work_ordinal + {value}
            + CASE WHEN {unit} = 'end_of_business_day' AND NOT n0.is_working THEN 1 ELSE 0 END"""


def _deadlines_sql(subjects: str) -> str:
    """A query over ``subjects`` (row_key, created_at, level, …) adding first_response_due and
    standard_due from the policy, with a working-day table long enough for every limit."""
    return f"""
WITH subjects AS ({subjects}),
reach AS (
    SELECT max(greatest(
        CASE WHEN first_response_unit IN ('business_days', 'end_of_business_day') THEN first_response_value ELSE 0 END,
        CASE WHEN resolution_unit IN ('business_days', 'end_of_business_day') THEN resolution_value ELSE 0 END)) AS business_days
    FROM sla_policy
),
horizon AS (
    -- 7 calendar days per 5 working days, a week's margin, and one more per day off on file.
    SELECT min(CAST(s.created_at AS DATE)) AS first_day,
           max(CAST(s.created_at AS DATE)) + INTERVAL 1 DAY * (
               CAST(ceil(any_value(r.business_days) * 7 / 5.0) AS INTEGER) + 7
               + (SELECT count(*) FROM business_calendar WHERE NOT is_working_day)) AS last_day
    FROM subjects s, reach r
),
days AS (
    SELECT CAST(day AS DATE) AS day
    FROM (SELECT unnest(generate_series(first_day, last_day, INTERVAL 1 DAY)) AS day FROM horizon)
),
numbered AS (
    SELECT d.day, w.is_working,
           sum(CASE WHEN w.is_working THEN 1 ELSE 0 END) OVER (ORDER BY d.day) AS work_ordinal
    FROM days d
    LEFT JOIN business_calendar c ON c.day = d.day
    CROSS JOIN LATERAL (SELECT coalesce(c.is_working_day, isodow(d.day) <= 5) AS is_working) w
)
SELECT s.*,
       {_deadline_expr("first_response", "f")} AS derived_first_response_due,
       {_deadline_expr("resolution", "r")} AS derived_standard_due
FROM subjects s
LEFT JOIN sla_policy p ON p.level = s.level
LEFT JOIN numbered n0 ON n0.day = CAST(s.created_at AS DATE)
{_target_join("first_response", "f")}
{_target_join("resolution", "r")}
"""


# Each derived value is re-derived while its flag says the export did not provide it, so a
# first commitment that followed a derived standard follows it again after a policy change.
_FILL_SQL = f"""
UPDATE ticket_versions AS v SET
    first_response_due_at = d.derived_first_response_due,
    standard_due_at = d.standard_due_at,
    first_commitment_at = d.first_commitment_at,
    current_commitment_at = d.current_commitment_at,
    standard_due_derived = d.standard_due_derived,
    first_commitment_derived = d.first_commitment_derived,
    current_commitment_derived = d.current_commitment_derived
FROM (
    WITH derived AS ({_deadlines_sql('''
        SELECT rowid AS row_key, created_at, level,
               standard_due_derived OR standard_due_at IS NULL AS standard_due_derived,
               first_commitment_derived OR first_commitment_at IS NULL AS first_commitment_derived,
               current_commitment_derived OR current_commitment_at IS NULL AS current_commitment_derived,
               standard_due_at AS exported_standard_due,
               first_commitment_at AS exported_first_commitment,
               current_commitment_at AS exported_current_commitment
        FROM ticket_versions
        WHERE $everything OR first_response_due_at IS NULL OR standard_due_at IS NULL
           OR first_commitment_at IS NULL OR current_commitment_at IS NULL''')}),
    standard AS (
        SELECT *, CASE WHEN standard_due_derived THEN derived_standard_due ELSE exported_standard_due END
                      AS standard_due_at
        FROM derived
    ),
    first AS (
        SELECT *, CASE WHEN first_commitment_derived THEN standard_due_at ELSE exported_first_commitment END
                      AS first_commitment_at
        FROM standard
    )
    SELECT *, CASE WHEN current_commitment_derived THEN first_commitment_at ELSE exported_current_commitment END
                  AS current_commitment_at
    FROM first
) AS d
WHERE v.rowid = d.row_key
"""


# A deadline the app may fill in -> the ticket_versions flag saying it did.
DERIVED_FLAGS = {
    "standard_due_at": "standard_due_derived",
    "first_commitment_at": "first_commitment_derived",
    "current_commitment_at": "current_commitment_derived",
}
# Columns with_derived_deadlines_sql adds to the canonical ones, beside the deadlines it fills.
DERIVED_COLUMNS = (*DERIVED_FLAGS.values(), "first_response_due_at")


def with_derived_deadlines_sql(rows: str) -> str:
    """A query over ``rows`` (canonical ticket columns) with the deadlines the export lacks filled
    in and flagged, and the first-response deadline added: what an import inserts, so the
    versions never need updating afterwards."""
    return f"""
SELECT d.* REPLACE (
           coalesce(standard_due_at, derived_standard_due) AS standard_due_at,
           coalesce(first_commitment_at, standard_due_at, derived_standard_due) AS first_commitment_at,
           coalesce(current_commitment_at, first_commitment_at, standard_due_at, derived_standard_due)
               AS current_commitment_at),
       standard_due_at IS NULL AS standard_due_derived,
       first_commitment_at IS NULL AS first_commitment_derived,
       current_commitment_at IS NULL AS current_commitment_derived,
       derived_first_response_due AS first_response_due_at
FROM ({_deadlines_sql(rows)}) AS d
"""


def fill_missing_deadlines(con: duckdb.DuckDBPyConnection) -> None:
    """Derive the deadlines of versions written without them (e.g. inserted directly, not imported)."""
    con.execute(_FILL_SQL, {"everything": False})
    store.bump_data_version(con)


def rederive_deadlines(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute every derived deadline after a calendar or policy change (inside its transaction)."""
    con.execute(_FILL_SQL, {"everything": True})


def sample_deadlines(con: duckdb.DuckDBPyConnection, created_at: datetime, level: int) -> tuple[datetime | None, datetime | None]:
    """(first-response due, standard due) of a ticket created at ``created_at`` with ``level``."""
    return store.first_row(
        con,
        f"SELECT derived_first_response_due, derived_standard_due FROM ({_deadlines_sql('SELECT CAST($created_at AS TIMESTAMP) AS created_at, CAST($level AS INTEGER) AS level')})",
        {"created_at": created_at, "level": level},
    )


@contextmanager
def what_if(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Changes made inside the block are seen by queries inside it, then rolled back."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    finally:
        con.execute("ROLLBACK")
