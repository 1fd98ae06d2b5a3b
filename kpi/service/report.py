"""Service KPI queries: the weekly report and everything around it, as SQL over ``tickets``.

Every query starts from the same CTEs (``kpi.service.populations``): ``periods`` (the [start,
end) spans asked for), ``scoped`` (current tickets after the filters, with their due time on the
chosen basis and their group), and the per-period populations it needs. Composing these constant
fragments is the only string building; every value is a named parameter.

The SQL is DuckDB's dialect in its standard forms; each query function takes a store connection
or any ``kpi.engine.Engine``, which renders it for its own dialect (Spark: ``kpi.engine.spark``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from kpi import sql, store
from kpi.engine import Engine, engine_of
from kpi.service.definitions import ALERTS, WEEKLY_COLUMNS
from kpi.service.periods import Period
from kpi.service.populations import DUE_BASES, GROUPINGS, WEEKLY_SQL, ServiceQuery, ratio, with_populations

__all__ = ["DUE_BASES", "GROUPINGS", "ServiceQuery"]  # the query's vocabulary, re-exported for callers

# Age bands of the open backlog, in days since creation: [lower, upper).
AGE_BANDS = ((0, 1), (1, 3), (3, 7), (7, 14), (14, 30), (30, None))


def _share(condition: str, denominator: str = "count(src.ticket_id)") -> str:
    return ratio(f"count(src.ticket_id) FILTER (WHERE {condition})", denominator)


_COMMITMENT_MEASURES = f"""
    count(src.ticket_id) AS completed,
    {_share("src.completed_at <= coalesce(src.current_commitment_at, src.completed_at)")} AS commitment_achievement,
    {_share("src.completed_at <= coalesce(src.first_commitment_at, src.completed_at)")} AS first_commitment_achievement,
    {_share("src.completed_at <= coalesce(src.standard_due_at, src.completed_at)")} AS standard_achievement
"""

# Decided = answered, or unanswered past the limit by the period's end.
_FIRST_RESPONSE_MEASURES = f"""
    count(src.first_response_at) AS answered,
    count(src.ticket_id) FILTER (WHERE src.first_response_at IS NOT NULL OR src.first_response_due_at < src.period_end) AS decided,
    {_share("src.first_response_at <= src.first_response_due_at",
            "count(src.ticket_id) FILTER (WHERE src.first_response_at IS NOT NULL OR src.first_response_due_at < src.period_end)")}
        AS first_response_compliance
"""

_FORWARD_MEASURES = f"""
    count(src.ticket_id) AS new,
    count(src.ticket_id) FILTER (WHERE src.forwarded_second_line) AS forwarded,
    {_share("src.forwarded_second_line")} AS forward_rate
"""


def _distribution_measures(count_column: str) -> str:
    buckets = ", ".join(
        f"count(src.ticket_id) FILTER (WHERE least(src.{count_column}, 3) = {n}) AS {sql.ident(label)}"
        for n, label in enumerate(("0", "1", "2", "3+"))
    )
    return f"count(src.ticket_id) AS in_play, {buckets}"


def _grouped_sql(population: str, measures: str) -> str:
    """Measures per period and group plus a total row per period (kept when the period is empty)."""
    return f"""{with_populations(population)}
SELECT p.period_start, grouping(src.grp) = 1 AS is_total, src.grp AS "group", {measures}
FROM periods p LEFT JOIN {population} src ON src.period_start = p.period_start
GROUP BY GROUPING SETS ((p.period_start, src.grp), (p.period_start))
HAVING is_total OR count(src.ticket_id) > 0
ORDER BY p.period_start, is_total, "group" NULLS FIRST
"""


# What a query function runs on: the store's connection, or an engine (DuckDB, Spark).
Source = duckdb.DuckDBPyConnection | Engine


def _run(con: Source, sql: str, query: ServiceQuery, periods: list[Period], **extra) -> pd.DataFrame:
    return engine_of(con).run(sql, query.params(periods) | extra)


def _single(frame: pd.DataFrame) -> pd.DataFrame:
    """One period's rows without the period column (positional: ``drop`` costs more than the query)."""
    return frame.iloc[:, 1:].reset_index(drop=True)


_COMMITMENT_SQL = _grouped_sql("completed", _COMMITMENT_MEASURES)
_FIRST_RESPONSE_SQL = _grouped_sql("created", _FIRST_RESPONSE_MEASURES)
_FORWARD_SQL = _grouped_sql("created", _FORWARD_MEASURES)
_DISTRIBUTION_SQL = {
    "escalation": _grouped_sql("in_play", _distribution_measures("escalation_count")),
    "extension": _grouped_sql("in_play", _distribution_measures("extension_count")),
}

# The queries that run on every engine (DuckDB and Spark), and the functions that take any
# engine (``Source``): their rendered SQL is snapshotted and
# their results compared across engines in the tests.
PORTABLE_SQL = {
    "weekly": WEEKLY_SQL,
    "commitments": _COMMITMENT_SQL,
    "escalation_distribution": _DISTRIBUTION_SQL["escalation"],
    "extension_distribution": _DISTRIBUTION_SQL["extension"],
    "first_response": _FIRST_RESPONSE_SQL,
    "forwarding": _FORWARD_SQL,
}


def weekly_table(con: Source, periods: list[Period], query: ServiceQuery) -> pd.DataFrame:
    """The weekly report for several periods at once: a row per period and group, then its total."""
    return _run(con, WEEKLY_SQL, query, periods)


def weekly_report(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """服務請求指標分析報表: one row per group, the total last (``is_total``)."""
    return _single(weekly_table(con, [period], query))


def commitment_rates(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """Commitment, first-commitment and standard achievement over the tickets completed in the period."""
    return _single(_run(con, _COMMITMENT_SQL, query, [period]))


def first_response_compliance(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """First-response compliance of the period's new tickets, per level (the query's grouping is ignored)."""
    by_level = ServiceQuery(**{**query.__dict__, "by": "level"})
    return _single(_run(con, _FIRST_RESPONSE_SQL, by_level, [period]))


def forward_rates(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """Share of the period's new tickets forwarded to second line (後送率)."""
    return _single(_run(con, _FORWARD_SQL, query, [period]))


def count_distribution(con: Source, period: Period, query: ServiceQuery,
                       counted: str = "escalation") -> pd.DataFrame:
    """Tickets in play by their escalation (or extension) count: 0, 1, 2, 3+ per group."""
    return _single(_run(con, _DISTRIBUTION_SQL[counted], query, [period]))


_FLOW_SQL = f"""{with_populations("created", "completed")}
SELECT p.period_start,
       (SELECT count(*) FROM created c WHERE c.period_start = p.period_start) AS created,
       (SELECT count(*) FROM completed c WHERE c.period_start = p.period_start) AS resolved
FROM periods p ORDER BY p.period_start
"""


def created_vs_resolved(con: duckdb.DuckDBPyConnection, periods: list[Period], query: ServiceQuery) -> pd.DataFrame:
    """Tickets created and tickets completed in each period."""
    return _run(con, _FLOW_SQL, query, periods)


_BACKLOG_SQL = f"""{with_populations("open_at_end")},
bands AS (
    SELECT band.low, band.high FROM (SELECT unnest(CAST($bands AS STRUCT(low INTEGER, high INTEGER)[])) AS band) AS asked
)
SELECT b.low AS age_from_days, b.high AS age_to_days, o.level, count(*) AS tickets
FROM (SELECT *, date_diff('second', created_at, period_end) / 86400.0 AS age_days FROM open_at_end) o
JOIN bands b ON o.age_days >= b.low AND (b.high IS NULL OR o.age_days < b.high)
GROUP BY b.low, b.high, o.level ORDER BY age_from_days, o.level
"""


def backlog(con: duckdb.DuckDBPyConnection, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """Tickets open at the period's end by age band (whole days since creation) and level."""
    bands = [{"low": low, "high": high} for low, high in AGE_BANDS]
    return _run(con, _BACKLOG_SQL, query, [period], bands=bands)


_TICKET_COLUMNS = """ticket_id, subject, department, owner, level, channel, category,
    (SELECT p.name FROM sla_policies p WHERE p.policy_id = sla_policy_id) AS sla_policy, status, created_at,
    first_response_due_at, first_response_at, standard_due_at, first_commitment_at,
    current_commitment_at, completed_at, extension_count, escalation_count"""

# What puts an open ticket on each alert list, in ALERTS order.
_ALERT_CONDITIONS = {
    "unassigned": "coalesce(owner, '') = ''",
    "being_escalated": "escalation_count >= 1",
    "escalated_many": "escalation_count >= 2",
    "overdue_many": "coalesce(due_at < period_end, false) AND extension_count + escalation_count >= 2",
    "due_soon": "due_at >= period_end AND due_at < period_end + INTERVAL 24 HOUR",
}
# How many of each list's first rows the page and the report get; the rest are paged or
# downloaded (at 10M tickets the lists hold some 280,000 rows).
ALERT_ROWS = 50

_ALERT_FLAGS = ",\n        ".join(f"CASE WHEN {condition} THEN '{alert}' END" for alert, condition in _ALERT_CONDITIONS.items())

# A row per (alert, ticket) from position $offset + 1 on, at most $limit of each list (NULL: all),
# each carrying its whole list's length.
_ALERTS_SQL = f"""{with_populations("open_at_end")},
alerted AS (
    SELECT alert, {_TICKET_COLUMNS}, due_at,
           row_number() OVER (PARTITION BY alert ORDER BY due_at NULLS LAST, ticket_id) AS position,
           count(*) OVER (PARTITION BY alert) AS listed
    FROM open_at_end, unnest([
        {_ALERT_FLAGS}
    ]) AS alerts(alert)
    WHERE alert IS NOT NULL AND (CAST($alert AS VARCHAR) IS NULL OR alert = $alert)
)
SELECT * EXCLUDE (position) FROM alerted
WHERE position > $offset AND (CAST($limit AS BIGINT) IS NULL OR position <= $offset + $limit)
ORDER BY alert, position
"""


@dataclass(frozen=True)
class AlertLists:
    """The alert lists of a period: how many tickets each holds, and the first rows of each."""

    counts: dict[str, int]              # every alert, in ALERTS order
    rows: pd.DataFrame                  # a row per (alert, ticket), the first ALERT_ROWS of each list


def _alert_rows(con: Source, period: Period, query: ServiceQuery, alert: str | None, offset: int,
                limit: int | None) -> pd.DataFrame:
    frame = _run(con, _ALERTS_SQL, query, [period], alert=alert, offset=offset, limit=limit)
    frame["alert"] = pd.Categorical(frame["alert"], categories=ALERTS, ordered=True)
    return frame.sort_values("alert", kind="stable").reset_index(drop=True)


def alert_lists(con: Source, period: Period, query: ServiceQuery) -> AlertLists:
    """Tickets open at the period's end that need attention: each list's length and first rows."""
    frame = _alert_rows(con, period, query, None, 0, ALERT_ROWS)
    listed = dict(zip(frame["alert"], frame["listed"], strict=True))
    return AlertLists({alert: int(listed.get(alert, 0)) for alert in ALERTS}, frame.drop(columns="listed"))


def alert_list(con: Source, period: Period, query: ServiceQuery, alert: str, offset: int = 0,
               limit: int | None = None) -> pd.DataFrame:
    """One alert list from position ``offset`` on: ``limit`` rows (a page), or all (a download)."""
    if alert not in ALERTS:
        raise ValueError(f"alert is one of {', '.join(ALERTS)}, not {alert!r}")
    return _alert_rows(con, period, query, alert, offset, limit).drop(columns="listed")


_DRILL_SQL = f"""{with_populations("in_play")}
SELECT {_TICKET_COLUMNS}, due_at, outcome, is_carried_over
FROM in_play
WHERE ($all_groups OR grp IS NOT DISTINCT FROM CAST($group AS VARCHAR))
  AND CASE $column WHEN 'carried_over' THEN is_carried_over
                   WHEN 'new' THEN NOT is_carried_over
                   WHEN 'in_play' THEN true
                   ELSE outcome = $column END
  AND (CAST($escalations AS INTEGER) IS NULL OR least(escalation_count, 3) = $escalations)
ORDER BY due_at NULLS LAST, ticket_id
"""


def tickets_behind(con: duckdb.DuckDBPyConnection, period: Period, query: ServiceQuery, *,
                   group: str | None = None, all_groups: bool = True, column: str = "in_play",
                   escalations: int | None = None) -> pd.DataFrame:
    """The tickets in play behind a cell, bar or point: a group (or all), a weekly column (rate
    columns list their denominator, in play) and optionally an escalation bucket (3 = 3+)."""
    if column not in ("carried_over", "new", "in_play", *WEEKLY_COLUMNS[3:10]):
        column = "in_play"
    return _run(con, _DRILL_SQL, query, [period], group=group, all_groups=all_groups,
                column=column, escalations=escalations)


# Per source system: its tickets in play, and where the export carries its own SLA verdict
# (ServiceNow made_sla, Freshdesk's resolution status …), that verdict beside the app's on-time
# call for the tickets completed in the period.
_SOURCES_SQL = f"""{with_populations("in_play")}
SELECT source_system, count(*) AS in_play,
    count(*) FILTER (WHERE outcome IN ('on_time', 'late_done') AND source_sla_met IS NOT NULL) AS with_verdict,
    count(*) FILTER (WHERE outcome IN ('on_time', 'late_done') AND source_sla_met) AS source_met,
    count(*) FILTER (WHERE outcome = 'on_time' AND source_sla_met IS NOT NULL) AS app_met,
    count(*) FILTER (WHERE outcome IN ('on_time', 'late_done') AND source_sla_met <> (outcome = 'on_time')) AS disagree
FROM in_play GROUP BY source_system ORDER BY in_play DESC, source_system
"""


def sources(con: duckdb.DuckDBPyConnection, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """Which source systems the period's figures come from, and their own SLA verdicts against ours."""
    return _run(con, _SOURCES_SQL, query, [period])


def batch_choices(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Import batches still in force, newest first: id -> "#id file name"."""
    rows = con.execute("SELECT batch_id, file_name FROM import_batches WHERE undone_at IS NULL"
                       " ORDER BY batch_id DESC").fetchall()
    return {batch_id: f"#{batch_id} {file_name}" for batch_id, file_name in rows}


_LAST_ACTIVITY = "greatest(max(created_at), max(completed_at))"

_OPTIONS_SQL = f"""
SELECT list(DISTINCT department ORDER BY department) FILTER (WHERE department IS NOT NULL),
       list(DISTINCT owner ORDER BY owner) FILTER (WHERE owner IS NOT NULL),
       list(DISTINCT level ORDER BY level) FILTER (WHERE level IS NOT NULL),
       list(DISTINCT channel ORDER BY channel) FILTER (WHERE channel IS NOT NULL),
       list(DISTINCT source_system ORDER BY source_system) FILTER (WHERE source_system IS NOT NULL),
       min(created_at),
       {_LAST_ACTIVITY}
FROM tickets
"""


@dataclass(frozen=True)
class FilterOptions:
    departments: tuple[str, ...]
    owners: tuple[str, ...]
    levels: tuple[int, ...]
    channels: tuple[str, ...]
    sources: tuple[str, ...]
    first_activity: datetime | None
    last_activity: datetime | None
    batches: dict[int, str]             # import batches in force: id -> "#id file name"


def filter_options(con: duckdb.DuckDBPyConnection) -> FilterOptions:
    """The values each filter can take, and when the first and the latest things happened."""
    *lists, first_activity, last_activity = store.first_row(con, _OPTIONS_SQL)
    return FilterOptions(*(tuple(values or ()) for values in lists), first_activity, last_activity,
                         batch_choices(con))


def last_activity(con: Source) -> datetime | None:
    """When the latest ticket was created or completed (what the default period is chosen from)."""
    latest = engine_of(con).run(f"SELECT {_LAST_ACTIVITY} AS last_activity FROM tickets", {}).iloc[0, 0]
    return None if pd.isna(latest) else pd.Timestamp(latest).to_pydatetime()


@dataclass(frozen=True)
class WeeklyReview:
    """Everything the weekly review page shows for one period (its KPI set)."""

    period: Period
    table: pd.DataFrame                 # the weekly report: a row per group, the total last
    trend: pd.DataFrame                 # weekly report totals of the trailing periods, this one last
    commitments: pd.DataFrame           # this period and the previous one, totals only
    escalations: pd.DataFrame
    extensions: pd.DataFrame
    first_response: pd.DataFrame
    forwarding: pd.DataFrame
    flow: pd.DataFrame
    backlog: pd.DataFrame
    alerts: AlertLists
    sources: pd.DataFrame


def weekly_review(con: duckdb.DuckDBPyConnection, period: Period, query: ServiceQuery,
                  trend_length: int = 12) -> WeeklyReview:
    trailing = period.trailing(trend_length)
    weekly = weekly_table(con, trailing, query)
    this_period = weekly["period_start"] == period.start
    commitments = _run(con, _COMMITMENT_SQL, query, trailing[-2:])
    return WeeklyReview(
        period=period,
        table=_single(weekly[this_period]),
        trend=weekly[weekly["is_total"]].reset_index(drop=True),
        commitments=commitments[commitments["is_total"]].reset_index(drop=True),
        escalations=count_distribution(con, period, query, "escalation"),
        extensions=count_distribution(con, period, query, "extension"),
        first_response=first_response_compliance(con, period, query),
        forwarding=forward_rates(con, period, query),
        flow=created_vs_resolved(con, trailing, query),
        backlog=backlog(con, period, query),
        alerts=alert_lists(con, period, query),
        sources=sources(con, period, query),
    )
