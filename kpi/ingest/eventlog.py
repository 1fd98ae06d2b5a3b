"""Process-mining event logs: one row per activity of a case, folded into one ticket per case.

An event log (Disco, ProM, Celonis, XES flattened to CSV, the BPI Challenge logs) is mapped
like any export, with event meanings: ``ticket_id`` is the case, ``status`` the activity,
``created_at`` the event's time, ``owner`` its resource, ``department`` its group and
``transition`` its lifecycle transition or sub-status. ``cases`` turns the parsed rows into the
relation the ticket path maps (``v_<field>`` per case), so the lifecycle, the sorting against
the store and the commit are the ticket importer's own. Per case:

- created = the first event's time, updated = the last event's;
- each event's state is its transition's (a sub-status such as "Wait - User") or else its
  activity's, looked up in the status words; XES transitions other than ``complete`` carry none;
- completed (resolved_at) = the first event in a done state after the last event in an open
  state, closed_at likewise for the closed state; an open-state event after a done one is a
  reopening (reopen_count), and the case is open again;
- owner, department = the last resource and group given; reassignment_count = the events whose
  resource or group differs from the one before;
- status = the last activity, so its state is the one the ticket shows; subject = the first
  event's subject column, else its activity; other mapped fields take the last value given.

Raw events are kept in ``ticket_events``: a later slice of the same log is folded together with
every stored event of its cases (an event already stored counts once), and undoing a batch
removes its events with its ticket versions.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb

from kpi import sql
from kpi.ingest import formats, reader, vocabularies

# Event-level meaning of the mapped fields, as columns of the events tables.
EVENT_COLUMNS = {"ticket_id": "case_id", "status": "activity", "created_at": "occurred_at", "owner": "resource",
                 "department": "group_name", "transition": "transition", "subject": "subject"}
STORED_COLUMNS = ("case_id", "activity", "occurred_at", "resource", "group_name", "transition", "subject",
                  "batch_id", "source_row")
# Fields the fold computes per case; any other mapped field takes the case's last value.
FOLDED = ("ticket_id", "subject", "status", "owner", "department", "created_at", "updated_at", "resolved_at",
          "closed_at", "reassignment_count", "reopen_count", "transition")


def _in(words) -> str:
    return ", ".join("'" + w + "'" for w in words)


def _state_of(word: str) -> str:
    return vocabularies.state_sql(vocabularies.normalise_sql(word))


def _event_state() -> str:
    """SQL: an event's state from its transition, else its activity; none for an unfinished XES step."""
    transition = vocabularies.normalise_sql("transition")
    unfinished = [w for w in vocabularies.XES_TRANSITIONS if w != "complete"]
    return (f"CASE WHEN {transition} IN ({_in(unfinished)}) THEN NULL ELSE coalesce("
            f"CASE WHEN {transition} NOT IN ({_in(vocabularies.XES_TRANSITIONS)}) THEN {_state_of('transition')} END,"
            f" {_state_of('activity')}) END")


def tables(staged: reader.Staged) -> tuple[str, str]:
    """The TEMP tables of a preview: this file's events (rejected ones too), and every event of
    the cases they touch, stored ones included."""
    return f"{staged.table}_events", f"{staged.table}_history"


def cases(con: duckdb.DuckDBPyConnection, staged: reader.Staged, fields: set[str], relation: str,
          bad: dict[str, str], params: dict, replaces_batch: int | None) -> tuple[str, set[str], dict[str, str], list[str]]:
    """Fold the parsed event rows of ``relation`` into cases.

    Returns the case relation (one row per case, ``source_row`` the file row of its last event,
    plus the rejected event rows with their ``bad_<field>`` flags), the fields it gives, the
    reject conditions over it and the columns the data-quality checks read.
    """
    events, history = tables(staged)
    passed = [f for f in formats.FIELDS if f.name in fields and f.name not in FOLDED]
    extra = [f"v_{f.name}" for f in passed] + (["v_level"] if "priority" in fields else []) \
        + [f"ph_{f.name}" for f in passed if f.kind == "datetime"]
    columns = ", ".join(f"{f'v_{name}' if name in fields else 'CAST(NULL AS VARCHAR)'} AS {column}"
                        for name, column in EVENT_COLUMNS.items())
    query = (f"CREATE OR REPLACE TEMP TABLE {events} AS SELECT source_row, {columns}, "
             f"{''.join(f'{c}, ' for c in extra)}{', '.join(f'{c} AS bad_{n}' for n, c in bad.items())},"
             f" ({' OR '.join(bad.values())}) AS is_rejected FROM {relation}")
    con.execute(query, sql.used_parameters(query, params))
    event_fields = ", ".join(STORED_COLUMNS[:-2])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {history} AS
        WITH from_file AS (SELECT {event_fields}, CAST(NULL AS INTEGER) AS batch_id, source_row, true AS is_new
                           FROM {events} WHERE NOT is_rejected),
        stored AS (SELECT {event_fields}, batch_id, source_row, false AS is_new FROM ticket_events
                   WHERE case_id IN (SELECT case_id FROM from_file) AND batch_id IS DISTINCT FROM $replaced)
        SELECT * FROM (SELECT * FROM stored UNION ALL SELECT * FROM from_file)
        QUALIFY row_number() OVER (PARTITION BY case_id, activity, occurred_at, resource, transition
                                   ORDER BY is_new, batch_id, source_row) = 1
    """, {"replaced": replaces_batch})
    done, open_ = _in(vocabularies.DONE_STATES), _in(vocabularies.OPEN_STATES)
    last = "(occurred_at, source_row)"
    passed_values = "".join(f", arg_max({c}, {last}) AS {c}" if not c.startswith("ph_") else f", bool_or({c}) AS {c}"
                            for c in extra)
    folded_dates = ("created_at", "updated_at", "resolved_at", "closed_at")
    case_rows = f"""
        WITH stated AS (
            SELECT *, {_event_state()} AS event_state,
                   row_number() OVER (PARTITION BY case_id ORDER BY occurred_at, is_new, batch_id, source_row) AS position
            FROM {history}),
        walked AS (
            SELECT *, last_value(event_state IGNORE NULLS) OVER earlier AS previous_state,
                   last_value(resource IGNORE NULLS) OVER earlier AS previous_resource,
                   last_value(group_name IGNORE NULLS) OVER earlier AS previous_group,
                   max(CASE WHEN event_state IN ({open_}) THEN position END) OVER (PARTITION BY case_id) AS last_opened
            FROM stated
            WINDOW earlier AS (PARTITION BY case_id ORDER BY position ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
        folded AS (
            SELECT case_id, min(occurred_at) AS v_created_at, max(occurred_at) AS v_updated_at,
                   coalesce(arg_min(subject, position), arg_min(activity, position)) AS v_subject,
                   arg_max(resource, position) AS v_owner, arg_max(group_name, position) AS v_department,
                   arg_max(activity, position) AS v_status, arg_max(event_state, position) AS m_state,
                   min(occurred_at) FILTER (event_state IN ({done}) AND position > coalesce(last_opened, 0)) AS v_resolved_at,
                   min(occurred_at) FILTER (event_state = 'closed' AND position > coalesce(last_opened, 0)) AS v_closed_at,
                   count(*) FILTER (resource <> previous_resource OR group_name <> previous_group) AS v_reassignment_count,
                   count(*) FILTER (event_state IN ({open_}) AND previous_state IN ({done})) AS v_reopen_count
            FROM walked GROUP BY case_id),
        in_file AS (
            SELECT case_id, arg_max(source_row, {last}) AS source_row{passed_values}
            FROM {events} WHERE NOT is_rejected GROUP BY case_id)
        SELECT in_file.source_row, folded.case_id AS v_ticket_id, folded.* EXCLUDE (case_id){''.join(f', {c}' for c in extra)},
               {', '.join(f'false AS ph_{d}' for d in folded_dates)}, {', '.join(f'false AS bad_{n}' for n in bad)}
        FROM folded JOIN in_file USING (case_id)"""
    rejected = f"SELECT source_row, {', '.join(f'bad_{n}' for n in bad)} FROM {events} WHERE is_rejected"
    case_fields = (set(FOLDED) - {"transition"}) | {f.name for f in passed}
    carried = ["m_state"] + [f"ph_{f.name}" for f in formats.FIELDS if f.kind == "datetime" and f.name in case_fields]
    return (f"({case_rows}\n UNION ALL BY NAME {rejected})", case_fields, {n: f"bad_{n}" for n in bad}, carried)


def quality(con: duckdb.DuckDBPyConnection, staged: reader.Staged, params: dict, found):
    """``found`` (the preview's DataQuality) with every activity and sub-status word of the file's
    valid events, its count and state, and the events whose words map to no state as unknown."""
    events, _ = tables(staged)
    words = f"""
        SELECT source_row, activity AS word FROM {events} WHERE NOT is_rejected
        UNION ALL SELECT source_row, transition FROM {events} WHERE NOT is_rejected
            AND {vocabularies.normalise_sql('transition')} NOT IN ({_in(vocabularies.XES_TRANSITIONS)})"""
    query = f"""
        SELECT word, count(*), any_value({_state_of('word')}) FROM ({words})
        WHERE word IS NOT NULL GROUP BY word ORDER BY count(*) DESC, word"""
    statuses = con.execute(query, sql.used_parameters(query, params)).fetchall()
    unknown = f"SELECT source_row FROM ({words}) WHERE word IS NOT NULL AND {_state_of('word')} IS NULL"
    rows = [r[0] for r in con.execute(f"SELECT DISTINCT source_row FROM ({unknown}) ORDER BY 1",
                                      sql.used_parameters(unknown, params)).fetchall()]
    return replace(found, statuses=statuses, counts={**found.counts, "unknown_status": len(rows)},
                   examples={**found.examples, "unknown_status": rows[:5]})


def store_events(con: duckdb.DuckDBPyConnection, staged: reader.Staged, batch_id: int) -> None:
    """Keep the file's events not stored before, as part of batch ``batch_id`` (inside its transaction)."""
    _, history = tables(staged)
    columns = ", ".join(STORED_COLUMNS)
    con.execute(f"INSERT INTO ticket_events ({columns}) SELECT {columns.replace('batch_id', '$batch')}"
                f" FROM {history} WHERE is_new", {"batch": batch_id})
