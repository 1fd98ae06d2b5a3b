"""The ROI page's inputs: every model parameter, the extra cost lines, the benefit checklist.

The values being edited (the "working copy", a StoredScenario) are loaded into the widgets'
session state when a scenario is chosen, and mirrored back after every run: Streamlit drops a
widget's state when the user visits another page, and the mirror brings unsaved edits back.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.roi.model import (PARAMETER, SEED, SEED_HOURS_PER_YEAR, SIDES, ExtraLine, Parameter,
                           Scenario, hourly_rate)
from kpi.roi.scenarios import BENEFITS, BenefitCheck, StoredScenario
from ui.session import lang, t

_WORKING = "roi.working"
_BASE = "roi.base"                 # the draft the table editors started from: their edits apply to it
_LOADED = "roi.loaded"             # id of the scenario in the widgets (None: unsaved new one)
_GENERATION = "roi.generation"     # part of the table editors' keys: a new one restarts them

_GROUPS = {
    "course": ("trainees", "class_size", "classroom_hours", "online_hours"),
    "rates": ("trainee_annual_salary", "instructor_annual_salary"),
    "classroom": ("travel_total", "admin_days_per_class", "classroom_dev_hours"),
    "online": ("online_admin_classes", "online_dev_multiplier", "platform_cost"),
    "horizon": ("runs_per_year", "years"),
}


def _key(name: str) -> str:
    return f"roi.p.{name}"


def ensure_loaded(selected: StoredScenario | None) -> None:
    """Fill the widgets from the chosen scenario, or from the working copy after a page visit."""
    state = st.session_state
    wanted = selected.scenario_id if selected else None
    if _WORKING not in state or state.get(_LOADED) != wanted:
        _load(selected or StoredScenario(None, t("roi.scenario.new_name"), SEED))
    elif _key("trainees") not in state:
        _load(state[_WORKING])


def _load(draft: StoredScenario) -> None:
    state, s = st.session_state, draft.scenario
    for p in PARAMETER.values():
        value = getattr(s, p.key)
        if value is not None:
            state[_key(p.key)] = int(value) if p.integer else float(value)
    state["roi.rule"] = "seed" if s.hours_per_year is None else "hours"
    state["roi.admin_same"] = s.admin_hourly is None
    state["roi.name"], state["roi.notes"] = draft.name, draft.notes
    state[_WORKING] = state[_BASE] = draft
    state[_LOADED] = draft.scenario_id
    state[_GENERATION] = state.get(_GENERATION, 0) + 1


def remember(scenario: Scenario, notes: str, checks: dict[str, BenefitCheck]) -> StoredScenario:
    """The working copy after this run's edits, kept for the next run and the save buttons."""
    state = st.session_state
    draft = StoredScenario(state[_LOADED], state["roi.name"], scenario, notes, checks)
    state[_WORKING] = draft
    return draft


def _number(p: Parameter, disabled: bool = False) -> float:
    # The widgets stop at 0, not at the parameter's minimum, so that an impossible value such
    # as a class size of 0 reaches the model and its message names the problem.
    if p.integer:
        bounds = dict(min_value=0, max_value=int(p.maximum), step=int(p.step), format="%d")
    else:
        shown = "%.2f" if p.unit == "ntd_per_hour" else "%.1f" if p.step < 1 else "%.0f"
        bounds = dict(min_value=0.0, max_value=float(p.maximum), step=float(p.step), format=shown)
    return st.number_input(f"{p.label(lang())} ({p.unit_label(lang())})", key=_key(p.key),
                           disabled=disabled, **bounds)


def parameters() -> dict:
    """Every numeric assumption, grouped, by its Scenario field (not yet validated)."""
    values: dict = {}
    for group, keys in _GROUPS.items():
        with st.expander(t(f"roi.form.{group}"), expanded=group in ("course", "rates")):
            for key in keys:
                values[key] = _number(PARAMETER[key])
            if group == "rates":
                values |= _rate_rules(values["trainee_annual_salary"])
    return values


def extra_lines() -> dict[str, tuple[ExtraLine, ...]]:
    """Both sides' own cost lines, side by side: the editors need the page's width."""
    return {f"{side}_extra": _extra_lines(side, column) for side, column in zip(SIDES, st.columns(2))}


def _rate_rules(trainee_annual_salary: float) -> dict:
    """The hourly rule and the administration rate; a rule not chosen shows what it stands for."""
    state = st.session_state
    rule = st.radio(t("roi.form.hourly_rule"), ("seed", "hours"), key="roi.rule",
                    format_func=lambda r: t(f"roi.form.rule_{r}"))
    if rule == "seed":
        state[_key("hours_per_year")] = float(SEED_HOURS_PER_YEAR)
    hours = _number(PARAMETER["hours_per_year"], disabled=rule == "seed")
    hours = None if rule == "seed" else hours
    same = st.checkbox(t("roi.form.admin_same"), key="roi.admin_same")
    if same and (hours is None or hours > 0):
        state[_key("admin_hourly")] = float(hourly_rate(trainee_annual_salary, hours))
    admin = _number(PARAMETER["admin_hourly"], disabled=same)
    return {"hours_per_year": hours, "admin_hourly": None if same else admin}


def _extra_lines(side: str, column) -> tuple[ExtraLine, ...]:
    name, amount = t("roi.form.extra_name"), t("roi.form.extra_amount")
    base = st.session_state[_BASE].scenario.extra(side)
    column.markdown(f"**{t(f'roi.form.extra_{side}')}**")
    edited = column.data_editor(
        pd.DataFrame({"name": [x.name for x in base], "amount": [x.amount for x in base]},
                     columns=["name", "amount"]).astype({"name": "string", "amount": "float64"}),
        key=f"roi.extra.{side}.{st.session_state[_GENERATION]}", num_rows="dynamic",
        hide_index=True, width="stretch",
        column_config={"name": st.column_config.TextColumn(name),
                       "amount": st.column_config.NumberColumn(amount, format="localized")},
    )
    return extra_lines_from(edited)


def extra_lines_from(edited: pd.DataFrame) -> tuple[ExtraLine, ...]:
    """The editor's rows as lines; an empty row is ignored, a missing amount counts as 0."""
    lines = []
    for name, amount in edited[["name", "amount"]].itertuples(index=False):
        name = "" if pd.isna(name) else str(name).strip()
        if name or not pd.isna(amount):
            lines.append(ExtraLine(name, 0.0 if pd.isna(amount) else float(amount)))
    return tuple(lines)


def benefits() -> tuple[str, dict[str, BenefitCheck]]:
    """The scenario's notes and its tick and note against each intangible benefit."""
    st.caption(t("roi.benefits.intro"))
    base = st.session_state[_BASE].benefits
    frame = pd.DataFrame({
        "benefit": [t(f"roi.benefit.{key}") for key in BENEFITS],
        "checked": [base.get(key, BenefitCheck()).checked for key in BENEFITS],
        "note": [base.get(key, BenefitCheck()).note for key in BENEFITS],
    })
    edited = st.data_editor(
        frame, key=f"roi.benefits.{st.session_state[_GENERATION]}", hide_index=True,
        width="stretch", height="content", disabled=["benefit"],
        column_config={
            "benefit": st.column_config.TextColumn(t("roi.benefits.column_benefit"), width="large"),
            "checked": st.column_config.CheckboxColumn(t("roi.benefits.column_checked"), width="small"),
            "note": st.column_config.TextColumn(t("roi.benefits.column_note"), width="large"),
        },
    )
    notes = st.text_area(t("roi.form.notes"), key="roi.notes")
    checks = {key: BenefitCheck(bool(row.checked), "" if pd.isna(row.note) else str(row.note))
              for key, row in zip(BENEFITS, edited.itertuples(index=False))}
    return notes, checks
