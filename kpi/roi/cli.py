"""``python -m kpi roi [--scenario FILE.json] [--format json|csv]``: one scenario's cost lines."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from kpi.cli import UserError
from kpi.roi.analysis import cumulative, npv
from kpi.roi.model import SEED, SIDES, InvalidScenario, Result, Scenario, evaluate, parse_scenario


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "roi",
        help="classroom versus e-learning cost lines, savings, ROI and BCR of one scenario",
        description="Prints both sides' cost lines, classroom_total, online_total, savings, "
        "roi (a fraction) and bcr. Without --scenario: the seed post's worked example.",
    )
    parser.add_argument("--scenario", type=Path, metavar="FILE.json",
                        help="JSON object of parameters; missing keys take the seed's values")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument("--discount-rate", type=float, default=0.0, metavar="RATE",
                        help="yearly rate for npv, a fraction (0.05 = 5%%); default 0")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.discount_rate <= -1:
        raise UserError("--discount-rate must be above -1 (-100%)")
    result = evaluate(_read_scenario(args.scenario) if args.scenario else SEED)
    if result.roi is None:
        print("warning: the online side costs nothing, so roi and bcr are undefined (null)",
              file=sys.stderr)
    report = result_mapping(result, args.discount_rate)
    if args.format == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["item", "value"])
        writer.writerows(_flatten(report))
    return 0


def _read_scenario(path: Path) -> Scenario:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise UserError(f"cannot read {path}: {err.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UserError(f"{path} is not valid UTF-8 JSON: {err}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path} must hold a JSON object of parameters, e.g. {{\"trainees\": 450}}")
    try:
        return parse_scenario(data)
    except InvalidScenario as err:
        raise UserError(f"{path}: {err}") from None


def result_mapping(result: Result, discount_rate: float = 0.0) -> dict:
    """The CLI's report: cost lines by side, totals, savings, roi, bcr, then the derivations and
    the net present value of the yearly savings at ``discount_rate``."""
    report: dict = {}
    for side in SIDES:
        lines = result.lines(side)
        report[side] = {line.key: _money(line.amount) for line in lines if line.key != "extra"}
        report[f"{side}_extra"] = {line.name: _money(line.amount) for line in lines if line.key == "extra"}
    payback = cumulative(result)
    report |= {
        "classroom_total": _money(result.classroom_total),
        "online_total": _money(result.online_total),
        "savings": _money(result.savings),
        "roi": result.roi,
        "bcr": result.bcr,
        "classes": result.classes,
        "trainee_hourly": _money(result.trainee_hourly),
        "instructor_hourly": _money(result.instructor_hourly),
        "admin_hourly": _money(result.admin_hourly),
        "payback_run": payback.payback_run,
        "payback_year": payback.payback_year,
        "cumulative_savings": _money(payback.points[-1].savings),
        "discount_rate": discount_rate,
        "npv": _money(npv(result, discount_rate)),
    }
    return report


def _money(amount: float) -> int | float:
    """Whole NT$ as integers, anything finer to the cent."""
    rounded = round(amount, 2)
    return int(rounded) if float(rounded).is_integer() else rounded


def _flatten(report: dict, prefix: str = ""):
    for key, value in report.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", "" if value is None else value
