"""``python -m kpi demo [--if-empty] [--db PATH]``: load the demo tickets and the demo people.

The ticket exports go to ``data/demo/`` and through the same importer as a user's files, so the
demo exercises detection, mapping and the update of tickets that a later export repeats. Its
batches are marked as demo, which the home page says plainly. The demo people (the ticket
owners, their managers and new hires) go through the people importer in the same way, and the
demo phone intervals (``kpi.contact.demo``) through the importer like any interval report. With
the tickets, each demo channel gets a cost per contact (``kpi.demo.DEMO_CHANNEL_COSTS``), as a user
enters them, unless the store holds costs already.
"""

from __future__ import annotations

import argparse

import duckdb

from kpi import store
from kpi.contact.demo import write_demo_intervals
from kpi.demo import DEMO_CHANNEL_COSTS, DEMO_DIR, write_demo_exports
from kpi.ingest.importer import import_files
from kpi.okr.demo import load_demo_okr
from kpi.people.demo import load_demo_people
from kpi.service import channels


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="load the demo tickets (e-contact+ exports in data/demo/), people and phone intervals",
        description="Write a year of demo service requests (fixed seed, 2025-11-24..2026-11-22) as "
                    f"quarterly e-contact+ exports in {DEMO_DIR} and import them as demo batches; "
                    "then import the 40 demo people with their assessments and certificates, 8 weeks of "
                    "30-minute phone intervals for three queues, and the demo Planner exports (a Q4 "
                    "company OKR plan and a quarter of weekly work plans). A store without channel costs "
                    "gets the demo's with its tickets.",
    )  # fmt: skip
    parser.add_argument("--if-empty", action="store_true",
                        help="leave tickets alone when the store holds some, and people likewise")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    con = store.connect(args.db)
    try:
        for table, loader in (("tickets", _demo_tickets), ("people", load_demo_people),
                              ("intervals", _demo_intervals), ("okr_plans", load_demo_okr)):
            held = store.scalar(con, f"SELECT count(*) FROM {table}")
            if args.if_empty and held:
                print(f"demo: the store already holds {held} {table}; nothing imported")
                continue
            for line in loader(con):
                print(line)
    finally:
        con.close()
    return 0


def _demo_tickets(con: duckdb.DuckDBPyConnection) -> list[str]:
    lines = [report.summary() for report in import_files(con, write_demo_exports(DEMO_DIR), is_demo=True)]
    # Only with the demo tickets, never beside a user's own (`--if-empty` on a store of real data),
    # and a user's own costs stay.
    if not channels.load_costs(con):
        channels.save_costs(con, DEMO_CHANNEL_COSTS)
        costs = sorted(DEMO_CHANNEL_COSTS.values())
        lines.append(f"channel costs: {len(costs)} channels at NT${costs[0]:,.0f}-{costs[-1]:,.0f} a contact")
    return lines


def _demo_intervals(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [report.summary() for report in import_files(con, write_demo_intervals(DEMO_DIR), is_demo=True)]
