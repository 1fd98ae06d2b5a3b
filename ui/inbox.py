"""The inbox folder seen from the app: a watcher thread started once per store, and a pass on
page load (home, upload) that says what it imported."""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from kpi import inbox, store
from ui.components.download import table_with_downloads
from ui.session import _database, db, lang, t

POLL_SECONDS = 10
log = logging.getLogger("service_ops")


@st.cache_resource(show_spinner=False)
def watcher(path: str) -> threading.Thread:
    """Import what arrives in the inbox while nobody has the app open; one thread per store."""
    thread = threading.Thread(target=_watch, args=(path,), name="inbox-watcher", daemon=True)
    thread.start()
    return thread


def _watch(path: str) -> None:
    while True:
        try:
            with _database(path).cursor() as con:
                inbox.process(con, inbox.inbox_dir(path))
        except Exception:  # keep watching: a fault here must not end imports for good
            log.exception("inbox watcher")
        time.sleep(POLL_SECONDS)


def poll() -> None:
    """Import what is waiting in the inbox now, and say so."""
    for outcome in inbox.process(db(), inbox.inbox_dir(store.db_path())):
        if outcome.outcome == "failed":
            st.warning(t("inbox.failed", reason=outcome.reason.message(lang())))
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
