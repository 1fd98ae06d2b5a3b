"""How long tickets waited: median and 90th percentile of the first response (over the period's
new tickets that were answered) and of the resolution (over the tickets completed in the
period), in hours from creation, per owner or department and in total.

A percentile of durations is not the mean of the groups' percentiles, so the total row is
computed over all the tickets (GROUPING SETS), not from the group rows.
"""

from __future__ import annotations

import pandas as pd

from kpi.engine import Source, engine_of
from kpi.service.periods import Period
from kpi.service.populations import ServiceQuery, with_populations


def hours(start: str, end: str) -> str:
    """SQL: the hours from ``start`` to ``end``."""
    # Microseconds, the stores' resolution: exact on every engine (DuckDB counts second boundaries
    # crossed, Spark whole seconds elapsed, which differ for fractional times).
    return f"date_diff('microsecond', {start}, {end}) / 3600000000.0"


# The resolution time of a ticket completed in the period, NULL where it was completed before its
# creation (kept out of the figures).
RESOLUTION_HOURS = f"CASE WHEN NOT completed_before_created THEN {hours('created_at', 'completed_at')} END"


def percentiles(hours_column: str, name: str) -> str:
    """SQL: the median and the 90th percentile of ``hours_column`` as ``{name}_median`` and ``{name}_p90``."""
    return (f"quantile_cont({hours_column}, 0.5) AS {name}_median, "
            f"quantile_cont({hours_column}, 0.9) AS {name}_p90")


# The times are joined to one row of their own: over no ticket at all, a grand total (the empty
# grouping set) comes on DuckDB but not on Spark; the anchor alone gives it on both, and its group
# row (no ticket in it) is left out.
DURATIONS_SQL = f"""{with_populations("created", "completed")},
times AS (
    SELECT grp, {hours("created_at", "first_response_at")} AS first_response_hours, NULL AS resolution_hours,
        true AS is_ticket
    FROM created WHERE first_response_at IS NOT NULL
    UNION ALL
    SELECT grp, NULL, {RESOLUTION_HOURS}, true FROM completed
)
SELECT grouping(grp) = 1 AS is_total, grp AS "group",
    count(first_response_hours) AS answered, {percentiles("first_response_hours", "first_response")},
    count(resolution_hours) AS resolved, {percentiles("resolution_hours", "resolution")}
FROM (SELECT 1 AS anchor) AS one LEFT JOIN times ON true
GROUP BY GROUPING SETS ((grp), ())
HAVING is_total OR count(is_ticket) > 0
ORDER BY is_total, "group" NULLS FIRST
"""


def response_and_resolution_times(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """One row per group, then the total: tickets answered and resolved, and the median and 90th
    percentile hours of each (NaN where there is none)."""
    return engine_of(con).run(DURATIONS_SQL, query.params([period]))   # the total row comes even for an empty period
