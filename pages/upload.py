"""Upload exports: detect, map, preview, confirm. Nothing is stored before the user confirms."""

from dataclasses import replace

import streamlit as st

import ui
from kpi.contact.interval_import import IntervalPreview
from kpi.ingest import formats, importer, reader
from kpi.ingest.errors import column_fields
from ui import inbox, t, table_upload
from ui import upload_flow as flow
from ui import upload_quality as quality
from ui.components.download import download_buttons

st.title(t("upload.title"))
st.caption(t("upload.intro"))
inbox.poll()

files = st.file_uploader(
    t("upload.files"), type=list(reader.UPLOAD_TYPES), accept_multiple_files=True, key="upload_files"
)
uploads = {flow.upload_key(f): f for f in files or []}
flow.forget_removed(set(uploads))
table_upload.forget_removed(set(uploads))
if not uploads and not flow.remaps():
    st.info(t("upload.empty"))
    st.stop()

replace_demo = importer.store_summary(ui.db())["demo_only"] and st.checkbox(t("upload.replace_demo"), value=True)


def mapping_editor(key: str, item: flow.Pending) -> None:
    preview = item.preview
    if flow.mapping_guessed(preview):
        st.warning(t("upload.guessed"), icon=":material/help:")
        near = formats.near_miss(preview.source.columns)
        if near:
            st.info(t("upload.near_miss", product=near[0], headers=near[1]), icon=":material/lightbulb:")
    st.caption(t("upload.mapping_help"))
    event_log = st.checkbox(t("upload.event_log"), value=preview.plan.event_log, key=f"event_log_{key}",
                            help=t("upload.event_log_help"))
    columns = [flow.NOT_MAPPED, *preview.source.columns]
    rows = flow.mapping_rows(preview.plan, flow.samples(preview.source))
    edited = st.data_editor(
        rows,
        key=f"mapping_{key}",
        hide_index=True,
        width="stretch",
        height=35 * (len(rows) + 1) + 3,  # every field at once, no scrolling inside the table
        column_order=("label", "column", "sample", "date_form", "time_column", "default"),
        disabled=("label", "sample"),
        column_config={
            "label": st.column_config.TextColumn(t("upload.col_field")),
            "column": st.column_config.SelectboxColumn(t("upload.col_source"), options=columns, required=True),
            "sample": st.column_config.TextColumn(t("upload.col_sample")),
            "date_form": st.column_config.SelectboxColumn(t("upload.col_date_form"), options=flow.date_form_options(),
                                                          format_func=flow.date_form_name),
            "time_column": st.column_config.SelectboxColumn(t("upload.col_time_column"), options=columns,
                                                            help=t("upload.col_time_column_help")),
            "default": st.column_config.TextColumn(t("upload.col_default")),
        },
    )
    plan = replace(flow.plan_from_rows(edited, preview.plan), event_log=event_log)
    if plan != preview.plan:
        flow.re_preview(item, plan, ui.lang())
        st.rerun()
    zone_column, source_zone_column = st.columns(2)
    with zone_column:
        flow.time_zone_picker(key, item, ui.lang())
    with source_zone_column:
        flow.source_zone_picker(key, item, ui.lang())
    flow.profile_file_buttons(key, item, ui.lang())
    name_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    name = name_col.text_input(t("upload.profile_name"), key=f"profile_{key}")
    if button_col.button(t("upload.save_profile"), key=f"save_{key}", disabled=not name.strip()):
        importer.save_profile(ui.db(), name.strip(), preview.source.columns, plan)
        st.success(t("upload.profile_saved", name=name.strip()))


def counts(preview: importer.Preview) -> None:
    row = st.container(horizontal=True, gap="large")  # wrapping, so a million rows are never cut to "1,000,…"
    shown = {"upload.rows_read": preview.rows_read, "upload.to_insert": preview.to_insert,
             "upload.to_update": preview.to_update, "upload.unchanged": preview.unchanged,
             "upload.superseded": preview.superseded, "upload.rejected": preview.rejected}
    if preview.skipped:
        shown["upload.skipped"] = preview.skipped
    helps = {"upload.superseded": t("upload.superseded_help"), "upload.skipped": t("upload.skipped_help")}
    for label, value in shown.items():
        row.metric(t(label), f"{value:,}", help=helps.get(label), width="content")


def rejects(key: str, preview: importer.Preview) -> None:
    st.markdown(f"**{t('upload.rejects_title')}**")
    table = preview.rejects_frame(ui.lang()).rename(columns={
        "file": t("upload.reject_file"), "row": t("upload.reject_row"),
        "column": t("upload.reject_column"), "reason": t("upload.reject_reason"),
    })
    # A reject of a whole row names no column: an empty cell, not the grid's English "None".
    shown = table.fillna({t("upload.reject_column"): ""})
    st.dataframe(shown, hide_index=True, width="stretch", height=min(35 * (len(table) + 1) + 3, 300))
    download_buttons(table, f"rejected-{preview.source.file_name}", f"rejects_{key}")


def show(key: str, item: flow.Pending) -> None:
    with st.container(border=True):
        st.subheader(item.file_name)
        if key in flow.remaps() and item.report is None:
            st.caption(t("upload.remapping", batch=key.removeprefix(flow.REMAP_PREFIX)))
            st.button(t("upload.cancel_remap"), key=f"cancel_{key}", on_click=flow.cancel, args=(key,))
        if item.report is not None:
            r = item.report
            st.success(t("upload.done", file=r.file_name, inserted=r.inserted, updated=r.updated,
                         unchanged=r.unchanged + r.superseded, rejected=r.rejected, batch=r.batch_id)
                       + (" " + t("upload.done_skipped", skipped=r.skipped) if r.skipped else ""))
            week = r.batch_id and importer.batch_week(ui.db(), r.batch_id)
            if week:
                st.page_link("pages/weekly.py", label=t("upload.open_week", week=week),
                             icon=":material/calendar_view_week:", query_params={"week": week})
            return
        if item.preview is None:
            st.error(item.error)
            return
        preview = item.preview
        is_tickets = not isinstance(preview, IntervalPreview)
        if is_tickets:
            st.caption(t("upload.detected", how=flow.encoding_described(preview.source.sniffed),
                         profile=flow.profile_name(preview.plan.profile)))
            if matched := preview.matched_by_name:
                st.info(t("ingest.matched_by_name", guessed=column_fields(matched, ui.lang())),
                        icon=":material/help:")
            unrecognised = preview.plan.profile == "custom"
            with st.expander(t("upload.mapping"), expanded=item.error is not None or unrecognised):
                mapping_editor(key, item)
        else:
            st.caption(flow.interval_note(preview, ui.lang()))
        if item.error:
            st.error(item.error)
            return
        if preview.already_imported is not None:
            st.info(t("upload.already", batch=preview.already_imported))
            return
        if preview.source.staged.renamed:
            st.warning(t("ingest.duplicate_headers", columns=", ".join(preview.source.staged.renamed)))
        if preview.source.staged.user_defined:
            st.info(t("ingest.user_defined_characters", count=preview.source.staged.user_defined))
        for note in flow.detection_note(preview) if is_tickets else []:
            st.warning(note)
        counts(preview)
        if is_tickets:
            quality.quality_panel(key, item)
            quality.vocabulary_editor(key, item, ui.lang())
        if preview.rejects:
            rejects(key, preview)
        if not preview.importable:
            st.info(t("upload.nothing_to_do"))
            return
        label = t("upload.confirm", inserted=f"{preview.to_insert:,}", updated=f"{preview.to_update:,}")
        if st.button(label, type="primary", key=f"import_{key}"):
            flow.import_confirmed(item, replace_demo, ui.lang())
            st.rerun()


for remap in flow.remaps():
    show(remap, flow.pending_uploads()[remap])
for upload_key, uploaded in uploads.items():
    if table_upload.handles(upload_key, uploaded):  # a Planner export or a people file
        continue
    pending = flow.pending_uploads().get(upload_key)
    if pending is None:
        pending = flow.pending_uploads()[upload_key] = flow.stage(uploaded, ui.lang())
    show(upload_key, pending)
