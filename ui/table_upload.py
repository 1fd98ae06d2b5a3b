"""The upload page's previews for the kinds of file read whole (Microsoft Planner exports, people
files): recognised through ``kpi.ingest.pipeline``, previewed with their rejects, and imported as
one batch each. Ticket exports and interval reports have the page's own mapping flow."""

from __future__ import annotations

import streamlit as st

from kpi.ingest import pipeline
from kpi.ingest.errors import InputError
from kpi.okr import planner
from ui import db, lang, t
from ui.people_widgets import people_preview, reject_list

_STATE = "table_uploads"


def handles(key: str, uploaded) -> bool:
    """Show ``uploaded`` as a Planner export or people file and say True, or say False (a ticket
    export or interval report). The bytes of a recognised file stay in the session until it is
    removed."""
    recognised = st.session_state.setdefault(_STATE, {})
    if key not in recognised:
        data = uploaded.getvalue() if pipeline.may_be_table(uploaded.name, uploaded.size) else None
        kind = pipeline.recognise(db(), data, uploaded.name) if data else pipeline.TICKETS_OR_INTERVALS
        recognised[key] = None if kind == pipeline.TICKETS_OR_INTERVALS else (kind, data)
    if recognised[key] is None:
        return False
    kind, data = recognised[key]
    with st.container(border=True):
        st.subheader(uploaded.name)
        done = st.session_state.get(f"table_done_{key}")
        if done is not None:
            st.success(done)
        elif kind == planner.KIND:
            _planner(key, uploaded.name, data)
        elif (message := people_preview(f"upload_people_{key}", uploaded.name, data)) is not None:
            _done(key, message)
    return True


def forget_removed(keys: set[str]) -> None:
    recognised = st.session_state.setdefault(_STATE, {})
    for key in set(recognised) - keys:
        del recognised[key]
        st.session_state.pop(f"table_done_{key}", None)


def _done(key: str, message: str) -> None:
    st.session_state[f"table_done_{key}"] = message
    st.rerun()


def _planner(key: str, file_name: str, data: bytes) -> None:
    try:
        preview = planner.read_export(db(), data, file_name)
    except InputError as err:
        st.error(err.message(lang()))
        return
    st.caption(t("okr.upload.detected", plan=preview.plan_name, plan_id=preview.plan_id,
                 date=f"{preview.export_date:%Y-%m-%d}", language=preview.language, row=preview.header_row))
    cells = st.columns(5)
    for cell, label, value in zip(cells, ("upload.rows_read", "upload.to_insert", "upload.to_update",
                                          "upload.unchanged", "upload.rejected"),
                                  (preview.rows_read, preview.to_insert, preview.to_update, preview.unchanged,
                                   preview.rejected)):
        cell.metric(t(label), f"{value:,}")
    reject_list(preview.rejects, f"planner_{key}")
    if preview.already_imported is not None:
        st.info(t("upload.already", batch=preview.already_imported))
        return
    if st.button(t("okr.upload.confirm", tasks=len(preview.tasks)), type="primary", key=f"planner_import_{key}",
                 disabled=not preview.importable):
        _done(key, t("okr.upload.done", plan=preview.plan_name, batch=planner.commit(db(), preview)))

