"""The SQL every service query is built from: the periods asked for, the scoped tickets, and the
per-period populations (``in_play``, ``completed``, ``created``, ``open_at_end``).

``kpi.service.report`` composes them into queries; ``ServiceQuery.params`` gives their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

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
        bounds = sorted({bound for p in periods for bound in (p.start, p.end)})
        if any(bound.time() != time() for bound in bounds):  # see _slot
            raise ValueError(f"periods start and end at midnight: {', '.join(p.label for p in periods)}")
        slot = {bound: index for index, bound in enumerate(bounds)}
        return {
            "periods": [{"period_start": p.start, "period_end": p.end, "start_slot": slot[p.start],
                         "end_slot": slot[p.end]} for p in periods],
            "scan_start": bounds[0], "scan_end": bounds[-1],
            "day_slots": _day_slots(bounds), "slot_days": _slot_days(bounds), "after_slot": len(bounds) - 1,
            # Counting the steady tickets apart (STEADY_PARTS) reads the tickets twice, which one
            # or two periods do not win back (at 10M: 41 vs 64 ms for one week, 57 vs 70 for two).
            "steady_apart": len(periods) > 2,
            "due": self.due, "by": self.by,
            "departments": list(self.departments), "owners": list(self.owners), "levels": list(self.levels),
            "channels": list(self.channels), "sources": list(self.sources), "batches": list(self.batches),
        }


def _slot_days(bounds: list[datetime]) -> int:
    """The days every slot spans where all span the same (weeks, 12 trailing weeks), else 0 (see _slot)."""
    lengths = {later - earlier for earlier, later in zip(bounds, bounds[1:])}
    return lengths.pop().days if len(lengths) == 1 else 0


def _day_slots(bounds: list[datetime]) -> list[int]:
    """The slot of each day from the first bound to the last (see _slot)."""
    slots, day, index = [], bounds[0], 0
    while day < bounds[-1]:
        index += bounds[index + 1] <= day
        slots.append(index)
        day += timedelta(days=1)
    return slots


# One unnest of a list of structs: two unnest calls in one SELECT become a cross product on Spark.
PERIODS = """periods AS (
    SELECT period.period_start, period.period_end, period.start_slot, period.end_slot
    FROM (SELECT unnest(CAST($periods AS STRUCT(period_start TIMESTAMP, period_end TIMESTAMP, start_slot INTEGER,
                                                  end_slot INTEGER)[])) AS period) AS asked
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


# A completion on time; one before creation is kept out of the on-time count.
_DONE_ON_TIME = "s.completed_at <= coalesce(s.due_at, s.completed_at) AND NOT s.completed_before_created"


def _outcome(done: str, on_time: str, not_due: str, escalations: str) -> str:
    """A ticket in play's standing at the end of its period (its code in OUTCOMES), from SQL
    saying whether it was completed by then, on time, not yet due then, and its escalations."""
    return f"""CASE WHEN {done} THEN CASE WHEN {on_time} THEN {_code("on_time")} ELSE {_code("late_done")} END
                WHEN {not_due} THEN {_code("open_not_due")}
                WHEN {escalations} >= 3 THEN {_code("overdue_open_3plus")}
                -- No outcome for a negative count (a table read by Spark may hold one).
                WHEN {escalations} >= 0 THEN {_code("overdue_open_0")} + {escalations} END"""


def _outcome_at(period_end: str) -> str:
    """A ticket's outcome at ``period_end``, from its own times."""
    return _outcome(f"s.completed_at < {period_end}", _DONE_ON_TIME,
                    f"coalesce(s.due_at, {period_end}) >= {period_end}", "s.escalation_count")


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
    SELECT s.*, s.created_at < p.period_start AS is_carried_over, {_outcome_at("p.period_end")} AS outcome,
           p.period_start, p.period_end
    FROM scoped s JOIN periods p
      ON s.created_at < p.period_end AND coalesce(s.completed_at, CAST($scan_end AS TIMESTAMP)) >= p.period_start
    WHERE NOT ($steady_apart AND {_STEADY})
)""",
    "in_play_steady": f"""in_play_steady AS (
    SELECT s.*, true AS is_carried_over, {_outcome_at("CAST($scan_end AS TIMESTAMP)")} AS outcome
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
# counted from the population's rows grouped by them (GROUPED), per period and group with each
# group's count and sums, instead of testing every measure's filter on every ticket.
DISCRETE = frozenset({"outcome", "is_carried_over", "escalation_count", "extension_count"})


# A population read in two parts (moving, steady) that its own CTE puts together.
STEADY_PARTS = {"in_play": ("in_play_moving", "in_play_steady")}


# Counting tickets in play per period without joining each ticket with every period it spans
# (at 10M tickets, 12 weeks joined 878k tickets into 2.67M rows): a ticket's times are compared
# with the periods' bounds by their slots. The periods' distinct bounds, in order, cut time into
# slots: slot j runs from bound j to bound j + 1, slot -1 before the first bound, the last
# ($after_slot) from the last bound on. A period runs from its start_slot to before its end_slot,
# and a time is before a bound exactly when its slot is before the bound's. Bounds are midnights,
# so a time's slot is its day's ($day_slots, from ServiceQuery.params), found from the
# microseconds since the first bound (days differ: DuckDB counts midnights, Spark elapsed days).
# Where every slot spans the same days ($slot_days: weeks), the slot is that quotient itself, and
# the optimizer drops the other branch (at 10M, 53–62 against 63–69 ms for a week, 100–122
# against 108–129 ms for 12, builds alternated). The tickets are grouped by their slots and by
# what else their outcome reads, and those groups (63k at 10M) are joined with the periods.
def _slot(moment: str) -> str:
    microseconds = f"date_diff('microsecond', CAST($scan_start AS TIMESTAMP), {moment})"
    return (f"CASE WHEN {moment} < CAST($scan_start AS TIMESTAMP) THEN -1"
            f" WHEN {moment} >= CAST($scan_end AS TIMESTAMP) THEN $after_slot"
            f" WHEN $slot_days > 0 THEN CAST({microseconds} // ($slot_days * 86400000000) AS INTEGER)"
            f" ELSE CAST($day_slots AS INTEGER[])[CAST({microseconds} // 86400000000 AS INTEGER) + 1] END")


# Columns of in_play that depend on the period; the other DISCRETE ones are the ticket's own.
_PERIOD_COLUMNS = ("is_carried_over", "outcome")


def in_play_grouped(keys: list[str], sums: dict[str, str]) -> str:
    """CTEs up to ``in_play_grouped``: in_play's rows grouped per period and group by ``keys``
    (DISCRETE columns), each with its count ``grouped_tickets`` and ``sums`` (SQL over a ticket
    -> column name), counted through the tickets' slots."""
    by_outcome = "outcome" in keys
    # The ticket's own columns to group by: those the measures read, and the escalations an outcome reads.
    own = sorted({k for k in keys if k not in _PERIOD_COLUMNS} | ({"escalation_count"} if by_outcome else set()))
    slots = ["created_slot", "completed_slot", *(("due_slot", "done_on_time") if by_outcome else ())]
    keyed_by = ", ".join(("grp", *slots, *own))
    totals = "".join(f", sum({summed}) AS {name}" for summed, name in sums.items())
    outcome = _outcome("k.completed_slot < p.end_slot", "k.done_on_time", "k.due_slot >= p.end_slot",
                       "k.escalation_count")
    return f"""in_play_keyed AS (
    SELECT {keyed_by}, count(*) AS grouped_tickets{totals}
    FROM (SELECT s.*, {_slot("s.created_at")} AS created_slot,
                 coalesce({_slot("s.completed_at")}, $after_slot) AS completed_slot,
                 coalesce({_slot("s.due_at")}, $after_slot) AS due_slot,
                 -- read only for tickets completed in a period; NULL keeps the open ones' groups fewer
                 CASE WHEN s.completed_at < CAST($scan_end AS TIMESTAMP) THEN {_DONE_ON_TIME} END AS done_on_time
          FROM scoped s) AS s
    GROUP BY {keyed_by}
),
in_play_grouped AS (
    SELECT p.period_start, k.grp, k.created_slot < p.start_slot AS is_carried_over{f", {outcome} AS outcome" if by_outcome else ""},
           {"".join(f"k.{c}, " for c in own)}k.grouped_tickets{"".join(f", k.{name}" for name in sums.values())}
    FROM in_play_keyed k JOIN periods p ON k.created_slot < p.end_slot AND k.completed_slot >= p.start_slot
)"""


# Populations whose measures over DISCRETE columns count from rows grouped this way.
GROUPED = {"in_play": in_play_grouped}


def with_populations(*populations: str) -> str:
    """The WITH clause: periods, scoped, and the named populations (with the parts they read)."""
    named = dict.fromkeys(part for name in populations for part in (*STEADY_PARTS.get(name, ()), name))
    return f"WITH {PERIODS},\n{SCOPED}" + "".join(f",\n{POPULATIONS[name]}" for name in named) + "\n"
