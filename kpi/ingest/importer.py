"""Importing ticket exports: stage, map, validate, preview, then commit in one transaction.

Flow: ``open_source`` reads a file into a staging table of text columns; ``propose_plan``
suggests how its columns map to canonical fields; ``preview`` maps and validates every row in
SQL and counts what would be inserted, updated, left unchanged or rejected; ``commit`` stores
the new ticket versions (with the deadlines the export lacks derived) and the batch record,
all or nothing. ``undo_batch`` takes a batch back out.

Nothing current changes before ``commit``: staging tables are TEMP tables of the caller's
cursor, which no other connection (no other browser session) can see; a big file's mapped rows
sit, in a direct import, in a scratch database file of their own (SCRATCH_FROM_ROWS), attached
under the staging table's random name and deleted by ``discard``. A direct import of a big CSV file stages and
checks it a piece at a time (PIECE_BYTES), so its whole text is never held, and writes each
piece's versions ahead, not current until its commit records the batch (``_write_ahead``). The
original file is kept byte for byte in the store's originals folder, so a batch can be re-mapped later.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from kpi import sql, store
from kpi.contact import interval_import
from kpi.ingest import batches, dates, encodings, eventlog, formats, reader, vocabularies
from kpi.ingest.batches import REJECT_LIST_LIMIT, ImportReport, time_zone, undo_batch
from kpi.ingest.errors import Finding, InputError, Reject
from kpi.ingest.progress import Progress, ignore
from kpi.people.demo import demo_people_count
from kpi.service import periods
from kpi.service.deadlines import DERIVED_COLUMNS, DERIVED_FLAGS, with_derived_deadlines_sql

# Columns of ticket_versions filled from the mapped row, in table order.
TICKET_COLUMNS = (
    "ticket_id", "source_system", "subject", "department", "owner", "customer", "channel", "level",
    "priority", "status", "is_open", "created_at", "first_response_at", "standard_due_at",
    "first_commitment_at", "current_commitment_at", "resolved_at", "closed_at", "extension_count",
    "escalation_count", "reassignment_count", "reopen_count", "forwarded_second_line",
    "satisfaction", "source_sla_met", "updated_at", "state", "completed_at", "completion_inferred",
    "category",
)
COUNT_COLUMNS = ("extension_count", "escalation_count", "reassignment_count", "reopen_count")
# What must differ for a re-exported ticket to count as updated.
COMPARED_COLUMNS = tuple(c for c in TICKET_COLUMNS if c != "ticket_id")


@dataclass
class ImportPlan:
    """How a file's columns become tickets; the user may change any of it before committing."""

    profile: str                                   # layout or saved profile name
    source_system: str
    mapping: dict[str, str]                        # canonical field -> source column
    date_formats: dict[str, str] = field(default_factory=dict)  # field -> dates.FORMATS name
    defaults: dict[str, str] = field(default_factory=dict)      # field -> value for empty cells
    layout: str | None = None                                   # known format whose words apply
    status_map: dict[str, str] = field(default_factory=dict)    # the user's status word -> state
    priority_map: dict[str, int] = field(default_factory=dict)  # the user's priority word -> level
    date_floor: str = dates.DEFAULT_FLOOR                       # earlier dates are placeholders
    event_log: bool = False                                     # rows are events, folded per case
    # The zone of the times the file writes without a UTC offset; None: the store's own. An
    # export made by a user or an integration set to UTC is converted to the store's zone.
    source_time_zone: str | None = None
    # date field -> the column holding its time of day, where the export keeps them apart
    # (受理日期 and 受理時間, as telephony and hand-kept exports do): read as one "date time".
    time_columns: dict[str, str] = field(default_factory=dict)

    def columns_used(self) -> set[str]:
        """The file columns the plan reads."""
        return set(self.mapping.values()) | set(self.time_columns.values())

    def missing_required(self) -> list[str]:
        return [f for f in formats.REQUIRED if f not in self.mapping and f not in self.defaults]

    @property
    def statuses(self) -> dict[str, str]:
        return vocabularies.status_map(self.layout, self.status_map)

    @property
    def priorities(self) -> dict[str, int]:
        return vocabularies.priority_map(self.layout, self.priority_map)

    def as_batch(self) -> dict:
        """How import_batches keeps the plan."""
        return {"profile": self.profile, "source_system": self.source_system, "mapping": self.mapping,
                "date_formats": self.date_formats, "defaults": self.defaults, "options": self.options()}

    def options(self) -> dict:
        """What a profile or batch keeps beside mapping, date forms and defaults."""
        return {"layout": self.layout, "status_map": self.status_map, "priority_map": self.priority_map,
                "date_floor": self.date_floor, "event_log": self.event_log,
                "source_time_zone": self.source_time_zone, "time_columns": self.time_columns}

    def with_options(self, options: dict | None) -> ImportPlan:
        options = options or {}
        return replace(self, layout=options.get("layout", self.layout),
                       status_map=dict(options.get("status_map") or {}),
                       priority_map={k: int(v) for k, v in (options.get("priority_map") or {}).items()},
                       date_floor=options.get("date_floor") or dates.DEFAULT_FLOOR,
                       event_log=bool(options.get("event_log", self.event_log)),
                       source_time_zone=options.get("source_time_zone"),
                       time_columns=dict(options.get("time_columns") or {}))


@dataclass
class Source:
    """A file read into a staging table of text columns."""

    file_name: str
    checksum: str
    sniffed: reader.Sniffed
    staged: reader.Staged
    path: Path                # the file as uploaded, copied into the originals folder on commit
    replaces_batch: int | None = None  # re-mapping a stored batch: this batch gives way on commit
    # by column, or by date and time column (ImportPlan.time_columns)
    date_detections: dict[str | tuple[str, str], dates.Detection] = field(default_factory=dict, repr=False)
    scratch: Path | None = None  # a big file's scratch database, holding its mapped rows (see SCRATCH_FROM_ROWS)
    # A file staged a piece at a time (a direct import of a big file, see PIECE_BYTES): the byte
    # ranges after the staged one, which ``preview`` stages, maps and drops in turn, once.
    pieces: tuple[tuple[int, int], ...] = ()
    typed: reader.TypedDates | None = None  # date columns the reader was asked to parse (typed_dates)
    written_ahead: int | None = None  # the batch whose versions ``preview`` wrote piece by piece (``_write_ahead``)

    @property
    def columns(self) -> list[str]:
        return list(self.staged.columns)

    @property
    def scratch_name(self) -> str:
        return f"{self.staged.table}_scratch"

    @property
    def mapped_table(self) -> str:
        """The mapped and checked rows: a TEMP table, or a table of the scratch database."""
        return f"{self.scratch_name}.mapped" if self.scratch else f"{self.staged.table}_mapped"


@dataclass(frozen=True)
class DataQuality:
    """What a preview found worth telling before anything is stored (among the valid rows)."""

    counts: dict[str, int] = field(default_factory=dict)          # check -> rows
    examples: dict[str, list[int]] = field(default_factory=dict)  # check -> first file rows
    statuses: list[tuple[str, int, str | None]] = field(default_factory=list)   # value, rows, state
    priorities: list[tuple[str, int, int | None]] = field(default_factory=list)  # value, rows, level
    conditions: dict[str, str] = field(default_factory=dict)      # check -> SQL over a mapped row

    def found(self) -> dict[str, int]:
        """The checks that found something."""
        return {name: n for name, n in self.counts.items() if n}

    def findings(self, mapping: dict[str, str]) -> tuple[Finding, ...]:
        """The checks that found something, each with its message (a date check names the file's column)."""
        found = []
        for check, count in self.found().items():
            key, values = f"quality.{check}", ()
            for prefix in (PLACEHOLDER, DATE_ONLY, END_OF_DAY, SEVERAL, LOSSY):  # checks of one column: name it
                if check.startswith(prefix):
                    field_name = check.removeprefix(prefix)
                    key, values = f"quality.{prefix[:-1]}", (("column", mapping.get(field_name, field_name)),)
            unknown = {"unknown_status": self.statuses, "unknown_priority": self.priorities}.get(check)
            if unknown is not None:  # the words themselves, for a terminal that has no table of them
                words = [word for word, _rows, meaning in sorted(unknown, key=lambda u: (-u[1], u[0])) if meaning is None]
                values = (("words", _quoted(words)),)
            if check == "priority_not_its_number":
                values = (("words", ", ".join(f"'{word}' → Level {level}" for word, level in sorted(
                    (word, level) for word, _rows, level in self.priorities if vocabularies.overruled(word, level)))),)
            found.append(Finding(check, count, tuple(self.examples.get(check, ())), key, values))
        return tuple(found)


def _quoted(words: list[str], shown: int = 8) -> str:
    """'待確認', '退件' …: the first ``shown`` words, quoted (a word may hold a comma)."""
    return ", ".join(repr(word) for word in words[:shown]) + (" …" if len(words) > shown else "")


@dataclass
class Preview:
    source: Source
    plan: ImportPlan
    rows_read: int
    to_insert: int
    to_update: int
    unchanged: int
    superseded: int           # older duplicates of an id in this file, or older than what is stored
    rejected: int             # rows refused (a row with several problems counts once)
    rejects: list[Reject]
    date_detection: dict[str, dates.Detection]
    already_imported: int | None   # batch id of an identical file already in the store
    changes_table: str | None
    data_version: int | None = None  # the store's version the rows were sorted against
    quality: DataQuality = field(default_factory=DataQuality)
    # Rows that are no data, left out and listed with the rejects but not counted as refused:
    # totals rows, the header repeated, a report's footer (batches.NOT_DATA).
    skipped: int = 0

    @classmethod
    def unmapped(cls, source: Source, plan: ImportPlan) -> Preview:
        """A preview of a file whose mapping is not complete yet: nothing counted."""
        return cls(source, plan, source.staged.rows, 0, 0, 0, 0, 0, [], {}, None, None)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.quality.findings(self.plan.mapping)

    @property
    def matched_by_name(self) -> tuple[tuple[str, str], ...]:
        """(column, field) pairs a recognised format's proposal does not name, matched by the columns'
        names (none for a saved profile: its mapping is the user's)."""
        if self.plan.layout is None or self.plan.profile != self.plan.layout:
            return ()
        return formats.matched_by_name(self.plan.layout, self.plan.mapping, self.source.columns)

    @property
    def importable(self) -> bool:
        return self.already_imported is None and (self.to_insert + self.to_update) > 0

    def rejects_frame(self, lang: str = "en") -> pd.DataFrame:
        return batches.rejects_frame(self.rejects, lang)


# A direct import stages and checks a CSV file bigger than this a piece at a time (about a
# million e-contact+ rows a piece): the staged text of a whole 10M-row file (3.3 GB) would not
# fit DuckDB's 1 GB memory limit and was spilled to disk uncompressed, then read back at disk
# speed. Pieces are cut while the file is checksummed.
PIECE_BYTES = 256 << 20


def open_source(con: duckdb.DuckDBPyConnection, path: Path, file_name: str | None = None,
                progress: Progress = ignore, piece_bytes: int | None = None,
                typed: reader.TypedDates | None = None) -> Source:
    """Read a CSV/TSV/XLSX export into a TEMP staging table of ``con`` (phases ``read``, ``stage``);
    a UTF-8 file over ``piece_bytes`` only its first piece (``Source.pieces``: the others);
    ``typed``: date columns the reader parses as it stages them (``typed_dates``)."""
    path = Path(path)
    file_name = file_name or path.name
    with open(path, "rb") as f:
        head = f.read(reader.SNIFF_BYTES)
    sniffed = reader.sniff(head, file_name)
    table = f"staging_{uuid.uuid4().hex[:12]}"
    size, pieces = path.stat().st_size, ()
    if sniffed.is_table:
        checksum = reader.scan(path, sniffed, progress=progress)
        source_table = _ticket_sheet(path.read_bytes(), file_name)
        sniffed = source_table.sniffed
        staged = reader.stage_frame(con, source_table, table)
    elif piece_bytes and size > piece_bytes:
        checksum, cuts = reader.scan_for_pieces(path, sniffed, piece_bytes, progress)
        bounds = (0, *cuts, size)
        progress("stage", 0, bounds[1])  # the first piece's bytes: the others are staged while checked
        staged = (reader.stage_piece(con, path, sniffed, table, (0, cuts[0]), typed=typed) if cuts
                  else reader.stage_csv(con, path, sniffed, table, typed=typed))
        progress("stage", bounds[1], bounds[1])
        pieces = tuple(zip(bounds[1:], bounds[2:]))
    else:
        checksum, staged = reader.scan_and_stage(con, path, sniffed, table, progress, typed=typed)
    if staged.rows == 0 and not staged.malformed:
        discard_tables(con, table)
        raise InputError(file_name, "ingest.no_data")
    return Source(file_name, checksum, sniffed, staged, path, pieces=pieces, typed=typed)


def _ticket_sheet(data: bytes, file_name: str) -> reader.SourceTable:
    """A workbook's first sheet, or, when its header is no known export but a later sheet's is,
    that sheet: reports often open with a sheet of query conditions or a summary."""
    sheets = reader.read_sheets(data, file_name)
    first = next(sheets)
    if _known(first.frame.columns):
        return first
    return next((other for other in sheets if _known(other.frame.columns)), first)


def _known(columns) -> bool:
    columns = list(columns)
    return formats.recognise(columns) is not None or formats.recognise(columns, event_log=True) is not None


def original_path(con: duckdb.DuckDBPyConnection, batch_id: int) -> Path:
    """The original file of a batch, byte for byte as it was imported."""
    name = store.scalar(con, "SELECT original_file FROM import_batches WHERE batch_id = ?", [batch_id])
    return store.originals_dir(con) / name


def reopen_batch(con: duckdb.DuckDBPyConnection, batch_id: int, copy_to: Path) -> tuple[Source, ImportPlan]:
    """Stage a stored batch's original again, with the plan it was imported with, to re-map it.

    The original is copied to ``copy_to`` (the caller's private temp file) because undoing the
    batch on commit may remove it from the originals folder.
    """
    row = store.first_row(con, f"SELECT file_name, {_PLAN_COLUMNS} FROM import_batches"
                               " WHERE batch_id = ? AND undone_at IS NULL", [batch_id])
    if row is None:
        raise InputError(f"batch {batch_id}", "ingest.no_batch")
    if not original_path(con, batch_id).is_file():  # deleted with an erased person's data
        raise InputError(row[0], "ingest.original_missing")
    shutil.copyfile(original_path(con, batch_id), copy_to)
    source = replace(open_source(con, copy_to, row[0]), replaces_batch=batch_id)
    return source, _stored_plan(row[1:])


# How a plan is kept in import_batches and mapping_profiles, and read back by _stored_plan.
_PLAN_COLUMNS = "profile, source_system, mapping, date_formats, defaults, options"


def _stored_plan(row: tuple) -> ImportPlan:
    profile, source_system, mapping, date_formats, defaults, options = row
    return ImportPlan(profile, source_system or profile, json.loads(mapping), json.loads(date_formats or "{}"),
                      json.loads(defaults or "{}")).with_options(json.loads(options or "{}"))


def saved_profile(con: duckdb.DuckDBPyConnection, name: str | None, columns: list[str]) -> ImportPlan | None:
    """The saved profile by name, or else the one saved for this exact header."""
    query = f"SELECT {_PLAN_COLUMNS.replace('profile', 'name', 1)} FROM mapping_profiles WHERE "
    row = (store.first_row(con, query + "name = ?", [name]) if name
           else store.first_row(con, query + "header_key = ? ORDER BY saved_at DESC", [formats.header_key(columns)]))
    return None if row is None else _stored_plan(row)


def save_profile(con: duckdb.DuckDBPyConnection, name: str, columns: list[str], plan: ImportPlan) -> None:
    """Remember a (corrected) mapping under ``name``; exports with the same header reuse it."""
    with store.transaction(con):
        con.execute("DELETE FROM mapping_profiles WHERE name = ?", [name])
        con.execute(
            "INSERT INTO mapping_profiles (name, header_key, mapping, date_formats, defaults, source_system, options)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [name, formats.header_key(columns), json.dumps(plan.mapping, ensure_ascii=False),
             json.dumps(plan.date_formats), json.dumps(plan.defaults, ensure_ascii=False), plan.source_system,
             json.dumps(plan.options(), ensure_ascii=False)],
        )


def propose_plan(con: duckdb.DuckDBPyConnection, source: Source, profile: str | None = None,
                 event_log: bool = False) -> ImportPlan:
    """A saved profile (named, or matching this header), else the best-fitting known layout;
    ``event_log`` reads the file as an event log whatever it looks like."""
    plan = saved_profile(con, profile, source.columns)
    if plan is None and profile and profile not in formats.LAYOUT_BY_NAME:
        raise InputError(source.file_name, "ingest.unknown_profile", profile=profile)
    if plan is None:
        layout = (formats.LAYOUT_BY_NAME.get(profile) if profile
                  else formats.recognise(source.columns, event_log) or formats.recognise(source.columns))
        if layout is None:
            # No layout fits: the columns' names guess a mapping, which the upload page shows to be checked.
            plan = ImportPlan("custom", "custom", formats.guess(source.columns))
        else:
            plan = ImportPlan(layout.name, layout.source_system, formats.propose_with_names(layout, source.columns),
                              layout=layout.name, event_log=layout.event_log)
        plan = _with_time_columns(con, source, plan)
    plan.event_log = plan.event_log or event_log
    return with_detected_dates(con, source, plan)


# A date column and the column beside it holding the time of day, named alike: 受理日期 and 受理時間,
# Created Date and Created Time.
_DATE_HEADER = re.compile(r"^(.*?)(日期|date)$", re.IGNORECASE)
_TIME_HEADER = re.compile(r"^(.*?)(時間|time)$", re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"^(上午|下午|AM|PM)?\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(AM|PM|上午|下午)?$", re.IGNORECASE)


def _with_time_columns(con: duckdb.DuckDBPyConnection, source: Source, plan: ImportPlan) -> ImportPlan:
    """The plan reading each date field whose column holds dates only with the time of day from
    the column beside it named alike (ImportPlan.time_columns). A field the layout gave the time
    column, because its header is the one it knows (提出時間), gets the date column beside it."""
    mapping, times, used = dict(plan.mapping), dict(plan.time_columns), plan.columns_used()
    for name, column in plan.mapping.items():
        if formats.FIELD_BY_NAME[name].kind != "datetime" or name in times:
            continue
        date, clock = _DATE_HEADER.match(column.strip()), _TIME_HEADER.match(column.strip())
        if not (date or clock):
            continue
        wanted, words = (date.group(1), ("時間", "time")) if date else (clock.group(1), ("日期", "date"))
        beside = [c for c in source.columns if c not in used and c.strip().lower() in
                  {f"{wanted}{word}".lower() for word in words}]
        if len(beside) != 1:
            continue
        if date and _times_of_day(con, source, beside[0]):
            times[name] = beside[0]
        elif clock and _times_of_day(con, source, column) and not _times_of_day(con, source, beside[0]):
            mapping[name], times[name] = beside[0], column
    return replace(plan, mapping=mapping, time_columns=times)


def _times_of_day(con: duckdb.DuckDBPyConnection, source: Source, column: str) -> bool:
    """Whether a column's cells (its first 500 holding a value, at least one; the header repeated
    aside) are times of day alone."""
    if source.staged.is_typed(column):  # read as whole timestamps by the reader
        return False
    samples = [value.strip() for value in _date_samples(con, source, column) if value.strip() != column.strip()]
    return bool(samples) and all(_TIME_OF_DAY.match(value) for value in samples)


def with_detected_dates(con: duckdb.DuckDBPyConnection, source: Source, plan: ImportPlan) -> ImportPlan:
    """The plan with the detected form for every mapped date column it gives none for."""
    for name, detection in detect_dates(con, source, plan).items():
        if detection.format and name not in plan.date_formats:
            plan.date_formats[name] = detection.format.name
    return plan


def detect_dates(con: duckdb.DuckDBPyConnection, source: Source, plan: ImportPlan) -> dict[str, dates.Detection]:
    """Detected date form of every mapped datetime column, from up to 500 non-empty values. A
    column whose dates read in two forms (2/6/24: 6 February or 2 June) takes the one another
    date column of the file reads in alone (2/13/24 can only be 13 February): an export writes
    its dates one way."""
    detections = {}
    for name, column in plan.mapping.items():
        if formats.FIELD_BY_NAME[name].kind != "datetime" or column not in source.columns:
            continue
        time = plan.time_columns.get(name) if plan.time_columns.get(name) in source.columns else None
        key = (column, time) if time else column
        if source.staged.is_typed(column) and not time:  # parsed by the reader in the form it was chosen for
            source.date_detections[key] = dates.Detection(dates.BY_NAME[TYPED_FORM], 1, 1)
        if key not in source.date_detections:
            source.date_detections[key] = dates.detect(_date_samples(con, source, column, time),
                                                       time_zone=time_zone(con))
        detections[name] = source.date_detections[key]
    settled = {d.format.name for d in detections.values() if d.format and not d.ambiguous}
    for name, detection in detections.items():
        if detection.ambiguous:
            known = [form for form in (detection.format.name, *detection.alternatives) if form in settled]
            if len(known) == 1:
                detections[name] = dates.Detection(dates.BY_NAME[known[0]], detection.parsed, detection.present)
    return detections


def _date_samples(con: duckdb.DuckDBPyConnection, source: Source, column: str, time: str | None = None) -> list[str]:
    """Up to 500 cells of a staged text column that hold a value, as written (with the cell of its
    ``time`` column after it, as the import reads them): what a date form is detected from (and
    whether the reader may parse it, ``typed_dates``)."""
    cell = source.staged.ref(column) if time is None else _date_and_time_sql(source.staged, column, time)
    return [value for (value,) in con.execute(
        f"SELECT {cell} FROM {source.staged.table}"
        f" WHERE {dates.value_or_null_sql(_cell_sql(source.staged, column))} IS NOT NULL LIMIT 500"
    ).fetchall()]


def _date_and_time_sql(staged: reader.Staged, column: str | None, time: str | None) -> str:
    """SQL: the trimmed cell of ``column``, followed by its ``time`` column's where both hold a
    value (ImportPlan.time_columns); a date missing is missing whatever the time says (exports
    often write 00:00:00 beside an empty date)."""
    date = _cell_sql(staged, column)
    if time is None:
        return date
    at = _cell_sql(staged, time)
    return (f"CASE WHEN {dates.value_or_null_sql(date)} IS NULL OR {dates.value_or_null_sql(at)} IS NULL"
            f" THEN {date} ELSE {date} || ' ' || {at} END")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _words(words: Sequence[str]) -> str:
    return ", ".join(_literal(w) for w in words)


def _parsed_columns(plan: ImportPlan, staged: reader.Staged,
                    lossy: bool = False) -> tuple[list[list[str]], dict[str, str], list[str]]:
    """Parse each mapped cell once, in five projection levels over the staged table:

    1. ``c_<field>``: the cell trimmed;
    2. ``t_<field>``: that (an id also taken out of Excel's ``="…"``), or NULL when it is one of
       the "no value" markers (then the field's default, where the user gave one);
    3. ``v_<field>`` (the value) and ``p_<field>`` (the cell had something in it); dates are
       parsed into ``r_<field>`` first, statuses and priorities looked up in the vocabularies;
    4. ``ph_<field>``: the parsed date is a placeholder (tested once per cell);
    5. ``v_<field>`` of dates: the parsed time, or NULL where it is a placeholder.

    Plus, per checked field, the condition over those columns that marks the cell bad, and the
    columns the data-quality checks read beside the ticket's (``m_state``, ``ph_<field>``, and
    for a ``lossy`` file, one written in an encoding that cannot hold every character, its names
    with a "?" in place of one: ``lossy_<field>``).
    A default is the parameter ``$default_<field>`` (see ``_parameters``), never SQL text.
    Parsing is the costly part of an import, so nothing is computed twice: testing the markers
    in the level that trims would trim every cell twice, a third of the mapping time.
    """
    cells: list[str] = []
    texts: list[str] = []
    items: list[str] = []
    flagged: list[str] = []
    cleaned: list[str] = []
    bad: dict[str, str] = {}
    carried: list[str] = []
    for f in formats.FIELDS:
        column = plan.mapping.get(f.name)
        default = plan.defaults.get(f.name)
        if column is None and default is None:
            continue
        cell, text, value, present = f"c_{f.name}", f"t_{f.name}", f"v_{f.name}", f"p_{f.name}"
        time = plan.time_columns.get(f.name) if column and f.kind == "datetime" else None
        typed = staged.is_typed(column) and not time  # a TIMESTAMP already, NULL where missing (reader.TypedDates)
        cells.append(f"{staged.ref(column) if typed else _date_and_time_sql(staged, column, time)} AS {cell}")
        several = f"{SEVERAL}{f.name}" if f.name in PEOPLE_FIELDS and column else None
        if several:
            cells.append(f"{_several_sql(staged.ref(column))} AS {several}")
            carried.append(several)
        if lossy and f.name in NAME_FIELDS and column:
            # A name never holds "?" (a lone "?" is a no-value marker): the exporter wrote it for a
            # character its encoding lacks, as Redmine's Big5 and ISO-8859-1 CSVs do.
            cells.append(f"(contains({staged.ref(column)}, '?') AND trim({staged.ref(column)}) <> '?')"
                         f" AS {LOSSY}{f.name}")
            carried.append(f"{LOSSY}{f.name}")
        # ="00123": how exports keep an id's leading zeros when Excel opens the file.
        read = f"CASE WHEN {cell} LIKE '=\"%\"' THEN {cell}[3:-2] ELSE {cell} END" if f.name == "ticket_id" else cell
        texts.append(f"{cell if typed else _text_sql(f.name, read, default, several)} AS {text}")
        items.append(f"{text} IS NOT NULL AS {present}")
        check = f"({present} AND {value} IS NULL)"
        if f.kind == "text":
            items.append(f"{text} AS {value}")
            if f.name == "ticket_id":  # refused, or all such ids would be one ticket
                bad[f.name] = f"({text} LIKE '%E+%' AND regexp_full_match({text}, '{vocabularies.EXCEL_SCIENTIFIC}'))"
            if f.name == "status":
                items.append(f"(SELECT w.state FROM {staged.table}_states w WHERE w.text = {text}) AS m_state")
                carried.append("m_state")
            continue
        if f.kind == "datetime":
            parsed = f"r_{f.name}"
            form = dates.BY_NAME[plan.date_formats.get(f.name, "iso")]
            items.append(f"{text if typed else form.parse_sql(text)} AS {parsed}")
            readable = dates.readable_sql(parsed)
            flagged.append(f"coalesce({readable} AND {dates.placeholder_sql(parsed)}, false) AS ph_{f.name}")
            # A placeholder is told by the time as written, so the file's zone is applied after.
            in_store_zone = parsed if not plan.source_time_zone else (
                dates.from_source_zone_sql(parsed) if typed else form.in_store_zone_sql(text, parsed))
            cleaned.append(f"CASE WHEN {readable} AND NOT ph_{f.name} THEN {in_store_zone} END AS {value}")
            carried.append(f"ph_{f.name}")
            check = f"({present} AND coalesce(NOT {readable}, true))"
        elif f.kind == "count":
            # Whole numbers only: a cast would round 1.5 and read 1e3 as 1000. A yes or no (Salesforce's
            # IsEscalated, a tick in a spreadsheet) says whether it happened at all: 1 or 0.
            items.append(f"CASE WHEN regexp_full_match({text}, '\\+?[0-9]{{1,9}}') THEN CAST({text} AS INTEGER)"
                         f" {_yes_or_no_sql(text, '1', '0')} END AS {value}")
        elif f.kind == "minutes":
            items.append(f"try_cast({text} AS DOUBLE) AS {value}")
        elif f.kind == "flag":
            # Jira SLA cells hold the time left ("12:30"); a leading "-" means breached.
            items.append(f"CASE {_yes_or_no_sql(text, 'true', 'false')}"
                         f" WHEN {text} LIKE '-%:%' THEN false WHEN {text} LIKE '%:%' THEN true END AS {value}")
        elif f.kind == "level":
            # An unknown priority leaves the level empty and is reported; it never rejects the row.
            items.append(f"{text} AS {value}")
            items.append(f"(SELECT w.level FROM {staged.table}_levels w WHERE w.text = {text}) AS v_level")
            continue
        bad[f.name] = check
    for required in formats.REQUIRED:
        missing = f"v_{required} IS NULL" if required in plan.mapping or required in plan.defaults else "true"
        bad[required] = f"({bad[required]} OR {missing})" if required in bad else f"({missing})"
    if "ticket_id" in plan.mapping:
        # A totals row under the tickets ("合計", "Grand Total" where the id goes), and the header
        # again (exports joined end to end, a paged export's header on every page), are refused
        # as such, not as tickets whose created time is unreadable.
        items.append(f"coalesce(regexp_matches(t_ticket_id, '{vocabularies.SUMMARY_LABEL}'), false) AS is_summary")
        # (a typed date's header again would have sent the file back to be staged as text)
        repeats = " AND ".join(f"t_{name} = $header_{name}" for name in HEADER_REPEATS
                               if name in plan.mapping and not staged.is_typed(plan.mapping[name]))
        items.append(f"coalesce({repeats}, false) AS is_header")
        # A row of empty cells (",,,," under the data, as Excel writes rows it was once told of) is
        # no data either; checked only where the id is missing.
        items.append(f"(t_ticket_id IS NULL AND {staged.blank_sql()}) AS is_blank")
        bad = {"header_row": "is_header", "summary_row": "(is_summary AND NOT is_header)", "blank_row": "is_blank",
               **{name: f"(NOT is_summary AND NOT is_header AND NOT is_blank AND {test})" for name, test in bad.items()}}
    return [cells, texts, items, flagged, cleaned], bad, carried


def set_time_zone(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Change the store's time zone (an IANA name such as Asia/Taipei); imports after it use it."""
    if not dates.is_time_zone(name):
        raise InputError(name, "ingest.unknown_time_zone")
    with store.transaction(con):
        con.execute("UPDATE store_settings SET value = ? WHERE key = 'time_zone'", [name])


def _cell_sql(staged: reader.Staged, column: str | None) -> str:
    return f"trim({staged.ref(column)})" if column else "CAST(NULL AS VARCHAR)"


# Cells that may name several people (vocabularies.SEVERAL_PEOPLE): the first is kept, and said.
PEOPLE_FIELDS = ("owner", "department")
# Names checked for characters an exporter's encoding lost (see _parsed_columns), in files
# written in an encoding that holds only some characters: Big5, Windows-1252.
NAME_FIELDS = ("owner", "department", "customer")
LOSSY_ENCODINGS = (encodings.BIG5, encodings.WESTERN)


def _several_sql(cell: str) -> str:
    """SQL: whether a cell names several people (plain searches: a pattern on every cell costs more)."""
    return "(" + " OR ".join(f"contains({cell}, {_literal(mark)})" for mark in vocabularies.SEVERAL_PEOPLE) + ")"


def _yes_or_no_sql(text: str, yes: str, no: str) -> str:
    """SQL ``WHEN`` branches: ``yes`` for a cell holding one of the yes words, ``no`` for a no."""
    return (f"WHEN lower({text}) IN ({_words(formats.TRUE_WORDS)}) THEN {yes}"
            f" WHEN lower({text}) IN ({_words(formats.FALSE_WORDS)}) THEN {no}")


def _text_sql(field_name: str, cell: str, default: str | None, several: str | None = None) -> str:
    """A trimmed cell, NULL for the no-value markers (and an owner or group's "Not Assigned" or queue id),
    then the field's default; ``several``: the column saying the cell names several people, of whom
    the first is taken."""
    if several:
        cell = f"CASE WHEN {several} THEN regexp_extract({cell}, $first_person, 1) ELSE {cell} END"
    text = dates.value_or_null_sql(cell)
    if field_name in PEOPLE_FIELDS:
        # The prefix first: a regular expression on every owner cell would cost more.
        queue = f"coalesce(starts_with({cell}, '00G') AND regexp_full_match({cell}, '{vocabularies.QUEUE_ID}'), false)"
        text = f"CASE WHEN lower({cell}) NOT IN ({_words(vocabularies.NOBODY)}) AND NOT {queue} THEN {text} END"
    return f"coalesce({text}, CAST($default_{field_name} AS VARCHAR))" if default is not None else text


def _word_lookups(con: duckdb.DuckDBPyConnection, staged: reader.Staged, plan: ImportPlan) -> bool:
    """What each distinct status and priority text of the file means, as TEMP tables the mapping
    joins (``<staging>_states``, ``<staging>_levels``). Exports hold a handful of distinct words,
    so the vocabularies run in Python on those, not per row in SQL. Returns whether a priority's
    level is not the number it starts with."""
    lookups = (("status", "states", "state", "VARCHAR",
                lambda words: [plan.statuses.get(vocabularies.normalise(w)) for w in words]),
               ("priority", "levels", "level", "INTEGER", lambda words: vocabularies.levels_of(words, plan.priorities)))
    texts = {name: _text_sql(name, _cell_sql(staged, plan.mapping.get(name)), plan.defaults.get(name))
             for name, *_rest in lookups if name in plan.mapping or name in plan.defaults}
    defaults = {f"default_{name}": plan.defaults[name] for name in texts if name in plan.defaults}
    # Both fields' words in one scan of the staged rows (a scan per field cost twice as much), each
    # cell's text made once per distinct cell rather than once per row.
    columns = sorted({staged.ref(plan.mapping[name]) for name in texts if name in plan.mapping})
    cells = f"(SELECT DISTINCT {', '.join(columns)} FROM {staged.table})" if columns else staged.table
    found = dict(zip(texts, store.first_row(con, f"SELECT {', '.join(f'list(DISTINCT {t})' for t in texts.values())}"
                                                 f" FROM {cells}", defaults or None))) if texts else {}
    overruled = False
    for field_name, suffix, meaning, sql_type, mean in lookups:
        words = [word for word in found.get(field_name) or [] if word is not None]
        meanings = mean(words)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {staged.table}_{suffix} (text VARCHAR, {meaning} {sql_type})")
        con.execute(f"INSERT INTO {staged.table}_{suffix} SELECT unnest($words), unnest($meanings)",
                    {"words": words, "meanings": meanings})
        overruled |= field_name == "priority" and any(map(vocabularies.overruled, words, meanings))
    return overruled


# The fields whose cells, all equal to their column's header, make a row the header repeated.
HEADER_REPEATS = ("ticket_id", "created_at")


def _parameters(plan: ImportPlan, zone: str) -> dict:
    """The values the mapping SQL takes as parameters: the source system, each default, the
    vocabularies, the time zone (and the short names the file's zone writes) and the bounds
    outside which a date is a placeholder."""
    ceiling = datetime.now() + timedelta(days=dates.FUTURE_DAYS)
    return {"source_system": plan.source_system, "time_zone": zone, "first_person": vocabularies.FIRST_PERSON,
            "zone_names": list(dates.zone_abbreviations(plan.source_time_zone or zone)),
            "date_floor": plan.date_floor, "date_ceiling": ceiling.strftime("%Y-%m-%d %H:%M:%S"),
            **vocabularies.parameters(plan.statuses),
            **{f"header_{name}": " ".join(c.strip() for c in (plan.mapping[name], plan.time_columns.get(name)) if c)
               for name in HEADER_REPEATS if name in plan.mapping},
            **({"source_time_zone": plan.source_time_zone} if plan.source_time_zone else {}),
            **{f"default_{name}": value for name, value in plan.defaults.items()}}


def _lifecycle(values: dict[str, str]) -> dict[str, str]:
    """State, completion and open flag of a row, by the stated rules:

    - the status word's state; an unknown or missing status follows the dates (closed when it has
      a closed time, resolved when it has a resolved time, else open);
    - a done state is completed at the best time the row offers (resolved, closed, updated, created),
      flagged inferred when it had neither a resolved nor a closed time;
    - an open state with a solve date is open (reopened); cancelled tickets are never completed.
    """
    resolved, closed = values.get("resolved_at", "NULL"), values.get("closed_at", "NULL")
    by_dates = f"CASE WHEN {closed} IS NOT NULL THEN 'closed' WHEN {resolved} IS NOT NULL THEN 'resolved' ELSE 'open' END"
    state = f"coalesce({'m_state' if 'status' in values else 'NULL'}, {by_dates})"
    done = f"({state} IN ({_words(vocabularies.DONE_STATES)}))"
    best_time = f"coalesce({resolved}, {closed}, {values.get('updated_at', 'NULL')}, v_created_at)"
    return {
        "state": state,
        "completed_at": f"CASE WHEN {done} THEN {best_time} END",
        "completion_inferred": f"({done} AND {resolved} IS NULL AND {closed} IS NULL)",
        "is_open": f"({state} IN ({_words(vocabularies.OPEN_STATES)}))",
    }


def _fields(plan: ImportPlan) -> set[str]:
    """The canonical fields a plan gives a value: mapped to a column or given a default."""
    return {f.name for f in formats.FIELDS if f.name in plan.mapping or f.name in plan.defaults}


# Each field with a target (formats.Field.target) as its target column reads it.
_AS_TARGET = {
    "first_reply_minutes": "v_created_at + to_seconds(CAST(round(v_first_reply_minutes * 60) AS BIGINT))",
    "source_sla_failed": "NOT v_source_sla_failed",
}


def _ticket_select(fields: set[str]) -> str:
    """The SELECT list giving canonical columns from the parsed ``v_<field>`` columns of ``fields``."""
    values = {f.name: f"v_{f.name}" for f in formats.FIELDS if f.name in fields}
    for f in formats.FIELDS:   # a column the file fills only through another field (Field.target)
        if f.target and f.name in values:
            values.setdefault(f.target, _AS_TARGET[f.name])
    columns = {
        "source_system": "CAST($source_system AS VARCHAR)",
        "level": "v_level" if "priority" in values else "NULL",
        **_lifecycle(values),
        **{c: f"coalesce({values.get(c, 'NULL')}, 0)" for c in COUNT_COLUMNS},
        "forwarded_second_line": f"coalesce({values.get('forwarded_second_line', 'NULL')}, false)",
    }
    return ",\n  ".join(f"{columns.get(c, values.get(c, 'NULL'))} AS {c}" for c in TICKET_COLUMNS)


# The data-quality checks of one date column are named by a prefix and the field.
PLACEHOLDER, DATE_ONLY, END_OF_DAY = "placeholder_", "date_only_", "end_of_day_"
# A check of one owner or group column: its cells named several people (PEOPLE_FIELDS); and of
# one name column: its names lost a character to the file's encoding (NAME_FIELDS).
SEVERAL, LOSSY = "several_", "lossy_"
END_OF_DAY_SECONDS = 86399


def _quality_flags(values: set[str], overruled_levels: str | None, carried: list[str]) -> dict[str, str]:
    """Per data-quality check, the condition over a mapped row that raises it (see DataQuality);
    ``overruled_levels``: the file's priority lookups (``_word_lookups``) where a level is not the
    number its word starts with; ``carried``: the mapping's columns beside the ticket's."""
    flags = {f"{PLACEHOLDER}{f.name}": f"ph_{f.name}" for f in formats.FIELDS
             if f.kind == "datetime" and f.name in values}
    flags.update({column: column for column in carried if column.startswith((SEVERAL, LOSSY))})
    flags.update({
        "completed_before_created": "completed_at < created_at",
        "responded_before_created": "first_response_at < created_at",
        "completion_inferred": "completion_inferred",
        "reopened": "is_open AND (resolved_at IS NOT NULL OR closed_at IS NOT NULL)",
        "cancelled": "state = 'cancelled'",
    })
    if "status" in values:
        flags["unknown_status"] = "status IS NOT NULL AND m_state IS NULL"
    if "priority" in values:
        flags["unknown_priority"] = "priority IS NOT NULL AND level IS NULL"
        # Said because it is an assumption: the words decided (OTRS's 5 very high is Level 1), or the user did.
        # Read off the file's few distinct words (the pattern run on every row cost 0.3 s a million rows),
        # and only where one is overruled (even that semi-join cost 0.04 s).
        flags["priority_not_its_number"] = (
            f"priority IN (SELECT text FROM {overruled_levels} WHERE level <> {vocabularies.number_sql('text')})"
            if overruled_levels else "false")
    return flags


def preview(con: duckdb.DuckDBPyConnection, source: Source, plan: ImportPlan, progress: Progress = ignore,
            keep_text: bool = True) -> Preview:
    """Map and validate every row in SQL; count what a commit would do. Writes only TEMP tables,
    but for a direct import read in pieces, whose versions it writes ahead (``_write_ahead``).
    Tells ``progress`` the staged rows checked (phase ``check``) and the valid rows sorted (``sort``).
    ``keep_text`` False (a direct import: nothing previews the file again) drops the staged text
    once checked, so a big file's text and its sorted rows are never held at once."""
    missing = plan.missing_required()
    if missing:
        raise InputError(source.file_name, "ingest.missing_required", fields=missing)
    unknown = sorted(plan.columns_used() - set(source.columns))
    if unknown:
        raise InputError(source.file_name, "ingest.unknown_columns", columns=", ".join(unknown))
    already = batches.already_imported(con, source)
    detection = detect_dates(con, source, plan)
    malformed = reader.refused_rows(source.file_name, source.staged)
    if already:
        return Preview(source, plan, source.staged.rows + len(malformed), 0, 0, source.staged.rows, 0,
                       len(malformed), malformed, detection, already, None)

    fields, parameters = _fields(plan), _parameters(plan, time_zone(con))
    ahead = not keep_text and bool(source.pieces) and not plan.event_log  # see _write_ahead
    if not keep_text and not plan.event_log and not ahead:  # see SCRATCH_FROM_ROWS
        _attach_scratch(con, source)
    changes = f"{source.staged.table}_changes"
    pieces = len(source.pieces) + 1
    progress("check", 0, pieces if source.pieces else source.staged.rows)
    rows_read, refused, rejects, rejected_rows, not_data, found = 0, [], [], 0, 0, None
    for piece in range(pieces):
        if piece:  # the next piece's text replaces this one's; its first record follows the rows read
            con.execute(f"DROP TABLE {source.staged.table}")
            source.staged = reader.stage_piece(con, source.path, source.sniffed, source.staged.table,
                                               source.pieces[piece - 1], source.staged.columns,
                                               source.sniffed.header_row + 1 + rows_read, source.typed)
        bad, flags = _map_rows(con, source, plan, fields, parameters, create=not piece or ahead)
        piece_rejects, piece_rejected = _rejects(con, source, plan, source.mapped_table, bad)
        rejects += piece_rejects[:REJECT_LIST_LIMIT - len(rejects)]
        refused += reader.refused_rows(source.file_name, source.staged, at_end=piece == pieces - 1)
        rows_read += source.staged.rows + len(source.staged.malformed)
        if ahead:
            piece_found = _quality_counts(con, source.mapped_table, flags, plan, parameters)
            if not piece and piece_found.may_hold_dates_only(DERIVED_FLAGS):  # see _write_ahead
                ahead = False
                _mapped_into_scratch(con, source)
            else:
                found = piece_found if found is None else found + piece_found
                rejected_rows += piece_rejected
                not_data += batches.not_data_rows(con, source.mapped_table, bad)
                _write_ahead(con, source)
        else:
            rejected_rows = piece_rejected  # of every piece so far: the mapped rows add up
        if source.pieces:
            progress("check", piece + 1, pieces)
    if ahead:
        quality = _data_quality(con, _valid_rows(source), flags, found)
    else:
        mapped = source.mapped_table
        not_data = batches.not_data_rows(con, mapped, bad)
        quality = _deadlines_at_end_of_day(
            con, mapped, _data_quality(con, _valid_rows(source), flags, _quality_counts(con, mapped, flags, plan, parameters)),
            plan, parameters)
    skipped = not_data + batches.not_data_rejects(refused)
    if plan.event_log:
        quality = eventlog.quality(con, source.staged, parameters, quality)
    if not source.pieces:
        progress("check", source.staged.rows, source.staged.rows)
    if not keep_text and not plan.event_log:  # an event log's commit reads its events from the text
        con.execute(f"DROP TABLE {source.staged.table}")
    result = Preview(
        source, plan, rows_read=rows_read, to_insert=0, to_update=0, unchanged=0,
        superseded=0, rejected=rejected_rows + len(refused) - skipped, rejects=(refused + rejects)[:REJECT_LIST_LIMIT],
        date_detection=detection, already_imported=None, changes_table=changes, quality=quality, skipped=skipped,
    )
    return _classify(con, result, progress)


# Mapped rows take about 400 bytes each in a TEMP table. Held for the whole import, a big file's
# would not fit DuckDB's memory limit (1 GB) beside the write's sort, and DuckDB spills a TEMP
# table to disk uncompressed and reads it back at disk speed (at 10M rows 4 GB of temporary
# files, where the sort and the write took 380 of the import's 600 s). A file read in pieces, or
# over this many rows or PIECE_BYTES, puts its mapped rows in a scratch database file instead:
# compressed (about 60 bytes a row), its pages dropped from memory without being written again.
# Compressing them costs about 0.6 s per million rows, which a smaller file does not pay: a
# million rows (400 MB) and the write's sort fit together, once the write reads them only once
# (deadlines.with_derived_deadlines_sql holds no copy). Only a direct import (``keep_text``
# False) uses one: a database attached is seen by every cursor and outlives a browser session
# that never ends its preview; and an event log is mapped again inside the commit's
# transaction, which may write to one database only.
SCRATCH_FROM_ROWS = 1_200_000


def _attach_scratch(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Give a big file a scratch database for its mapped rows, once (``discard`` removes it)."""
    if source.scratch is not None or (not source.pieces and source.staged.rows <= SCRATCH_FROM_ROWS
                                      and source.path.stat().st_size <= PIECE_BYTES):
        return
    try:
        path = Path(tempfile.mkdtemp(prefix="import-scratch-")) / "mapped.duckdb"
        con.execute(f"ATTACH $path AS {source.scratch_name}", {"path": str(path)})
    except (OSError, duckdb.IOException) as err:
        raise InputError(source.file_name, "ingest.no_temp_space", detail=type(err).__name__) from err
    source.scratch = path


def _map_rows(con: duckdb.DuckDBPyConnection, source: Source, plan: ImportPlan, fields: set[str],
              parameters: dict, create: bool) -> tuple[dict[str, str], dict[str, str]]:
    """Map and check the staged rows into the mapped table (``create``: a new one, else appended
    to it); returns the reject condition and the data-quality flag of each check."""
    overruled = _word_lookups(con, source.staged, plan)
    levels, bad, carried = _parsed_columns(plan, source.staged, not source.sniffed.is_table
                                           and source.sniffed.encoding in LOSSY_ENCODINGS)
    relation = source.staged.numbered()
    for level in levels:
        if level:
            relation = f"(SELECT *, {', '.join(level)} FROM {relation})"
    if plan.event_log:  # one ticket per case, from this file's events and those stored before
        relation, fields, bad, carried = eventlog.cases(con, source.staged, fields, relation, bad, parameters,
                                                        source.replaces_batch)
    bad_list = ", ".join(f"{cond} AS bad_{name}" for name, cond in bad.items())
    any_bad = " OR ".join(bad.values())
    flags = _quality_flags(fields, f"{source.staged.table}_levels" if overruled else None, carried)
    # The data-quality flags are not stored: each is a condition over stored columns (DataQuality.conditions).
    rows = (f"SELECT source_row,\n  {_ticket_select(fields)},\n  {''.join(f'{c}, ' for c in carried)}"
            f"{bad_list}, ({any_bad}) AS is_rejected\nFROM {relation}")
    query = (f"CREATE OR REPLACE {'' if source.scratch else 'TEMP '}TABLE {source.mapped_table} AS {rows}" if create
             else f"INSERT INTO {source.mapped_table} {rows}")
    try:
        con.execute(query, sql.used_parameters(query, parameters))
    except duckdb.IOException as err:
        if source.scratch is None:
            raise
        # the scratch database's disk is full
        raise InputError(source.file_name, "ingest.no_temp_space", detail=type(err).__name__) from err
    return bad, flags


# A direct import of a file read in pieces writes each piece's valid rows into ticket_versions as
# soon as they are checked, not current yet, each piece in its own transaction (a piece's text
# and mapped rows dropped inside one long transaction would stay in memory until it ends); the
# commit then only sorts them against the store and makes them current, in the batch's one last
# transaction. Before, every piece's mapped rows waited, compressed, in the scratch database for
# a write at the end: two compressions of every row, and at 10M rows 12 s more. Versions written
# so are listed in unfinished_batches until then: ``discard`` deletes them if the import fails,
# and store.sweep_unfinished_batches if its process dies. A file whose first piece has a
# deadline column holding dates only so far is not written ahead: whether its times become
# 23:59:59 (_deadlines_at_end_of_day) is known only at the file's end.
def _write_ahead(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Write the piece's valid mapped rows as versions of the batch being imported, not current
    yet, and drop them."""
    with store.transaction(con):
        if source.written_ahead is None:
            source.written_ahead = batches.begin_unfinished(con)
        _insert_versions(con, _mapped_valid_rows(source.mapped_table), source.written_ahead, is_current=False)
    con.execute(f"DROP TABLE {source.mapped_table}")


def _mapped_into_scratch(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Move the mapped rows of a file's first piece to a scratch database, where the next pieces'
    will join them (a file not written ahead)."""
    first_piece = source.mapped_table
    _attach_scratch(con, source)
    con.execute(f"CREATE TABLE {source.mapped_table} AS SELECT * FROM {first_piece}")
    con.execute(f"DROP TABLE {first_piece}")


def _mapped_valid_rows(mapped: str) -> str:
    return f"SELECT source_row, {', '.join(TICKET_COLUMNS)} FROM {mapped} WHERE NOT is_rejected"


def _valid_rows(source: Source) -> str:
    """A query of the file's valid rows (file row and ticket columns), as exported: in its mapped
    rows, or in the versions written ahead (deadlines the app derived read as empty)."""
    if source.written_ahead is None:
        return _mapped_valid_rows(source.mapped_table)
    return (f"SELECT source_row, {', '.join(f'{_as_exported(c, table=None)} AS {c}' for c in TICKET_COLUMNS)}"
            f" FROM ticket_versions WHERE batch_id = {int(source.written_ahead)}")


@dataclass
class _QualityCounts:
    """The data-quality query's figures over some valid rows (a file, or one piece of it), which
    add up over pieces (``+``); ``DataQuality`` is made of the file's total (``quality``)."""

    counts: dict[str, int]
    examples: dict[str, list[int]]
    times: dict[str, tuple[int, int]]  # date column -> (cells holding a value, those with a time of day)
    statuses: dict[str, list]          # value -> [rows, state]
    priorities: dict[str, list]        # value -> [rows, level]

    def __add__(self, other: _QualityCounts) -> _QualityCounts:
        return _QualityCounts(
            {name: self.counts.get(name, 0) + rows for name, rows in other.counts.items()},
            {name: (self.examples.get(name, []) + rows)[:5] for name, rows in other.examples.items()},
            {name: (present + other.times[name][0], timed + other.times[name][1])
             for name, (present, timed) in self.times.items()},
            _added(self.statuses, other.statuses), _added(self.priorities, other.priorities))

    def may_hold_dates_only(self, names) -> bool:
        """Whether a column of ``names`` may still prove to hold dates only: no time of day yet."""
        return any(name in self.times and self.times[name][1] == 0 for name in names)


def _added(ours: dict[str, list], theirs: dict[str, list]) -> dict[str, list]:
    both = {value: list(seen) for value, seen in ours.items()}
    for value, (rows, meaning) in theirs.items():
        both.setdefault(value, [0, meaning])[0] += rows
    return both


def _quality_counts(con, mapped: str, flags: dict[str, str], plan: ImportPlan, parameters: dict) -> _QualityCounts:
    """Counts and first rows of each anomaly among the valid rows, the times of day each date
    column holds, and every status and priority value with its count and what it maps to."""
    dated = [f.name for f in formats.FIELDS if f.kind == "datetime" and f"{PLACEHOLDER}{f.name}" in flags]
    written = {name: _as_written(name, plan) for name in dated}
    times = "".join(f", count({name}), count(*) FILTER ({written[name]} <> date_trunc('day', {written[name]}))"
                    for name in dated)
    query = (f"SELECT {', '.join(f'count(*) FILTER ({c})' for c in flags.values())},"
             f" {', '.join(f'min(source_row, 5) FILTER ({c})' for c in flags.values())}{times}"
             f" FROM {mapped} WHERE NOT is_rejected")
    found = store.first_row(con, query, sql.used_parameters(query, parameters))
    seen = found[2 * len(flags):]
    statuses = con.execute(f"SELECT status, count(*), any_value(m_state) FROM {mapped} WHERE NOT is_rejected"
                           " AND status IS NOT NULL GROUP BY status").fetchall() if "unknown_status" in flags else []
    priorities = con.execute(f"SELECT priority, count(*), any_value(level) FROM {mapped} WHERE NOT is_rejected"
                             " AND priority IS NOT NULL GROUP BY priority").fetchall()
    return _QualityCounts(
        dict(zip(flags, found[:len(flags)])),
        {name: list(rows or []) for name, rows in zip(flags, found[len(flags):2 * len(flags)])},
        dict(zip(dated, zip(seen[::2], seen[1::2]))),
        {value: [rows, state] for value, rows, state in statuses},
        {value: [rows, level] for value, rows, level in priorities})


def _data_quality(con, valid_rows: str, flags: dict[str, str], found: _QualityCounts) -> DataQuality:
    """What ``found`` tells, over the file's ``valid_rows`` (a query). A date column holds dates
    only (DATE_ONLY) when all of its times (two or more) are midnight as the file wrote them (in its
    ``source_time_zone``): one midnight among times of day is a time."""
    counts, examples, flags = dict(found.counts), dict(found.examples), dict(flags)
    for name, (present, with_time) in found.times.items():
        if present >= 2 and with_time == 0:  # rare: its first rows are looked up on their own
            flags[DATE_ONLY + name] = f"{name} IS NOT NULL"  # every time of it is a date
            counts[DATE_ONLY + name] = present
            examples[DATE_ONLY + name] = store.scalar(
                con, f"SELECT min(source_row, 5) FROM ({valid_rows}) WHERE {name} IS NOT NULL")
    def by_rows(values: dict[str, list]) -> list[tuple]:
        return sorted(((value, rows, meaning) for value, (rows, meaning) in values.items()),
                      key=lambda seen: (-seen[1], seen[0]))
    return DataQuality(counts, examples, by_rows(found.statuses), by_rows(found.priorities), flags)


def _deadlines_at_end_of_day(con: duckdb.DuckDBPyConnection, mapped: str, quality: DataQuality,
                             plan: ImportPlan, parameters: dict) -> DataQuality:
    """A deadline column holding dates only (Jira's Due date, a commitment kept as a day) means
    "by the end of that day": read at midnight, a ticket completed that afternoon would count as
    late. Its times become 23:59:59 of that day where the file was written, and the finding says
    so (END_OF_DAY)."""
    for name in DERIVED_FLAGS:
        if DATE_ONLY + name not in quality.counts:
            continue
        end_of_day = f"{_as_written(name, plan)} + INTERVAL {END_OF_DAY_SECONDS} SECOND"
        update = (f"UPDATE {mapped} SET {name} = "
                  f"{dates.from_source_zone_sql(end_of_day) if plan.source_time_zone else end_of_day}")
        con.execute(update, sql.used_parameters(update, parameters))
        for found in (quality.counts, quality.examples, quality.conditions):
            found[END_OF_DAY + name] = found.pop(DATE_ONLY + name)
    return quality


def _as_written(column: str, plan: ImportPlan) -> str:
    """SQL: a stored time as the file wrote it, in its zone (``source_time_zone``) where it has one."""
    return dates.to_source_zone_sql(column) if plan.source_time_zone else column


def sample_values(con: duckdb.DuckDBPyConnection, source: Source, per_column: int = 3) -> dict[str, list[str]]:
    """The first few distinct non-empty values of each column, shown beside the mapping."""
    staged = source.staged
    picks = ", ".join(f"(list(DISTINCT {staged.ref(c)}) FILTER ({dates.value_or_null_sql(f'trim({staged.ref(c)})')}"
                      f" IS NOT NULL))[1:{per_column}]" for c in source.columns)
    row = store.first_row(con, f"SELECT {picks} FROM (SELECT * FROM {staged.table} LIMIT 200)")
    return {column: sorted(values or []) for column, values in zip(source.columns, row)}


def quality_rows(con: duckdb.DuckDBPyConnection, preview_: Preview) -> pd.DataFrame:
    """Every valid row a data-quality check raised: file row, check and ticket id, for download."""
    conditions = preview_.quality.conditions
    checks = list(conditions)
    if not checks or preview_.changes_table is None:
        return pd.DataFrame(columns=["row", "check", "ticket_id"])
    mapped = preview_.source.mapped_table
    parts = " UNION ALL ".join(f"SELECT source_row AS row, {i} AS check_index, ticket_id FROM {mapped}"
                               f" WHERE NOT is_rejected AND ({conditions[name]})" for i, name in enumerate(checks))
    frame = con.execute(f"SELECT * FROM ({parts}) ORDER BY row, check_index").df()
    return pd.DataFrame({"row": frame["row"], "check": [checks[i] for i in frame["check_index"]],
                         "ticket_id": frame["ticket_id"]})


def _classify(con: duckdb.DuckDBPyConnection, preview_: Preview, progress: Progress = ignore) -> Preview:
    """Sort the valid rows against the store: insert, update, unchanged, or stale (older than stored).

    Within the file the newest row of a ticket wins (audit-trail exports repeat an id per update).
    The changes table holds each valid row's file row, id and action only: the commit reads the
    values from the mapped rows, so a big file's tickets are not held twice while it waits.
    """
    valid = _valid_rows(preview_.source)
    valid_rows = preview_.rows_read - preview_.rejected - preview_.skipped
    progress("sort", 0, valid_rows)
    compared = ", ".join(f"n.{c}" for c in COMPARED_COLUMNS)
    current = ", ".join(_as_exported(c) for c in COMPARED_COLUMNS)
    repeated = store.scalar(con, f"SELECT count(*) - count(DISTINCT ticket_id) FROM ({valid})")
    # Ranking rows per id is the dearest step; most exports have each id once and skip it.
    newest_per_id = (" QUALIFY row_number() OVER (PARTITION BY ticket_id"
                     " ORDER BY updated_at DESC NULLS LAST, source_row DESC) = 1") if repeated else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {preview_.changes_table} AS
        WITH latest AS (SELECT * FROM ({valid}){newest_per_id})
        SELECT n.source_row, n.ticket_id, CASE
            WHEN c.ticket_id IS NULL THEN 'insert'
            WHEN n.updated_at < c.updated_at THEN 'stale'
            WHEN ({compared}) IS NOT DISTINCT FROM ({current}) THEN 'unchanged'
            ELSE 'update' END AS action
        FROM latest n LEFT JOIN tickets c USING (ticket_id)
    """)
    counts = dict(con.execute(f"SELECT action, count(*) FROM {preview_.changes_table} GROUP BY action").fetchall())
    progress("sort", valid_rows, valid_rows)
    return replace(
        preview_, data_version=store.data_version(con),
        to_insert=counts.get("insert", 0), to_update=counts.get("update", 0),
        unchanged=counts.get("unchanged", 0),
        superseded=(valid_rows - sum(counts.values())) + counts.get("stale", 0),
    )


def _as_exported(column: str, table: str | None = "c") -> str:
    """The stored value as its export gave it: deadlines the app derived itself count as empty."""
    prefix = f"{table}." if table else ""
    if column in DERIVED_FLAGS:
        return f"CASE WHEN {prefix}{DERIVED_FLAGS[column]} THEN NULL ELSE {prefix}{column} END"
    return f"{prefix}{column}"


def _rejects(con, source: Source, plan: ImportPlan, mapped: str, bad: dict[str, str]):
    columns = {**plan.mapping, "summary_row": plan.mapping.get("ticket_id"), "header_row": None, "blank_row": None}
    return batches.cell_rejects(con, source, mapped, bad, columns, lambda name, raw: _reason(name, raw, plan),
                                plan.time_columns)


def _reason(field_name: str, raw: str | None, plan: ImportPlan) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Translation key and values saying why a cell was refused."""
    if field_name == "summary_row":
        return "reject.summary_ticket_row", (("value", raw),)
    if field_name == "header_row":
        return "reject.header_repeated", ()
    if field_name == "blank_row":
        return "reject.empty_row", ()
    kind = formats.FIELD_BY_NAME[field_name].kind
    if field_name == "ticket_id" and re.fullmatch(vocabularies.EXCEL_SCIENTIFIC, (raw or "").strip()):
        return "reject.id_scientific", (("value", raw.strip()),)
    # A text cell is refused only when it holds nothing (an id ="" holds nothing either).
    if kind == "text" or dates.value_or_none(raw) is None:
        return "reject.empty_required", (("field", field_name),)
    if kind == "datetime":
        form = dates.BY_NAME[plan.date_formats.get(field_name, "iso")]
        if form.parse(raw) is not None:  # read, but a placeholder (1900-01-01 …): a required time is missing
            return "reject.placeholder_required", (("field", field_name), ("value", raw))
        return "reject.bad_date", (("value", raw), ("example", form.example), ("form", form.name))
    key = {"count": "reject.bad_ticket_count", "flag": "reject.bad_flag", "level": "reject.bad_level"}.get(kind, "reject.bad_minutes")
    return key, (("value", raw),)


def commit(con: duckdb.DuckDBPyConnection, preview_: Preview | interval_import.IntervalPreview,
           is_demo: bool = False, replace_demo: bool = False, progress: Progress = ignore,
           copying: Future[Path] | None = None) -> ImportReport:
    """Store the batch: new ticket versions, batch record, original file, in one transaction
    (``batches.commit``); ``replace_demo`` first takes every demo batch out. An interval
    report's preview goes to its own kind. Tells ``progress`` the versions written (``write``).
    ``copying``: the original's copy, started ahead (``batches.copy_ahead``)."""
    if isinstance(preview_, interval_import.IntervalPreview):
        return interval_import.commit(con, preview_, is_demo, replace_demo)
    written_ahead = preview_.source.written_ahead
    store_versions = _make_current if written_ahead is not None else _store_versions
    report = batches.commit(con, "tickets", preview_, _sort_again, partial(store_versions, progress=progress),
                            is_demo, replace_demo, copying, batch_id=written_ahead)
    return replace(report, matched_by_name=preview_.matched_by_name)


def _sort_again(con: duckdb.DuckDBPyConnection, preview_: Preview) -> Preview:
    """The preview's rows sorted against the store as it is now; an event log's cases are
    folded again, with the events stored since."""
    return preview(con, preview_.source, preview_.plan) if preview_.plan.event_log else _classify(con, preview_)


# New versions are written this many file rows at a time (inside the batch's one transaction):
# the progress bar moves, and each statement's deadline joins stay small.
WRITE_CHUNK_ROWS = 1_000_000


def _store_versions(con, preview_: Preview, batch_id: int, progress: Progress = ignore) -> None:
    changes, mapped = preview_.changes_table, preview_.source.mapped_table
    _retire_updated(con, changes)
    total = preview_.to_insert + preview_.to_update
    first, last = store.first_row(con, f"SELECT min(source_row), max(source_row) FROM {changes}")
    progress("write", 0, total)
    written = 0
    # Most files are all new or changed tickets, each once: then every valid row is written, and
    # the semi-join with the changes table (0.3 s a million rows) is not needed.
    every_valid_row = preview_.unchanged == preview_.superseded == 0
    for start in range(first, last + 1, WRITE_CHUNK_ROWS):
        rows = f"BETWEEN {start} AND {start + WRITE_CHUNK_ROWS - 1}"
        written_rows = "NOT is_rejected" if every_valid_row else (
            f"source_row IN (SELECT source_row FROM {changes} WHERE action IN ('insert', 'update') AND source_row {rows})")
        new_versions = (f"SELECT source_row, {', '.join(TICKET_COLUMNS)} FROM {mapped} WHERE source_row {rows}"
                        f" AND {written_rows}")
        written += _insert_versions(con, new_versions, batch_id)
        progress("write", written, total)
    if preview_.plan.event_log:
        eventlog.store_events(con, preview_.source.staged, batch_id)


def _retire_updated(con: duckdb.DuckDBPyConnection, changes: str) -> None:
    """The stored versions of the tickets the batch updates are no longer current."""
    con.execute(f"UPDATE ticket_versions SET is_current = false WHERE is_current AND ticket_id IN "
                f"(SELECT ticket_id FROM {changes} WHERE action = 'update')")


def _insert_versions(con: duckdb.DuckDBPyConnection, new_versions: str, batch_id: int, is_current: bool = True) -> int:
    """Write the rows of ``new_versions`` (file row and ticket columns) as versions of the batch,
    with the deadlines the export lacks derived; returns how many."""
    columns = ", ".join(TICKET_COLUMNS + DERIVED_COLUMNS)
    # In completion order, so each statement's row groups span a narrow completed_at range and the
    # reports' zone maps skip the groups completed before the period (store.TICKET_ORDER).
    return con.execute(
        f"INSERT INTO ticket_versions ({columns}, batch_id, source_row, is_current) "
        f"SELECT {columns}, $batch, source_row, $current FROM ({with_derived_deadlines_sql(new_versions)}) "
        f"ORDER BY {store.TICKET_ORDER}",
        {"batch": batch_id, "current": is_current},
    ).fetchone()[0]


def _make_current(con: duckdb.DuckDBPyConnection, preview_: Preview, batch_id: int, progress: Progress = ignore) -> None:
    """The commit of a batch written ahead (``_write_ahead``): its versions sorted as new, updated,
    unchanged or superseded; the last two deleted, the others made current."""
    changes, total = preview_.changes_table, preview_.to_insert + preview_.to_update
    progress("write", 0, total)
    if preview_.unchanged or preview_.superseded:
        con.execute(f"DELETE FROM ticket_versions WHERE batch_id = $batch AND source_row NOT IN"
                    f" (SELECT source_row FROM {changes} WHERE action IN ('insert', 'update'))", {"batch": batch_id})
    _retire_updated(con, changes)
    con.execute("UPDATE ticket_versions SET is_current = true WHERE batch_id = $batch", {"batch": batch_id})
    batches.end_unfinished(con, batch_id)
    progress("write", total, total)


def discard(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """Drop a preview's TEMP tables and its scratch database (after commit, or when the user cancels)."""
    discard_tables(con, source.staged.table)
    if source.written_ahead is not None:  # deleted unless the commit recorded the batch
        batches.drop_unfinished(con, source.written_ahead)
        source.written_ahead = None
    if source.scratch is not None:
        con.execute(f"DETACH DATABASE IF EXISTS {source.scratch_name}")
        shutil.rmtree(source.scratch.parent, ignore_errors=True)
        source.scratch = None


def discard_tables(con: duckdb.DuckDBPyConnection, table: str) -> None:
    for suffix in ("", "_mapped", "_changes", "_events", "_history", "_states", "_levels"):
        con.execute(f"DROP TABLE IF EXISTS {table}{suffix}")


def import_file(con: duckdb.DuckDBPyConnection, path: Path, profile: str | None = None,
                is_demo: bool = False, plan: ImportPlan | None = None, event_log: bool = False,
                progress: Progress = ignore, source_time_zone: str | None = None) -> ImportReport:
    """Import one file without a separate confirmation step (CLI, demo data, scheduled jobs),
    with a saved profile or known format by name, a given plan (a profile file), or the best fit;
    ``event_log`` reads it as an event log even when its header does not say so. Without a plan or
    profile, an interval report is recognised by its header and imported as intervals. ``progress``
    hears every phase (``kpi.ingest.progress``). ``source_time_zone`` overrides the plan's
    (``ImportPlan``). A ticket export over PIECE_BYTES is staged and checked a piece at a time."""
    try:
        return _import_file(con, Path(path), profile, is_demo, plan, event_log, progress, PIECE_BYTES, source_time_zone)
    except _ReadWhole:
        return _import_file(con, Path(path), profile, is_demo, plan, event_log, progress, None, source_time_zone)


class _ReadWhole(Exception):
    """A file opened a piece at a time that has to be read whole after all."""


def _import_file(con: duckdb.DuckDBPyConnection, path: Path, profile: str | None, is_demo: bool,
                 plan: ImportPlan | None, event_log: bool, progress: Progress, piece_bytes: int | None,
                 source_time_zone: str | None) -> ImportReport:
    try:
        source = open_source(con, path, progress=progress, piece_bytes=piece_bytes,
                             typed=typed_dates(con, path, profile, plan, event_log))
    except InputError as err:
        _read_whole_if_cut_wrong(err, piece_bytes is not None and path.stat().st_size > piece_bytes)
        raise
    copying = None
    try:
        intervals = None if plan or profile or event_log else interval_import.open_preview(con, source)
        chosen = None if intervals is not None else (
            with_detected_dates(con, source, replace(plan, event_log=plan.event_log or event_log)) if plan
            else propose_plan(con, source, profile, event_log))
        if source.pieces and (intervals is not None or chosen.event_log):  # these read their text whole
            raise _ReadWhole
        if intervals is not None:
            return commit(con, intervals, is_demo)
        if plan is None and chosen.profile == "custom":
            # A mapping guessed from the columns' names is for a person to check, on the upload page.
            guessed = [(column, name) for name, column in chosen.mapping.items()]
            near = formats.near_miss(source.columns)
            if near:
                product, headers = near
                raise InputError(source.file_name, "ingest.near_miss", product=product, headers=headers,
                                 guessed=guessed)
            raise InputError(source.file_name, "ingest.no_known_format", guessed=guessed)
        if source_time_zone is not None:
            chosen = replace(chosen, source_time_zone=source_time_zone)
        if batches.already_imported(con, source) is None:
            copying = batches.copy_ahead(con, source)
        return commit(con, preview(con, source, chosen, progress, keep_text=False), is_demo, progress=progress,
                      copying=copying)
    except InputError as err:
        _read_whole_if_cut_wrong(err, bool(source.pieces))
        raise
    finally:
        batches.abandon(copying)
        discard(con, source)


# A direct import lets DuckDB's reader parse the date columns of this form (reader.TypedDates).
READ_DATES_WHILE_STAGING = True
TYPED_FORM = "iso"


def typed_dates(con: duckdb.DuckDBPyConnection, path: Path, profile: str | None = None,
                plan: ImportPlan | None = None, event_log: bool = False) -> reader.TypedDates | None:
    """The date columns of a UTF-8 or Big5 ticket export that DuckDB's reader may parse as it stages the
    file, for a direct import: those the plan (chosen as it will be, here from the file's first
    256 KB) reads as ISO dates, with no default, whose sample cells all fit one strptime pattern
    of the form (the pattern most such columns share). None for anything else: an event log or
    interval report, another encoding, a workbook, no such column."""
    if not READ_DATES_WHILE_STAGING or event_log:
        return None
    with _head_of(con, path) as source:
        if source is None or (interval_import.recognise(source.columns) is not None and not (plan or profile)):
            return None
        try:
            chosen = (with_detected_dates(con, source, replace(plan, date_formats=dict(plan.date_formats))) if plan
                      else propose_plan(con, source, profile))
        except InputError:
            return None
        return None if chosen.event_log else _typed_columns(con, source, chosen)


def proposed_plan(con: duckdb.DuckDBPyConnection, path: Path, profile: str | None = None,
                  event_log: bool = False) -> ImportPlan:
    """The mapping an import of the file at ``path`` would propose (a known format's, a saved
    profile's, or one guessed from the columns' names), read from its head where it is a CSV;
    nothing is stored. The command line writes it as a profile file to be checked."""
    with _head_of(con, path) as head:
        if head is not None:
            return propose_plan(con, head, profile, event_log)
    source = open_source(con, path)
    try:
        return propose_plan(con, source, profile, event_log)
    finally:
        discard(con, source)


@contextmanager
def _head_of(con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[Source | None]:
    """A UTF-8 or Big5 CSV's first 256 KB of whole lines, opened as a source named as the file, for
    what is chosen from a file's head; None for a workbook, another encoding (a UTF-16 file's
    lines do not end at a byte 0A) or a head that cannot be read (the import says why)."""
    with open(path, "rb") as f:
        head = f.read(reader.SNIFF_BYTES)
    try:
        sniffed = reader.sniff(head, path.name)
    except InputError:
        sniffed = None
    if sniffed is None or sniffed.kind != "csv" or sniffed.encoding not in ("utf-8", "utf-8-sig", encodings.BIG5):
        yield None
        return
    head = head[:head.rfind(b"\n") + 1]  # whole lines
    try:
        handle, name = tempfile.mkstemp(suffix=".csv", prefix="head-")
    except OSError:  # a full temporary folder: the import says so where it needs the space
        yield None
        return
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(head)
        source = open_source(con, Path(name), path.name)
    except (OSError, InputError):
        os.unlink(name)
        yield None
        return
    try:
        yield source
    finally:
        discard(con, source)
        os.unlink(name)


def _typed_columns(con: duckdb.DuckDBPyConnection, source: Source, plan: ImportPlan) -> reader.TypedDates | None:
    form = dates.BY_NAME[TYPED_FORM]
    read_as_text = {column for name, column in plan.mapping.items() if formats.FIELD_BY_NAME[name].kind != "datetime"}
    patterns = {}
    for name, column in plan.mapping.items():
        if (formats.FIELD_BY_NAME[name].kind != "datetime" or name in plan.defaults or column in read_as_text
                or name in plan.time_columns or plan.date_formats.get(name) != TYPED_FORM
                or column not in source.columns):
            continue
        values = _date_samples(con, source, column)
        fitting = next((p for p in form.patterns if values and all(_fits(v, p) for v in values)), None)
        if fitting:
            patterns[column] = fitting
    if not patterns:
        return None
    shared_by = Counter(patterns.values())
    shared = max(shared_by, key=lambda p: (shared_by[p], -form.patterns.index(p)))
    return reader.TypedDates(tuple(c for c, p in patterns.items() if p == shared), shared)


def _fits(value: str, pattern: str) -> bool:
    """Whether ``value`` is written exactly as ``pattern`` writes its time (zero-padded): a refused
    cell is quoted back in the pattern (reader.Staged.text), so it must read as it was written."""
    try:
        return datetime.strptime(value, pattern).strftime(pattern) == value
    except ValueError:
        return False


def _read_whole_if_cut_wrong(err: InputError, cut: bool) -> None:
    """A quote inside an unquoted cell (x"y, which DuckDB reads as text) upsets the quote count
    the cuts are found by, so a cut may fall inside a quoted cell; DuckDB then finds a quote
    never closed in that piece. Such a file is read whole instead, which also names the row of
    a quote that is really never closed."""
    if cut and err.key == "ingest.unclosed_quote":
        raise _ReadWhole from err


def import_files(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], profile: str | None = None,
                 is_demo: bool = False) -> list[ImportReport]:
    """Import files one after another; each is its own transaction. Raises on the first unreadable file."""
    return [import_file(con, Path(p), profile, is_demo) for p in paths]


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""
        SELECT batch_id, kind, file_name, profile, imported_at, rows_read, rows_inserted, rows_updated,
               rows_unchanged, rows_rejected, rows_skipped, is_demo, undone_at
        FROM import_batches ORDER BY batch_id DESC
    """).df().astype({"undone_at": "datetime64[us]"})


def batch_week(con: duckdb.DuckDBPyConnection, batch_id: int) -> str | None:
    """The ISO week (``2026-W47``) of the newest creation time among a batch's tickets: the
    imported period's weekly page. None when the batch stored no ticket version."""
    newest = store.scalar(con, "SELECT max(created_at) FROM ticket_versions WHERE batch_id = ?", [batch_id])
    return None if newest is None else periods.week_containing(newest).label


def store_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """What the home page tells: ticket count, date range, open tickets, whether it is demo data,
    and how many demo people are stored."""
    tickets, first, last, open_, cancelled = store.first_row(
        con, "SELECT count(*), min(created_at), max(created_at), count(*) FILTER (is_open),"
             " count(*) FILTER (is_cancelled) FROM tickets")
    batch_count, demo_batches = store.first_row(
        con, "SELECT count(*), count(*) FILTER (is_demo) FROM import_batches WHERE undone_at IS NULL")
    return {"tickets": tickets, "first_created": first, "last_created": last, "open": open_, "cancelled": cancelled,
            "batches": batch_count, "demo_only": batch_count > 0 and demo_batches == batch_count,
            "demo_people": demo_people_count(con)}
