"""How long tickets waited: median and 90th percentile of the first response (over the period's
new tickets that were answered) and of the resolution (over the tickets completed in the
period), in hours from creation, per owner or department and in total.

A percentile of durations is not the mean of the groups' percentiles, so the total row is
computed over all the tickets (GROUPING SETS), not from the group rows.
"""

from __future__ import annotations

import pandas as pd

from kpi.engine import engine_of
from kpi.service.periods import Period
from kpi.service.populations import ServiceQuery, with_populations
from kpi.service.report import Source


def _hours(start: str, end: str) -> str:
    # Microseconds, the stores' resolution: exact on every engine (DuckDB counts second boundaries
    # crossed, Spark whole seconds elapsed, which differ for fractional times).
    return f"date_diff('microsecond', {start}, {end}) / 3600000000.0"


DURATIONS_SQL = f"""{with_populations("created", "completed")},
times AS (
    SELECT grp, {_hours("created_at", "first_response_at")} AS first_response_hours, NULL AS resolution_hours
    FROM created WHERE first_response_at IS NOT NULL
    UNION ALL
    SELECT grp, NULL, {_hours("created_at", "completed_at")} FROM completed WHERE NOT completed_before_created
)
SELECT grouping(grp) = 1 AS is_total, grp AS "group",
    count(first_response_hours) AS answered,
    quantile_cont(first_response_hours, 0.5) AS first_response_median,
    quantile_cont(first_response_hours, 0.9) AS first_response_p90,
    count(resolution_hours) AS resolved,
    quantile_cont(resolution_hours, 0.5) AS resolution_median,
    quantile_cont(resolution_hours, 0.9) AS resolution_p90
FROM times
GROUP BY GROUPING SETS ((grp), ())
ORDER BY is_total, "group" NULLS FIRST
"""


def response_and_resolution_times(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """One row per group, then the total: tickets answered and resolved, and the median and 90th
    percentile hours of each (NaN where there is none)."""
    return engine_of(con).run(DURATIONS_SQL, query.params([period]))   # the total row comes even for an empty period
