"""``python -m kpi people import FILE...``: import people files like the app does (demo people: ``python -m kpi demo``);
``python -m kpi people erase EMPLOYEE_ID``: erase a person (``kpi.people.erasure``)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb

from kpi import store
from kpi.cli import UserError, existing_database
from kpi.ingest.errors import InputError
from kpi.ingest.reader import read_frame
from kpi.people.erasure import NoSuchPerson, erase_person
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

    erase = commands.add_parser(
        "erase", help="erase a person: their rows go, their name becomes a pseudonym, the file is rewritten",
        description="Deletes the person's rows from every table, replaces their name (and, in notes, their "
                    "employee id) everywhere with a stable pseudonym, rewrites the database file so the old "
                    "values are gone from it, and lists the stored original exports that still mention them. "
                    "The app must not be running on the same database.",
    )
    erase.add_argument("employee_id")
    erase.add_argument("--delete-originals", action="store_true",
                       help="also delete the original export files that mention them (their batches can then "
                            "no longer be re-mapped)")
    erase.add_argument("--db", help=db_help)
    erase.set_defaults(handler=run_erase)


def _nothing_changed(plan) -> str:
    """Why an import that kept good rows wrote no batch."""
    if plan.already_imported is not None:
        return f"; identical to batch {plan.already_imported}, already imported, nothing changed"
    return "; the store holds every row as it is, nothing changed" if plan.rows_accepted else ""


def run_import(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    refused = 0
    try:
        for path in args.files:
            try:
                source = read_frame(path.read_bytes(), path.name)
                plan = plan_import(con, source, ImportDefaults(args.source, args.date))
                batch = apply_import(con, plan)
            except OSError as err:
                raise UserError(f"cannot read {path}: {err.strerror}") from None
            except InputError as err:
                raise UserError(str(err)) from None
            for reject in plan.rejects:
                print(f"{reject.file}, row {reject.row}, column {reject.column!r}: {reject.reason}")
            print(f"{path.name}: {plan.layout.kind}, {plan.rows_read} rows read, {plan.rows_accepted} imported, "
                  f"{plan.rows_rejected} refused{_nothing_changed(plan) if batch is None else ''}")
            refused += plan.rows_rejected
    finally:
        con.close()
    return 1 if refused else 0


def run_erase(args: argparse.Namespace) -> int:
    path = existing_database(args.db)
    try:
        erasure = erase_person(path, args.employee_id, args.delete_originals)
    except NoSuchPerson as err:
        raise UserError(str(err)) from None
    except duckdb.IOException as err:
        if "Could not set lock" in str(err):
            raise UserError(f"{path} is in use by another program (the app?); stop it or erase from its "
                            "People data page") from None
        raise UserError(f"cannot open {path}: {str(err).splitlines()[0].removeprefix('IO Error: ')}") from None
    for line in erasure.summary("en"):
        print(line)
    for original in erasure.originals:
        if not original.deleted:
            print(f"  {original.path}")
    return 0
