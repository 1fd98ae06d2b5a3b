"""Import history: every batch with its counts; undo a batch or take the demo data out."""

import streamlit as st

import ui
from kpi.ingest import importer
from kpi.ingest.errors import InputError
from kpi.people.demo import remove_demo_data
from ui import inbox, t, upload_flow
from ui.access import permits
from ui.components.columns import fitted_widths
from ui.components.download import table_with_downloads

st.title(t("batches.title"))
st.caption(t("batches.intro"))
if message := st.session_state.pop("batches_flash", None):
    st.success(message, icon=":material/task_alt:")

con = ui.db()
inbox.show_history(con)
batches = importer.list_batches(con)
if batches.empty:
    st.info(t("batches.empty"))
    st.page_link("pages/upload.py", label=t("nav.upload"), icon=":material/upload_file:")
    st.stop()

labels = {column: t(f"batches.col.{column}") for column in batches.columns}
shown = batches.assign(kind=[t(f"batches.kind.{kind}") for kind in batches["kind"]],
                       **{column: batches[column].dt.strftime("%Y-%m-%d %H:%M").fillna("")
                          for column in ("imported_at", "undone_at")},
                       profile=batches["profile"].map(upload_flow.profile_name))
shown = shown.rename(columns=labels)
# The counts a user checks (rejected, undone) before the columns they rarely need, all in view at
# 1,400 px: a long file name is cut, the batch number stays pinned while scrolling.
order = [labels[column] for column in ("batch_id", "kind", "file_name", "imported_at", "rows_read", "rows_inserted",
                                       "rows_updated", "rows_unchanged", "rows_rejected", "undone_at", "rows_skipped",
                                       "profile", "is_demo")]
widths = fitted_widths(shown, caps={labels["file_name"]: 170})
config = {column: st.column_config.Column(width=width, pinned=column == labels["batch_id"])
          for column, width in widths.items()}
table_with_downloads(shown[order], "import-history", "batches", column_config=config)

active = batches[batches["undone_at"].isna()]
if active.empty:
    st.stop()

st.subheader(t("batches.act_title"))
choice = st.selectbox(
    t("batches.pick"), active["batch_id"].tolist(),
    format_func=lambda b: f"{b} · {active.set_index('batch_id').at[b, 'file_name']}",
)
has_original = importer.original_path(con, int(choice)).is_file()
kind = active.set_index("batch_id").at[choice, "kind"]
is_tickets = kind == "tickets"  # only ticket exports have a mapping to change
if has_original and is_tickets:
    st.caption(t("batches.remap_help"))
elif not has_original:
    st.info(t("batches.original_missing"), icon=":material/draft:")
if is_tickets and st.button(t("batches.remap"), key="remap", disabled=not has_original):
    upload_flow.stage_batch(int(choice), ui.lang())
    st.switch_page("pages/upload.py")
if permits("data.undo", "access.action.undo"):
    st.caption(t("batches.undo_help"))
    confirmed = st.checkbox(t("batches.confirm", batch=choice), key=f"confirm_undo_{choice}")
    if st.button(t("batches.undo"), type="primary", disabled=not confirmed, key="undo"):
        try:
            affected = importer.undo_batch(con, int(choice))
            st.success(t("batches.undone" if is_tickets else f"batches.undone_{kind}", batch=choice, tickets=affected))
        except InputError as err:
            st.error(err.message(ui.lang()))

if active["is_demo"].any() or importer.store_summary(con)["demo_people"]:
    st.subheader(t("batches.demo_title"))
    if st.button(t("batches.remove_demo")):
        removed = remove_demo_data(con)
        # Said after the rerun, so the tables above already show the store without the demo.
        st.session_state["batches_flash"] = t("batches.demo_removed", batches=removed.batches, people=removed.people)
        st.rerun()

