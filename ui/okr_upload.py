"""The upload page's widget for Microsoft Planner exports: preview, rejects, import as a plan."""

from __future__ import annotations

import streamlit as st

from kpi.ingest.errors import InputError
from kpi.okr import planner
from ui import db, lang, t
from ui.people_widgets import reject_list

_STATE = "planner_uploads"


def handles(key: str, uploaded) -> bool:
    """Show ``uploaded`` as a Planner export and say True, or say False (another kind of file).
    The bytes of a recognised export are kept in the session until the file is removed."""
    recognised = st.session_state.setdefault(_STATE, {})
    if key not in recognised:
        data = uploaded.getvalue() if planner.may_be_planner_export(uploaded.name, uploaded.size) else None
        recognised[key] = data if data and planner.is_planner_export(data, uploaded.name) else None
    if recognised[key] is None:
        return False
    _show(key, uploaded.name, recognised[key])
    return True


def forget_removed(keys: set[str]) -> None:
    recognised = st.session_state.setdefault(_STATE, {})
    for key in set(recognised) - keys:
        del recognised[key]


def _show(key: str, file_name: str, data: bytes) -> None:
    with st.container(border=True):
        st.subheader(file_name)
        done = st.session_state.get(f"planner_done_{key}")
        if done is not None:
            st.success(t("okr.upload.done", plan=done[0], batch=done[1]))
            return
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
            import_id = planner.commit(db(), preview)
            st.session_state[f"planner_done_{key}"] = (preview.plan_name, import_id)
            st.rerun()
