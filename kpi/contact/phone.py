"""Phone service KPIs from the stored intervals, and staffing per interval against Erlang C / A.

Every figure is summed from the current intervals (the ``intervals`` view) of a period
[start, end): counts are added up, averages per call are weighted by the calls they average
over (ASA and AHT by answered calls), and each share divides two sums, never averages shares.
The service-level denominator is a setting (``SERVICE_LEVEL_BASES``): the platforms differ.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from kpi import sql
from kpi.contact import erlang
from kpi.contact.layouts import SERVICE_LEVEL_BASES
from kpi.metrics import Metric
from kpi.service.periods import Period

GROUPINGS = ("total", "queue", "day", "week", "month")
ALL = "all"
DEFAULT_TARGET = 0.85          # the seeds' standard: 85% of calls answered within 15 seconds
DEFAULT_WITHIN_SECONDS = 15.0

# The keys of every KPI row, in order (docs/contact-centre.md "Phone service" documents them).
KEYS = ("period", "queue", "offered", "answered", "abandoned", "abandoned_short", "answered_within",
        "abandonment_rate", "service_level", "service_level_basis", "threshold_seconds", "asa_seconds",
        "aht_seconds", "occupancy", "staffed_hours")

_COUNTS = ("offered", "answered", "abandoned", "abandoned_short")
_PERIOD_SQL = {
    "total": "CAST($label AS VARCHAR)",
    "queue": "CAST($label AS VARCHAR)",
    "day": "strftime(interval_start, '%Y-%m-%d')",
    "week": "strftime(interval_start, '%G-W%V')",
    "month": "strftime(interval_start, '%Y-%m')",
}
_DENOMINATOR_SQL = {
    "offered": "sum(offered)",
    "answered": "sum(answered)",
    "offered_minus_short_abandons": "sum(offered) - sum(coalesce(abandoned_short, 0))",
}


def _metric(key: str, zh: str, en: str, description_zh: str, description_en: str, numerator: tuple[str, str],
            denominator: tuple[str, str] | None, unit: str, decimals: int = 1) -> Metric:
    """A phone KPI; ``numerator`` and ``denominator`` are (English, zh-TW) wordings."""
    return Metric(f"phone.{key}", zh, en, description_zh, description_en, numerator[0],
                  denominator[0] if denominator else None,
                  "current intervals starting in the period, of the chosen queues", unit, decimals,
                  numerator_zh=numerator[1], denominator_zh=denominator[1] if denominator else None,
                  filters_zh="期間內開始、所選佇列的時段（每時段取最新版本）")


METRICS = (
    _metric("offered", "進線數", "Offered", "期間內進入佇列的來電數。", "Calls that reached the queue in the period.",
            ("sum of offered calls", "進線數合計"), None, "count", 0),
    _metric("answered", "接通數", "Answered", "期間內由專員接聽的來電數。", "Calls answered by an agent.",
            ("sum of answered calls", "接通數合計"), None, "count", 0),
    _metric("abandonment_rate", "放棄率", "Abandonment rate", "放棄數 ÷ 進線數。",
            "Abandoned calls ÷ offered calls.", ("abandoned calls", "放棄數"), ("offered calls", "進線數"), "ratio"),
    _metric("service_level", "服務水準", "Service level",
            "門檻秒數內接通數 ÷ 所選分母（進線數、接通數，或進線數減短放棄數）。",
            "Answered within the threshold ÷ the chosen denominator (offered, answered, or offered minus "
            "short abandons).", ("calls answered within the threshold", "門檻秒數內接通數"),
            ("the chosen denominator", "所選分母"), "ratio"),
    _metric("asa_seconds", "平均應答秒數", "Average speed of answer (s)",
            "各時段平均應答秒數，以接通數加權。", "Each interval's average speed of answer, weighted by its answered calls.",
            ("sum of ASA × answered", "平均應答秒數 × 接通數 之和"), ("answered calls with an ASA", "有應答秒數的接通數"),
            "number"),
    _metric("aht_seconds", "平均處理秒數", "Average handle time (s)",
            "通話＋保留＋話後處理的平均秒數，以接通數加權。",
            "Talk + hold + after-call work per answered call, weighted by answered calls.",
            ("sum of AHT × answered", "平均處理秒數 × 接通數 之和"), ("answered calls with a handle time", "有處理時間的接通數"),
            "number"),
    _metric("occupancy", "佔線率", "Occupancy",
            "處理時間 ÷ 上線時間，只計有上線人數的時段。",
            "Handle time ÷ staffed time, over the intervals whose staffed agents are known.",
            ("handle time (AHT × answered)", "處理時間（平均處理秒數 × 接通數）"),
            ("staffed time (agents × interval length)", "上線時間（上線人數 × 時段長度）"), "ratio"),
    _metric("unused_agent_hours", "閒置人力（人時）", "Unused capacity (agent-hours)",
            "上線人數超過 Erlang 所需人數的部分 × 時段長度。",
            "Agents staffed beyond those Erlang requires for the target, × the interval length.",
            ("sum of max(staffed − required, 0) × interval hours", "max(上線人數 − 所需人數, 0) × 時段小時數 之和"),
            None, "number"),   # an amount of agent time, not an elapsed time: 269.4, never "11 d 5 h"
    _metric("unused_cost", "閒置人力成本", "Cost of unused capacity",
            "閒置人時 × 每人時成本。", "Unused agent-hours × the hourly cost of an agent.",
            ("unused agent-hours × hourly cost", "閒置人時 × 每人時成本"), None, "currency", 0),
)


@dataclass(frozen=True)
class PhoneQuery:
    """Which intervals: those starting in the period, of these queues (all when empty)."""

    period: Period
    queues: tuple[str, ...] = ()

    def where(self) -> str:
        queues = " AND (len($queues) = 0 OR list_contains($queues, queue))"
        return f"interval_start >= $start AND interval_start < $end{queues}"

    def parameters(self) -> dict:
        return {"start": self.period.start, "end": self.period.end, "queues": list(self.queues)}


def queues(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT DISTINCT queue FROM intervals ORDER BY queue").fetchall()]


def data_span(con: duckdb.DuckDBPyConnection) -> tuple:
    """First and last interval start stored (None, None on an empty store)."""
    return con.execute("SELECT min(interval_start), max(interval_start) FROM intervals").fetchone()


def default_days(first: dt.date, last: dt.date, weeks: int = 4) -> tuple[dt.date, dt.date]:
    """The days the page opens on: the last ``weeks`` ISO weeks of the data, from a Monday to its
    last day (not 28 days back from it, which starts a week on a Sunday), or all of it if shorter."""
    monday = last - dt.timedelta(days=last.weekday())
    return max(first, monday - dt.timedelta(weeks=weeks - 1)), last


def kpis(con: duckdb.DuckDBPyConnection, query: PhoneQuery, by: str = "total",
         basis: str = "offered") -> pd.DataFrame:
    """One row per period (day, week, month or the whole period) or per queue, with ``KEYS``."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; one of {', '.join(GROUPINGS)}")
    if basis not in SERVICE_LEVEL_BASES:
        raise ValueError(f"unknown service-level basis {basis!r}; one of {', '.join(SERVICE_LEVEL_BASES)}")
    queue = "queue" if by == "queue" else "CAST($all AS VARCHAR)"
    staffed = "agents_staffed * interval_minutes * 60"
    query_sql = f"""
        SELECT {_PERIOD_SQL[by]} AS period, {queue} AS queue,
            sum(offered) AS offered, sum(answered) AS answered, sum(abandoned) AS abandoned,
            sum(abandoned_short) AS abandoned_short, sum(answered_within_threshold) AS answered_within,
            sum(abandoned) / nullif(sum(offered), 0) AS abandonment_rate,
            sum(answered_within_threshold) / nullif({_DENOMINATOR_SQL[basis]}, 0) AS service_level,
            CAST($basis AS VARCHAR) AS service_level_basis,
            CASE WHEN min(threshold_seconds) = max(threshold_seconds) THEN min(threshold_seconds) END AS threshold_seconds,
            sum(asa_seconds * answered) / nullif(sum(answered) FILTER (asa_seconds IS NOT NULL), 0) AS asa_seconds,
            sum(handle_seconds * answered) / nullif(sum(answered) FILTER (handle_seconds IS NOT NULL), 0) AS aht_seconds,
            sum(handle_seconds * answered) FILTER (agents_staffed IS NOT NULL)
                / nullif(sum({staffed}) FILTER (handle_seconds IS NOT NULL), 0) AS occupancy,
            sum({staffed}) / 3600 AS staffed_hours
        FROM intervals WHERE {query.where()}
        GROUP BY ALL ORDER BY period, queue
    """
    parameters = {**query.parameters(), "label": query.period.label, "all": ALL, "basis": basis}
    frame = con.execute(query_sql, sql.used_parameters(query_sql, parameters)).df()
    return frame.astype(dict.fromkeys(_COUNTS, "Int64"))[list(KEYS)]


def heatmap(con: duckdb.DuckDBPyConnection, query: PhoneQuery, basis: str = "offered") -> pd.DataFrame:
    """Service level by ISO weekday (1 = Monday) and time of day ("08:30"), over the period."""
    return con.execute(f"""
        SELECT isodow(interval_start) AS weekday, strftime(interval_start, '%H:%M') AS time_of_day,
               sum(answered_within_threshold) / nullif({_DENOMINATOR_SQL[basis]}, 0) AS service_level,
               sum(offered) AS offered
        FROM intervals WHERE {query.where()}
        GROUP BY ALL ORDER BY weekday, time_of_day
    """, query.parameters()).df()


@dataclass(frozen=True)
class StaffingSettings:
    """The what-if: the target, the shrinkage, the cost of an agent-hour, and changes to the
    recorded volume and handle time (``aht_seconds`` replaces every interval's own AHT)."""

    target: float = DEFAULT_TARGET
    within_seconds: float = DEFAULT_WITHIN_SECONDS
    shrinkage: float = 0.3
    hourly_cost: float = 0.0
    volume_factor: float = 1.0
    aht_seconds: float | None = None
    patience_seconds: float | None = None   # Erlang A when given
    max_occupancy: float | None = None


STAFFING_KEYS = ("interval_start", "queue", "interval_minutes", "offered", "aht_seconds", "traffic_erlangs",
                 "required", "scheduled", "staffed", "gap", "unused_agent_hours", "short_agent_hours", "status")


def staffing(con: duckdb.DuckDBPyConnection, query: PhoneQuery, settings: StaffingSettings) -> pd.DataFrame:
    """Per interval and queue: traffic from the offered calls and AHT, the agents the target
    requires (Erlang C, or Erlang A with a patience), scheduled = required ÷ (1 − shrinkage),
    against the agents staffed: gap = staffed − required, unused agent-hours where positive,
    short agent-hours where negative. An interval without a handle time takes its queue's
    period AHT; one without staffed agents has no gap."""
    frame = con.execute(f"""
        SELECT interval_start, queue, interval_minutes, offered * $volume AS offered,
               coalesce(CAST($aht AS DOUBLE), handle_seconds,
                        sum(handle_seconds * answered) OVER q / nullif(sum(answered) FILTER (handle_seconds IS NOT NULL) OVER q, 0))
                   AS aht_seconds,
               agents_staffed AS staffed
        FROM intervals WHERE {query.where()} AND offered IS NOT NULL
        WINDOW q AS (PARTITION BY queue)
        ORDER BY interval_start, queue
    """, {**query.parameters(), "volume": settings.volume_factor, "aht": settings.aht_seconds}).df()
    frame["aht_seconds"] = frame["aht_seconds"].fillna(0.0)
    calls = frame["offered"].to_numpy(dtype=float)
    aht = frame["aht_seconds"].to_numpy(dtype=float)
    seconds = frame["interval_minutes"].to_numpy(dtype=float) * 60
    frame["traffic_erlangs"] = np.where(aht > 0, calls * aht / seconds, 0.0)
    required = np.zeros(len(frame), dtype=int)
    busy = (calls > 0) & (aht > 0)
    for length in np.unique(seconds[busy]):
        rows = busy & (seconds == length)
        required[rows] = erlang.agents_required(calls[rows], float(length), aht[rows], settings.target,
                                                settings.within_seconds, settings.max_occupancy,
                                                settings.patience_seconds)
    frame["required"] = required
    frame["scheduled"] = erlang.scheduled_agents(required, settings.shrinkage)
    frame["gap"] = frame["staffed"] - frame["required"]
    hours = frame["interval_minutes"] / 60
    frame["unused_agent_hours"] = frame["gap"].clip(lower=0) * hours
    frame["short_agent_hours"] = (-frame["gap"]).clip(lower=0) * hours
    frame["status"] = np.select([frame["gap"].isna(), frame["gap"] < 0, frame["gap"] >= 1],
                                ["unknown", "under", "over"], "matched")
    return frame[list(STAFFING_KEYS)]


def unused_capacity(table: pd.DataFrame, hourly_cost: float) -> pd.DataFrame:
    """Per day and queue: unused and short agent-hours, under-staffed intervals, and the cost
    of the unused hours at ``hourly_cost``."""
    if table.empty:
        return pd.DataFrame(columns=["day", "queue", "unused_agent_hours", "short_agent_hours",
                                     "under_intervals", "unused_cost"])
    days = table.assign(day=table["interval_start"].dt.strftime("%Y-%m-%d"), under=table["status"] == "under")
    summary = days.groupby(["day", "queue"], as_index=False).agg(
        unused_agent_hours=("unused_agent_hours", "sum"), short_agent_hours=("short_agent_hours", "sum"),
        under_intervals=("under", "sum"))
    summary["unused_cost"] = summary["unused_agent_hours"] * hourly_cost
    return summary


def json_ready(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain values: NaN and missing become None, numpy numbers Python ones."""
    rows = []
    for record in frame.to_dict(orient="records"):
        rows.append({key: _plain(value) for key, value in record.items()})
    return rows


def _plain(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value
