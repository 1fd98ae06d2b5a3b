"""E-learning ROI: classroom versus online cost of a course, saved scenarios, what-if views."""

from __future__ import annotations

import json

import streamlit as st

import ui
from kpi import store
from kpi.roi.model import InvalidScenario, Scenario, evaluate, validate
from kpi.roi.scenarios import (ScenarioNameError, StoredScenario, delete_scenario,
                               duplicate_scenario, list_scenarios, save_scenario)
from ui import roi_form, roi_views
from ui.components.download import file_download
from ui.session import t


@st.cache_data(max_entries=8, show_spinner=False)
def _scenarios(database: str, data_version: int) -> list[StoredScenario]:
    # Both arguments are the cache key only: another store, or a change to this one, reloads.
    return list_scenarios(ui.db())


state = st.session_state
stored = {s.scenario_id: s for s in _scenarios(store.db_path(), ui.db_version())}
if "roi.select_next" in state:
    state["roi.selected"] = state.pop("roi.select_next")
if state.get("roi.selected") not in stored:
    state["roi.selected"] = next(iter(stored), None)

st.title(t("roi.title"))
st.caption(t("roi.intro"))
if flash := state.pop("roi.flash", None):
    st.success(flash)

choose, rename = st.columns(2)
choose.selectbox(t("roi.scenario.select"), list(stored), key="roi.selected",
                 format_func=lambda scenario_id: stored[scenario_id].name, persist_state="session")
selected = stored.get(state["roi.selected"])
roi_form.ensure_loaded(selected)
rename.text_input(t("roi.scenario.name"), key="roi.name")
buttons = st.container(horizontal=True)
save = buttons.button(t("roi.scenario.save"), key="roi.save", type="primary", disabled=selected is None)
save_new = buttons.button(t("roi.scenario.save_new"), key="roi.save_new")
duplicate = buttons.button(t("roi.scenario.duplicate"), key="roi.duplicate", disabled=selected is None)
with buttons.popover(t("roi.scenario.delete"), disabled=selected is None):
    st.write(t("roi.scenario.delete_confirm", name=selected.name if selected else ""))
    delete = st.button(t("roi.scenario.delete_yes"), key="roi.delete", type="primary")
status = st.empty()          # filled once the edited values are known, below
if not stored:
    st.info(t("roi.scenario.none"))

with st.sidebar:              # the assumptions beside, the results across the whole page
    values = roi_form.parameters()
headline = st.container()
costs, payback, sensitivity, compare, intangible = st.tabs(
    [t(f"roi.tab.{name}") for name in ("costs", "cumulative", "sensitivity", "compare", "benefits")])
with costs:
    lines_table = st.container()    # drawn once the extra lines below are known
    scenario = Scenario(**values, **roi_form.extra_lines())
problems = validate(scenario)
result = None if problems else evaluate(scenario)
with headline:
    if problems:
        st.error("\n".join([t("roi.result.invalid"), *(f"- {p.message(ui.lang())}" for p in problems)]))
    else:
        roi_views.headlines(result)
for tab, view in ((lines_table, roi_views.costs), (payback, roi_views.cumulative),
                  (sensitivity, roi_views.sensitivity)):
    with tab:
        if result is None:
            st.info(t("roi.result.fix_first"))
        else:
            view(result)
with lines_table:
    if result is not None:
        file_download(t("roi.scenario.download_json"), lambda: json.dumps(scenario.to_mapping(), ensure_ascii=False, indent=2),
                      "roi-scenario.json", "application/json", "roi.download_json")
with compare:
    roi_views.compare(stored)
with intangible:
    notes, benefits = roi_form.benefits()

draft = roi_form.remember(scenario, notes, benefits)
if selected is None or (selected.name, selected.scenario, selected.notes, dict(selected.benefits)) != (
        draft.name, draft.scenario, draft.notes, draft.benefits):
    status.caption(t("roi.scenario.unsaved"))

try:
    con = ui.db()
    if save or save_new:
        state["roi.select_next"] = save_scenario(con, selected.scenario_id if save else None,
                                                 draft.name, scenario, notes, benefits)
        state["roi.flash"] = t("roi.scenario.saved", name=draft.name.strip())
    elif duplicate:
        state["roi.select_next"] = duplicate_scenario(con, draft)
        state["roi.flash"] = t("roi.scenario.duplicated", name=draft.name.strip())
    elif delete:
        delete_scenario(con, selected.scenario_id)
        state["roi.flash"] = t("roi.scenario.deleted", name=selected.name)
    if save_new or duplicate:     # a new scenario joins the comparison
        state["roi.compare_add"] = [state["roi.select_next"]]
except ScenarioNameError as err:
    status.error(t(f"roi.problem.name_{err.reason}", name=err.name))
except InvalidScenario:
    status.error(t("roi.scenario.invalid"))
else:
    if save or save_new or duplicate or delete:
        st.rerun()
