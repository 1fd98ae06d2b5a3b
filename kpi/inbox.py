"""The inbox folder: how files reach the store while the app holds it.

A DuckDB file is held by one process, so while the app runs ``python -m kpi import`` cannot
open it. A scheduled export job copies its file into the inbox folder instead
(``data/inbox/`` beside the database, or ``$SERVICE_OPS_INBOX``); the app imports each file
there as its own batch, whatever kind of file it is (``kpi.ingest.pipeline``), moves it to ``done/`` or ``failed/`` and records the outcome in
``inbox_log``. A file still being written is left until it has not changed for a few seconds
(writing it under a name starting with "." and renaming it when complete is safer still).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from kpi import store
from kpi.ingest import pipeline
from kpi.ingest.errors import InputError

INBOX_ENV_VAR = "SERVICE_OPS_INBOX"
SETTLE_SECONDS = 5.0
DONE, FAILED = "done", "failed"

log = logging.getLogger(__name__)
# One pass over the inbox at a time: the background watcher and a page load may both try.
_PASS = threading.Lock()


def inbox_dir(db: str | os.PathLike | None = None) -> Path:
    """$SERVICE_OPS_INBOX, else ``inbox/`` beside the database file (data/inbox/ by default)."""
    if os.environ.get(INBOX_ENV_VAR):
        return Path(os.environ[INBOX_ENV_VAR])
    target = store.db_path(db)
    return (store.DEFAULT_DB_PATH if target == ":memory:" else Path(target)).parent / "inbox"


@dataclass(frozen=True)
class Outcome:
    file: str
    outcome: str                 # imported | unchanged | rejected (no row kept) | failed
    batch_id: int | None = None
    reason: InputError | None = None


def process(con: duckdb.DuckDBPyConnection, folder: Path, settle_seconds: float = SETTLE_SECONDS) -> list[Outcome]:
    """Import every settled file in ``folder``; returns what became of each (nothing while
    another thread is already at it)."""
    if not folder.is_dir() or not _PASS.acquire(blocking=False):
        return []
    try:
        return [_take(con, path) for path in waiting_files(folder, settle_seconds)]
    finally:
        _PASS.release()


def waiting_files(folder: Path, settle_seconds: float = SETTLE_SECONDS) -> list[Path]:
    """Files ready to import: not hidden, not a partial copy, unchanged for ``settle_seconds``."""
    now = time.time()
    return sorted(path for path in folder.iterdir()
                  if path.is_file() and not path.name.startswith(".") and not path.name.endswith(store.PARTIAL_SUFFIX)
                  and now - path.stat().st_mtime >= settle_seconds)


def _take(con: duckdb.DuckDBPyConnection, path: Path) -> Outcome:
    received = dt.datetime.now()
    try:
        report = pipeline.import_path(con, path)
        if report.kept_nothing:
            outcome = Outcome(path.name, "rejected", reason=_first_reason(path.name, report))
        else:
            outcome = Outcome(path.name, "imported" if report.batch_id else "unchanged", report.batch_id)
    except InputError as err:
        outcome = Outcome(path.name, "failed", reason=err)
    except Exception:  # one broken file must not stop the inbox; the log has the details
        log.exception("inbox: importing %s failed", path.name)
        outcome = Outcome(path.name, "failed", reason=InputError(path.name, "inbox.unexpected"))
    reason = outcome.reason
    with store.transaction(con):
        con.execute(
            "INSERT INTO inbox_log (file, received_at, outcome, batch_id, reason) VALUES (?, ?, ?, ?, ?)",
            [path.name, received, outcome.outcome, outcome.batch_id,
             None if reason is None else json.dumps({"key": reason.key, "row": reason.row, "column": reason.column,
                                                     "values": reason.values}, ensure_ascii=False, default=str)],
        )
    _move(path, path.parent / (FAILED if outcome.outcome in ("failed", "rejected") else DONE))
    return outcome


def _first_reason(file: str, report) -> InputError | None:
    """Why the first row of a file that kept none was refused, with its row and column."""
    if not report.rejects:
        return None
    first = report.rejects[0]
    return InputError(file, first.key, first.row, first.column, **dict(first.values))


def _move(path: Path, folder: Path) -> None:
    """Into ``folder``, keeping the name unless a file of that name is already there."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{dt.datetime.now():%Y%m%d-%H%M%S-%f}-{path.name}"
    os.replace(path, target)


def history(con: duckdb.DuckDBPyConnection, lang: str, limit: int = 200) -> pd.DataFrame:
    """The latest inbox outcomes, newest first, with each reason in ``lang``."""
    frame = con.execute("SELECT file, received_at, outcome, batch_id, reason FROM inbox_log"
                        " ORDER BY entry_id DESC LIMIT ?", [limit]).df()
    frame["reason"] = [reason_text(file, reason, lang) for file, reason in zip(frame["file"], frame["reason"])]
    return frame


def reason_text(file: str, reason: str | None, lang: str) -> str:
    if not reason or (isinstance(reason, float) and pd.isna(reason)):
        return ""
    saved = json.loads(reason)
    return InputError(file, saved["key"], saved["row"], saved["column"], **saved["values"]).message(lang)
