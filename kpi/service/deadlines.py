"""Deadlines from the SLA policies and the business calendar, derived in SQL.

Each ticket takes the first policy, in the list's order, whose conditions it meets
(``kpi.service.policies``); its first-action stage gives the first-response deadline and its
completion stage the standard completion time, and ``sla_policy_id`` records which policy it was.
Where an export lacks 標準完成時間 the standard completion time is created + the policy's
completion time (business days land on the Nth working day at the same clock time); a missing
首次承諾時間 defaults to the standard, a missing 預計完成時間 to the first commitment. A stage the
policy lacks leaves its deadline empty. Values the export had are never touched. Derived values
carry a ``*_derived`` flag in ``ticket_versions`` so ``rederive_deadlines`` can recompute exactly
those when the calendar or the policies change. The first-response deadline never comes from an
export and is always derived.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import NamedTuple

import duckdb

from kpi import store

BUSINESS_UNITS = ("business_days", "end_of_business_day")
UNITS = ("minutes", "hours", "calendar_days", *BUSINESS_UNITS)


def _deadline_expr(stage: str, target: str) -> str:
    """SQL for created + the policy's ``stage`` (first_action | completion); ``target`` is the
    alias of the working day that limit reaches, joined below. No limit, no deadline."""
    value, unit = f"p.{stage}_value", f"p.{stage}_unit"
    return f"""CASE {unit}
        WHEN 'minutes' THEN s.created_at + {value} * INTERVAL 1 MINUTE
        WHEN 'hours' THEN s.created_at + {value} * INTERVAL 1 HOUR
        WHEN 'calendar_days' THEN s.created_at + {value} * INTERVAL 1 DAY
        WHEN 'business_days' THEN CASE WHEN {value} = 0 THEN s.created_at
            ELSE {target}.day + (s.created_at - CAST(s.created_at AS DATE)) END
        WHEN 'end_of_business_day' THEN {target}.day + INTERVAL 1 DAY
    END"""


def _target_join(stage: str, target: str) -> str:
    # work_ordinal counts working days up to and including a day, so the Nth working day after
    # the day of creation has ordinal + N. 'end_of_business_day' counts the day of creation as
    # day 0 when it is a working day, else the next working day.
    value, unit = f"p.{stage}_value", f"p.{stage}_unit"
    return f"""LEFT JOIN numbered {target} ON {target}.is_working
        AND {target}.work_ordinal = n0.work_ordinal + {value}
            + CASE WHEN {unit} = 'end_of_business_day' AND NOT n0.is_working THEN 1 ELSE 0 END"""


def _deadlines_sql(subjects: str) -> str:
    """A query over ``subjects`` (row_key, created_at, category, department, channel, level, …)
    adding the matching policy's id and its two deadlines, with a working-day table long enough
    for every limit. Policies are matched once per distinct combination of conditions, which
    few tickets differ in, rather than once per ticket."""
    # ``subjects`` is read three times; materialised, it was a second copy of every row being
    # written (0.26 s and 300 MB a million rows), which pushed the import's sort out of memory.
    return f"""
WITH subjects AS NOT MATERIALIZED (
    SELECT * FROM ({subjects})
),
reach AS (
    SELECT coalesce(max(greatest(
        CASE WHEN first_action_unit IN ('business_days', 'end_of_business_day') THEN first_action_value ELSE 0 END,
        CASE WHEN completion_unit IN ('business_days', 'end_of_business_day') THEN completion_value ELSE 0 END)), 0)
        AS business_days
    FROM sla_policies
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
),
condition_keys AS (
    -- Keys for each distinct combination, not for each ticket (0.2 s a million rows, twice).
    SELECT category, department, channel, level, lower(trim(category)) AS category_key,
           lower(trim(department)) AS department_key, lower(trim(channel)) AS channel_key
    FROM (SELECT DISTINCT category, department, channel, level FROM subjects)
),
matched AS (
    -- First match wins: of the policies whose every condition holds, the lowest position.
    SELECT k.category, k.department, k.channel, k.level, arg_min(p.policy_id, p.position) AS policy_id
    FROM condition_keys k
    JOIN sla_policies p
      ON (p.category IS NULL OR lower(trim(p.category)) = k.category_key)
     AND (p.department IS NULL OR lower(trim(p.department)) = k.department_key)
     AND (p.channel IS NULL OR lower(trim(p.channel)) = k.channel_key)
     AND (p.level IS NULL OR p.level = k.level)
    GROUP BY ALL
)
SELECT s.*,
       m.policy_id AS sla_policy_id,
       {_deadline_expr("first_action", "f")} AS derived_first_response_due,
       {_deadline_expr("completion", "r")} AS derived_standard_due
FROM subjects s
LEFT JOIN matched m
       ON m.category IS NOT DISTINCT FROM s.category
      AND m.department IS NOT DISTINCT FROM s.department
      AND m.channel IS NOT DISTINCT FROM s.channel
      AND m.level IS NOT DISTINCT FROM s.level
LEFT JOIN sla_policies p ON p.policy_id = m.policy_id
LEFT JOIN numbered n0 ON n0.day = CAST(s.created_at AS DATE)
{_target_join("first_action", "f")}
{_target_join("completion", "r")}
"""


# Each derived value is re-derived while its flag says the export did not provide it, so a
# first commitment that followed a derived standard follows it again after a policy change.
_FILL_SQL = f"""
UPDATE ticket_versions AS v SET
    sla_policy_id = d.sla_policy_id,
    first_response_due_at = d.derived_first_response_due,
    standard_due_at = d.standard_due_at,
    first_commitment_at = d.first_commitment_at,
    current_commitment_at = d.current_commitment_at,
    standard_due_derived = d.standard_due_derived,
    first_commitment_derived = d.first_commitment_derived,
    current_commitment_derived = d.current_commitment_derived
FROM (
    WITH derived AS ({_deadlines_sql('''
        SELECT rowid AS row_key, created_at, category, department, channel, level,
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
DERIVED_COLUMNS = (*DERIVED_FLAGS.values(), "first_response_due_at", "sla_policy_id")


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
    """Recompute every derived deadline, and which policy gave it, after a calendar or policy
    change (inside its transaction)."""
    con.execute(_FILL_SQL, {"everything": True})


class SampleDeadlines(NamedTuple):
    first_response_due: datetime | None
    standard_due: datetime | None
    policy_id: int | None
    policy_name: str | None


def sample_deadlines(con: duckdb.DuckDBPyConnection, created_at: datetime, level: int | None, *,
                     category: str | None = None, department: str | None = None,
                     channel: str | None = None) -> SampleDeadlines:
    """The deadlines of a ticket created at ``created_at`` with these conditions, and the policy
    that gave them."""
    subject = """SELECT CAST($created_at AS TIMESTAMP) AS created_at, CAST($category AS VARCHAR) AS category,
                        CAST($department AS VARCHAR) AS department, CAST($channel AS VARCHAR) AS channel,
                        CAST($level AS INTEGER) AS level"""
    return SampleDeadlines(*store.first_row(
        con,
        f"""SELECT d.derived_first_response_due, d.derived_standard_due, d.sla_policy_id, p.name
            FROM ({_deadlines_sql(subject)}) d LEFT JOIN sla_policies p ON p.policy_id = d.sla_policy_id""",
        {"created_at": created_at, "level": level, "category": category, "department": department,
         "channel": channel},
    ))


@contextmanager
def what_if(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Changes made inside the block are seen by queries inside it, then rolled back."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    finally:
        con.execute("ROLLBACK")
