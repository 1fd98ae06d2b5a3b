"""The service KPI queries, built from the declarations in ``kpi.service.definitions``.

A KPI names its measure (and a ratio its denominator's), and a measure its population and the
rows it counts or the column it sums (``kpi.metrics.Measure``), as MetricFlow and Cube declare
them. Here each measure a query needs is aggregated once over its population per period and
group; the KPIs read those sums: a count as its measure's sum, a ratio as the sum of its
measure over the sum of its denominator's, so group rows and total rows use the same formula.
Adding a KPI is one declaration; the SQL here never names a KPI.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from kpi import metrics, sql
from kpi.metrics import Measure, Metric
from kpi.service.definitions import ALERT_METRICS, PREFIX, WEEKLY_METRICS
from kpi.service.populations import DISCRETE, GROUPED, with_populations


def metric(column: str) -> Metric:
    """The service KPI behind a result column."""
    return metrics.get(PREFIX + column)


def ratio(numerator: str, denominator: str) -> str:
    """SQL for numerator ÷ denominator as a fraction, NULL where the denominator is 0."""
    return f"CAST({numerator} AS DOUBLE) / nullif({denominator}, 0)"


def column_name(column: Metric | Measure) -> str:
    """The result column of a KPI (its key without the prefix) or of a bare measure (its name)."""
    return column.name if isinstance(column, Measure) else column.key.removeprefix(PREFIX)


def _alias(name: str) -> str:
    return name if name.isidentifier() else sql.ident(name)


def _measures(column: Metric | Measure) -> tuple[Measure, ...]:
    if isinstance(column, Measure):
        return (column,)
    if column.measure is None:
        raise ValueError(f"{column.key} declares no measure to build its SQL from")
    return (column.measure,) if column.over is None else (column.measure, column.over)


def _reported(column: Metric | Measure) -> str:
    """The SELECT item of one result column over the per-group sums ``c``."""
    measure, *over = _measures(column)
    if over:
        return f"{ratio(f'sum(c.{_alias(measure.name)})', f'sum(c.{_alias(over[0].name)})')} AS {_alias(column_name(column))}"
    return f"CAST(coalesce(sum(c.{_alias(measure.name)}), 0) AS BIGINT) AS {_alias(column_name(column))}"


def grouped_sql(*columns: Metric | Measure) -> str:
    """KPIs (or bare measures) per period and group, then a total row per period, which is kept
    when the period is empty. All their measures count over one population."""
    measures = list(dict.fromkeys(m for column in columns for m in _measures(column)))
    populations = {m.population for m in measures}
    if len(populations) != 1 or len({m.name for m in measures}) != len(measures):
        raise ValueError(f"one population and distinct measure names per query, not {measures}")
    [population] = populations
    reported = ",\n    ".join(_reported(column) for column in columns)
    return f"""{_counts(population, measures)}
SELECT p.period_start, grouping(c.grp) = 1 AS is_total, c.grp AS "group",
    {reported}
FROM periods p LEFT JOIN counts c ON c.period_start = p.period_start
GROUP BY GROUPING SETS ((p.period_start, c.grp), (p.period_start))
HAVING is_total OR count(c.period_start) > 0
ORDER BY p.period_start, is_total, "group" NULLS FIRST
"""


def _filtered_on(measure: Measure) -> set[str]:
    """The population columns a measure's condition reads."""
    if not measure.condition:
        return set()
    return {column.name for column in sqlglot.parse_one(f"SELECT {measure.condition}", read="duckdb").find_all(exp.Column)}


def _counts(population: str, measures: list[Measure]) -> str:
    """The WITH clause up to ``counts``: the measures per period and group. When every condition
    reads only DISCRETE columns and the population has a grouped form (GROUPED), the measures add
    up the counts and sums of its grouped rows; otherwise they count its rows one by one."""
    keys = sorted(set().union(*map(_filtered_on, measures)))
    pregrouped = set(keys) <= DISCRETE and population in GROUPED
    sums = {summed: f"grouped_sum_{n}" for n, summed in enumerate(dict.fromkeys(m.summed for m in measures if m.summed))}

    def aggregate(m: Measure) -> str:
        total = (sums[m.summed] if m.summed else "grouped_tickets") if pregrouped else None
        return f"{m.aggregate(total)} AS {_alias(m.name)}"

    aggregates = ",\n           ".join(map(aggregate, measures))
    populations = f"{with_populations()},\n{GROUPED[population](keys, sums)}" if pregrouped else with_populations(population)
    return f"""{populations},
counts AS (
    SELECT period_start, grp,
           {aggregates}
    FROM {f"{population}_grouped" if pregrouped else population} GROUP BY period_start, grp
)"""


def rows_behind(metric: Metric) -> str:
    """SQL over its population: the rows a click on the KPI lists, those it counts, or for a ratio
    those of its denominator."""
    return (metric.over or metric.measure).condition or "true"


def _case(column: str, metrics_: tuple[Metric, ...], result) -> str:
    return "CASE {}".format(column) + "".join(
        f"\n        WHEN '{column_name(m)}' THEN {result(m)}" for m in metrics_) + " END"


# The weekly report's KPIs a drill-down can list tickets behind (all count over ``in_play``).
DRILLABLE = tuple(column_name(m) for m in WEEKLY_METRICS)
DRILL_CONDITION = _case("$column", WEEKLY_METRICS, rows_behind)

# One row per (alert, ticket open at the period's end): each alert KPI's condition as its own
# filter, the lists put together. (An unnest of a list of the conditions built that list for every
# open ticket: 1.3 s at 10M tickets, against some 0.1 s for these filters.)
ALERTED = "\n    UNION ALL\n    ".join(
    f"SELECT '{column_name(m)}' AS alert, ticket_id, due_at FROM open_at_end WHERE {rows_behind(m)}"
    for m in ALERT_METRICS)

WEEKLY_SQL = grouped_sql(*WEEKLY_METRICS)
