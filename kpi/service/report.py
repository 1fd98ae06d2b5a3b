"""Service KPI queries: the weekly report and everything around it, as SQL over ``tickets``.

Every query starts from the same CTEs (``kpi.service.populations``): ``periods`` (the [start,
end) spans asked for), ``scoped`` (current tickets after the filters, with their due time on the
chosen basis and their group), and the per-period populations it needs. Composing these constant
fragments is the only string building; every value is a named parameter.

The SQL is DuckDB's dialect in its standard forms; each query function takes a store connection
or any ``kpi.engine.Engine``, which renders it for its own dialect (Spark: ``kpi.engine.spark``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

import duckdb
import pandas as pd

from kpi.engine import Source, engine_of
from kpi.service.definitions import ALERTS, ANSWERED, COMMITMENT_METRICS, CREATED, DECIDED, DISTRIBUTIONS, DONE, \
    FORWARDED, ON_TIME, distribution_measures
from kpi.service import periods
from kpi.service.periods import Period
from kpi.service.populations import DUE_BASES, GROUPINGS, OUTCOME_NAME, ServiceQuery, with_populations
from kpi.service.semantic import ALERTED, DRILL_CONDITION, DRILLABLE, WEEKLY_SQL, grouped_sql, metric

__all__ = ["DUE_BASES", "GROUPINGS", "ServiceQuery"]  # the query's vocabulary, re-exported for callers

# Age bands of the open backlog, in days since creation: [lower, upper).
AGE_BANDS = ((0, 1), (1, 3), (3, 7), (7, 14), (14, 30), (30, None))


def _run(con: Source, sql: str, query: ServiceQuery, periods: list[Period], **extra) -> pd.DataFrame:
    return engine_of(con).run(sql, query.params(periods) | extra)


def _single(frame: pd.DataFrame) -> pd.DataFrame:
    """One period's rows without the period column (positional: ``drop`` costs more than the query)."""
    return frame.iloc[:, 1:].reset_index(drop=True)


_COMMITMENT_SQL = grouped_sql(metric("completed"), *COMMITMENT_METRICS)
_FIRST_RESPONSE_SQL = grouped_sql(ANSWERED, DECIDED, metric("first_response_compliance"))
_FORWARD_SQL = grouped_sql(CREATED, FORWARDED, metric("forward_rate"))
_DISTRIBUTION_SQL = {counted: grouped_sql(*distribution_measures(counted)) for counted in DISTRIBUTIONS}

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


def created_vs_resolved(con: Source, periods: list[Period], query: ServiceQuery) -> pd.DataFrame:
    """Tickets created and tickets completed in each period."""
    return _run(con, _FLOW_SQL, query, periods)


def _age_band(bound: int) -> str:
    """SQL: the lower (0) or upper (1) bound of the age band an open ticket falls in at the period's
    end, compared as timestamps: exact on every engine (no counting of day or second boundaries)."""
    last = AGE_BANDS[-1][bound]
    return "CASE" + "".join(f"\n            WHEN created_at > period_end - INTERVAL {band[1]} DAY THEN {band[bound]}"
                            for band in AGE_BANDS[:-1]) + ("" if last is None else f" ELSE {last}") + " END"


_BACKLOG_SQL = f"""{with_populations("open_at_end")}
SELECT age_from_days, age_to_days, level, count(*) AS tickets
FROM (SELECT level, {_age_band(0)} AS age_from_days,
             {_age_band(1)} AS age_to_days
      FROM open_at_end) AS aged
GROUP BY age_from_days, age_to_days, level ORDER BY age_from_days, level
"""


def backlog(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """Tickets open at the period's end by age band (whole days since creation) and level."""
    return _run(con, _BACKLOG_SQL, query, [period])


_TICKET_COLUMNS = """ticket_id, subject, department, owner, level, channel, category, sla_policy, status, created_at,
    first_response_due_at, first_response_at, standard_due_at, first_commitment_at,
    current_commitment_at, completed_at, extension_count, escalation_count"""


def _with_policy(relation: str) -> str:
    """A CTE: ``relation``'s tickets with their SLA policy's name, for the ticket lists (a join:
    Spark refuses a correlated subquery that is not an aggregate)."""
    return f"""with_policy AS (
    SELECT src.*, pol.name AS sla_policy
    FROM {relation} src LEFT JOIN sla_policies pol ON pol.policy_id = src.sla_policy_id
)"""


def _listed(population: str) -> str:
    """The population's tickets with their SLA policy's name."""
    return f"{with_populations(population)},\n{_with_policy(population)}\n"


# How many of each list's first rows the page and the report get; the rest are paged or
# downloaded (at 10M tickets the lists hold some 280,000 rows).
ALERT_ROWS = 50

# A row per (alert, ticket) from position $offset + 1 on, at most $limit of each list (NULL: all),
# each carrying its whole list's length. The lists are the alert KPIs' conditions (ALERTED).
# The lists are numbered on the ids and due times alone; only the rows asked for are joined back
# for their text and SLA policy.
_ALERTS_SQL = f"""{with_populations("open_at_end")},
alerted AS (
    SELECT alert, ticket_id,
           row_number() OVER (PARTITION BY alert ORDER BY due_at NULLS LAST, ticket_id) AS position,
           count(*) OVER (PARTITION BY alert) AS listed
    FROM (
    {ALERTED}
    ) AS listed_tickets
    WHERE CAST($alert AS VARCHAR) IS NULL OR alert = $alert
),
asked AS (
    SELECT a.alert, a.position, a.listed, o.*
    FROM alerted a JOIN open_at_end o ON o.ticket_id = a.ticket_id
    WHERE a.position > $offset AND (CAST($limit AS BIGINT) IS NULL OR a.position <= $offset + $limit)
),
{_with_policy("asked")}
SELECT alert, {_TICKET_COLUMNS}, due_at, listed FROM with_policy
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


# The tickets behind a weekly column are the rows its KPI counts (a rate: its denominator's).
_DRILL_SQL = f"""{_listed("in_play")}
SELECT {_TICKET_COLUMNS}, due_at, {OUTCOME_NAME} AS outcome, is_carried_over
FROM with_policy
WHERE ($all_groups OR grp IS NOT DISTINCT FROM CAST($group AS VARCHAR))
  AND {DRILL_CONDITION}
  AND (CAST($escalations AS INTEGER) IS NULL OR least(escalation_count, 3) = $escalations)
ORDER BY due_at NULLS LAST, ticket_id
"""


def tickets_behind(con: Source, period: Period, query: ServiceQuery, *,
                   group: str | None = None, all_groups: bool = True, column: str = "in_play",
                   escalations: int | None = None) -> pd.DataFrame:
    """The tickets in play behind a cell, bar or point: a group (or all), a weekly column (a rate
    lists its denominator's tickets) and optionally an escalation bucket (3 = 3+)."""
    if column not in DRILLABLE:
        column = "in_play"
    return _run(con, _DRILL_SQL, query, [period], group=group, all_groups=all_groups,
                column=column, escalations=escalations)


# Per source system: its tickets in play, and where the export carries its own SLA verdict
# (ServiceNow made_sla, Freshdesk's resolution status …), that verdict beside the app's on-time
# call for the tickets completed in the period.
_DONE, _ON_TIME = DONE.condition, ON_TIME.condition
_SOURCES_SQL = f"""{with_populations("in_play")}
SELECT source_system, count(*) AS in_play,
    count(*) FILTER (WHERE {_DONE} AND source_sla_met IS NOT NULL) AS with_verdict,
    count(*) FILTER (WHERE {_DONE} AND source_sla_met) AS source_met,
    count(*) FILTER (WHERE {_ON_TIME} AND source_sla_met IS NOT NULL) AS app_met,
    count(*) FILTER (WHERE {_DONE} AND source_sla_met <> ({_ON_TIME})) AS disagree
FROM in_play GROUP BY source_system ORDER BY in_play DESC, source_system
"""


def sources(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """Which source systems the period's figures come from, and their own SLA verdicts against ours."""
    return _run(con, _SOURCES_SQL, query, [period])


# The queries that run on every engine (DuckDB and Spark), with the functions above that take
# any engine (``Source``): their rendered SQL is snapshotted and their results compared across
# engines in the tests. The grouped ones give a row per period and group and a total per period.
GROUPED_SQL = {
    "weekly": WEEKLY_SQL,
    "commitments": _COMMITMENT_SQL,
    "escalation_distribution": _DISTRIBUTION_SQL["escalation"],
    "extension_distribution": _DISTRIBUTION_SQL["extension"],
    "first_response": _FIRST_RESPONSE_SQL,
    "forwarding": _FORWARD_SQL,
}
PORTABLE_SQL = {**GROUPED_SQL, "created_vs_resolved": _FLOW_SQL, "backlog": _BACKLOG_SQL, "alerts": _ALERTS_SQL,
                "tickets_behind": _DRILL_SQL, "sources": _SOURCES_SQL}


def batch_choices(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Import batches still in force, newest first: id -> "#id file name"."""
    rows = con.execute("SELECT batch_id, file_name FROM import_batches WHERE undone_at IS NULL"
                       " ORDER BY batch_id DESC").fetchall()
    return {batch_id: f"#{batch_id} {file_name}" for batch_id, file_name in rows}


_LAST_ACTIVITY = "greatest(max(created_at), max(completed_at))"

# Portable: the value lists are sorted in Python (Spark's collect_list keeps no ORDER BY).
_OPTIONS_SQL = f"""
SELECT list(DISTINCT department) FILTER (WHERE department IS NOT NULL) AS departments,
       list(DISTINCT owner) FILTER (WHERE owner IS NOT NULL) AS owners,
       list(DISTINCT level) FILTER (WHERE level IS NOT NULL) AS levels,
       list(DISTINCT channel) FILTER (WHERE channel IS NOT NULL) AS channels,
       list(DISTINCT source_system) FILTER (WHERE source_system IS NOT NULL) AS sources,
       min(created_at) AS first_activity,
       {_LAST_ACTIVITY} AS last_activity
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


def filter_options(con: Source, store_con: duckdb.DuckDBPyConnection | None = None) -> FilterOptions:
    """The values each filter can take, and when the first and the latest things happened, from
    wherever the KPIs run; the import batches from the store (``con`` itself unless given)."""
    *lists, first_activity, last_activity_ = engine_of(con).run(_OPTIONS_SQL, {}).iloc[0]
    return FilterOptions(*(tuple(sorted(values)) if pd.api.types.is_list_like(values) else () for values in lists),
                         _moment(first_activity), _moment(last_activity_), batch_choices(store_con or con))


def _moment(value) -> datetime | None:
    return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def last_activity(con: Source) -> datetime | None:
    """When the latest ticket was created or completed (what the default period is chosen from)."""
    return _moment(engine_of(con).run(f"SELECT {_LAST_ACTIVITY} AS last_activity FROM tickets", {}).iloc[0, 0])


def default_week(con: Source, today: date) -> Period:
    """The period a report opens on when none is asked for: the last complete week with tickets."""
    return periods.last_complete_week(today, last_activity(con))


def _weekly(con: Source, period: Period, query: ServiceQuery, trend_length: int) -> pd.DataFrame:
    return weekly_table(con, period.trailing(trend_length), query)


def _commitments(con: Source, period: Period, query: ServiceQuery, _trend_length: int) -> pd.DataFrame:
    commitments = _run(con, _COMMITMENT_SQL, query, period.trailing(2))
    return commitments[commitments["is_total"]].reset_index(drop=True)


# The parts of the weekly review, each its own query: a page asks only for those it shows.
REVIEW_PARTS: dict[str, Callable[[Source, Period, ServiceQuery, int], object]] = {
    "weekly": _weekly,
    "commitments": _commitments,
    "escalations": lambda con, period, query, _: count_distribution(con, period, query, "escalation"),
    "extensions": lambda con, period, query, _: count_distribution(con, period, query, "extension"),
    "first_response": lambda con, period, query, _: first_response_compliance(con, period, query),
    "forwarding": lambda con, period, query, _: forward_rates(con, period, query),
    "flow": lambda con, period, query, trend_length: created_vs_resolved(con, period.trailing(trend_length), query),
    "backlog": lambda con, period, query, _: backlog(con, period, query),
    "alerts": lambda con, period, query, _: alert_lists(con, period, query),
    "sources": lambda con, period, query, _: sources(con, period, query),
}


def review_part(con: Source, period: Period, query: ServiceQuery, part: str, trend_length: int = 12):
    """One part of the weekly review (``REVIEW_PARTS``)."""
    return REVIEW_PARTS[part](con, period, query, trend_length)


class WeeklyReview:
    """Everything the weekly review page shows for one period (its KPI set). Each part is asked of
    ``fetch`` when first read, and kept: at 10M tickets the whole set costs about 1 s, and the
    page shows one tab at a time."""

    def __init__(self, period: Period, fetch: Callable[[str], object]):
        self.period = period
        self._fetch = fetch
        self._parts: dict[str, object] = {}

    def _part(self, name: str):
        if name not in self._parts:
            self._parts[name] = self._fetch(name)
        return self._parts[name]

    def loaded(self) -> WeeklyReview:
        """The review with every part already read (for a document made later, elsewhere)."""
        for name in REVIEW_PARTS:
            self._part(name)
        return self

    @cached_property
    def table(self) -> pd.DataFrame:
        """The weekly report: a row per group, the total last."""
        weekly = self._part("weekly")
        return _single(weekly[weekly["period_start"] == self.period.start])

    @cached_property
    def trend(self) -> pd.DataFrame:
        """Weekly report totals of the trailing periods, this one last."""
        weekly = self._part("weekly")
        return weekly[weekly["is_total"]].reset_index(drop=True)

    commitments = property(lambda self: self._part("commitments"), doc="This period and the previous one, totals only.")
    escalations = property(lambda self: self._part("escalations"))
    extensions = property(lambda self: self._part("extensions"))
    first_response = property(lambda self: self._part("first_response"))
    forwarding = property(lambda self: self._part("forwarding"))
    flow = property(lambda self: self._part("flow"))
    backlog = property(lambda self: self._part("backlog"))
    alerts = property(lambda self: self._part("alerts"), doc="AlertLists: each list's length and first rows.")
    sources = property(lambda self: self._part("sources"))


def weekly_review(con: Source, period: Period, query: ServiceQuery, trend_length: int = 12) -> WeeklyReview:
    """The weekly review of ``period``; its parts are queried when first read."""
    return WeeklyReview(period, lambda part: review_part(con, period, query, part, trend_length))
