"""Home: what the app does, what data is loaded, where to go next."""

from datetime import date

import streamlit as st

import ui
from kpi import store
from kpi.ingest import importer
from kpi.service import periods
from kpi.service.report import ServiceQuery
from ui import inbox, t
from ui import service_view as view
from ui.access import current_may, may_open
from ui.navigation import destinations

st.title(t("home.title"))
st.write(t("home.intro"))
inbox.poll()

summary = importer.store_summary(ui.db())
if summary["demo_people"]:
    st.info(t("home.demo_people_notice", count=summary["demo_people"]), icon=":material/groups:")
if summary["tickets"] == 0:
    st.info(t("home.empty"))
else:
    if summary["demo_only"]:
        st.info(t("home.demo_notice"), icon=":material/science:")
    # As wide as their figures, wrapping: in four equal columns 10,000,000 read "10,00…" at 1,024 px.
    figures = st.container(horizontal=True, gap="large")
    figures.metric(t("home.tickets"), f"{summary['tickets']:,}", width="content")
    figures.metric(t("home.open"), f"{summary['open']:,}", help=t("home.open_help"), width="content")
    figures.metric(t("home.cancelled"), f"{summary['cancelled']:,}", help=t("home.cancelled_help"), width="content")
    figures.metric(t("home.batches"), f"{summary['batches']:,}", width="content")
    # A line, not a metric: two dates in a metric's large type are cut off below 1,600 px.
    st.markdown(t("home.range", first=f"{summary['first_created']:%Y-%m-%d}", last=f"{summary['last_created']:%Y-%m-%d}"))
    if current_may("service.view"):
        week = periods.last_complete_week(date.today(), view.filter_options(ui.db_version()).last_activity)
        st.subheader(t("home.week", period=week.label))
        view.kpi_cards(view.weekly_review(ui.db_version(), week, ServiceQuery()), ServiceQuery())

st.subheader(t("home.next"))
left, right = st.columns(2)
for index, spec in enumerate(filter(may_open, destinations())):
    with (left if index % 2 == 0 else right).container(border=True):
        st.page_link(spec.path, label=t(spec.title_key), icon=spec.icon)
        st.caption(t(spec.description_key))

st.caption(t("home.store_location", path=store.db_path()))
