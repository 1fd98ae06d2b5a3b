"""Skills matrix: people × competencies with levels, requirements and gaps; coverage and single points of failure."""

import streamlit as st

from kpi.people import charts, records, skills
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
sort_by = st.columns([2, 3])[0].selectbox(t("people.matrix.sort"), sort_options, format_func=sort_labels.get,
                                          key="matrix_sort")

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
