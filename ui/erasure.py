"""Erasing a person, from the People data page: the only place the app erases, so that a guard
(who may erase) belongs in ``erase_form`` alone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.people import erasure
from ui.session import lang, t, with_store_released

RESULT = "erasure_result"


def erase_form(people: pd.DataFrame) -> None:
    """Pick a person, type their employee id to confirm, erase; then the result and what stays."""
    with st.expander(t("erasure.title"), icon=":material/person_remove:", expanded=RESULT in st.session_state):
        if result := st.session_state.get(RESULT):
            _show_result(result)
        if people.empty:
            return
        st.caption(t("erasure.help"))
        # New keys after each erasure: the browser would otherwise keep showing the last choice.
        form = st.session_state.setdefault("erase_form", 0)
        labels = dict(zip(people["employee_id"], people["name"] + " (" + people["employee_id"] + ")"))
        victim = st.selectbox(t("erasure.who"), list(labels), format_func=labels.get, index=None,
                              key=f"erase_who_{form}", placeholder=t("people.choose"))
        typed = st.text_input(t("erasure.type_id"), key=f"erase_typed_{form}", help=t("erasure.type_id_help"))
        delete_originals = st.checkbox(t("erasure.delete_originals"), key=f"erase_originals_{form}",
                                       help=t("erasure.delete_originals_help"))
        if st.button(t("erasure.button"), disabled=not victim or typed.strip() != victim, type="primary",
                     key=f"erase_{form}", icon=":material/delete_forever:"):
            try:
                st.session_state[RESULT] = with_store_released(
                    lambda path: erasure.erase_person(path, victim, delete_originals))
            except erasure.NoSuchPerson:
                st.error(t("erasure.no_person", employee_id=victim))
                return
            st.session_state["erase_form"] = form + 1
            st.session_state.pop("people_editor", None)
            st.rerun()


def _show_result(result: erasure.Erasure) -> None:
    """The summary, shown once; while originals naming the person remain, with a button to delete them."""
    st.success("\n".join(f"- {line}" for line in result.summary(lang())), icon=":material/task_alt:")
    kept = sum(not original.deleted for original in result.originals)
    if not kept:
        del st.session_state[RESULT]
    elif st.button(t("erasure.delete_kept", files=kept), key="erase_delete_kept", icon=":material/delete:"):
        st.session_state[RESULT] = erasure.delete_named_originals(result)
        st.rerun()
