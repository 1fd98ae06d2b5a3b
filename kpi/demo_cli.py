"""``python -m kpi demo [--if-empty] [--db PATH]``: write the demo exports and import them.

The exports go to ``data/demo/`` and through the same importer as a user's files, so the demo
exercises detection, mapping and the update of tickets that a later export repeats. Its batches
are marked as demo, which the home page says plainly.
"""

from __future__ import annotations

import argparse

from kpi import store
from kpi.demo import DEMO_DIR, write_demo_exports
from kpi.ingest.importer import import_files


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="write the demo e-contact+ exports to data/demo/ and import them",
        description="Write a year of demo service requests (fixed seed, 2025-11-24..2026-11-22) as "
                    f"quarterly e-contact+ exports in {DEMO_DIR} and import them as demo batches.",
    )  # fmt: skip
    parser.add_argument("--if-empty", action="store_true", help="do nothing when the store already holds tickets")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    try:
        tickets = store.scalar(con, "SELECT count(*) FROM tickets")
        if args.if_empty and tickets:
            print(f"demo: the store already holds {tickets} tickets; nothing imported")
            return 0
        reports = import_files(con, write_demo_exports(DEMO_DIR), is_demo=True)
    finally:
        con.close()
    for report in reports:
        print(report.summary())
    return 0 if all(report.batch_id or report.already_imported for report in reports) else 1
