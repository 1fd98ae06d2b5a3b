"""Per-run access to the shared store and to the user's language."""

from __future__ import annotations

import duckdb
import streamlit as st

from kpi import i18n, store


@st.cache_resource(show_spinner=False)
def _database(path: str) -> duckdb.DuckDBPyConnection:
    # One connection per database file for the whole server: the store is the team's, and a
    # DuckDB file can be held read-write by one process only. Sessions work on cursors of it.
    return store.connect(path)


def db() -> duckdb.DuckDBPyConnection:
    """A cursor (its own connection) on the team's store, for this script run."""
    return _database(store.db_path()).cursor()


def db_version() -> int:
    """Changes whenever stored data changes: pass it to cached functions as part of their key."""
    return store.data_version(db())


def lang() -> str:
    """The language chosen in the sidebar; before any choice, the browser's."""
    chosen = st.session_state.get("lang")
    return chosen if chosen in i18n.LANGUAGES else i18n.language_for_locale(st.context.locale)


def t(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)
