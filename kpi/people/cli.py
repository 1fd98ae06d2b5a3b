"""``python -m kpi people import FILE...``: import people files like the app does (demo people: ``python -m kpi demo``)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from kpi import store
from kpi.cli import UserError
from kpi.ingest.errors import InputError
from kpi.ingest.reader import read_frame
from kpi.people.imports import ImportDefaults, apply_import, plan_import
from kpi.people.model import ASSESSMENT_SOURCES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("people", help="people and competencies: import files")
    commands = parser.add_subparsers(dest="people_command", required=True)
    db_help = f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})"

    load = commands.add_parser(
        "import", help="import people, matrix, assessment, certificate, learning or model files (CSV/TSV/XLSX)",
        description="Each file is checked like an upload in the app; refused rows are listed and the rest "
                    "is imported in one transaction per file.",
    )
    load.add_argument("files", nargs="+", type=Path)
    load.add_argument("--source", choices=ASSESSMENT_SOURCES, default="manager",
                      help="who rated, for files without a source column (default: manager)")
    load.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(),
                      help="assessment date YYYY-MM-DD, for files without a date column (default: today)")
    load.add_argument("--db", help=db_help)
    load.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    refused = 0
    try:
        for path in args.files:
            try:
                source = read_frame(path.read_bytes(), path.name)
                plan = plan_import(con, source, ImportDefaults(args.source, args.date))
                apply_import(con, plan)
            except OSError as err:
                raise UserError(f"cannot read {path}: {err.strerror}") from None
            except InputError as err:
                raise UserError(str(err)) from None
            for reject in plan.rejects:
                print(f"{reject.file}, row {reject.row}, column {reject.column!r}: {reject.reason}")
            print(f"{path.name}: {plan.layout.kind}, {plan.rows_read} rows read, {plan.rows_accepted} imported, "
                  f"{plan.rows_rejected} refused")
            refused += plan.rows_rejected
    finally:
        con.close()
    return 1 if refused else 0
