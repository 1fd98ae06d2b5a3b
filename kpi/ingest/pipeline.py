"""One import for every kind of file: which kind a file is, and importing it as that kind.

``kpi import``, the inbox and the upload page ask ``recognise``; every kind then reads, checks
and previews its own rows and stores them as one batch of ``kpi.ingest.batches``. Kinds are tried
from the most particular layout to the most general: a Planner export (its task table's header),
a people file (a header naming people with competencies, or the competency model), then ticket
exports and interval reports, which the ticket importer tells apart and which may be far larger.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from kpi.ingest import importer, reader
from kpi.ingest.batches import ImportReport
from kpi.ingest.progress import Progress, ignore
from kpi.okr import planner
from kpi.people import imports as people

# Planner and people files are read whole to be recognised; a text file larger than this is an
# export of tickets or intervals (one of a GB is never read twice to find out it is not a plan).
MAX_TABLE_BYTES = 2 << 20
TICKETS_OR_INTERVALS = "tickets"


def may_be_table(file_name: str, size: int) -> bool:
    """Cheap first test before a file is read whole: a workbook, or a small text table."""
    return Path(file_name).suffix.lower() in reader.WORKBOOK_SUFFIXES or size <= MAX_TABLE_BYTES


def recognise(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str) -> str:
    """planner, people, or tickets (ticket exports and interval reports: the importer decides)."""
    if not may_be_table(file_name, len(data)):
        return TICKETS_OR_INTERVALS
    if planner.is_planner_export(data, file_name):
        return planner.KIND
    if people.is_people_file(con, data, file_name):
        return people.KIND
    return TICKETS_OR_INTERVALS


def import_path(con: duckdb.DuckDBPyConnection, path: Path, profile: str | None = None,
                plan: importer.ImportPlan | None = None, event_log: bool = False, is_demo: bool = False,
                rated: people.ImportDefaults | None = None, progress: Progress = ignore,
                source_time_zone: str | None = None) -> ImportReport:
    """Import one file as the kind it is, without a separate confirmation (command line, inbox).
    A profile, a mapping or ``event_log`` says it is a ticket export; ``rated`` is who rated and
    when, for a people file of ratings that does not say; ``progress`` hears a ticket export's or
    interval report's steps; ``source_time_zone`` is a ticket export's (``ImportPlan``). Raises
    InputError for a bad file."""
    if profile is None and plan is None and not event_log and may_be_table(path.name, path.stat().st_size):
        data = path.read_bytes()
        kind = recognise(con, data, path.name)
        if kind == planner.KIND:
            preview = planner.read_export(con, data, path.name)
            return planner.report(preview, planner.commit(con, preview, is_demo))
        if kind == people.KIND:
            people_plan = people.plan_import(con, reader.read_frame(data, path.name), rated or people.ImportDefaults())
            return people.report(con, people_plan, people.apply_import(con, people_plan, is_demo=is_demo))
    return importer.import_file(con, path, profile, is_demo, plan=plan, event_log=event_log, progress=progress,
                                source_time_zone=source_time_zone)

