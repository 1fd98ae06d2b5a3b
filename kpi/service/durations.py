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


def microseconds(start: str, end: str) -> str:
    """SQL: the whole microseconds from ``start`` to ``end``."""
    # The stores' resolution: exact on every engine (DuckDB counts second boundaries crossed,
    # Spark whole seconds elapsed, which differ for fractional times).
    return f"date_diff('microsecond', {start}, {end})"


# The resolution time of a ticket completed in the period, NULL where it was completed before its
# creation (kept out of the figures).
RESOLUTION_MICROSECONDS = f"CASE WHEN NOT completed_before_created THEN {microseconds('created_at', 'completed_at')} END"

_MICROSECONDS_PER_HOUR = "CAST(3600000000 AS DOUBLE)"


def percentiles(microseconds_column: str, name: str) -> str:
    """SQL: the median and the 90th percentile of ``microseconds_column``, in hours, as
    ``{name}_median`` and ``{name}_p90``."""
    # Taken over whole microseconds, which both engines hold exactly (hours divided first reached
    # Spark as decimals rounded to 12 places). Between two durations the engines still interpolate
    # their own way (DuckDB lo + f·(hi − lo), Spark (1 − f)·lo + f·hi): a few units in the last place.
    return ", ".join(f"quantile_cont({microseconds_column}, {share}) / {_MICROSECONDS_PER_HOUR} AS {name}_{suffix}"
                     for share, suffix in ((0.5, "median"), (0.9, "p90")))


# The times are joined to one row of their own: over no ticket at all, a grand total (the empty
# grouping set) comes on DuckDB but not on Spark; the anchor alone gives it on both, and its group
# row (no ticket in it) is left out.
DURATIONS_SQL = f"""{with_populations("created", "completed")},
times AS (
    SELECT grp, {microseconds("created_at", "first_response_at")} AS first_response_microseconds,
        NULL AS resolution_microseconds, true AS is_ticket
    FROM created WHERE first_response_at >= created_at   -- a response logged before the ticket has no time to it
    UNION ALL
    SELECT grp, NULL, {RESOLUTION_MICROSECONDS}, true FROM completed
)
SELECT grouping(grp) = 1 AS is_total, grp AS "group",
    count(first_response_microseconds) AS answered, {percentiles("first_response_microseconds", "first_response")},
    count(resolution_microseconds) AS resolved, {percentiles("resolution_microseconds", "resolution")}
FROM (SELECT 1 AS anchor) AS one LEFT JOIN times ON true
GROUP BY GROUPING SETS ((grp), ())
HAVING is_total OR count(is_ticket) > 0
ORDER BY is_total, "group" NULLS FIRST
"""


def response_and_resolution_times(con: Source, period: Period, query: ServiceQuery) -> pd.DataFrame:
    """One row per group, then the total: tickets answered and resolved, and the median and 90th
    percentile hours of each (NaN where there is none)."""
    return engine_of(con).run(DURATIONS_SQL, query.params([period]))   # the total row comes even for an empty period
