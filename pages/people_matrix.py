"""Skills matrix: people × competencies with levels, requirements and gaps; coverage and single points of failure."""

import streamlit as st

from kpi.people import charts, records, skills
from kpi.people.model import LEVELS, level_label
from ui import db, lang, t
from ui.components.download import download_buttons, table_with_downloads
from ui.people_widgets import empty_store_hint, scope_filters, scope_query, storage_note

MAX_ROWS = 150  # people drawn in the heat map at once; the rest are counted, sorted away

st.title(t("people.matrix.title"))
storage_note()
if empty_store_hint():
    st.stop()

scope, as_of = scope_filters("matrix")
st.caption(t("people.rule"))
long = scope_query("skill_matrix", as_of, scope)
if long.empty:
    st.warning(t("people.no_match"), icon=":material/filter_alt_off:")
    st.stop()

competencies = long.drop_duplicates("competency_id").sort_values("column_order")
sort_options = ["name", "department", "total_gap", *competencies["competency_id"]]
sort_labels = {"name": t("people.matrix.sort_name"), "department": t("people.matrix.sort_department"),
               "total_gap": t("people.matrix.sort_gap"),
               **{c: t("people.matrix.sort_competency", competency=n)
                  for c, n in zip(competencies["competency_id"], competencies["competency"])}}
sort_column, gaps_column = st.columns([2, 3], vertical_alignment="bottom")
sort_by = sort_column.selectbox(t("people.matrix.sort"), sort_options, format_func=sort_labels.get, key="matrix_sort")
only_gaps = gaps_column.checkbox(t("people.matrix.only_gaps"), key="matrix_only_gaps")
names = dict(zip(competencies["competency_id"], competencies["competency"]))
can_do_column, level_column = st.columns([2, 3])
can_do = can_do_column.selectbox(t("people.matrix.can_do"), [None, *names], key="matrix_can_do",
                                 format_func=lambda c: names.get(c, t("people.matrix.can_do_anyone")))
min_level = level_column.select_slider(t("people.matrix.min_level"), LEVELS[1:], value=LEVELS[-2], key="matrix_min_level",
                                       format_func=lambda lv: level_label(lv, lang()), disabled=can_do is None)

if only_gaps:
    long = long[long["employee_id"].isin(skills.people_with_gaps(long))]
if can_do is not None:
    qualified = long[long["employee_id"].isin(skills.people_at_level(long, can_do, min_level))]
    who = qualified.drop_duplicates("employee_id")["name"].tolist()
    found = dict(count=len(who), competency=names[can_do], level=level_label(min_level, lang()))
    st.info(t("people.matrix.can_do_result", names="、".join(who), **found) if who
            else t("people.matrix.can_do_none", **found), icon=":material/person_search:")
    long = qualified
if long.empty:  # nobody qualifies (said above), or nobody falls short
    if can_do is None:
        st.success(t("people.matrix.no_gaps"), icon=":material/verified:")
else:
    people = skills.sort_people(long, sort_by)
    if len(people) > MAX_ROWS:
        st.caption(t("people.matrix.truncated", shown=MAX_ROWS, total=len(people)))
    shown = long.set_index("employee_id").loc[people[:MAX_ROWS]].reset_index()
    st.plotly_chart(charts.matrix_heatmap(shown, lang()), width="stretch", key="matrix_heatmap")
    st.caption(t("people.matrix.legend"))

st.subheader(t("people.coverage.title"))
st.caption(t("people.coverage.help"))
covered = scope_query("coverage", as_of, scope)
spof = covered[covered["single_point_of_failure"]]
if spof.empty:
    st.success(t("people.coverage.no_spof"), icon=":material/verified:")
else:
    st.error(t("people.coverage.spof", count=len(spof),
               names="、".join(f"{r} · {c}" for r, c in zip(spof["role"], spof["competency"]))),
             icon=":material/warning:")
st.plotly_chart(charts.coverage_chart(covered, lang()), width="stretch", key="coverage_chart")
table_with_downloads(
    covered[["role", "competency", "required_level", "at_entry", "at_professional", "at_consultant",
             "meeting_required", "single_point_of_failure"]],
    "coverage", "coverage",
    column_config={
        "role": t("people.col.role"), "competency": t("people.col.competency"),
        "required_level": t("people.col.required"), "at_entry": t("people.col.at_entry"),
        "at_professional": t("people.col.at_professional"), "at_consultant": t("people.col.at_consultant"),
        "meeting_required": t("people.col.meeting_required"),
        "single_point_of_failure": st.column_config.CheckboxColumn(t("people.col.spof")),
    },
)

with st.expander(t("people.matrix.export"), icon=":material/download:"):
    st.caption(t("people.matrix.export_help"))
    download_buttons(records.matrix_export(db(), as_of, lang(), scope), "skills-matrix", "matrix_export")
