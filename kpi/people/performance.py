"""Performance beside competence: each person's service figures from the ticket store, next to
their gaps, so a manager can see whether a gap shows up in the work.

People are matched to tickets by name (``tickets.owner`` = ``people.name``, spaces trimmed). A name
shared by two people cannot be attributed, so neither gets ticket figures. The tickets counted
are those the person owns that were created in [start, end) (all when no period is given).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from kpi.metrics import Metric
from kpi.people.model import name_column
from kpi.people.skills import SCOPE_AND_LEVELS, Scope, frame

_OWNED = "tickets whose owner (負責人) is the person, created in the chosen period"
_OWNED_ZH = "負責人為此人、且在所選期間內提出的服務請求"
_DONE = _OWNED + ", completed"
_DONE_ZH = _OWNED_ZH + "，已完成"
METRICS = (
    Metric("people.tickets_handled", "處理件數", "Tickets handled",
           "此人負責、在期間內提出的服務請求件數。", "Tickets the person owns that were created in the period.",
           "tickets owned", None, _OWNED, "count", 0,
           numerator_zh="負責的服務請求件數", filters_zh=_OWNED_ZH),
    # Not the weekly report's 服務水準 (new tickets done on time ÷ new tickets): this one looks
    # only at completed tickets, so it has its own name.
    Metric("people.on_time_completion", "準時完成率", "On-time completion",
           "已完成的服務請求中，在預計完成時間（最後承諾）前完成的比例；沒有承諾時間的不算逾期，完成早於提出的不算準時。",
           "Share of the completed tickets done by the current commitment (預計完成時間); a ticket without "
           "a commitment is never late, one completed before it was created is not on time.",
           "completed ≤ current commitment", "completed", _DONE, "ratio", 1,
           numerator_zh="完成時間 ≤ 預計完成時間的件數", denominator_zh="已完成件數", filters_zh=_DONE_ZH),
    Metric("people.avg_escalations", "平均升級次數", "Average escalations",
           "此人負責的服務請求平均升級幾次。", "Escalations per ticket the person owns.",
           "sum of escalation counts", "tickets owned", _OWNED, "number", 2,
           numerator_zh="升級次數合計", denominator_zh="負責的服務請求件數", filters_zh=_OWNED_ZH),
    Metric("people.mean_resolution_hours", "平均解決時間", "Mean resolution time",
           "已完成的服務請求從提出到完成的平均時數（日曆時間）。",
           "Average hours from creation to completion of the completed tickets (calendar time).",
           "sum of (completed − created) in hours", "completed", _DONE, "hours", 1,
           numerator_zh="（完成時間 − 提出時間）的時數合計", denominator_zh="已完成件數", filters_zh=_DONE_ZH),
)
METRIC_COLUMNS = tuple(metric.key.removeprefix("people.") for metric in METRICS)


def performance(con: duckdb.DuckDBPyConnection, as_of: date, lang: str, scope: Scope = Scope(),
                start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """One row per person in scope: total gap, the competencies short (``溝通協調能力 1▼2, …``,
    largest gap first), and the ticket figures of ``METRICS`` (empty where the person owns no
    ticket in the period or shares a name)."""
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS},
        unique_name AS (
            SELECT name, min(employee_id) AS employee_id FROM people GROUP BY name HAVING count(*) = 1
        ),
        handled AS (
            SELECT n.employee_id,
                   count(*) AS tickets_handled,
                   count(t.completed_at) AS completed,
                   count(*) FILTER (WHERE t.completed_at >= t.created_at
                                      AND (t.current_commitment_at IS NULL
                                           OR t.completed_at <= t.current_commitment_at)) AS completed_on_time,
                   avg(t.escalation_count) AS avg_escalations,
                   avg(date_diff('minute', t.created_at, t.completed_at))
                       FILTER (WHERE t.completed_at >= t.created_at) / 60.0 AS mean_resolution_hours
            FROM tickets t
            JOIN unique_name n ON n.name = trim(t.owner)
            WHERE NOT t.is_cancelled
              AND ($start IS NULL OR t.created_at >= $start) AND ($end IS NULL OR t.created_at < $end)
            GROUP BY n.employee_id
        ),
        gaps AS (
            SELECT rc.employee_id, CAST(sum(rc.gap) AS INTEGER) AS total_gap,
                   string_agg(CASE WHEN rc.gap > 0 THEN c.{name_column(lang)} || ' ' || rc.level || '▼' || rc.required_level END,
                              ', ' ORDER BY rc.gap DESC, rc.axis_order) AS short_in
            FROM required_cell rc JOIN competencies c USING (competency_id)
            GROUP BY rc.employee_id
        )
        SELECT s.employee_id, s.name, s.department, s.role_id,
               coalesce(g.total_gap, 0) AS total_gap, g.short_in,
               h.tickets_handled,
               CAST(h.completed_on_time AS DOUBLE) / nullif(h.completed, 0) AS on_time_completion,
               h.avg_escalations, h.mean_resolution_hours
        FROM scope s
        LEFT JOIN gaps g USING (employee_id)
        LEFT JOIN handled h USING (employee_id)
        ORDER BY h.tickets_handled DESC NULLS LAST, s.name
        """,
        {**scope.params(as_of), "start": start, "end": end},
    )


def shared_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names held by more than one person: their tickets cannot be attributed."""
    rows = con.execute("SELECT name FROM people GROUP BY name HAVING count(*) > 1 ORDER BY name").fetchall()
    return [r[0] for r in rows]
