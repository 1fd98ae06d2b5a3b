"""KPI targets: the operations plan's target and amber/red thresholds per KPI, overall or per department."""

from __future__ import annotations

import streamlit as st

import ui
from kpi import metrics, targets
from kpi.targets import TargetsError
from ui.access import permits
from ui.components.columns import cell_width, header_width
from ui.session import t

EDITOR = "targets.editor"
ALL = "*"   # the editor's stand-in for the overall row: a Selectbox cell shows "" as "None"
state = st.session_state
con = ui.db()


def save(edited) -> None:
    """Button callback: store the rows, after which the editor starts again from the store."""
    try:
        targets.save_targets(con, edited.assign(department=edited["department"].replace({ALL: targets.OVERALL})))
    except TargetsError as err:
        state["targets.problem"] = err
        return
    state.pop(EDITOR, None)
    state["targets.flash"] = t("targets.saved")


st.title(t("targets.title"))
st.caption(t("targets.intro"))
if flash := state.pop("targets.flash", None):
    st.toast(flash, icon=":material/check_circle:")

registry = metrics.registry()
# KPIs of different areas share names (服務水準 of the weekly report and of a person): say whose
AREAS = {"service": "nav.section.service", "people": "nav.section.people", "roi": "nav.roi", "phone": "nav.section.contact",
         "channels": "nav.channel_mix"}


def kpi_name(key: str) -> str:
    return f"{t(AREAS[key.partition('.')[0]])} · {registry[key].label(ui.lang())}"


stored = targets.editor_frame(con)
stored["department"] = stored["department"].replace({targets.OVERALL: ALL})
stored["unit"] = stored["kpi_key"].map(lambda key: t(f"targets.unit.{registry[key].unit}"))
threshold = {name: st.column_config.NumberColumn(t(f"targets.col.{name}"), min_value=0, required=True,
                                                width=header_width(t(f"targets.col.{name}"), editable=True))
             for name in targets.THRESHOLDS}
edited = st.data_editor(
    stored, key=EDITOR, hide_index=True, width="stretch", num_rows="dynamic", disabled=["unit"],
    height=35 * (len(stored) + 2) + 3,   # every target and the row that adds one, without scrolling
    column_order=["kpi_key", "department", "direction", *targets.THRESHOLDS, "unit"],
    column_config={
        "kpi_key": st.column_config.SelectboxColumn(t("targets.col.kpi_key"), options=list(registry), required=True,
                                                    width=cell_width(map(kpi_name, registry)), format_func=kpi_name),
        "department": st.column_config.SelectboxColumn(
            t("targets.col.department"), options=[ALL, *targets.departments(con)], default=ALL,
            format_func=lambda d: t("targets.all_departments") if d == ALL else d),
        "direction": st.column_config.SelectboxColumn(
            t("targets.col.direction"), options=targets.DIRECTIONS, required=True,
            format_func={d: t(f"targets.direction.{d}") for d in targets.DIRECTIONS}.get),
        **threshold,
        "unit": st.column_config.TextColumn(t("targets.col.unit"), width="small"),
    },
)
st.caption(t("targets.rule"))
if permits("sla.edit", "access.action.targets_save"):
    st.button(t("targets.save"), type="primary", on_click=save, args=(edited.drop(columns="unit"),))
if problem := state.pop("targets.problem", None):
    st.error(problem.message(ui.lang()))
