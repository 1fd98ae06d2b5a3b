"""``python -m kpi compact [--db PATH]``: rewrite the database file with its live data only, the
ticket versions in completion order (``kpi.store.compact``). A store written before imports sorted
their batches gets the order the reports' scans rely on."""

from __future__ import annotations

import argparse
from pathlib import Path

from kpi import store
from kpi.cli import UserError, existing_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compact", help="rewrite the database file: live data only, ticket versions in completion order",
        description="Copies the database into a new file that replaces it: deleted rows are gone from its "
                    "bytes and the ticket versions are stored in completion order, which the reports' scans "
                    "rely on. Stop the app first: the file must not be open elsewhere.",
    )
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = Path(existing_database(args.db))
    try:
        store.compact(path)
    except store.StoreInUse:
        raise UserError(f"{path.name} is in use by another program (the app?); stop it first") from None
    print(f"compacted {path.name}: {path.stat().st_size / 2**20:,.0f} MB")
    return 0
