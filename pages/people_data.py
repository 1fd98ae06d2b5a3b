"""People data: upload people, matrices, assessments, certificates and completed learning; edit or erase
people; export minimal tables."""

import pandas as pd
import streamlit as st

from kpi.people import imports, model, records
from ui import db, lang, t
from ui.access import permits
from ui.components.download import download_buttons
from ui.erasure import erase_form
from ui.people_widgets import flash, reject_list, role_names, storage_note, upload_flow

DATA_KINDS = ("people", "matrix", "assessments", "certificates", "learning")

st.title(t("people.data.title"))
storage_note()
upload_tab, people_tab, export_tab = st.tabs(
    [t("people.data.tab_upload"), t("people.data.tab_people"), t("people.data.tab_export")])

with upload_tab:
    with st.expander(t("people.data.formats"), icon=":material/help:"):
        st.markdown(t("people.data.formats_help"))
    upload_flow(DATA_KINDS, "people_upload")

with people_tab:
    people = records.people_list(db()).fillna("")  # empty cells, not "None", in the editor
    role_ids = model.roles(db(), lang())["role_id"].tolist()
    if people.empty:
        st.info(t("people.data.no_people"), icon=":material/group_add:")
    else:
        st.caption(t("people.data.edit_help"))
        edited = st.data_editor(
            people, hide_index=True, width="stretch", disabled=["employee_id"], key="people_editor",
            column_config={"employee_id": t("people.col.employee_id"), "name": t("people.col.name"),
                           "department": t("people.col.department"), "manager": t("people.col.manager"),
                           "role_id": st.column_config.SelectboxColumn(t("people.col.role"), options=role_ids,
                                                                      format_func=role_names().get)},
        )
        if st.button(t("people.data.save"), key="people_save", icon=":material/save:",
                     disabled=edited.equals(people)):
            plan = imports.plan_import(db(), imports.source_from_frame(edited, t("people.data.editor")))
            if plan.rejects:
                reject_list(plan.rejects, "people_editor")
            else:
                imports.apply_import(db(), plan)
                flash(t("people.data.saved", count=plan.rows_accepted), "people_editor")

    with st.form("people_add", clear_on_submit=True, border=True):
        st.markdown(t("people.data.add"))
        first, second, third = st.columns(3)
        new_person = pd.DataFrame([{
            "employee_id": first.text_input(t("people.col.employee_id")),
            "name": second.text_input(t("people.col.name")),
            "department": third.text_input(t("people.col.department")),
            "role_id": first.selectbox(t("people.col.role"), role_ids, index=None, placeholder=t("people.choose"),
                                       format_func=role_names().get),
            "manager": second.text_input(t("people.col.manager")),
        }])
        added = st.form_submit_button(t("people.data.add_button"), icon=":material/person_add:")
    if added:  # outside the form: the reject list has a download button, which a form cannot hold
        plan = imports.plan_import(db(), imports.source_from_frame(new_person, t("people.data.form")))
        if plan.rejects:
            reject_list(plan.rejects, "people_add")
        else:
            imports.apply_import(db(), plan)
            flash(t("people.data.added", name=new_person.at[0, "name"]))

    if permits("people.erase", "access.action.erase"):
        erase_form(people)

with export_tab:
    st.caption(t("people.data.export_help"))
    names = {table: t(f"people.table.{table}") for table in records.EXPORTABLE}
    table = st.selectbox(t("people.data.export_table"), list(names), key="people_export_table", format_func=names.get)
    include_notes = table == "assessments" and st.checkbox(t("people.data.include_notes"), key="people_notes")
    download_buttons(records.table_export(db(), table, include_notes), table, "people_export")
