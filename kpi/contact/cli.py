"""``python -m kpi staffing``: the agents one interval needs for a service-level target (Erlang C,
or Erlang A with ``--patience``), as JSON or CSV. ``python -m kpi phone``: the phone KPIs of a
period from the stored intervals, per day, week, month or queue. ``python -m kpi channels``: the
tickets' channel mix of a period, with its cost and a what-if shift between channels."""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from datetime import date

import pandas as pd

from kpi import i18n, store
from kpi.cli import UserError, existing_database
from kpi.contact import phone
from kpi.contact.erlang import InvalidStaffingInput, Staffing, staffing
from kpi.contact.layouts import SERVICE_LEVEL_BASES
from kpi.service import channels, periods, report

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
    _register_phone(subparsers)
    _register_channels(subparsers)


def _register_phone(subparsers) -> None:
    parser = subparsers.add_parser(
        "phone", help="phone KPIs of a period from the imported interval reports",
        description="Prints one row per --by group with the keys " + ", ".join(phone.KEYS) + ". Shares are "
        "fractions 0-1, times in seconds, hours in hours; a share whose denominator is 0 is null.",
    )
    parser.add_argument("--period",
                        help="2024-W08 (ISO week), 2024-02 (month), 2024-02-19 (day) or 2024-02-01..2024-02-29;"
                             " default, as the phone page opens: the data's last four ISO weeks, Monday to its last day")
    parser.add_argument("--by", choices=phone.GROUPINGS, default="total", help="one row per … (default total)")
    parser.add_argument("--basis", choices=SERVICE_LEVEL_BASES, default="offered",
                        help="service-level denominator (default offered)")
    parser.add_argument("--queue", action="append", default=[], help="only this queue; repeat for several")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.set_defaults(handler=run_phone)


def _register_channels(subparsers) -> None:
    parser = subparsers.add_parser(
        "channels", help="the tickets' channel mix of a period: volume, service level, resolution time, cost",
        description="Prints {period, by, channels, slices, what_if}: channels holds a row per channel over the "
        "period and the total (is_total), slices the same per --by day, week or month; every row has the keys "
        + ", ".join(channels.KEYS) + ". Shares are fractions 0-1, resolution times hours, costs at the costs "
        "per contact saved on the channel mix page; null where there is no value. what_if (with --shift-from, "
        "--shift-to and --shift) prices moving a share of one channel's contacts to another.",
    )
    parser.add_argument("--period",
                        help="2024-W08 (ISO week), 2024-02 (month), 2024-02-19 (day) or 2024-02-01..2024-02-29;"
                             " default, as the channel mix page opens: the last complete week with tickets")
    parser.add_argument("--by", choices=channels.GRAINS, default="week", help="slices of the period (default week)")
    parser.add_argument("--shift-from", metavar="CHANNEL", help="what-if: the channel contacts leave (e.g. phone)")
    parser.add_argument("--shift-to", metavar="CHANNEL", help="what-if: the channel they go to (e.g. web)")
    parser.add_argument("--shift", type=float, default=0.0, metavar="FRACTION",
                        help="what-if: the share of --shift-from's contacts moved, 0-1 (e.g. 0.2)")
    parser.add_argument("--db", help=f"database file (default: ${store.DB_ENV_VAR} or {store.DEFAULT_DB_PATH})")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.set_defaults(handler=run_channels)


def run_channels(args: argparse.Namespace) -> int:
    if (args.shift_from is None) != (args.shift_to is None):
        raise UserError("a what-if needs both --shift-from and --shift-to")
    con = store.connect(existing_database(args.db))
    try:
        period = parse_period(args.period) if args.period else report.default_week(con, date.today())
        costs = channels.load_costs(con)
        mix = channels.channel_mix(con, period, args.by, costs)
    finally:
        con.close()
    what_if = None
    if args.shift_from is not None:
        per_channel = mix.total[~mix.total["is_total"] & mix.total["known"]]
        try:
            moved = channels.shift(dict(zip(per_channel["channel"], per_channel["created"], strict=True)), costs,
                                   args.shift_from, args.shift_to, args.shift)
        except channels.ChannelCostError as err:
            raise UserError(str(err)) from None
        what_if = {"from": moved.source, "to": moved.target, "fraction": args.shift, "moved": moved.moved,
                   "cost_before": moved.cost_before, "cost_after": moved.cost_after, "difference": moved.difference}
    slices = mix.by_slice[list(channels.KEYS)]
    if args.format == "json":
        json.dump({"period": period.label, "by": args.by, "channels": phone.json_ready(mix.total),
                   "slices": phone.json_ready(slices), "what_if": what_if}, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        pd.concat([mix.total, slices]).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _last_four_weeks(con) -> periods.Period:
    first, last = phone.data_span(con)
    if first is None:
        raise UserError("no interval report is imported yet: import one (python -m kpi import FILE) or give --period")
    return periods.date_range(*phone.default_days(first.date(), last.date()))


def parse_period(text: str) -> periods.Period:
    """A week, a month, a day or a range of days, as the user types them."""
    try:
        if "W" in text:
            return periods.iso_week(text)
        if ".." in text:
            first, last = text.split("..", 1)
            return periods.date_range(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        if text.strip().count("-") == 2:
            day = date.fromisoformat(text.strip())
            return periods.date_range(day, day)
        return periods.month(text)
    except (periods.PeriodError, ValueError):
        raise UserError(f"{text!r} is not a period such as 2024-W08, 2024-02, 2024-02-19 or "
                        "2024-02-01..2024-02-29") from None


def run_phone(args: argparse.Namespace) -> int:
    con = store.connect(existing_database(args.db))
    try:
        period = parse_period(args.period) if args.period else _last_four_weeks(con)
        rows = phone.kpis(con, phone.PhoneQuery(period, tuple(args.queue)), args.by, args.basis)
    finally:
        con.close()
    if args.format == "json":
        json.dump({"period": period.label, "by": args.by, "service_level_basis": args.basis,
                   "formula": i18n.t(f"contact.sl_basis.{args.basis}", "en"), "rows": phone.json_ready(rows)},
                  sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        rows.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


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
