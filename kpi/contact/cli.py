"""``python -m kpi staffing``: the agents one interval needs for a service-level target (Erlang C,
or Erlang A with ``--patience``), as JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys

from kpi.cli import UserError
from kpi.contact.erlang import InvalidStaffingInput, Staffing, staffing

KEYS = ("agents", "scheduled", "service_level", "asa_seconds", "probability_wait", "occupancy",
        "traffic_erlangs")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "staffing", help="agents required for a service-level target (Erlang C / Erlang A)",
        description="Prints " + ", ".join(KEYS) + " (and probability_abandon with --patience) for one "
        "interval: the smallest number of agents whose service level meets --target within --within "
        "seconds, scheduled = ceil(agents / (1 - shrinkage)). Fractions are 0-1, times in seconds.",
    )
    parser.add_argument("--calls", type=float, required=True, help="calls offered in the interval")
    parser.add_argument("--interval-minutes", type=float, default=30.0, help="interval length (default 30)")
    parser.add_argument("--aht", type=float, required=True, metavar="SECONDS", help="average handle time")
    parser.add_argument("--target", type=float, default=0.85,
                        help="share to answer within --within, a fraction (default 0.85)")
    parser.add_argument("--within", type=float, default=15.0, metavar="SECONDS",
                        help="answer-time threshold (default 15)")
    parser.add_argument("--shrinkage", type=float, default=0.0, help="fraction of paid time off the phones (default 0)")
    parser.add_argument("--max-occupancy", type=float, help="cap on occupancy, a fraction, e.g. 0.85")
    parser.add_argument("--patience", type=float, metavar="SECONDS",
                        help="callers' mean patience: use Erlang A (callers abandon) instead of Erlang C")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = staffing(args.calls, args.interval_minutes * 60, args.aht, args.target, args.within,
                          args.shrinkage, args.max_occupancy, args.patience)
    except InvalidStaffingInput as err:
        raise UserError(str(err)) from None
    report = report_mapping(result)
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(report)
        writer.writerow(["" if value is None else value for value in report.values()])
    return 0


def report_mapping(result: Staffing) -> dict:
    fares = result.performance
    report = {
        "agents": result.agents,
        "scheduled": result.scheduled,
        "service_level": fares.service_level,
        "asa_seconds": fares.asa_seconds if math.isfinite(fares.asa_seconds) else None,
        "probability_wait": fares.probability_wait,
        "occupancy": fares.occupancy,
        "traffic_erlangs": result.traffic_erlangs,
    }
    if fares.probability_abandon is not None:
        report["probability_abandon"] = fares.probability_abandon
    return report
