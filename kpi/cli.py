"""``python -m kpi``: one entry point whose sub-commands come from the feature modules.

Each module in ``_COMMAND_MODULES`` has ``register(subparsers)``, which adds its sub-command and
sets ``handler`` (a function taking the parsed arguments and returning the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from kpi import logs, store
from kpi.store import StoreUnavailable

log = logging.getLogger("kpi")

_COMMAND_MODULES = ("kpi.ingest.cli", "kpi.demo_cli", "kpi.people.cli", "kpi.roi.cli", "kpi.service.cli", "kpi.contact.cli",
                   "kpi.okr.cli", "kpi.store_cli")


class UserError(Exception):
    """A problem the user can fix (bad file, unknown option value); printed without a trace."""


def existing_database(db: str | None) -> str:
    """The database file a reading command opens, which must exist: opening a mistyped path
    would create an empty store and print zeros as if they were the figures."""
    path = store.db_path(db)
    if not os.path.isfile(path):
        raise UserError(f"no database at {path}: import exports first (python -m kpi import FILE)"
                        " or load the demo (python -m kpi demo)")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Service operations KPIs.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in _COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(store.db_path(getattr(args, "db", None)))
    try:
        code = args.handler(args)
        sys.stdout.flush()  # here, not at exit, so a reader that left is seen below
        return code
    except (UserError, StoreUnavailable) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of the output left (`| head`): stop without a word, as other command-line
        # tools do. What is still buffered goes nowhere, so Python does not fail flushing it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE: what a shell reports for a command a closed pipe stopped
    except Exception:  # a fault nobody foresaw: one line here, its trace in the log file
        log.exception("python -m kpi %s failed", args.command)
        return 1
