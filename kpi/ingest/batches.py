"""What every kind of import shares once a file is staged: the already-imported check, the
reject list, keeping the original, writing a batch under the write lock, and undo.

A kind of file (ticket exports, interval reports, Planner workbooks, people files) is described
by a ``Kind``: the table its versions go to and the columns that identify one record across
re-exports, or, for files whose rows are kept in place (people files), none: a batch of those
keeps the rows it replaced (``keep_replaced``) and undo puts them back. Each kind reads, maps
and sorts its own rows; storing, recording and taking back a batch is done here, once.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from kpi import sql, store
from kpi.demo import DEMO_CHANNEL_COSTS
from kpi.ingest.errors import Finding, InputError, Reject

REJECT_LIST_LIMIT = 10_000  # rows listed in a preview; the count is always complete
T = TypeVar("T")
# Copies of originals started ahead of the commit (copy_ahead): mostly disk writes and a hash,
# which release the GIL, so they overlap DuckDB's checks.
_COPIES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="original-copy")


@dataclass(frozen=True)
class Kind:
    """A kind of imported file: where its versions are kept and what identifies one record."""

    name: str                    # import_batches.kind
    versions_table: str | None   # every imported version; None: rows kept in place (see keep_replaced)
    keys: tuple[str, ...] = ()
    batch_tables: tuple[str, ...] = ()  # other rows a batch brings, gone when it is undone
    marks_current: bool = True   # versions carry is_current; False: a view picks the current ones


KINDS: dict[str, Kind] = {
    "tickets": Kind("tickets", "ticket_versions", ("ticket_id",), ("ticket_events",)),
    "intervals": Kind("intervals", "interval_stats", ("queue", "interval_start")),
    # A plan's current tasks are those of its latest export in force (view okr_tasks).
    "planner": Kind("planner", "okr_task_snapshots", ("plan_id", "task_id"), marks_current=False),
    "people": Kind("people", None),
}


def time_zone(con: duckdb.DuckDBPyConnection) -> str:
    """The store's time zone: times with a UTC offset are converted to it."""
    return store.scalar(con, "SELECT value FROM store_settings WHERE key = 'time_zone'")


def already_imported(con: duckdb.DuckDBPyConnection, source) -> int | None:
    """The batch in force that imported a file with these very bytes, if any (never the batch
    being re-mapped)."""
    row = store.first_row(
        con, "SELECT batch_id FROM import_batches WHERE checksum = ? AND undone_at IS NULL"
             " AND batch_id IS DISTINCT FROM ? ORDER BY batch_id LIMIT 1",
        [source.checksum, source.replaces_batch],
    )
    return row[0] if row else None


def cell_rejects(con: duckdb.DuckDBPyConnection, source, mapped: str, bad: dict[str, str],
                 columns: dict[str, str], reason: Callable[[str, str | None], tuple[str, tuple]],
                 times: dict[str, str] | None = None) -> tuple[list[Reject], int]:
    """The rows of ``mapped`` marked ``is_rejected``, one reject per bad cell (first
    REJECT_LIST_LIMIT), and how many rows were refused. ``bad`` names the checked fields (their
    ``bad_<field>`` columns), ``columns`` the file column each field came from (``times``: the
    column of its time of day, quoted after it), ``reason`` gives the translation key and values
    for a field and the raw cell."""
    times = times or {}
    rejected_rows = store.scalar(con, f"SELECT count(*) FROM {mapped} WHERE is_rejected")
    if rejected_rows == 0:
        return [], 0
    parts = []
    for position, name in enumerate(bad):
        column = columns.get(name)
        raw = source.staged.text(column, "m.") if column else "NULL"
        if column and name in times:
            raw = f"concat_ws(' ', {raw}, {source.staged.text(times[name], 'm.')})"
        parts.append(f"SELECT s.source_row, {position} AS field, {raw} AS raw"
                     f" FROM {mapped} s JOIN {source.staged.numbered()} m USING (source_row) WHERE s.bad_{name}")
    rows = con.execute(
        " UNION ALL ".join(parts) + f" ORDER BY source_row, field LIMIT {REJECT_LIST_LIMIT}"
    ).fetchall()
    fields = list(bad)
    named = {name: f"{column} + {times[name]}" if name in times else column for name, column in columns.items()}
    rejects = [Reject(source.file_name, row, named.get(fields[position], fields[position]),
                      *reason(fields[position], raw)) for row, position, raw in rows]
    rejects.sort(key=lambda r: (r.row, r.column))
    return rejects, rejected_rows


# The reasons that say a row is no data at all, rather than data with a fault: listed with the
# rejects, counted as skipped. And the checks of the mapped rows that find such rows.
NOT_DATA = ("ingest.footer_line", "reject.summary_ticket_row", "reject.header_repeated", "reject.summary_row",
            "reject.empty_row")
NOT_DATA_CHECKS = ("summary_row", "header_row", "blank_row")


def not_data_rejects(rejects: list[Reject]) -> int:
    """How many of ``rejects`` say their row is no data (NOT_DATA)."""
    return sum(reject.key in NOT_DATA for reject in rejects)


def not_data_rows(con: duckdb.DuckDBPyConnection, mapped: str, bad: dict[str, str]) -> int:
    """How many rows of ``mapped`` are totals rows, the header repeated or empty (the NOT_DATA_CHECKS
    among ``bad``, the checks it was mapped with)."""
    checks = [f"bad_{name}" for name in NOT_DATA_CHECKS if name in bad]
    return store.scalar(con, f"SELECT count(*) FROM {mapped} WHERE {' OR '.join(checks)}") if checks else 0


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    batch_id: int | None
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    superseded: int
    rejected: int
    already_imported: int | None
    rejects: tuple[Reject, ...] = ()
    renamed: tuple[str, ...] = ()  # columns renamed because their header repeats an earlier one
    user_defined: int = 0          # Big5 user-defined characters (造字) kept as private-use ones
    skipped: int = 0               # rows that are no data: totals, the header repeated, a footer
    findings: tuple[Finding, ...] = ()  # what the data-quality checks found among the rows kept
    matched_by_name: tuple[tuple[str, str], ...] = ()  # (column, field) the format does not name
    kind: str = "tickets"
    detail: str = ""               # what the kind read the file as (a Planner plan, a people layout)

    @property
    def kept_nothing(self) -> bool:
        """No row of the file was kept: each one was rejected or held no data. A file whose rows
        were all unchanged, or that was imported before, was read fine and keeps nothing new."""
        return self.batch_id is None and self.already_imported is None and self.unchanged + self.superseded == 0

    def summary(self) -> str:
        if self.already_imported is not None:
            return f"{self.file_name}: identical to batch {self.already_imported}, already imported; nothing changed"
        return (
            f"{self.file_name}{f' ({self.detail})' if self.detail else ''}: {self.rows_read} rows read, {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.superseded} superseded, {self.rejected} rejected"
            + (f", {self.skipped} skipped (no data)" if self.skipped else "")
            + (f" (batch {self.batch_id})" if self.batch_id else "")
        )


def rejects_frame(rejects: list[Reject], lang: str = "en") -> pd.DataFrame:
    """A preview's rejects as a table: file, row, column, reason in ``lang``."""
    return pd.DataFrame([(r.file, r.row, r.column, r.reason_in(lang)) for r in rejects],
                        columns=["file", "row", "column", "reason"])


def write_batch(con: duckdb.DuckDBPyConnection, source, replace_demo: bool,
                store_rows: Callable[[duckdb.DuckDBPyConnection, str], T],
                write_original: Callable[[Path], object] | None = None,
                copying: Future[Path] | None = None) -> T:
    """Keep the original and run ``store_rows(con, original_file)`` in one write transaction.

    ``source`` names the file (``file_name``, ``checksum``, ``replaces_batch``); its bytes are
    copied from ``source.path`` unless ``write_original(path)`` writes them (files read whole),
    or ``copying`` (``copy_ahead``) has been copying them meanwhile.
    Inside the transaction, first every demo batch (``replace_demo``) and the batch being
    re-mapped are taken out. The original is copied in before the transaction commits and
    removed again if it fails, so no batch ever points at a missing file.
    """
    original = _original_for(con, source)
    if copying is None:
        write = write_original or (lambda copy: shutil.copyfile(source.path, copy))
        partial = copy_verified(source.file_name, source.checksum, write, original)
    else:
        partial = copying.result()
    undone: list[str] = []

    def in_transaction(con: duckdb.DuckDBPyConnection) -> T:
        if replace_demo:
            undone.extend(undo_demo_batches(con))
        if source.replaces_batch is not None:
            undo_rows(con, source.replaces_batch)
        return store_rows(con, original.name)

    # Adopting the copy, the transaction and the clean-up share the write lock: a session that
    # imports the same file at the same moment cannot delete the original this one refers to.
    with store.WRITE_LOCK:
        adopt_original(partial, original)
        try:
            return store.write(con, in_transaction)
        finally:
            remove_unreferenced_originals(con, [original.name, *undone])


def _original_for(con: duckdb.DuckDBPyConnection, source) -> Path:
    """Where the originals folder keeps ``source``'s bytes: named by their SHA-256."""
    return store.originals_dir(con) / f"{source.checksum}{Path(source.file_name).suffix}"


def copy_ahead(con: duckdb.DuckDBPyConnection, source) -> Future[Path]:
    """Start copying ``source.path`` beside the originals (``copy_verified``) in a thread, for a
    commit that will follow (``write_batch(copying=…)``): at a million rows the copy, its fsync
    and its checksum take about as long as the checks, which they now overlap. A copy no batch
    adopts is taken back with ``abandon``."""
    original = _original_for(con, source)
    return _COPIES.submit(copy_verified, source.file_name, source.checksum,
                          lambda copy: shutil.copyfile(source.path, copy), original)


def abandon(copying: Future[Path] | None) -> None:
    """Remove a copy ``copy_ahead`` made if no batch adopted it (the import stopped before)."""
    if copying is None:
        return
    try:
        copying.result().unlink(missing_ok=True)
    except InputError:
        pass  # a failed copy leaves nothing behind (copy_verified)


def copy_verified(file_name: str, checksum: str, write: Callable[[Path], object], original: Path) -> Path:
    """Write the uploaded file (``write(path)``) beside ``original`` under a temporary name,
    flushed to disk and checked against its SHA-256; ``adopt_original`` then puts it in place.
    A full disk or any other failure leaves nothing behind and is said as a reason, without the
    server's paths."""
    partial = original.with_name(f"{original.name}.{uuid.uuid4().hex[:8]}{store.PARTIAL_SUFFIX}")
    try:
        write(partial)
        with open(partial, "rb+") as copy:
            os.fsync(copy.fileno())
            copy.seek(0)
            if hashlib.file_digest(copy, "sha256").hexdigest() != checksum:  # what reached the disk
                raise InputError(file_name, "ingest.original_not_kept", detail="SHA-256")
    except OSError as err:
        partial.unlink(missing_ok=True)
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InputError(file_name, "ingest.disk_full") from err
        raise InputError(file_name, "ingest.original_not_kept", detail=err.strerror or type(err).__name__) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return partial


def adopt_original(partial: Path, original: Path) -> None:
    """Put a verified copy in place, under the write lock: an original of the same size is
    already there (same checksum, same bytes), or the copy replaces none or one an earlier fault
    cut short (never adopt that)."""
    if original.exists() and original.stat().st_size == partial.stat().st_size:
        partial.unlink()
    else:
        os.replace(partial, original)


def commit(con: duckdb.DuckDBPyConnection, kind: str, preview_, classify: Callable, store_versions: Callable,
           is_demo: bool = False, replace_demo: bool = False, copying: Future[Path] | None = None,
           batch_id: int | None = None) -> ImportReport:
    """Store a previewed batch of any kind: ``store_versions(con, preview_, batch_id)`` writes
    its versions; the batch record and the original are written here, all in one transaction.

    The rows are sorted against the store again (``classify``) inside the transaction when the
    store changed since the preview, so what another session imported meanwhile is taken into
    account. The preview has the counters of ``report``; its plan says ``as_batch()``.
    ``copying``: the original's copy started ahead (``copy_ahead``). ``batch_id``: the id of a
    batch whose versions were written before (``begin_unfinished``), else a new one.
    """
    if preview_.already_imported is not None:
        return report(preview_, None)

    def store_rows(con: duckdb.DuckDBPyConnection, original_file: str) -> ImportReport:
        nonlocal preview_
        if store.data_version(con) != preview_.data_version:  # the store changed since the preview
            preview_ = classify(con, preview_)
        if not preview_.importable:
            return report(preview_, None)
        batch = next_batch_id(con) if batch_id is None else batch_id
        store_versions(con, preview_, batch)
        _record_batch(con, kind, batch, preview_, original_file, is_demo)
        return report(preview_, batch)

    return write_batch(con, preview_.source, replace_demo, store_rows, copying=copying)


def report(preview_, batch_id: int | None) -> ImportReport:
    """What an import did (``batch_id`` None: nothing was stored)."""
    stored = batch_id is not None
    return ImportReport(
        preview_.source.file_name, batch_id, preview_.rows_read, preview_.to_insert if stored else 0,
        preview_.to_update if stored else 0,
        preview_.unchanged + (0 if stored else preview_.to_insert + preview_.to_update),
        preview_.superseded, preview_.rejected, preview_.already_imported, tuple(preview_.rejects),
        preview_.source.staged.renamed, user_defined=preview_.source.staged.user_defined,
        skipped=preview_.skipped, findings=preview_.findings,
    )


def _record_batch(con: duckdb.DuckDBPyConnection, kind: str, batch_id: int, preview_, original_file: str,
                  is_demo: bool) -> None:
    """The batch's row in import_batches, with the plan as its kind keeps it (``as_batch``)."""
    source, plan = preview_.source, preview_.plan.as_batch()
    record_batch(con, BatchRecord(
        batch_id, kind, source.file_name, source.checksum, original_file, plan["profile"], plan["source_system"],
        (preview_.rows_read, preview_.to_insert, preview_.to_update, preview_.unchanged + preview_.superseded,
         preview_.rejected),
        source.sniffed, plan["mapping"], source.columns,
        {name: plan[name] for name in ("date_formats", "defaults", "options")}, is_demo,
        skipped=preview_.skipped))


@dataclass(frozen=True)
class BatchRecord:
    """A batch's row in import_batches, for every kind of file."""

    batch_id: int
    kind: str
    file_name: str
    checksum: str
    original_file: str
    profile: str                        # the format, saved profile or layout the file was read with
    source_system: str
    rows: tuple[int, int, int, int, int]  # read, inserted, updated, unchanged, rejected
    sniffed: object                     # encoding, delimiter and header row (reader.Sniffed or alike)
    mapping: dict                       # canonical field -> source column
    source_columns: list[str]
    plan: dict = field(default_factory=dict)  # date_formats, defaults, options where the kind has them
    is_demo: bool = False
    skipped: int = 0                    # rows that are no data (totals, the header again, a footer)


def record_batch(con: duckdb.DuckDBPyConnection, batch: BatchRecord) -> None:
    sniffed, (read, inserted, updated, unchanged, rejected) = batch.sniffed, batch.rows
    con.execute(
        """INSERT INTO import_batches (batch_id, kind, file_name, checksum, profile, source_system, encoding,
               delimiter, header_row, mapping, date_formats, defaults, options, source_columns, original_file,
               rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, rows_skipped, is_demo)
           VALUES ($batch, $kind, $file, $checksum, $profile, $system, $encoding, $delimiter, $header_row, $mapping,
               $date_formats, $defaults, $options, $columns, $raw, $read, $inserted, $updated, $unchanged, $rejected,
               $skipped, $demo)""",
        {
            "batch": batch.batch_id, "kind": batch.kind, "file": batch.file_name, "checksum": batch.checksum,
            "profile": batch.profile, "system": batch.source_system,
            "encoding": sniffed.encoding, "delimiter": sniffed.delimiter, "header_row": sniffed.header_row,
            "mapping": json.dumps(batch.mapping, ensure_ascii=False),
            **{name: json.dumps(batch.plan.get(name), ensure_ascii=False)
               for name in ("date_formats", "defaults", "options")},
            "columns": json.dumps(batch.source_columns, ensure_ascii=False),
            "raw": batch.original_file, "read": read, "inserted": inserted, "updated": updated,
            "unchanged": unchanged, "rejected": rejected, "skipped": batch.skipped, "demo": batch.is_demo,
        },
    )
    store.bump_data_version(con)


def next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    return store.scalar(con, "SELECT nextval('import_batch_seq')")


def begin_unfinished(con: duckdb.DuckDBPyConnection) -> int:
    """A batch id for versions written before the batch is recorded, listed as unfinished (in the
    store and in this process) until ``end_unfinished``; see store.sweep_unfinished_batches."""
    batch_id = next_batch_id(con)
    store.UNFINISHED_HERE.add(batch_id)
    con.execute("INSERT INTO unfinished_batches (batch_id) VALUES (?)", [batch_id])
    return batch_id


def end_unfinished(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Take the batch off the list, inside the transaction that records it."""
    con.execute("DELETE FROM unfinished_batches WHERE batch_id = ?", [batch_id])


def drop_unfinished(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """After an import that wrote versions ahead: delete them unless the batch was recorded."""
    if batch_kind(con, batch_id) is None:
        with store.transaction(con):
            store.delete_unfinished(con, [batch_id])
    store.UNFINISHED_HERE.discard(batch_id)


def batch_kind(con: duckdb.DuckDBPyConnection, batch_id: int) -> str | None:
    """The batch's kind; None for a batch never recorded."""
    row = store.first_row(con, "SELECT kind FROM import_batches WHERE batch_id = ?", [batch_id])
    return row[0] if row else None


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """Take a batch back out: its versions go, earlier versions become current again.

    Returns the number of records (tickets, intervals, tasks, people rows) affected. A version
    only enters the store when it supersedes the then-current one, so the latest remaining
    batch's version is the right one to restore.
    """
    row = store.first_row(con, "SELECT original_file, undone_at FROM import_batches WHERE batch_id = ?", [batch_id])
    if row is None:
        raise InputError(f"batch {batch_id}", "ingest.no_batch")
    if row[1] is not None:
        raise InputError(f"batch {batch_id}", "ingest.batch_undone")
    with store.transaction(con):
        affected = undo_rows(con, batch_id)
    remove_unreferenced_originals(con, [row[0]])
    return affected


def undo_demo_batches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Undo every demo batch inside the caller's transaction, and remove the demo's channel costs
    that nobody has changed since (they would cost a user's own tickets at made-up prices);
    returns their original files."""
    demo_batches = con.execute(
        "SELECT batch_id, original_file FROM import_batches WHERE is_demo AND undone_at IS NULL").fetchall()
    for batch_id, _ in demo_batches:
        undo_rows(con, batch_id)
    if demo_batches:
        con.executemany("DELETE FROM channel_costs WHERE channel = ? AND cost_per_contact = ?",
                        list(DEMO_CHANNEL_COSTS.items()))
    return [original for _, original in demo_batches]


def remove_unreferenced_originals(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Delete originals no batch still in force refers to (same file, same name). Under the write
    lock, so no other session's import can come to refer to one between the check and the delete."""
    with store.WRITE_LOCK:
        for name in filter(None, names):  # '': a people import from before originals were kept
            if not store.scalar(con, "SELECT count(*) FROM import_batches WHERE original_file = ?"
                                     " AND undone_at IS NULL", [name]):
                (store.originals_dir(con) / name).unlink(missing_ok=True)


def undo_rows(con: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """Undo's work, inside the caller's transaction, for the batch's kind."""
    kind = KINDS[batch_kind(con, batch_id)]
    if kind.versions_table is None:
        affected = _restore_replaced(con, batch_id)
    else:
        affected = _drop_versions(con, kind, batch_id)
    con.execute("UPDATE import_batches SET undone_at = current_localtimestamp() WHERE batch_id = ?", [batch_id])
    store.bump_data_version(con)
    return affected


def _drop_versions(con: duckdb.DuckDBPyConnection, kind: Kind, batch_id: int) -> int:
    table, keys = kind.versions_table, ", ".join(kind.keys)
    con.execute(f"CREATE OR REPLACE TEMP TABLE undo_keys AS SELECT DISTINCT {keys} FROM {table} WHERE batch_id = ?",
                [batch_id])
    affected = store.scalar(con, "SELECT count(*) FROM undo_keys")
    con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
    for extra in kind.batch_tables:
        con.execute(f"DELETE FROM {extra} WHERE batch_id = ?", [batch_id])
    if kind.marks_current:
        con.execute(f"""
            UPDATE {table} v SET is_current = (v.batch_id = latest.batch_id)
            FROM (SELECT {keys}, max(batch_id) AS batch_id FROM {table} SEMI JOIN undo_keys USING ({keys})
                  WHERE batch_id IN (SELECT batch_id FROM import_batches) GROUP BY {keys}) latest
            WHERE {' AND '.join(f'v.{k} = latest.{k}' for k in kind.keys)}
        """)
    con.execute("DROP TABLE undo_keys")
    return affected


def keep_replaced(con: duckdb.DuckDBPyConnection, batch_id: int, table: str, keys: tuple[str, ...],
                  incoming: str, replace_all: bool = False) -> None:
    """Before a batch writes the rows of the registered frame ``incoming`` into ``table`` in place:
    keep, per key it writes, the row it replaces (NULL: none), so undo can put it back.
    ``replace_all``: the batch makes the table hold exactly its rows, so every stored row is kept."""
    join = "FULL JOIN" if replace_all else "LEFT JOIN"
    con.execute(f"""
        INSERT INTO batch_replaced_rows (batch_id, table_name, row_key, before)
        SELECT ?, ?, to_json(struct_pack({', '.join(f'{k} := {k}' for k in keys)})), to_json(stored.t)
        FROM (SELECT DISTINCT {', '.join(keys)} FROM {incoming}) i
             {join} (SELECT t, {', '.join(keys)} FROM {table} t) stored USING ({', '.join(keys)})
    """, [batch_id, table])


def _restore_replaced(con: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """Put back the rows a batch replaced in place. Where a later batch in force wrote the same
    row since, that row stays and the later batch takes over what this one replaced, so undoing
    batches in any order ends where importing only the others would have."""
    replaced = con.execute("SELECT table_name, row_key, before FROM batch_replaced_rows WHERE batch_id = ?",
                           [batch_id]).fetchall()
    if not replaced:
        raise InputError(f"batch {batch_id}", "ingest.batch_not_undoable")
    restored = 0
    for table, key, before in replaced:
        later = store.scalar(
            con, "SELECT min(r.batch_id) FROM batch_replaced_rows r JOIN import_batches b USING (batch_id)"
                 " WHERE r.table_name = ? AND r.row_key = ? AND r.batch_id > ? AND b.undone_at IS NULL",
            [table, key, batch_id])
        if later is not None:
            con.execute("UPDATE batch_replaced_rows SET before = ? WHERE batch_id = ? AND table_name = ?"
                        " AND row_key = ?", [before, later, table, key])
            continue
        key_values = json.loads(key)
        con.execute(f"DELETE FROM {table} WHERE {' AND '.join(f'{sql.ident(c)} = ?' for c in key_values)}",
                    list(key_values.values()))
        if before is not None:
            row = json.loads(before)
            con.execute(f"INSERT INTO {table} ({', '.join(sql.ident(c) for c in row)})"
                        f" VALUES ({', '.join('?' * len(row))})", list(row.values()))
        restored += 1
    return restored
