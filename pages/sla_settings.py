"""SLA settings: time limits per level and the business calendar, with a preview on a sample ticket.

Saving either re-derives every deadline the app filled in itself (exports' own values stay).
"""

from __future__ import annotations

from datetime import date, datetime, time

import streamlit as st

import ui
from kpi.service import settings
from kpi.service.deadlines import UNITS
from kpi.service.settings import SettingsError
from ui.access import permits
from ui.components.download import as_shown, download_buttons, table_with_downloads
from ui.service_view import readable
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
    state["sla.policy_draft"] = settings.preset_policy(con, name)
    state.pop(POLICY_EDITOR, None)   # the editor starts again from the preset


def unit_column(title_key: str) -> st.column_config.SelectboxColumn:
    return st.column_config.SelectboxColumn(t(title_key), options=UNITS, required=True, width=265,
                                            format_func={unit: t(f"service.unit.{unit}") for unit in UNITS}.get)


def value_column(title_key: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(t(title_key), min_value=0, step=1, format="%d", required=True, width=150)


st.title(t("service.sla.title"))
st.caption(t("service.sla.intro"))
may_save = permits("sla.edit", "access.action.sla_save")
if flash := state.pop("sla.flash", None):
    st.toast(flash, icon=":material/check_circle:")

st.subheader(t("service.sla.policy"))
presets = settings.preset_names(con)
pick, apply = st.columns([3, 1], vertical_alignment="bottom")
preset = pick.selectbox(t("service.sla.preset"), presets, format_func={p: t(f"service.preset.{p}") for p in presets}.get)
apply.button(t("service.sla.apply_preset"), on_click=load_preset, args=(preset,), width="stretch")
policy_columns = {
    "level": st.column_config.NumberColumn(t("service.sla.col.level"), format="Level %d"),
    "first_response_value": value_column("service.sla.col.first_response_value"),
    "first_response_unit": unit_column("service.sla.col.first_response_unit"),
    "resolution_value": value_column("service.sla.col.resolution_value"),
    "resolution_unit": unit_column("service.sla.col.resolution_unit"),
}
policy = st.data_editor(
    state.get("sla.policy_draft", settings.load_policy(con)), key=POLICY_EDITOR, hide_index=True, width="stretch",
    disabled=["level"], num_rows="fixed", column_config=policy_columns,
)
download_buttons(as_shown(policy, policy_columns), "sla-policy", "sla.policy_download")
st.caption(t("service.sla.units_help"))
if may_save:
    st.button(t("service.sla.save_policy"), type="primary", on_click=save, args=("policy",), kwargs={"policy": policy})
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
day_col, time_col, level_col = st.columns(3)
sample_day = day_col.date_input(t("service.sla.sample_day"), date.today(), min_value=date(2000, 1, 1),
                                max_value=date(2100, 12, 31), key="sla.sample_day")
sample_time = time_col.time_input(t("service.sla.sample_time"), time(17, 20), key="sla.sample_time")
level = level_col.selectbox(t("service.sla.col.level"), settings.LEVELS, index=3, format_func=lambda v: f"Level {v}",
                            key="sla.sample_level")
try:
    preview = settings.preview_deadlines(con, datetime.combine(sample_day, sample_time), level, policy, calendar)
except SettingsError as err:
    problem(err)
else:
    preview["settings"] = preview["settings"].map(lambda which: t(f"service.sla.preview_{which}"))
    table_with_downloads(readable(preview).rename(columns={c: t(f"service.sla.col.{c}") for c in preview.columns}),
                         "sla-preview", "sla.preview")
