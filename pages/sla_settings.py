"""SLA settings: the ordered SLA policies and the business calendar, with a preview on a sample ticket.

Saving either re-derives every deadline the app filled in itself (exports' own values stay).
"""

from __future__ import annotations

import streamlit as st

import ui
from kpi.service import policies, settings
from kpi.service.settings import SettingsError
from ui import sla_widgets
from ui.access import permits
from ui.components.download import as_shown, download_buttons
from ui.session import t

POLICY_EDITOR, CALENDAR_EDITOR = "sla.policy_editor", "sla.calendar_editor"
state = st.session_state
con = ui.db()


def problem(err: SettingsError) -> None:
    st.error(t(err.key, **err.values))


def save(section: str, **changes) -> None:
    """Button callback: store the edits, after which the editors start again from the store."""
    try:
        settings.save_settings(con, **changes)
    except SettingsError as err:
        state[f"sla.problem.{section}"] = err
        return
    for key in (POLICY_EDITOR, CALENDAR_EDITOR, "sla.policy_draft", "sla.calendar_upload"):
        state.pop(key, None)
    state["sla.flash"] = t("service.sla.saved")


def report_problem(section: str) -> None:
    if err := state.pop(f"sla.problem.{section}", None):
        problem(err)


def load_preset(name: str) -> None:
    state["sla.policy_draft"] = policies.preset_policies(con, name, ui.lang())
    state.pop(POLICY_EDITOR, None)   # the editor starts again from the preset


st.title(t("service.sla.title"))
st.caption(t("service.sla.intro"))
may_save = permits("sla.edit", "access.action.sla_save")
if flash := state.pop("sla.flash", None):
    st.toast(flash, icon=":material/check_circle:")

st.subheader(t("service.sla.policy"))
st.caption(t("service.sla.policy_help"))
presets = policies.preset_names(con)
pick, apply = st.columns([3, 1], vertical_alignment="bottom")
preset = pick.selectbox(t("service.sla.preset"), presets, format_func={p: t(f"service.preset.{p}") for p in presets}.get)
apply.button(t("service.sla.apply_preset"), on_click=load_preset, args=(preset,), width="stretch")
edited_policies = sla_widgets.policy_editor(state.get("sla.policy_draft", policies.load_policies(con)), POLICY_EDITOR)
st.caption(t("service.sla.units_help"))
if may_save:
    st.button(t("service.sla.save_policy"), type="primary", on_click=save, args=("policy",),
              kwargs={"policies": edited_policies})
report_problem("policy")

st.subheader(t("service.sla.calendar"))
st.caption(t("service.sla.calendar_help"))
upload = st.file_uploader(t("service.sla.calendar_upload"), type=["csv", "txt"], key="sla.calendar_upload")
if upload is not None:
    try:
        merged = settings.merge_office_calendar(con, upload.getvalue())
    except SettingsError as err:
        problem(err)
    else:
        st.info(t("service.sla.calendar_ready", name=upload.name, count=len(merged)))
        if may_save:
            st.button(t("service.sla.calendar_import"), type="primary", on_click=save, args=("calendar",),
                      kwargs={"calendar": merged})
calendar_columns = {
    "day": st.column_config.DateColumn(t("service.sla.col.day"), format="YYYY-MM-DD", required=True),
    "is_working_day": st.column_config.CheckboxColumn(t("service.sla.col.is_working_day"), default=False),
    "note": st.column_config.TextColumn(t("service.sla.col.note")),
}
calendar = st.data_editor(
    settings.load_calendar(con), key=CALENDAR_EDITOR, hide_index=True, width="stretch", num_rows="dynamic",
    column_config=calendar_columns,
)
if calendar.empty:
    st.caption(t("service.sla.calendar_empty"))
else:
    download_buttons(as_shown(calendar, calendar_columns), "business-calendar", "sla.calendar_download")
if may_save:
    st.button(t("service.sla.save_calendar"), type="primary", on_click=save, args=("calendar",),
              kwargs={"calendar": calendar})
report_problem("calendar")

st.subheader(t("service.sla.preview"))
st.caption(t("service.sla.preview_help"))
ticket = sla_widgets.sample_ticket()
try:
    preview = settings.preview_deadlines(con, ticket, edited_policies, calendar)
except SettingsError as err:
    problem(err)
else:
    sla_widgets.preview_table(preview)
