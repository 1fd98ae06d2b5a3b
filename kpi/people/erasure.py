"""Erasing a person so that the store no longer holds them, and saying what still does.

``erase_person`` does it all on a database file whose connections are closed:

1. Every row of every table with an ``employee_id`` column goes (people, assessments,
   certificates, learning, and whatever table a later feature keys on the person).
2. Every text column of every table is searched (``duckdb_columns()``, so new tables are covered
   too): the person's name becomes a pseudonym wherever it appears — ticket owners in every
   stored version, managers, file names, import mappings and defaults, notes. Their employee id
   becomes the pseudonym in free text (JSON columns and columns named ``note``/``notes``); other
   columns are codes, where a numeric employee id could equal an unrelated value. A value that is
   exactly the name of someone still stored (a namesake) is left alone: it may be theirs.
3. The file is rewritten (``store.compact``), so the old values are gone from its bytes.
4. The original export files of import batches are scanned for the name and the id; they are
   listed and, if asked, deleted (the batch stays, but can no longer be re-mapped).

The pseudonym is ``已刪除人員-`` and six hex digits of an HMAC of the employee id, keyed with a
random secret kept in the store: the same person always gets the same pseudonym, so weekly
figures by owner still group their tickets, and nobody without the store's secret can tell
whose it is. With the secret (it is in the same file), trying every employee id reveals it:
this is pseudonymisation, which is what keeps the ticket history useful.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import duckdb

from kpi import i18n, sql, store

PSEUDONYM_PREFIX = "已刪除人員-"
KEY_SETTING = "erasure_key"
# Tables of the store's own bookkeeping, which hold no personal data (the key must stay as it is).
_BOOKKEEPING = ("schema_migrations", "store_settings")
# How a name or an employee id may be written in an export: Excel and the exporting systems
# write UTF-8, Big5 (cp950 on Windows) or UTF-16.
_ENCODINGS = ("utf-8", "cp950", "big5", "utf-16-le", "utf-16-be")


class NoSuchPerson(LookupError):
    def __init__(self, employee_id: str):
        super().__init__(f"no person with employee id {employee_id!r} is stored")
        self.employee_id = employee_id


@dataclass(frozen=True)
class OriginalFile:
    """A stored original export that names the erased person, and the batches imported from it."""

    path: Path  # in the store's originals folder
    batches: tuple[int, ...]
    deleted: bool


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed, replaced and left."""

    employee_id: str
    name: str
    pseudonym: str
    rows_deleted: dict[str, int]  # table -> rows
    values_replaced: dict[str, int]  # "table.column" -> values rewritten
    namesakes: tuple[str, ...]  # employee ids of others with the same name
    originals: tuple[OriginalFile, ...] = ()
    compacted: bool = False

    def summary(self, lang: str) -> list[str]:
        """The result, one sentence a line, in ``lang``: what went, what was replaced, what stays."""
        def counts(by_place: dict[str, int]) -> str:
            return ", ".join(f"{place} {count:,}" for place, count in by_place.items() if count) or "—"

        lines = [
            i18n.t("erasure.deleted", lang, name=self.name, employee_id=self.employee_id,
                   rows=sum(self.rows_deleted.values()), tables=counts(self.rows_deleted)),
            i18n.t("erasure.replaced", lang, pseudonym=self.pseudonym, values=sum(self.values_replaced.values()),
                   columns=counts(self.values_replaced)),
        ]
        if self.namesakes:
            lines.append(i18n.t("erasure.namesakes", lang, ids=", ".join(self.namesakes)))
        lines.append(i18n.t("erasure.compacted" if self.compacted else "erasure.not_compacted", lang))
        kept = [original for original in self.originals if not original.deleted]
        deleted = [original for original in self.originals if original.deleted]
        if deleted:
            lines.append(i18n.t("erasure.originals_deleted", lang, files=len(deleted), batches=_batch_list(deleted)))
        if kept:
            lines.append(i18n.t("erasure.originals_kept", lang, files=len(kept), batches=_batch_list(kept)))
        if not self.originals:
            lines.append(i18n.t("erasure.no_originals", lang))
        lines.append(i18n.t("erasure.outside", lang))
        return lines


def _batch_list(originals: list[OriginalFile]) -> str:
    return ", ".join(str(batch) for original in originals for batch in original.batches)


def erase_person(path: str, employee_id: str, delete_originals: bool = False) -> Erasure:
    """Erase a person from the database file at ``path`` and compact it; every other connection
    to the file must be closed (``store.compact``). Raises ``NoSuchPerson``."""
    con = store.connect(path)
    try:
        erasure = erase_rows(con, employee_id)
        erasure = replace(erasure, originals=tuple(originals_naming(con, erasure.name, employee_id)))
    finally:
        con.close()
    if delete_originals:
        erasure = delete_named_originals(erasure)
    try:
        store.compact(path)
    except (store.StoreInUse, OSError, duckdb.IOException):  # erased all the same: the summary says so
        return erasure
    return replace(erasure, compacted=True)


def erase_rows(con: duckdb.DuckDBPyConnection, employee_id: str) -> Erasure:
    """Steps 1 and 2, in one transaction: the rows go, the name and id become the pseudonym."""
    with store.transaction(con):
        found = store.first_row(con, "SELECT name FROM people WHERE employee_id = ?", [employee_id])
        if found is None:
            raise NoSuchPerson(employee_id)
        name = found[0]
        pseudonym = pseudonym_for(con, employee_id)
        deleted = {table: store.scalar(con, f"DELETE FROM {sql.ident(table)} WHERE employee_id = ?", [employee_id])
                   for table in tables_with_column(con, "employee_id")}
        # Rows people files replaced are kept for undo; the person's must not come back by one.
        deleted["batch_replaced_rows"] = store.scalar(
            con, "DELETE FROM batch_replaced_rows WHERE row_key->>'employee_id' = $id OR before->>'employee_id' = $id",
            {"id": employee_id})
        replaced = {}
        for table, column, free_text in _text_columns(con):
            count = _replace(con, table, column, free_text, name, employee_id, pseudonym)
            if count:
                replaced[f"{table}.{column}"] = count
        namesakes = [row[0] for row in con.execute(
            "SELECT employee_id FROM people WHERE name = ? ORDER BY employee_id", [name]).fetchall()]
        store.bump_data_version(con)
    return Erasure(employee_id, name, pseudonym, deleted, replaced, tuple(namesakes))


def pseudonym_for(con: duckdb.DuckDBPyConnection, employee_id: str) -> str:
    """The stable pseudonym of an employee id in this store (creates the store's key on first use)."""
    con.execute("INSERT INTO store_settings VALUES (?, ?) ON CONFLICT DO NOTHING", [KEY_SETTING, secrets.token_hex(32)])
    key = store.scalar(con, "SELECT value FROM store_settings WHERE key = ?", [KEY_SETTING])
    digest = hmac.new(bytes.fromhex(key), employee_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:6].upper()


def tables_with_column(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """The store's own tables (bookkeeping aside) that have ``column``: where a person's rows are."""
    rows = con.execute(_BASE_COLUMNS + " AND c.column_name = ? ORDER BY 1", [_BOOKKEEPING, column]).fetchall()
    return [table for table, _, _ in rows]


def _text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, bool]]:
    """Every text column of the store's tables: table, column, whether it is free text."""
    rows = con.execute(_BASE_COLUMNS + " AND c.data_type IN ('VARCHAR', 'JSON') ORDER BY 1, 2",
                       [_BOOKKEEPING]).fetchall()
    return [(table, column, data_type == "JSON" or column in ("note", "notes")) for table, column, data_type in rows]


_BASE_COLUMNS = """
    SELECT c.table_name, c.column_name, c.data_type
    FROM duckdb_columns() c JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
    WHERE c.database_name = current_database() AND c.schema_name = 'main' AND NOT t.temporary
      AND c.table_name NOT IN (SELECT unnest(?))"""


def _replace(con: duckdb.DuckDBPyConnection, table: str, column: str, free_text: bool,
             name: str, employee_id: str, pseudonym: str) -> int:
    """Put the pseudonym in place of the name (and, in free text, of the id as a whole word) in
    one column; returns the number of values changed."""
    value = f"CAST({sql.ident(column)} AS VARCHAR)"
    replaced = f"replace({value}, $name, $pseudonym)"
    found = f"contains({value}, $name)"
    params = {"name": name, "pseudonym": pseudonym}
    if free_text:
        replaced = f"regexp_replace({replaced}, $id_pattern, $pseudonym, 'g')"
        found += f" OR regexp_matches({value}, $id_pattern)"
        params["id_pattern"] = _word_pattern(employee_id)
    return store.scalar(con, f"""
        UPDATE {sql.ident(table)} SET {sql.ident(column)} = {replaced}
        WHERE ({found}) AND {value} NOT IN (SELECT name FROM people)""", params)


def _word_pattern(text: str) -> str:
    """A regular expression (RE2) for ``text`` not run into letters or digits on either side."""
    start = r"\b" if re.match(r"\w", text[0], re.ASCII) else ""
    end = r"\b" if re.match(r"\w", text[-1], re.ASCII) else ""
    return start + re.escape(text) + end


def originals_naming(con: duckdb.DuckDBPyConnection, name: str, employee_id: str) -> list[OriginalFile]:
    """The stored original files whose bytes hold the name or the employee id in any encoding an
    export uses (inside XLSX and other zip containers too), with the batches imported from them."""
    needles = {text.encode(encoding) for text in (name, employee_id) for encoding in _ENCODINGS
               if _encodable(text, encoding)}
    folder = store.originals_dir(con)
    rows = con.execute("""SELECT original_file, list(batch_id ORDER BY batch_id) FROM import_batches
                          GROUP BY original_file ORDER BY min(batch_id)""").fetchall()
    return [OriginalFile(folder / stored_as, tuple(batches), deleted=False) for stored_as, batches in rows
            if (folder / stored_as).is_file() and _file_holds(folder / stored_as, needles)]


def delete_named_originals(erasure: Erasure) -> Erasure:
    """Delete the original files an erasure found (their batches stay, but cannot be re-mapped)."""
    for original in erasure.originals:
        original.path.unlink(missing_ok=True)
    return replace(erasure, originals=tuple(replace(original, deleted=True) for original in erasure.originals))


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _file_holds(path: Path, needles: set[bytes]) -> bool:
    with path.open("rb") as f:
        if _stream_holds(f, needles):
            return True
    try:
        with zipfile.ZipFile(path) as container:
            for member in container.infolist():
                with container.open(member) as f:
                    if _stream_holds(f, needles):
                        return True
    except (zipfile.BadZipFile, OSError, RuntimeError):  # not a zip, or one we cannot read: raw bytes only
        return False
    return False


def _stream_holds(stream: BinaryIO, needles: set[bytes], block: int = 1 << 20) -> bool:
    """Whether any needle occurs in the stream, read a block at a time (a needle may straddle two)."""
    overlap = max(map(len, needles)) - 1
    tail = b""
    while chunk := stream.read(block):
        window = tail + chunk
        if any(needle in window for needle in needles):
            return True
        tail = window[-overlap:] if overlap else b""
    return False
