"""Home: what the app does, what data is loaded, where to go next."""

import streamlit as st

import ui
from kpi import store
from kpi.ingest import importer
from ui import t

st.title(t("home.title"))
st.write(t("home.intro"))

summary = importer.store_summary(ui.db())
if summary["tickets"] == 0:
    st.info(t("home.empty"))
else:
    if summary["demo_only"]:
        st.info(t("home.demo_notice"), icon=":material/science:")
    tickets, open_, period, batches = st.columns([1, 1, 2, 1])
    tickets.metric(t("home.tickets"), f"{summary['tickets']:,}")
    open_.metric(t("home.open"), f"{summary['open']:,}")
    period.metric(t("home.range"), f"{summary['first_created']:%Y-%m-%d} – {summary['last_created']:%Y-%m-%d}")
    batches.metric(t("home.batches"), f"{summary['batches']:,}")

st.subheader(t("home.next"))
for path, title_key, icon, description_key in ui.DESTINATIONS:
    with st.container(border=True):
        st.page_link(path, label=t(title_key), icon=icon)
        st.caption(t(description_key))

st.caption(t("home.store_location", path=store.db_path()))
