"""The SQL every service query is built from: the periods asked for, the scoped tickets, and the
per-period populations (``in_play``, ``completed``, ``created``, ``open_at_end``).

``kpi.service.report`` composes them into queries; ``ServiceQuery.params`` gives their values.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.service.periods import Period

GROUPINGS = ("owner", "department", "level")
DUE_BASES = ("current", "first", "standard")


@dataclass(frozen=True)
class ServiceQuery:
    """How to slice the tickets: grouping, due basis and filters (empty = everything)."""

    by: str = "owner"
    due: str = "current"
    departments: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()   # source systems (Zendesk, e-contact+ …)
    batches: tuple[int, ...] = ()   # import batches

    def __post_init__(self):
        if self.by not in GROUPINGS:
            raise ValueError(f"group by one of {', '.join(GROUPINGS)}, not {self.by!r}")
        if self.due not in DUE_BASES:
            raise ValueError(f"due basis is one of {', '.join(DUE_BASES)}, not {self.due!r}")

    def params(self, periods: list[Period]) -> dict:
        return {
            "periods": [{"period_start": p.start, "period_end": p.end} for p in periods],
            "scan_start": min(p.start for p in periods), "scan_end": max(p.end for p in periods),
            # Counting the steady tickets apart (STEADY_PARTS) reads the tickets twice, which one
            # or two periods do not win back (at 10M: 41 vs 64 ms for one week, 57 vs 70 for two).
            "steady_apart": len(periods) > 2,
            "due": self.due, "by": self.by,
            "departments": list(self.departments), "owners": list(self.owners), "levels": list(self.levels),
            "channels": list(self.channels), "sources": list(self.sources), "batches": list(self.batches),
        }


# One unnest of a list of structs: two unnest calls in one SELECT become a cross product on Spark.
PERIODS = """periods AS (
    SELECT period.period_start, period.period_end
    FROM (SELECT unnest(CAST($periods AS STRUCT(period_start TIMESTAMP, period_end TIMESTAMP)[])) AS period) AS asked
)"""

# Filter parameter, its element type, and the column it restricts. An empty list means no filter:
# a typed empty list, since Spark refuses an untyped NULL array.
_FILTERS = (
    ("departments", "VARCHAR", "department"), ("owners", "VARCHAR", "owner"), ("levels", "INTEGER", "level"),
    ("channels", "VARCHAR", "channel"), ("sources", "VARCHAR", "source_system"), ("batches", "INTEGER", "batch_id"),
)
_FILTER_SQL = "".join(
    f"\n      AND (array_length(CAST(${name} AS {kind}[])) = 0 OR list_contains(CAST(${name} AS {kind}[]), {column}))"
    for name, kind, column in _FILTERS
)

# The lifecycle comes from the store (state, completed_at); nothing here re-derives it.
# Cancelled tickets are left out of every KPI.
# Not materialised: each population reading it scans the store again, which costs less than
# writing a million rows out once at 10M tickets.
SCOPED = f"""scoped AS NOT MATERIALIZED (
    SELECT ticket_id, subject, department, owner, level, channel, category, sla_policy_id, status, state,
           source_system, source_sla_met, created_at,
           first_response_at, first_response_due_at, standard_due_at, first_commitment_at,
           current_commitment_at, extension_count, escalation_count, forwarded_second_line,
           completed_at, completed_at < created_at AS completed_before_created,
           CASE $due WHEN 'standard' THEN standard_due_at WHEN 'first' THEN first_commitment_at
                ELSE current_commitment_at END AS due_at,
           CASE $by WHEN 'department' THEN department WHEN 'level' THEN 'Level ' || CAST(level AS VARCHAR)
                ELSE owner END AS grp
    FROM tickets
    -- Every population below lies within these bounds; zone maps skip row groups outside them.
    WHERE NOT is_cancelled AND created_at < CAST($scan_end AS TIMESTAMP)
      AND (completed_at >= CAST($scan_start AS TIMESTAMP) OR completed_at IS NULL){_FILTER_SQL}
)"""

# A ticket in play's standing at its period's end, as a small integer: code i + 1 is OUTCOMES[i].
# The counts group and compare integers (strings cost a third of the weekly report at 10M tickets).
OUTCOMES = ("on_time", "late_done", "open_not_due", "overdue_open_0", "overdue_open_1", "overdue_open_2",
            "overdue_open_3plus")


def _code(name: str) -> int:
    return OUTCOMES.index(name) + 1


def outcome_in(*names: str) -> str:
    """SQL: the row's outcome is one of ``names``."""
    return f"outcome IN ({', '.join(str(_code(name)) for name in names)})"


# SQL: the outcome's name, for the ticket lists.
OUTCOME_NAME = "CASE outcome" + "".join(f" WHEN {_code(name)} THEN '{name}'" for name in OUTCOMES) + " END"


def _outcome(period_end: str) -> str:
    """A ticket in play's standing at the end of its period (its code in OUTCOMES)."""
    return f"""CASE WHEN s.completed_at < {period_end} THEN
                    -- A completion before creation is kept out of the on-time count.
                    CASE WHEN s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created
                         THEN {_code("on_time")} ELSE {_code("late_done")} END
                WHEN coalesce(s.due_at, {period_end}) >= {period_end} THEN {_code("open_not_due")}
                WHEN s.escalation_count >= 3 THEN {_code("overdue_open_3plus")}
                -- No outcome for a negative count (a table read by Spark may hold one).
                WHEN s.escalation_count >= 0 THEN {_code("overdue_open_0")} + s.escalation_count END"""


# Tickets in play in every period with the same standing at each period's end: created before the
# first, open through the last, due before the first or after the last (or never). At 10M tickets
# they are most of those in play, so they are counted once and then crossed with the periods
# (``STEADY_PARTS``) instead of being joined with each period they span.
_STEADY = """s.created_at < CAST($scan_start AS TIMESTAMP)
      AND coalesce(s.completed_at >= CAST($scan_end AS TIMESTAMP), true)
      AND (s.due_at IS NULL OR s.due_at >= CAST($scan_end AS TIMESTAMP) OR s.due_at < CAST($scan_start AS TIMESTAMP))"""

# The per-period populations. A query names only those it reads: planning unused CTEs took
# longer than running the weekly report itself. in_play's rows are its moving part (joined with
# the periods) and its steady part (one row per ticket, without period columns) crossed with them.
POPULATIONS = {
    "in_play_moving": f"""in_play_moving AS (
    SELECT s.*, s.created_at < p.period_start AS is_carried_over, {_outcome("p.period_end")} AS outcome,
           p.period_start, p.period_end
    FROM scoped s JOIN periods p
      ON s.created_at < p.period_end AND coalesce(s.completed_at, CAST($scan_end AS TIMESTAMP)) >= p.period_start
    WHERE NOT ($steady_apart AND {_STEADY})
)""",
    "in_play_steady": f"""in_play_steady AS (
    SELECT s.*, true AS is_carried_over, {_outcome("CAST($scan_end AS TIMESTAMP)")} AS outcome
    FROM scoped s
    WHERE $steady_apart AND {_STEADY}
)""",
    "in_play": """in_play AS (
    SELECT * FROM in_play_moving
    UNION ALL
    SELECT st.*, p.period_start, p.period_end FROM in_play_steady st CROSS JOIN periods p
)""",
    "completed": """completed AS (
    SELECT s.*, p.period_start, p.period_end FROM scoped s JOIN periods p
      ON s.completed_at >= p.period_start AND s.completed_at < p.period_end
)""",
    "created": """created AS (
    SELECT s.*, p.period_start, p.period_end FROM scoped s JOIN periods p
      ON s.created_at >= p.period_start AND s.created_at < p.period_end
)""",
    "open_at_end": """open_at_end AS (
    SELECT s.*, p.period_start, p.period_end FROM scoped s JOIN periods p
      ON s.created_at < p.period_end AND (s.completed_at IS NULL OR s.completed_at >= p.period_end)
)""",
}


# Population columns with a handful of values. Measures whose conditions read only these are
# counted from the rows grouped by them (per period and group, with each group's count and sums)
# instead of testing every measure's filter on every ticket: at 10M tickets, 40 of the weekly
# report's 80 ms.
DISCRETE = frozenset({"outcome", "is_carried_over", "escalation_count", "extension_count"})


# A population counted in two parts: (moving, steady). The steady part's measures may read only
# columns that do not change from period to period (it has no period columns, so any other fails).
STEADY_PARTS = {"in_play": ("in_play_moving", "in_play_steady")}


def with_populations(*populations: str) -> str:
    """The WITH clause: periods, scoped, and the named populations (with the parts they read)."""
    named = dict.fromkeys(part for name in populations for part in (*STEADY_PARTS.get(name, ()), name))
    return f"WITH {PERIODS},\n{SCOPED}" + "".join(f",\n{POPULATIONS[name]}" for name in named) + "\n"
