"""The inbox folder seen from the app: a watcher thread started once per store, and a pass on
page load (home, upload) that says what it imported."""

from __future__ import annotations

import atexit
import logging
import threading

import streamlit as st

from kpi import inbox, store
from ui.components.download import table_with_downloads
from ui.session import _database, db, lang, t

POLL_SECONDS = 10
log = logging.getLogger("service_ops")


@st.cache_resource(show_spinner=False)
def watcher(path: str) -> threading.Thread:
    """Import what arrives in the inbox while nobody has the app open; one thread per store."""
    stop = threading.Event()
    thread = threading.Thread(target=_watch, args=(path, stop), name="inbox-watcher", daemon=True)
    thread.start()
    # Let the thread end before the interpreter does: one still holding DuckDB objects then
    # makes the bindings report leaks on every exit.
    atexit.register(_stop_watching, stop, thread)
    return thread


def _stop_watching(stop: threading.Event, thread: threading.Thread) -> None:
    stop.set()
    thread.join(timeout=5)


def _watch(path: str, stop: threading.Event) -> None:
    told = None  # the fault last logged: a lasting one (a damaged or locked store) is told once
    while not stop.is_set():
        try:
            with _database(path).cursor() as con:
                inbox.process(con, inbox.inbox_dir(path))
            told = None
        except Exception as err:  # keep watching: a fault here must not end imports for good
            fault = err.message("en") if isinstance(err, store.StoreUnavailable) else f"{type(err).__name__}: {err}"
            if fault != told:
                # One line, no trace: the server's terminal is read by the people running it.
                log.error("inbox watcher: %s", fault)
                told = fault
        stop.wait(POLL_SECONDS)


def poll() -> None:
    """Import what is waiting in the inbox now, and say so."""
    for outcome in inbox.process(db(), inbox.inbox_dir(store.db_path())):
        if outcome.outcome in ("failed", "rejected"):
            reason = "" if outcome.reason is None else outcome.reason.message(lang())
            st.warning(t(f"inbox.{outcome.outcome}", file=outcome.file, reason=reason))
        else:
            st.success(t(f"inbox.{outcome.outcome}", file=outcome.file, batch=outcome.batch_id))


def show_history(con) -> None:
    """What became of each file the inbox received, newest first (nothing until one arrives)."""
    entries = inbox.history(con, lang())
    if entries.empty:
        return
    with st.expander(t("inbox.title"), icon=":material/move_to_inbox:"):
        st.caption(t("inbox.help"))
        entries["outcome"] = [t(f"inbox.outcome.{outcome}") for outcome in entries["outcome"]]
        table_with_downloads(entries.rename(columns={c: t(f"inbox.col.{c}") for c in entries.columns}),
                             "inbox-history", "inbox_history")
