"""The competency model: roles, competencies, required levels and learning items — edit, import, export."""

import streamlit as st

from kpi.ingest.errors import InputError
from kpi.people import imports, model
from ui import db, lang, t
from ui.components.download import download_buttons
from ui.people_widgets import flash, reject_list, role_names, storage_note, upload_flow

MODEL_KINDS = tuple(imports.MODEL_KINDS)  # roles, competencies, requirements, learning_items


def column_config(table: str) -> dict:
    """Headers in the user's language; codes, levels and modes as drop-downs so edits stay valid."""
    roles = role_names()
    competencies = model.competency_names(db(), lang())

    def level(label_key: str):
        return st.column_config.SelectboxColumn(t(label_key), options=list(model.LEVELS[1:]), required=True,
                                                format_func=lambda lv: model.level_label(lv, lang()))

    config = {column: t(f"people.field.{column.removesuffix('_id')}") for column in model.MODEL_TABLES[table]}
    # Descriptions run to a paragraph: at their full width the English one falls off the screen.
    config |= {column: st.column_config.TextColumn(config[column], width="medium")
               for column in ("description_zh", "description_en") if column in config}
    config |= {
        "role_requirements": {
            "role_id": st.column_config.SelectboxColumn(t("people.field.role"), options=list(roles),
                                                        required=True, format_func=roles.get),
            "required_level": level("people.field.required_level"),
            "certificate_required": st.column_config.CheckboxColumn(t("people.field.certificate_required")),
        },
        "learning_items": {
            "level": level("people.field.level"),
            "delivery_mode": st.column_config.SelectboxColumn(
                t("people.field.delivery_mode"), options=list(model.DELIVERY_MODES), required=True,
                format_func=lambda mode: model.mode_label(mode, lang())),
            "hours": st.column_config.NumberColumn(t("people.field.hours"), min_value=0.5, step=0.5, required=True),
        },
    }.get(table, {})
    if table in ("role_requirements", "learning_items"):
        config["competency_id"] = st.column_config.SelectboxColumn(
            t("people.field.competency"), options=sorted(competencies), required=True, format_func=competencies.get)
    return config


st.title(t("people.model.title"))
storage_note("people.model.stored")
st.caption(t("people.model.help"))

tables = list(model.MODEL_TABLES)
tabs = st.tabs([t(f"people.table.{table}") for table in tables] + [t("people.model.tab_import")])
for table, tab in zip(tables, tabs):
    with tab:
        stored = model.model_table(db(), table)
        edited = st.data_editor(stored, num_rows="dynamic", hide_index=True, width="stretch",
                                key=f"model_{table}", column_config=column_config(table))
        left, right = st.columns([1, 2])
        if left.button(t("people.model.save"), key=f"model_save_{table}", icon=":material/save:",
                       disabled=edited.equals(stored)):
            plan = imports.plan_import(db(), imports.source_from_frame(edited, t(f"people.table.{table}")))
            if plan.rejects:
                reject_list(plan.rejects, f"model_{table}")
            else:
                try:
                    imports.apply_import(db(), plan, replace=True)
                except InputError as err:
                    st.error(err.message(lang()), icon=":material/error:")
                else:
                    flash(t("people.model.saved", table=t(f"people.table.{table}"), count=len(edited)),
                          f"model_{table}")
        with right:
            download_buttons(stored, table, f"model_download_{table}")

with tabs[-1]:
    st.markdown(t("people.model.import_help"))
    upload_flow(MODEL_KINDS, "model_upload")
