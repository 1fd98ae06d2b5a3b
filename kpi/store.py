"""The DuckDB store: where the database lives, opening it, and migrating its schema.

Every feature owns numbered SQL files in ``kpi/schema/`` (``010_tickets.sql``,
``020_service.sql`` …). ``connect`` applies those not yet recorded in
``schema_migrations``, in file-name order, each in its own transaction.
"""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from kpi import i18n, sql

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "service_ops.duckdb"
DB_ENV_VAR = "SERVICE_OPS_DB"
MEMORY_ENV_VAR = "SERVICE_OPS_MEMORY_LIMIT"
# DuckDB takes up to 80% of RAM by default; a million-row import stays near 1.1 GB with this,
# spilling to disk beside the database if it needs more.
DEFAULT_MEMORY_LIMIT = "1GB"
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
# A file being copied into the originals folder: renamed to its final name only once verified.
PARTIAL_SUFFIX = ".partial"

# Every write transaction of this process takes this lock: the app's sessions share one
# connection (cursors of it), and two cursors updating the same row at once make DuckDB abort
# one with "Conflict on update!". Re-entrant, so work that holds it may open a transaction.
WRITE_LOCK = threading.RLock()
T = TypeVar("T")


# The physical order of ticket_versions, written by every import batch and by compact(): the
# service queries scan `completed_at >= period start OR completed_at IS NULL`, and DuckDB's zone
# maps skip a row group only when its completed_at range is narrow, as sorted rows give.
TICKET_ORDER = "completed_at NULLS LAST"


class StoreUnavailable(Exception):
    """The database file cannot be opened: ``reason`` is "locked", "corrupt" or "unwritable"."""

    def __init__(self, reason: str, path: str):
        self.reason, self.file = reason, Path(path).name  # the name only: no server path in messages
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return i18n.t(f"store.{self.reason}", lang, file=self.file)


def _unavailable_reason(err: Exception) -> str:
    """Which of StoreUnavailable's reasons a DuckDB or OS error when opening the file means."""
    text = str(err)
    if "Could not set lock" in text or "Conflicting lock" in text:
        return "locked"
    if isinstance(err, OSError) and err.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC):
        return "unwritable"
    if any(sign in text for sign in ("Permission denied", "Read-only file system", "No space left",
                                     "Is a directory", "Cannot open file")):
        return "unwritable"
    return "corrupt"


def db_path(explicit: str | os.PathLike | None = None) -> str:
    """The database to use: an explicit path, else $SERVICE_OPS_DB, else data/service_ops.duckdb."""
    if explicit:
        return str(explicit)
    return os.environ.get(DB_ENV_VAR) or str(DEFAULT_DB_PATH)


def connect(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) and migrate the database; ``":memory:"`` for a throw-away one."""
    target = db_path(path)
    con = None
    try:
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(target, config=_config())
        migrate(con)
        if target != ":memory:":
            remove_partial_originals(con)
            sweep_unfinished_batches(con)
    except (duckdb.Error, OSError) as err:
        if con is not None:
            con.close()
        raise StoreUnavailable(_unavailable_reason(err), target) from err
    return con


def _config(**extra: str) -> dict[str, str]:
    return {"memory_limit": os.environ.get(MEMORY_ENV_VAR, DEFAULT_MEMORY_LIMIT), **extra}


def originals_dir(con: duckdb.DuckDBPyConnection) -> Path:
    """Where imported files are kept byte for byte: beside the database file, named after it
    (data/service_ops.originals/), or a temporary folder for an in-memory database."""
    path = scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    folder = (Path(path).with_suffix(".originals") if path
              else Path(tempfile.gettempdir()) / f"service-ops-originals-{os.getpid()}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def remove_partial_originals(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Delete copies of originals left half-written by a process that died mid-copy.

    Only the process holding the database writes originals, so when it opens the store no copy
    can still be in progress."""
    removed = []
    for partial in originals_dir(con).glob(f"*{PARTIAL_SUFFIX}"):
        partial.unlink(missing_ok=True)
        removed.append(partial.name)
    return removed


# Batches this process is writing a piece at a time (kpi.ingest.batches.begin_unfinished): a second
# connection this process opens meanwhile must not sweep them.
UNFINISHED_HERE: set[int] = set()


def sweep_unfinished_batches(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Delete the versions of batches whose import stopped before recording them (a process that
    died mid-way). Only the process holding the database writes, so when it opens the store the
    batches still listed, other than its own, will never be finished."""
    listed = [batch for (batch,) in con.execute("SELECT batch_id FROM unfinished_batches").fetchall()]
    lost = [batch for batch in listed if batch not in UNFINISHED_HERE]
    if lost:
        with transaction(con):
            delete_unfinished(con, lost)
    return lost


def delete_unfinished(con: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> None:
    """Delete the versions of unfinished batches and take them off the list (in the caller's
    transaction): after a process died mid-way, or an import stopped before recording its batch."""
    con.execute("DELETE FROM ticket_versions WHERE list_contains($batches, batch_id)", {"batches": batch_ids})
    con.execute("DELETE FROM unfinished_batches WHERE list_contains($batches, batch_id)", {"batches": batch_ids})


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending schema files; returns the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " name VARCHAR PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_localtimestamp())"
    )
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for sql_file in sorted(SCHEMA_DIR.glob("*.sql")):
        if sql_file.name in done:
            continue
        with transaction(con):
            con.execute(sql_file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [sql_file.name])
        applied.append(sql_file.name)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block finishes, roll back if it raises. Holds the
    process's write lock throughout, so writers from other sessions wait their turn."""
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame) -> Iterator[str]:
    """``frame`` (a DataFrame) readable in SQL as the view ``name`` for the block, and gone after,
    however the block ends."""
    con.register(name, frame)
    try:
        yield name
    finally:
        con.unregister(name)


def write(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run ``work`` in a transaction; if DuckDB aborts it for a write conflict (a writer outside
    the lock, such as another tool in this process), run it once more on the then-current data."""
    try:
        with transaction(con):
            return work(con)
    except duckdb.TransactionException:
        with transaction(con):
            return work(con)


def write_lock_busy() -> bool:
    """Whether another thread is writing right now (a page can say it waits)."""
    if WRITE_LOCK.acquire(blocking=False):
        WRITE_LOCK.release()
        return False
    return True


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a query, or None. Fetches the whole result: in DuckDB 2.0 a result left
    half-read (as ``fetchone`` leaves it) blocks its connection for register() and friends."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    """The single value of a one-row, one-column query."""
    return first_row(con, sql, params)[0]


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever stored data or settings change: a cache key for views."""
    return scalar(con, "SELECT version FROM data_version")


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Call inside the transaction that changes data, so caches keyed on the version refresh."""
    con.execute("UPDATE data_version SET version = version + 1")


class StoreInUse(Exception):
    """The database file is open elsewhere, so it cannot be rewritten now."""


def compact(path: str | os.PathLike) -> None:
    """Rewrite the database file with nothing but its live data, so deleted rows are gone from it.

    DuckDB neither shrinks a file nor clears a block it freed: a deleted or overwritten value stays
    readable in the file until the block happens to be reused. So the whole database is copied
    into a new file (``COPY FROM DATABASE … (SCHEMA)`` carries tables, views, constraints and
    sequences at their current values; the rows follow, ticket_versions in ``TICKET_ORDER`` so a
    store written before imports sorted their batches gets the order too), which replaces the old
    one in one rename; the old file's bytes are then
    overwritten with zeros before it is unlinked (on disks that remap writes, as SSDs and
    copy-on-write file systems do, or in backups, copies may survive: that is beyond a program).

    Every connection to the file must be closed first. Compaction opens it with a configuration
    of its own, so DuckDB refuses (``StoreInUse``) while any connection of this process is still
    open, as it does while another process holds the file.
    """
    target = Path(path)
    fresh = target.with_name(target.name + ".compacting")
    retired = target.with_name(target.name + ".retired")
    if not target.is_file():
        raise FileNotFoundError(f"no database file at {target}")
    # Left over by a compaction that stopped before its end: still the live file's second name
    # (stopped before the rename), or the old bytes (stopped after it).
    if retired.exists() and os.path.samefile(retired, target):
        retired.unlink()
    _scrub(retired)
    fresh.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(target), config=_config(custom_user_agent="service-ops-compact"))
    except (duckdb.ConnectionException, duckdb.IOException) as err:
        raise StoreInUse(f"{target.name} is open elsewhere: {err}") from None
    try:
        with con:  # closing checkpoints: the old WAL is folded into the old file, which goes as a whole
            con.execute("ATTACH ? AS compacted", [str(fresh)])
            _copy_ordered(con, "compacted")
            con.execute("CHECKPOINT compacted")  # everything in the file itself: no WAL beside the new name
            con.execute("DETACH compacted")
        os.link(target, retired)  # a second name for the old bytes, to scrub them once replaced
        os.replace(fresh, target)
    finally:
        fresh.unlink(missing_ok=True)
        Path(f"{fresh}.wal").unlink(missing_ok=True)
    _scrub(retired)


def _copy_ordered(con: duckdb.DuckDBPyConnection, into: str) -> None:
    """Copy the current database into the attached one: the schema (sequences at their current
    values), then each table's rows, ticket_versions in TICKET_ORDER."""
    current = scalar(con, "SELECT current_database()")
    con.execute(f"COPY FROM DATABASE {sql.ident(current)} TO {sql.ident(into)} (SCHEMA)")
    tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
                         "AND NOT temporary", [current]).fetchall()
    for schema, table in tables:
        order = f" ORDER BY {TICKET_ORDER}" if (schema, table) == ("main", "ticket_versions") else ""
        source = f"{sql.ident(schema)}.{sql.ident(table)}"
        con.execute(f"INSERT INTO {sql.ident(into)}.{source} SELECT * FROM {source}{order}")


def _scrub(path: Path, block: int = 1 << 20) -> None:
    """Overwrite a file with zeros, flush it to disk, and remove it (nothing if it is missing)."""
    if not path.exists():
        return
    size = path.stat().st_size
    zeros = bytes(block)
    with path.open("r+b") as f:
        for offset in range(0, size, block):
            f.write(zeros[: min(block, size - offset)])
        f.flush()
        os.fsync(f.fileno())
    path.unlink()
