"""One person (or up to five compared): radar against requirement and team, sorted gaps, blueprint, alerts."""

import datetime as dt

import streamlit as st

from kpi import formatting
from kpi.people import charts, development, model, performance, records, skills
from kpi.people.skills import MAX_COMPARED, Scope
from ui import db, db_version, lang, t
from ui.components.download import table_with_downloads
from ui.components.kpi_card import kpi_card, legend_caption
from ui.people_widgets import DATE_WIDTH, certificate_alerts, empty_store_hint, role_names, storage_note


@st.cache_data(max_entries=32, show_spinner=False)
def radar(version: int, employee_ids: tuple[str, ...], as_of: dt.date, language: str):
    return skills.radar(db(), list(employee_ids), as_of, language)


st.title(t("people.person.title"))
storage_note()
if empty_store_hint():
    st.stop()

directory = records.people_list(db()).set_index("employee_id")
roles = role_names()


def describe(employee_id: str) -> str:
    person = directory.loc[employee_id]
    return f"{person['name']} ({employee_id} · {person['department'] or '—'} · {roles.get(person['role_id'], '—')})"


choices = st.container(horizontal=True, vertical_alignment="bottom")
# The first person is shown at once, so the page never opens on an empty chart.
chosen = choices.multiselect(t("people.person.people", count=MAX_COMPARED), list(directory.index), format_func=describe,
                             default=list(directory.index[:1]), max_selections=MAX_COMPARED, key="person_ids",
                             placeholder=t("people.person.pick"))
as_of = choices.date_input(t("people.filter.as_of"), value=dt.date.today(), key="person_as_of",
                           help=t("people.filter.as_of_help"), width=DATE_WIDTH)
if not chosen:
    st.info(t("people.person.pick_help"), icon=":material/person_search:")
    st.stop()

data = radar(db_version(), tuple(chosen), as_of, lang())
if data is None:
    st.warning(t("people.person.no_role", name=directory.loc[chosen[0], "name"]), icon=":material/badge:")
    st.stop()
other_roles = [directory.loc[i, "name"] for i in chosen if directory.loc[i, "role_id"] != data.role_id]
if other_roles:
    st.caption(t("people.person.other_role", names="、".join(other_roles), role=roles[data.role_id]))

radar_column, gap_column = st.columns([3, 2])
with radar_column:
    st.subheader(t("people.person.radar", role=roles[data.role_id], department=data.department or "—"))
    st.plotly_chart(charts.radar_chart(data, lang()), width="stretch", key="person_radar")
with gap_column:
    focus = chosen[0]
    if len(chosen) > 1:
        focus = st.selectbox(t("people.person.focus"), chosen, format_func=describe, key="person_focus")
    st.subheader(t("people.person.gaps", name=directory.loc[focus, "name"]))
    gaps = skills.person_gaps(db(), focus, as_of, lang())
    if gaps.empty:
        st.info(t("people.person.no_role", name=directory.loc[focus, "name"]), icon=":material/badge:")
    else:
        st.plotly_chart(charts.gap_bars(gaps, lang()), width="stretch", key="person_gaps")
        st.caption(t("people.rule"))

st.subheader(t("people.blueprint.title", name=directory.loc[focus, "name"]))
blueprint = development.blueprint(db(), focus, as_of, lang())
mix = development.delivery_mix(blueprint.items)
columns = st.columns(5)
columns[0].metric(t("people.blueprint.completion"),
                  formatting.percent(blueprint.completion),
                  help=t("people.blueprint.completion_help"))
columns[1].metric(t("people.blueprint.items_done"), f"{blueprint.done} / {blueprint.total}")
for column, group in zip(columns[2:], ("on_the_job", "mentoring", "formal")):
    column.metric(t(f"people.mix.{group}"), formatting.percent(mix.get(group, 0)), help=t("people.mix.help"))
if blueprint.items.empty:
    st.success(t("people.blueprint.no_gaps"), icon=":material/verified:")
else:
    items = blueprint.items
    without_item = items[items["item_id"].isna()]
    if not without_item.empty:
        st.warning(t("people.blueprint.no_items", competencies="、".join(without_item["competency"])),
                   icon=":material/library_add:")
    rows = items[items["item_id"].notna()].assign(
        step=[f"{model.level_label(c, lang())} → {model.level_label(r, lang())}"
              for c, r in zip(items["current_level"], items["required_level"])],
        level=items["item_level"].map(lambda lv: model.level_label(lv, lang())),
        mode=items["delivery_mode"].map(lambda m: model.mode_label(m, lang()) if isinstance(m, str) else "—"),
        status=[t("people.blueprint.done", day=f"{d:%Y-%m-%d}") if done else t("people.blueprint.todo")
                for done, d in zip(items["completed"], items["completed_on"])],
    )
    # Done or to do beside the item, not last: at 1,400 px long English names push the last column out of view.
    table_with_downloads(
        rows[["competency", "step", "title", "status", "level", "mode", "hours"]], f"blueprint-{focus}", "blueprint",
        column_config={"competency": t("people.col.competency"), "step": t("people.col.step"),
                       "title": t("people.col.item"), "level": t("people.col.item_level"),
                       "mode": t("people.col.mode"), "hours": t("people.col.hours"), "status": t("people.col.status")},
    )

st.subheader(t("people.alerts.title"))
certificate_alerts(as_of, Scope(employee_ids=(focus,)), "person")

st.subheader(t("people.person.performance"))
figures = performance.performance(db(), as_of, lang(), Scope(employee_ids=(focus,))).iloc[0]
if figures.isna()["tickets_handled"]:
    st.caption(t("people.person.no_tickets", name=directory.loc[focus, "name"]))
else:
    for column, key in zip(st.columns(len(performance.METRICS)), performance.METRIC_COLUMNS):
        kpi_card(column, f"people.{key}", figures[key], department=directory.loc[focus, "department"])
    legend_caption([f"people.{key}" for key in performance.METRIC_COLUMNS], directory.loc[focus, "department"])

with st.expander(t("people.person.evidence", name=directory.loc[focus, "name"]), icon=":material/fact_check:"):
    st.caption(t("people.person.evidence_help"))
    evidence = skills.evidence(db(), focus, as_of, lang())
    table_with_downloads(
        evidence.assign(level=evidence["level"].map(lambda lv: model.level_label(lv, lang())),
                        source=evidence["source"].map(lambda s: model.source_label(s, lang())),
                        evidence_on=evidence["evidence_on"].map(formatting.moment),
                        valid_until=evidence["valid_until"].map(formatting.moment),
                        **{c: evidence[c].fillna("") for c in ("certificate_name", "issuer", "note")}),
        f"evidence-{focus}", "evidence",
        column_config={"competency": t("people.col.competency"), "level": t("people.col.level"),
                       "source": t("people.col.source"), "evidence_on": t("people.col.date"),
                       "valid_until": t("people.col.valid_until"), "certificate_name": t("people.col.certificate"),
                       "issuer": t("people.col.issuer"), "note": t("people.col.note"),
                       "counts": st.column_config.CheckboxColumn(t("people.col.counts"))},
    )
