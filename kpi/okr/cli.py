"""``python -m kpi okr [--period 2026-Q4] [--as-of DATE] [--format json|text] [--db PATH]``: the OKR tree."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from kpi import store
from kpi.cli import UserError, existing_database
from kpi.ingest.dates import is_iso_date
from kpi.okr import tree


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "okr", help="print the OKR tree (company → department → person) with scores and flags",
        description="Objectives and key results of the imported Planner OKR plans for one period, with "
                    "scores (0-1), status and flags. Keys of the JSON output are listed in docs/okr.md.")
    parser.add_argument("--period",
                        help="2026-Q4, 2026-H2 or 2026 (default: the quarter of --as-of, as the page opens)")
    parser.add_argument("--as-of", help="the day the period is judged on (YYYY-MM-DD; default today)")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.as_of and not is_iso_date(args.as_of):
        raise UserError(f"--as-of {args.as_of!r} is not a date like 2026-11-30")
    as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    try:
        okr_period = tree.period(args.period) if args.period else tree.period_of(as_of)
    except ValueError:
        raise UserError(f"period {args.period!r} is not like 2026-Q4, 2026-H2 or 2026") from None
    con = store.connect(existing_database(args.db))
    try:
        objectives = tree.build_tree(con, okr_period, as_of)
    finally:
        con.close()
    if args.format == "json":
        json.dump(tree.as_json(objectives, okr_period, as_of), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for objective in objectives:
        indent = "  " * tree.TIERS.index(objective.tier)
        print(f"{indent}{tree.SYMBOLS[objective.status]} {objective.name} [{objective.tier}: {objective.owner}] "
              f"{_score(objective.score)} {' '.join(objective.flags)}".rstrip())
        for kr in objective.key_results:
            print(f"{indent}    - {kr.name} {_score(kr.score)} {' '.join(kr.flags)}".rstrip())
    return 0


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
