"""Per-run access to the shared store and to the user's language."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import duckdb
import streamlit as st

from kpi import i18n, store

T = TypeVar("T")
# Held while a session takes a cursor, and for the whole of a rewrite of the store file: no
# session can reopen the file half-way through one.
_STORE_LOCK = threading.RLock()


@st.cache_resource(show_spinner=False)
def _database(path: str) -> duckdb.DuckDBPyConnection:
    # One connection per database file for the whole server: the store is the team's, and a
    # DuckDB file can be held read-write by one process only. Sessions work on cursors of it.
    return store.connect(path)


def db() -> duckdb.DuckDBPyConnection:
    """A cursor (its own connection) on the team's store, for this script run."""
    with _STORE_LOCK:
        return _database(store.db_path()).cursor()


def is_open(con: duckdb.DuckDBPyConnection) -> bool:
    """False once the connection (or the one it is a cursor of) has been closed."""
    try:
        con.execute("SELECT 1").fetchall()
    except duckdb.ConnectionException:
        return False
    return True


def with_store_released(action: Callable[[str], T]) -> T:
    """Run ``action(store path)`` while this server holds no connection to the store, so the
    action may rewrite the file (``store.compact``).

    Closing the shared connection closes every cursor of it. Other sessions wait at their next
    ``db()`` until the action ends, then open the rewritten file; a query of theirs running at
    that moment fails once (their page shows the usual error, the next run works), and their
    upload previews not yet imported are lost (their staged tables lived on the closed cursor).
    """
    path = store.db_path()
    with _STORE_LOCK:
        _database(path).close()
        _database.clear()
        return action(path)


def db_version() -> int:
    """Changes whenever stored data changes: pass it to cached functions as part of their key."""
    return store.data_version(db())


def lang() -> str:
    """The language chosen in the sidebar; before any choice, the browser's."""
    chosen = st.session_state.get("lang")
    return chosen if chosen in i18n.LANGUAGES else i18n.language_for_locale(st.context.locale)


def t(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)
