"""Interval reports from phone platforms, as a kind of import beside ticket exports.

A staged file (``importer.open_source``) whose header matches a layout of ``kpi.contact.layouts``
is an interval report. Its cells are parsed in SQL (counts, durations as seconds, "mm:ss" or
"hh:mm:ss", shares as "85%", "0.85" or "85"), bad cells are refused with their row and column,
and the rows are sorted against the store by (queue, interval start): a re-export of
overlapping intervals updates them. Storing, batches, originals and undo are the shared ones
in ``kpi.ingest.batches``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

import duckdb
import pandas as pd

from kpi import sql, store
from kpi.contact.layouts import LAYOUTS, IntervalLayout
from kpi.ingest import batches, dates, reader, vocabularies
from kpi.ingest.batches import ImportReport
from kpi.ingest.errors import InputError, Reject

KIND = batches.KINDS["intervals"]
DEFAULT_THRESHOLD_SECONDS = 15.0   # the seeds' service standard: 85% within 15 seconds
DEFAULT_INTERVAL_MINUTES = 30
DEFAULT_QUEUE = "all"              # a report of one queue, without a queue column
_MIN_FIELDS = 3                    # matched fields for a header to count as a layout's

COUNT_FIELDS = ("offered", "answered", "abandoned", "abandoned_short", "interval_minutes")
DURATION_FIELDS = ("asa_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds",
                   "ready_seconds", "not_ready_seconds", "threshold_seconds")
NUMBER_FIELDS = ("answered_within_threshold", "agents_staffed")
SHARE_FIELDS = ("service_level_pct",)
VALUE_COLUMNS = (
    "interval_minutes", "source_system", "service_level_basis", "offered", "answered", "abandoned",
    "abandoned_short", "answered_within_threshold", "within_estimated", "service_level_pct", "threshold_seconds",
    "asa_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds", "agents_staffed",
    "ready_seconds", "not_ready_seconds",
)
STORED_COLUMNS = ("interval_start", "queue", *VALUE_COLUMNS)

# Cell forms, as whole-match patterns over a trimmed cell.
_WHOLE = r"\+?[0-9]{1,9}(\.0+)?"
_GROUPED = r"[0-9]{1,3}(,[0-9]{3})+"
_DECIMAL = r"[0-9]+(\.[0-9]+)?"
_MM_SS = r"[0-9]+:[0-5][0-9](\.[0-9]+)?"
_HH_MM_SS = r"[0-9]+:[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
_PERCENT = r"[0-9]+(\.[0-9]+)? ?%"
# A time range, after a date or alone: "08:00-08:30", "2024-02-19 08:00 - 08:30", and the 12-hour
# forms of Avaya CMS, "8:00 AM-8:30 AM" or "8:00-8:30 AM" (the start then shares the end's AM/PM
# unless its hour is later on the clock: "11:30-12:00 PM" starts at 11:30 AM).
_MERIDIEM = r"\s*([AaPp])?\.?\s*[Mm]?\.?"
_CLOCK = r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?"
_RANGE = rf"^(.*?)\s*{_CLOCK}{_MERIDIEM}\s*(?:-|–|~|to)\s*{_CLOCK}{_MERIDIEM}$"
_RANGE_PARTS = ["prefix", "sh", "sm", "sap", "eh", "em", "eap"]
# Header spelling: camelCase split, brackets of units dropped in the second, looser, pass.
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PUNCTUATION = re.compile(r"[\s_\-/:,;#*'\"’|]+|(?<![0-9])\.|\.(?![0-9])")
_UNITS = re.compile(r"[(\[]\s*(s|sec|secs|second|seconds|秒|%|percent|hh:mm:ss|mm:ss|h:mm:ss)\s*[)\]]|%",
                    re.IGNORECASE)
_SECONDS = r"\s*(\d+(?:\.\d+)?)\s*"


@dataclass
class IntervalPlan:
    """How an interval report's columns become intervals."""

    layout: str                                  # key of a kpi.contact.layouts layout
    mapping: dict[str, str]                      # canonical field -> source column
    threshold_seconds: float = DEFAULT_THRESHOLD_SECONDS  # from a "... in 15 seconds" header, else the standard
    date_form: str = "iso"
    interval_minutes: int | None = None          # read from the gaps between starts when no column says
    percent_scale: float = 100.0                 # bare shares are percents (85) or fractions (0.85)

    @property
    def layout_spec(self) -> IntervalLayout:
        return LAYOUT_BY_KEY[self.layout]

    @property
    def profile(self) -> str:
        return self.layout

    def as_batch(self) -> dict:
        return {"profile": self.layout, "source_system": self.layout, "mapping": self.mapping,
                "date_formats": {"interval_start": self.date_form}, "defaults": {},
                "options": {"threshold_seconds": self.threshold_seconds, "interval_minutes": self.interval_minutes,
                            "percent_scale": self.percent_scale}}


LAYOUT_BY_KEY = {layout.key: layout for layout in LAYOUTS}


@dataclass
class IntervalPreview:
    """What importing an interval report would do; the same counters as a ticket preview."""

    source: object                 # importer.Source
    plan: IntervalPlan
    rows_read: int
    to_insert: int = 0
    to_update: int = 0
    unchanged: int = 0
    superseded: int = 0            # earlier rows of the same queue and interval in this file
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)
    already_imported: int | None = None
    changes_table: str | None = None
    data_version: int | None = None
    skipped: int = 0               # totals rows: no data, listed with the rejects but not counted as refused
    findings: tuple = ()           # no data-quality checks of their own (a ticket Preview's are)

    @property
    def importable(self) -> bool:
        return self.already_imported is None and (self.to_insert + self.to_update) > 0

    def rejects_frame(self, lang: str = "en") -> pd.DataFrame:
        return batches.rejects_frame(self.rejects, lang)


def _spelling(header: str) -> str:
    """A header as words: full-width forms folded, camelCase split, case, spacing and punctuation
    ignored ("intervalStartTime", "Interval_Start_Time" and "interval start time" agree)."""
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", str(header)))
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def _words(header: str) -> str:
    """``_spelling`` without units in brackets or percent signs ("ASA (s)" → "asa")."""
    return _spelling(_UNITS.sub(" ", unicodedata.normalize("NFKC", str(header))))


def _header_pattern(name: str, form) -> re.Pattern:
    """A layout's header name as a pattern over headers in ``form``; ``{seconds}`` captures the
    report's threshold."""
    parts = [re.escape(form(part)) for part in name.split("{seconds}")]
    return re.compile(f"^{_SECONDS.join(parts)}$")


def _match(layout: IntervalLayout, columns: list[str]) -> tuple[dict[str, str], float | None]:
    """The columns this layout's headers name, and the threshold a header states. Exact spellings
    first, so "Service Level (sec)" is the threshold before "Service Level" may take it as a share."""
    mapping: dict[str, str] = {}
    threshold = None
    for form in (_spelling, _words):
        for name, headers in layout.headers.items():
            if name in mapping:
                continue
            for header in headers:
                pattern = _header_pattern(header, form)
                found = next((c for c in columns if c not in mapping.values() and pattern.match(form(c))), None)
                if found is not None:
                    mapping[name] = found
                    seconds = pattern.match(form(found)).groups()
                    if seconds and name in ("answered_within_threshold", "service_level_pct"):
                        threshold = float(seconds[0])  # not the short-abandon threshold
                    break
    return mapping, threshold


def recognise(columns: list[str]) -> IntervalPlan | None:
    """The plan of the layout whose headers this file's header matches best (the first listed on a
    tie, so a vendor's before the generic ones), or None when it is no interval report (a start
    column, offered or answered calls, and three fields at least)."""
    best: IntervalPlan | None = None
    for layout in LAYOUTS:
        mapping, threshold = _match(layout, columns)
        fits = ("interval_start" in mapping and ({"offered", "answered"} & set(mapping))
                and len(mapping) >= _MIN_FIELDS)
        if fits and (best is None or len(mapping) > len(best.mapping)):
            best = IntervalPlan(layout.key, mapping,
                                threshold or layout.default_threshold_seconds or DEFAULT_THRESHOLD_SECONDS)
    return best


def _cell(staged, plan: IntervalPlan, name: str) -> str:
    """SQL: the trimmed cell of field ``name``, NULL where empty or unmapped."""
    column = plan.mapping.get(name)
    return dates.value_or_null_sql(f"trim({staged.ref(column)})") if column else "CAST(NULL AS VARCHAR)"


def _clock_sql(hour: str, meridiem: str) -> str:
    """SQL: an hour of the clock on 24 hours, given its 'A'/'P' (or '' for a 24-hour time)."""
    return f"CASE {meridiem} WHEN 'A' THEN {hour} % 12 WHEN 'P' THEN {hour} % 12 + 12 ELSE {hour} END"


def _times_relation(staged, plan: IntervalPlan, texts: dict[str, str]) -> str:
    """SQL relation: per staged row its cells (``t_<field>``), the interval start as one text
    (a range's end dropped, 12-hour times on 24 hours, the date column before a time of day),
    the end where the report gives one, and a range's length in minutes."""
    cells = ", ".join(f"{text} AS t_{name}" for name, text in texts.items())
    inner = (f"SELECT source_row, {_cell(staged, plan, 'interval_start')} AS t_start_cell,"
             f" {_cell(staged, plan, 'interval_date')} AS t_date, {_cell(staged, plan, 'interval_end')} AS t_end_cell,"
             f" regexp_extract({_cell(staged, plan, 'interval_start')}, '{_RANGE}', {_RANGE_PARTS}) AS r,"
             f" ({staged.blank_sql()}) AS is_blank"
             f"{', ' + cells if cells else ''} FROM {staged.numbered()}")
    end_meridiem = "upper(r.eap)"
    start_meridiem = (f"CASE WHEN r.sap <> '' THEN upper(r.sap) WHEN r.eap = '' THEN ''"
                      f" WHEN TRY_CAST(r.sh AS INTEGER) % 12 > TRY_CAST(r.eh AS INTEGER) % 12"
                      f" THEN CASE {end_meridiem} WHEN 'A' THEN 'P' ELSE 'A' END ELSE {end_meridiem} END")
    start_hour = _clock_sql("TRY_CAST(r.sh AS INTEGER)", "start_meridiem")
    end_hour = _clock_sql("TRY_CAST(r.eh AS INTEGER)", "upper(r.eap)")
    start = (f"CASE WHEN r.sh <> '' THEN trim(r.prefix || ' ' || lpad(CAST({start_hour} AS VARCHAR), 2, '0')"
             f" || ':' || r.sm) ELSE t_start_cell END")
    with_date = lambda text: f"CASE WHEN t_date IS NULL THEN {text} ELSE t_date || ' ' || {text} END"  # noqa: E731
    minutes = (f"CASE WHEN r.sh <> '' THEN (({end_hour}) * 60 + TRY_CAST(r.em AS INTEGER)"
               f" - ({start_hour}) * 60 - TRY_CAST(r.sm AS INTEGER) + 1440) % 1440 END")
    return (f"(SELECT *, {with_date(start)} AS t_start, {with_date('t_end_cell')} AS t_end, {minutes} AS range_minutes"
            f" FROM (SELECT *, {start_meridiem} AS start_meridiem FROM ({inner})))")


def propose_plan(con: duckdb.DuckDBPyConnection, source, plan: IntervalPlan) -> IntervalPlan:
    """The recognised plan with the start's date form and the shares' scale read from the file."""
    staged = source.staged
    samples = [v[0] for v in con.execute(
        f"SELECT t_start FROM {_times_relation(staged, plan, {})} WHERE t_start IS NOT NULL LIMIT 500").fetchall()]
    detection = dates.detect(samples, time_zone=batches.time_zone(con))
    scale = plan.percent_scale
    if "service_level_pct" in plan.mapping:
        share = _cell(staged, plan, "service_level_pct")
        over_one = store.scalar(con, f"SELECT coalesce(bool_or(try_cast({share} AS DOUBLE) > 1), false)"
                                     f" FROM {staged.table}")
        scale = 100.0 if over_one else 1.0
    return replace(plan, date_form=detection.format.name if detection.format else plan.date_form,
                   percent_scale=scale)


def _parsed(name: str, text: str) -> str:
    """SQL: the value of field ``name`` from its trimmed cell text (NULL where it is not one)."""
    if name in COUNT_FIELDS:
        return (f"CASE WHEN regexp_full_match({text}, '{_WHOLE}') THEN CAST(CAST({text} AS DOUBLE) AS INTEGER)"
                f" WHEN regexp_full_match({text}, '{_GROUPED}') THEN CAST(replace({text}, ',', '') AS INTEGER) END")
    if name in DURATION_FIELDS:
        part = lambda i: f"CAST(split_part({text}, ':', {i}) AS DOUBLE)"  # noqa: E731
        return (f"CASE WHEN regexp_full_match({text}, '{_DECIMAL}') THEN CAST({text} AS DOUBLE)"
                f" WHEN regexp_full_match({text}, '{_MM_SS}') THEN {part(1)} * 60 + {part(2)}"
                f" WHEN regexp_full_match({text}, '{_HH_MM_SS}') THEN {part(1)} * 3600 + {part(2)} * 60 + {part(3)} END")
    if name in SHARE_FIELDS:
        return (f"CASE WHEN regexp_full_match({text}, '{_PERCENT}') THEN CAST(rtrim({text}, ' %') AS DOUBLE) / 100"
                f" WHEN regexp_full_match({text}, '{_DECIMAL}') THEN CAST({text} AS DOUBLE) / $percent_scale END")
    return f"CASE WHEN regexp_full_match({text}, '{_DECIMAL}') THEN CAST({text} AS DOUBLE) END"


def _mapped_sql(source, plan: IntervalPlan) -> tuple[str, dict[str, str]]:
    """The SELECT turning staged rows into interval rows, and per checked field its bad-cell test.
    A total or summary row is refused as such, whatever else its cells hold."""
    staged = source.staged
    layout = plan.layout_spec
    times = ("interval_start", "interval_date", "interval_end")
    texts = {name: _cell(staged, plan, name) for name in plan.mapping if name not in times}
    values = {name: _parsed(name, f"t_{name}") for name in texts if name != "queue"}
    values |= {name: f"({values[name]}) / 1000" for name in layout.milliseconds & set(values)}
    bad = {name: f"(t_{name} IS NOT NULL AND v_{name} IS NULL)" for name in values}
    if "service_level_pct" in values:
        bad["service_level_pct"] = "(t_service_level_pct IS NOT NULL AND coalesce(v_service_level_pct > 1, true))"
    bad["interval_start"] = ("(v_interval_start IS NULL OR NOT "
                             f"coalesce({dates.readable_sql('v_interval_start')}, false))")
    if "queue" in texts:
        bad["queue"] = "(t_queue IS NULL)"
    if "interval_minutes" in values:
        bad["interval_minutes"] = f"({bad['interval_minutes']} OR v_interval_minutes NOT BETWEEN 1 AND 1440)"
    labels = ["t_date", *(["t_queue"] if "queue" in texts else [])]
    summary = " OR ".join([f"regexp_matches(t_start_cell, '{vocabularies.SUMMARY_START}')",
                           *(f"regexp_matches({label}, '{vocabularies.SUMMARY_LABEL}')" for label in labels)])
    bad = {"summary_row": f"coalesce({summary}, false)", "blank_row": "is_blank",
           **{name: f"(NOT is_summary AND NOT is_blank AND {test})" for name, test in bad.items()}}
    v = lambda name: f"v_{name}" if name in values else "NULL"  # noqa: E731
    offered = f"coalesce({v('offered')}, {v('answered')} + {v('abandoned')})"
    denominator = {"offered": offered, "answered": v("answered"),
                   "offered_minus_short_abandons": f"{offered} - coalesce({v('abandoned_short')}, 0)"}
    handle = v("handle_seconds")
    if "handle_seconds" not in values and "talk_seconds" in values:
        handle = f"v_talk_seconds + coalesce({v('hold_seconds')}, 0) + coalesce({v('acw_seconds')}, 0)"
    # An end written as a time of day alone ("08:30") counts from the start's time of day.
    end_minutes = ("coalesce(date_diff('minute', v_interval_start, v_interval_end),"
                   " (hour(try_cast(t_end_cell AS TIME)) * 60 + minute(try_cast(t_end_cell AS TIME))"
                   " - hour(v_interval_start) * 60 - minute(v_interval_start) + 1440) % 1440)")
    columns = {
        "interval_start": "v_interval_start",
        "queue": "t_queue" if "queue" in texts else "CAST($default_queue AS VARCHAR)",
        "interval_minutes": (f"coalesce({v('interval_minutes')}, nullif(range_minutes, 0),"
                             f" CASE WHEN {end_minutes} BETWEEN 1 AND 1440 THEN {end_minutes} END)"),
        "source_system": "CAST($layout AS VARCHAR)",
        "service_level_basis": "CAST($basis AS VARCHAR)",
        "offered": offered,
        "answered": v("answered"),
        "abandoned": v("abandoned"),
        "abandoned_short": v("abandoned_short"),
        "answered_within_threshold": (f"coalesce({v('answered_within_threshold')},"
                                      f" {v('service_level_pct')} * ({denominator[layout.service_level_basis]}))"),
        "within_estimated": f"({v('answered_within_threshold')} IS NULL AND {v('service_level_pct')} IS NOT NULL)",
        "service_level_pct": v("service_level_pct"),
        "threshold_seconds": f"coalesce({v('threshold_seconds')}, CAST($threshold AS DOUBLE))",
        "handle_seconds": handle,
        **{name: v(name) for name in ("asa_seconds", "talk_seconds", "hold_seconds", "acw_seconds",
                                      "agents_staffed", "ready_seconds", "not_ready_seconds")},
    }
    start_form = dates.BY_NAME[plan.date_form]
    parsed = ", ".join([f"{start_form.parse_sql('t_start')} AS v_interval_start",
                        f"{start_form.parse_sql('t_end')} AS v_interval_end",
                        *(f"{value} AS v_{name}" for name, value in values.items())])
    select = (f"SELECT source_row, {', '.join(f'{expr} AS {name}' for name, expr in columns.items())},"
              f" {', '.join(f'{test} AS bad_{name}' for name, test in bad.items())},"
              f" ({' OR '.join(bad.values())}) AS is_rejected"
              f" FROM (SELECT *, {bad['summary_row']} AS is_summary"
              f" FROM (SELECT *, {parsed} FROM {_times_relation(staged, plan, texts)}))")
    return select, bad


def _reason(name: str, raw: str | None, plan: IntervalPlan) -> tuple[str, tuple]:
    """Translation key and values saying why an interval's cell was refused."""
    if name == "summary_row":
        return "reject.summary_row", ()
    if name == "blank_row":
        return "reject.empty_row", ()
    if dates.value_or_none(raw) is None:
        return "reject.empty_interval_field", (("interval_field", name),)
    if name == "interval_start":
        form = dates.BY_NAME[plan.date_form]
        return "reject.bad_date", (("value", raw), ("example", form.example), ("form", form.name))
    if name in COUNT_FIELDS:
        return "reject.bad_count", (("value", raw),)
    if name in DURATION_FIELDS:
        return "reject.bad_duration", (("value", raw),)
    if name in SHARE_FIELDS:
        return "reject.bad_share", (("value", raw),)
    return "reject.bad_number", (("value", raw),)


def preview(con: duckdb.DuckDBPyConnection, source, plan: IntervalPlan) -> IntervalPreview:
    """Map and validate every row in SQL; count what a commit would do. Writes only TEMP tables."""
    malformed = reader.refused_rows(source.file_name, source.staged)
    already = batches.already_imported(con, source)
    if already is not None:
        return IntervalPreview(source, plan, source.staged.rows + len(malformed), unchanged=source.staged.rows,
                               rejected=len(malformed), rejects=malformed, already_imported=already)
    mapped, changes = f"{source.staged.table}_mapped", f"{source.staged.table}_changes"
    select, bad = _mapped_sql(source, plan)
    query = f"CREATE OR REPLACE TEMP TABLE {mapped} AS {select}"
    zone = batches.time_zone(con)
    parameters = {"layout": plan.layout, "basis": plan.layout_spec.service_level_basis, "default_queue": DEFAULT_QUEUE,
                  "threshold": plan.threshold_seconds, "percent_scale": plan.percent_scale,
                  "time_zone": zone, "zone_names": list(dates.zone_abbreviations(zone))}
    con.execute(query, sql.used_parameters(query, parameters))
    minutes = plan.interval_minutes or _interval_gap(con, mapped)
    con.execute(f"UPDATE {mapped} SET interval_minutes = ? WHERE interval_minutes IS NULL", [minutes])
    columns = {**plan.mapping, "summary_row": plan.mapping["interval_start"], "blank_row": None}
    rejects, rejected_rows = batches.cell_rejects(con, source, mapped, bad, columns,
                                                  lambda name, raw: _reason(name, raw, plan))
    totals = batches.not_data_rows(con, mapped, bad) + batches.not_data_rejects(malformed)
    result = IntervalPreview(source, replace(plan, interval_minutes=minutes),
                             rows_read=source.staged.rows + len(malformed),
                             rejected=rejected_rows + len(malformed) - totals, skipped=totals,
                             rejects=(malformed + rejects)[:batches.REJECT_LIST_LIMIT], changes_table=changes)
    return _classify(con, result)


def _interval_gap(con: duckdb.DuckDBPyConnection, mapped: str) -> int:
    """The commonest step between one queue's successive interval starts in the file (30 when
    the file has one interval per queue)."""
    gap = store.scalar(con, f"""
        SELECT mode(gap) FROM (
            SELECT date_diff('minute', lag(interval_start) OVER (PARTITION BY queue ORDER BY interval_start),
                             interval_start) AS gap
            FROM (SELECT DISTINCT queue, interval_start FROM {mapped} WHERE NOT is_rejected))
        WHERE gap BETWEEN 1 AND 1440""")
    return int(gap) if gap else DEFAULT_INTERVAL_MINUTES


def _classify(con: duckdb.DuckDBPyConnection, preview_: IntervalPreview) -> IntervalPreview:
    """Sort the valid rows against the stored intervals: insert, update or unchanged. Within the
    file the last row of a queue's interval wins."""
    mapped = f"{preview_.source.staged.table}_mapped"
    on = " AND ".join(f"n.{key} = c.{key}" for key in KIND.keys)
    compared = ", ".join(f"n.{c}" for c in VALUE_COLUMNS)
    current = ", ".join(f"c.{c}" for c in VALUE_COLUMNS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {preview_.changes_table} AS
        WITH latest AS (SELECT * FROM {mapped} WHERE NOT is_rejected
                        QUALIFY row_number() OVER (PARTITION BY {', '.join(KIND.keys)} ORDER BY source_row DESC) = 1)
        SELECT n.*, CASE WHEN c.queue IS NULL THEN 'insert'
                         WHEN ({compared}) IS NOT DISTINCT FROM ({current}) THEN 'unchanged'
                         ELSE 'update' END AS action
        FROM latest n LEFT JOIN intervals c ON {on}
    """)
    counts = dict(con.execute(f"SELECT action, count(*) FROM {preview_.changes_table} GROUP BY action").fetchall())
    valid_rows = preview_.rows_read - preview_.rejected - preview_.skipped
    return replace(preview_, data_version=store.data_version(con), to_insert=counts.get("insert", 0),
                   to_update=counts.get("update", 0), unchanged=counts.get("unchanged", 0),
                   superseded=valid_rows - sum(counts.values()))


def commit(con: duckdb.DuckDBPyConnection, preview_: IntervalPreview, is_demo: bool = False,
           replace_demo: bool = False) -> ImportReport:
    """Store the new interval versions, the batch record and the original, in one transaction."""
    return batches.commit(con, KIND.name, preview_, _classify, _store_versions, is_demo, replace_demo)


def _store_versions(con: duckdb.DuckDBPyConnection, preview_: IntervalPreview, batch_id: int) -> None:
    changes = preview_.changes_table
    con.execute(f"""
        UPDATE interval_stats s SET is_current = false FROM {changes} n
        WHERE s.is_current AND n.action = 'update' AND {' AND '.join(f's.{k} = n.{k}' for k in KIND.keys)}""")
    columns = ", ".join(STORED_COLUMNS)
    con.execute(f"INSERT INTO interval_stats ({columns}, batch_id, source_row, is_current)"
                f" SELECT {columns}, ?, source_row, true FROM {changes} WHERE action IN ('insert', 'update')",
                [batch_id])


def open_preview(con: duckdb.DuckDBPyConnection, source) -> IntervalPreview | None:
    """The preview of a staged file when its header is an interval report's, else None."""
    plan = recognise(source.columns)
    if plan is None:
        return None
    if not source.staged.rows:
        raise InputError(source.file_name, "ingest.no_data")
    return preview(con, source, propose_plan(con, source, plan))
