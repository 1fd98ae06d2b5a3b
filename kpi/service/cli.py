"""``python -m kpi weekly``, ``commitments`` and ``distribution``: the service reports as JSON or CSV;
``python -m kpi export-parquet``: the store's tickets as Parquet, for Spark; ``python -m kpi report``:
the weekly report for managers as a PDF or HTML file.

Either reads the store (``--db PATH``, default $SERVICE_OPS_DB), imports the given export
files into a throw-away in-memory store, or runs on Apache Spark (``--engine spark`` over
``--spark-source``, the Parquet export or a table; ``--source`` names it too when it is the only
one given), printing the same rows. ``--calendar FILE`` applies an office-calendar CSV for
this run only: to the in-memory store before the import, or to ``--db`` in a transaction that
is rolled back after the report, so the stored settings stay as they were.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from kpi import i18n, store, targets
from kpi.cli import UserError, existing_database
from kpi.engine import ENGINES, configured_engine
from kpi.engine import spark as spark_engine
from kpi.engine.parquet import ExportError, export_parquet
from kpi.ingest.errors import InputError
from kpi.ingest.importer import import_files
from kpi.service import periods, report, settings, weekly_document
from kpi.service.deadlines import what_if
from kpi.service.definitions import COMMITMENT_COLUMNS, WEEKLY_COLUMNS
from kpi.engine import Source

TOTAL = "TOTAL"


def register(subparsers) -> None:
    weekly = subparsers.add_parser(
        "weekly", help="the weekly service-request report (服務請求指標分析報表)",
        description="One row per owner or department and a TOTAL row: " + ", ".join(WEEKLY_COLUMNS)
        + ". Rates are fractions 0-1, null where the denominator is 0. Without a period: the last complete week.",
    )
    _period_options(weekly)
    weekly.add_argument("--due", choices=report.DUE_BASES, default="current",
                        help="due time: current commitment (預計完成時間, default), first commitment or standard")
    _common(weekly)
    weekly.set_defaults(handler=run_weekly)

    document = subparsers.add_parser(
        "report", help="the weekly report for managers as a PDF or HTML file",
        description="KPI cards, the manager's comment, the service-level trend, the escalation distribution, "
        "the weekly table and the top alerts, as an A4 PDF or a self-contained HTML page. "
        "Without a period: the last complete week with data.",
    )
    _period_options(document)
    document.add_argument("--due", choices=report.DUE_BASES, default="current",
                          help="due time: current commitment (預計完成時間, default), first commitment or standard")
    document.add_argument("--by", choices=("owner", "department"), default="owner", help="one row per (default owner)")
    document.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE, help="language (default zh-TW)")
    document.add_argument("--comment", default="", metavar="TEXT", help="the manager's comment")
    document.add_argument("--format", choices=("pdf", "html"), help="default: from the --out file's suffix")
    document.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write")
    document.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    document.add_argument("--calendar", type=Path, metavar="FILE",
                          help="office-calendar CSV for business-day deadlines, for this run only")
    document.set_defaults(handler=run_report, files=[], source=[], batch=[])

    commitments = subparsers.add_parser(
        "commitments", help="commitment, first-commitment and standard achievement",
        description="Over the tickets completed in the period (both days of a range included): "
        + ", ".join(COMMITMENT_COLUMNS) + " per group and TOTAL, fractions 0-1 (null when nothing was completed)."
        " Without a period: the last complete week.",
    )
    _period_options(commitments)
    _common(commitments)
    commitments.set_defaults(handler=run_commitments)

    distribution = subparsers.add_parser(
        "distribution", help="tickets in play by escalation or extension count (0, 1, 2, 3+)",
        description="One row per owner or department and a TOTAL row: " + ", ".join(DISTRIBUTION_COLUMNS)
        + ". Without a period: the last complete week.",
    )
    _period_options(distribution)
    distribution.add_argument("--counted", choices=("escalation", "extension"), default="escalation",
                              help="count escalations (default) or extensions of the commitment")
    _common(distribution)
    distribution.set_defaults(handler=run_distribution)

    export = subparsers.add_parser(
        "export-parquet", help="write the store's tickets as Parquet, partitioned by month, for Spark",
        description="Writes the current tickets with their lifecycle columns (state, completed_at, "
        "is_cancelled) to DIR/created_month=YYYY-MM/*.parquet. DIR must be new or empty.",
    )
    export.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    export.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder to write (new or empty)")
    export.set_defaults(handler=run_export_parquet)


def _period_options(parser: argparse.ArgumentParser) -> None:
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--week", help="ISO week, e.g. 2009-W41")
    chosen.add_argument("--month", help="calendar month, e.g. 2009-10")
    chosen.add_argument("--from", dest="first", type=date.fromisoformat, metavar="DATE",
                        help="first day of a custom range (YYYY-MM-DD, with --to)")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, metavar="DATE",
                        help="last day of a custom range, included")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", choices=("owner", "department"), default="owner", help="one row per (default owner)")
    parser.add_argument("--calendar", type=Path, metavar="FILE",
                        help="office-calendar CSV (西元日期, 星期, 是否放假, 備註) for business-day deadlines")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="ticket exports to report on instead of the database")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument("--source", action="append", default=[], metavar="SYSTEM",
                        help="only tickets from this source system (e.g. Zendesk); repeat for several. With "
                        "--engine spark and no --spark-source, the one --source names where the tickets are")
    parser.add_argument("--batch", action="append", default=[], type=int, metavar="ID",
                        help="only tickets whose current version came in this import batch; repeat for several")
    parser.add_argument("--engine", choices=ENGINES, default=configured_engine(),
                        help="where the report runs: the DuckDB store (default) or Apache Spark ($SERVICE_OPS_ENGINE)")
    parser.add_argument("--spark-source", default=os.environ.get(spark_engine.SOURCE_ENV_VAR), metavar="DIR_OR_TABLE",
                        help="with --engine spark: the tickets as Parquet (a folder or URL such as s3a://bucket/tickets, "
                        f"from export-parquet) or a table name (default ${spark_engine.SOURCE_ENV_VAR})")
    parser.add_argument("--spark-remote", metavar="URL",
                        help=f"Spark Connect server, e.g. sc://host:15002 (default ${spark_engine.REMOTE_ENV_VAR})")
    parser.add_argument("--spark-master", metavar="URL",
                        help=f"Spark master without Spark Connect, e.g. spark://host:7077 (default "
                        f"${spark_engine.MASTER_ENV_VAR} or local[*], this machine)")


def _scope(args: argparse.Namespace) -> dict:
    # On Spark without --spark-source, --source names where the tickets are (_spark_location).
    names_location = args.engine == "spark" and not args.spark_source
    return {"sources": () if names_location else tuple(args.source), "batches": tuple(args.batch)}


def _period(args: argparse.Namespace, con: Source) -> periods.Period:
    try:
        if getattr(args, "week", None):
            return periods.iso_week(args.week)
        if getattr(args, "month", None):
            return periods.month(args.month)
        if args.first or args.last:
            if not (args.first and args.last):
                raise UserError("a custom range needs both --from and --to")
            return periods.date_range(args.first, args.last)
    except periods.PeriodError as err:
        raise UserError(str(err)) from None
    return report.default_week(con, date.today())


@contextmanager
def _source(args: argparse.Namespace) -> Iterator[Source]:
    """What the report runs on: the store (see ``_store``) or a Spark session over --spark-source."""
    if args.engine == "duckdb":
        with _store(args) as con:
            yield con
        return
    if args.engine not in ENGINES:
        raise UserError(f"the engine is one of {', '.join(ENGINES)}, not {args.engine!r}")
    if args.files or args.db or args.calendar:
        raise UserError("--engine spark reads --spark-source only: export files, --db and --calendar are for the store")
    location = _spark_location(args)
    try:
        session = spark_engine.session(master=args.spark_master, remote=args.spark_remote)
        yield spark_engine.SparkEngine(session, location)
    except spark_engine.SparkUnavailable as err:
        raise UserError(str(err)) from None
    except spark_engine.errors() as err:
        raise UserError(f"Spark could not run the report: {spark_engine.first_line(err)}") from None


def _spark_location(args: argparse.Namespace) -> str:
    """Where Spark reads the tickets: --spark-source, or else the one --source given, the short
    form issue 15 writes (``--engine spark --source DIR_OR_TABLE``); that --source then filters no
    source system (_scope)."""
    if args.spark_source:
        return args.spark_source
    if len(args.source) == 1:
        return args.source[0]
    raise UserError(f"--engine spark needs --spark-source (or ${spark_engine.SOURCE_ENV_VAR}): "
                    "a Parquet folder from export-parquet, or a table name")


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store to report on, with --calendar applied for this run."""
    if args.files and args.db:
        raise UserError("give either --db or export files, not both")
    calendar = _read(args.calendar) if args.calendar else None
    try:
        con = store.connect(":memory:" if args.files else existing_database(args.db))
    except duckdb.IOException as err:
        raise UserError(f"cannot open the database: {err}") from None
    try:
        if args.files:
            if calendar is not None:
                settings.save_settings(con, calendar=settings.merge_office_calendar(con, calendar))
            _import(con, args.files)
            yield con
        elif calendar is None:
            yield con
        else:
            with what_if(con):
                settings.apply_settings(con, calendar=settings.merge_office_calendar(con, calendar))
                yield con
    except settings.SettingsError as err:
        raise UserError(f"{args.calendar}: {err}") from None
    finally:
        con.close()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise UserError(f"{path}: {err.strerror}") from None


def _import(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> None:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UserError(f"no such file: {', '.join(missing)}")
    try:
        reports = import_files(con, paths)
    except InputError as err:
        raise UserError(str(err)) from None
    if all(imported.kept_nothing for imported in reports):  # the report would be all zeros, as if no ticket
        raise UserError(f"no row of {', '.join(r.file_name for r in reports)} could be read, so there is nothing to "
                        f"report on; {_first_reject(reports[0])}")
    for imported in reports:
        if imported.rejected:
            print(f"warning: {imported.file_name}: {imported.rejected} rows rejected, the first {_first_reject(imported)}"
                  " (all of them: `python -m kpi import`)", file=sys.stderr)


def _first_reject(imported) -> str:
    """Where and why the first row of an import was refused."""
    return imported.rejects[0].where_and_why if imported.rejects else "no row holds data"


def _rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict]:
    """Records with the total's group named TOTAL and NaN (empty denominator) as None."""
    table = frame.assign(group=frame["group"].where(~frame["is_total"], TOTAL))[["group", *columns]]
    return table.astype(object).where(table.notna(), None).to_dict("records")


def _print(rows: list[dict], output_format: str) -> None:
    if output_format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2, default=int)
        print()
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def run_weekly(args: argparse.Namespace) -> int:
    with _source(args) as con:
        period = _period(args, con)
        frame = report.weekly_report(con, period, report.ServiceQuery(by=args.by, due=args.due, **_scope(args)))
    _print(_rows(frame, WEEKLY_COLUMNS), args.format)
    return 0


def run_commitments(args: argparse.Namespace) -> int:
    with _source(args) as con:
        period = _period(args, con)
        frame = report.commitment_rates(con, period, report.ServiceQuery(by=args.by, **_scope(args)))
    _print(_rows(frame, ("completed", *COMMITMENT_COLUMNS)), args.format)
    return 0


DISTRIBUTION_COLUMNS = ("in_play", "0", "1", "2", "3+")


def run_distribution(args: argparse.Namespace) -> int:
    with _source(args) as con:
        period = _period(args, con)
        frame = report.count_distribution(con, period, report.ServiceQuery(by=args.by, **_scope(args)), args.counted)
    _print(_rows(frame, DISTRIBUTION_COLUMNS), args.format)
    return 0


def run_export_parquet(args: argparse.Namespace) -> int:
    try:
        con = store.connect(existing_database(args.db))
    except duckdb.IOException as err:
        raise UserError(f"cannot open the database: {err}") from None
    try:
        written = export_parquet(con, args.out)
    except ExportError as err:
        raise UserError(str(err)) from None
    finally:
        con.close()
    print(f"{written:,} tickets written to {args.out}", file=sys.stderr)
    return 0


def run_report(args: argparse.Namespace) -> int:
    output_format = args.format or {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(args.out.suffix.lower())
    if output_format is None:
        raise UserError(f"{args.out}: give --format pdf or --format html")
    query = report.ServiceQuery(by=args.by, due=args.due)
    with _store(args) as con:
        if report.filter_options(con).last_activity is None:
            raise UserError("the database holds no tickets: import exports first (python -m kpi import)")
        period = _period(args, con)
        document = weekly_document.Document(report.weekly_review(con, period, query).loaded(), query, targets.load(con),
                                            args.lang, datetime.now().replace(microsecond=0), args.comment)
    try:
        content = (weekly_document.pdf_document(document) if output_format == "pdf"
                   else weekly_document.html_document(document).encode("utf-8"))
    except weekly_document.DocumentError as err:
        raise UserError(str(err)) from None
    try:
        args.out.write_bytes(content)
    except OSError as err:
        raise UserError(f"{args.out}: {err.strerror}") from None
    print(f"{args.out}: {period.label}, {output_format.upper()}", file=sys.stderr)
    return 0
