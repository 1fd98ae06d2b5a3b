"""``python -m kpi import FILE... [--db PATH] [--profile NAME | --mapping FILE | --write-mapping FILE] [--event-log]`` for big files and
scheduled jobs."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kpi import i18n, inbox, store
from kpi.cli import UserError
from kpi.ingest import dates, importer, pipeline, profiles
from kpi.ingest.errors import InputError, column_fields
from kpi.ingest.batches import NOT_DATA
from kpi.ingest.progress import overall


# The page's texts for these point at its table of words; here a profile carries the choice.
CLI_TEXTS = {"unknown_status": "quality.unknown_status_cli", "unknown_priority": "quality.unknown_priority_cli",
             "priority_not_its_number": "quality.priority_not_its_number_cli"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="import any file the app knows (CSV, TSV, XLSX, and .xls web pages or XML): ticket exports, event logs, interval "
                       "reports, Planner workbooks, people files",
        description="Import files as the kind each one is: a Microsoft Planner export, a people file (people, "
                    "skills matrix, ratings, certificates, learning, competency model), or a ticket export or "
                    "interval report. Each file is one batch and one transaction; a file already imported "
                    "changes nothing. Exits 1 when no file could be read or every row of every file was "
                    "rejected; an export whose rows are all unchanged is read fine (exit 0), so a scheduled "
                    "job does not fail on a week without changes.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument("--profile", help="saved mapping profile or known format (econtact, zendesk, …)")
    choice.add_argument("--mapping", type=Path, metavar="PROFILE.json",
                        help="a mapping profile file (saved from the upload page or written by hand)")
    choice.add_argument("--write-mapping", type=Path, metavar="PROFILE.json",
                        help="import nothing: write the mapping the import would propose for the one FILE (a known "
                             "format's, a saved profile's, or guessed from the column names) as a profile file, "
                             "to check and then pass to --mapping")
    parser.add_argument("--event-log", action="store_true",
                        help="read the files as process-mining event logs (one row per activity of a case), "
                             "whatever their header looks like")
    parser.add_argument("--source-time-zone", metavar="ZONE",
                        help="the zone of the times a ticket export writes without a UTC offset, when it is not the "
                             "store's (e.g. UTC for an export made by an integration account); overrides the profile's")
    parser.add_argument("--show-rejects", type=int, default=20, metavar="N",
                        help="list at most N rejected rows per file (default 20)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    plan = None
    if args.source_time_zone is not None and not dates.is_time_zone(args.source_time_zone):
        print(f"error: --source-time-zone {args.source_time_zone}: {i18n.t('ingest.unknown_time_zone', 'en')}",
              file=sys.stderr)
        return 2
    if args.write_mapping:
        return _write_mapping(args)
    if args.mapping:
        try:
            plan = profiles.from_json(args.mapping.read_bytes(), args.mapping.name)
        except OSError as err:
            print(f"error: {args.mapping.name}: {err.strerror}", file=sys.stderr)
            return 2
        except InputError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    try:
        con = store.connect(args.db)
    except store.StoreUnavailable as err:
        if err.reason != "locked":
            raise
        raise UserError(i18n.t("store.locked_import", "en", file=err.file, inbox=inbox.inbox_dir(args.db))) from None
    imported = 0
    for path in args.files:
        if not path.is_file():
            print(f"error: {_not_a_file(path)}", file=sys.stderr)
            continue
        try:
            report = pipeline.import_path(con, path, args.profile, plan=plan, event_log=args.event_log,
                                          progress=ProgressLines(path.name), source_time_zone=args.source_time_zone)
        except InputError as err:
            print(f"error: {err}", file=sys.stderr)
            continue
        print(report.summary())
        if report.matched_by_name:
            pairs = column_fields(report.matched_by_name, "en")
            print(f"  note: {i18n.t('ingest.matched_by_name', 'en', guessed=pairs)}")
        if report.renamed:
            print(f"  note: {i18n.t('ingest.duplicate_headers', 'en', columns=', '.join(report.renamed))}")
        if report.user_defined:
            print(f"  note: {i18n.t('ingest.user_defined_characters', 'en', count=report.user_defined)}")
        for finding in report.findings:
            rows = ", ".join(str(row) for row in finding.rows)
            text = (i18n.t(CLI_TEXTS[finding.check], "en", **dict(finding.values)) if finding.check in CLI_TEXTS
                    else finding.text_in("en"))
            print(f"  note: {finding.count:,} row{'' if finding.count == 1 else 's'}: {text} (first rows: {rows})")
        for reject in report.rejects[: args.show_rejects]:
            print(f"  {'skipped' if reject.key in NOT_DATA else 'rejected'}: {reject.file}, {reject.where_and_why}")
        if len(report.rejects) > args.show_rejects:
            print(f"  … {len(report.rejects) - args.show_rejects} more rejected rows")
        imported += not report.kept_nothing
    con.close()
    return 0 if imported else 1


def _write_mapping(args: argparse.Namespace) -> int:
    """``--write-mapping``: the proposed plan of the one file, as a profile file that is not there yet."""
    if len(args.files) != 1:
        raise UserError("--write-mapping takes one FILE")
    path, out = args.files[0], args.write_mapping
    if not path.is_file():
        raise UserError(_not_a_file(path))
    if out.exists():
        raise UserError(f"{out} already exists: remove it or name another file")
    with store.connect(args.db) as con:
        try:
            plan = importer.proposed_plan(con, path, args.profile, args.event_log)
        except InputError as err:
            raise UserError(str(err)) from None
    if args.source_time_zone:
        plan.source_time_zone = args.source_time_zone
    try:
        out.write_text(profiles.to_json(plan) + "\n", encoding="utf-8")
    except OSError as err:
        raise UserError(f"{out}: {err.strerror}") from None
    fields = column_fields([(column, name) for name, column in plan.mapping.items()], "en")
    print(f"{path.name}: {len(plan.mapping)} fields mapped ({fields}); written to {out}: check it, then import "
          f"with --mapping {out}")
    return 0


def _not_a_file(path: Path) -> str:
    return f"{path}: {'a folder, not a file' if path.is_dir() else 'no such file'}"


class ProgressLines:
    """Progress lines on stderr for an import that has taken ``quiet_seconds`` already: a line
    per phase and at most one every ``every_seconds`` within it; a quick import prints none."""

    def __init__(self, file_name: str, quiet_seconds: float = 3.0, every_seconds: float = 2.0,
                 clock=time.monotonic, out=None):
        self.file_name, self.quiet, self.every, self.clock = file_name, quiet_seconds, every_seconds, clock
        self.out = out or sys.stderr
        self.started = clock()
        self.last_line, self.last_phase = None, None

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.quiet:
            return
        if phase == self.last_phase and now - self.last_line < self.every and done < total:
            return
        self.last_line, self.last_phase = now, phase
        step = i18n.t(f"progress.{phase}", "en")
        print(i18n.t("progress.line", "en", file=self.file_name, step=step, done=f"{done:,}", total=f"{total:,}",
                     percent=f"{overall(phase, done, total):.0%}"), file=self.out, flush=True)
