"""Phone service (電話服務): the period's phone KPIs from the interval reports, service level by day
and by weekday × interval, and staffing per interval against Erlang C / A with a what-if."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from kpi.contact import phone
from kpi.contact.erlang import InvalidStaffingInput
from kpi.contact.layouts import SERVICE_LEVEL_BASES
from kpi.service import periods
from ui import phone_views as view
from ui.session import t
from ui.components.download import download_buttons

st.title(t("phone.title"))
st.caption(t("phone.intro"))

con = ui.db()
first, last = phone.data_span(con)
if first is None:
    st.info(t("phone.empty"))
    st.page_link("pages/upload.py", label=t("nav.upload"), icon=":material/upload_file:")
    st.stop()

with st.sidebar:
    st.subheader(t("phone.filter.heading"))
    days = st.date_input(t("phone.filter.period"), value=phone.default_days(first.date(), last.date()),
                         min_value=first.date(), max_value=last.date(), key="phone.period")
    queues = st.multiselect(t("phone.filter.queues"), phone.queues(con), key="phone.queues")
    basis_names = {b: t(f"phone.basis.{b}") for b in SERVICE_LEVEL_BASES}   # named now, in the page's language
    basis = st.selectbox(t("phone.filter.basis"), SERVICE_LEVEL_BASES, format_func=basis_names.get, key="phone.basis")
    st.caption(t(f"contact.sl_basis.{basis}"))
    target = st.number_input(t("phone.filter.target"), min_value=1.0, max_value=99.9, value=85.0, step=1.0,
                             format="%g", key="phone.target") / 100
    within = st.number_input(t("phone.filter.within"), min_value=0.0, value=15.0, step=5.0, format="%g",
                             key="phone.within")
    st.subheader(t("phone.whatif.heading"))
    volume = st.number_input(t("phone.whatif.volume"), min_value=0.0, max_value=500.0, value=100.0, step=5.0,
                             format="%g", key="phone.volume")
    aht = st.number_input(t("phone.whatif.aht"), min_value=0.0, value=0.0, step=10.0, format="%g", key="phone.aht")
    shrinkage = st.number_input(t("phone.whatif.shrinkage"), min_value=0.0, max_value=95.0, value=30.0, step=1.0,
                                format="%g", key="phone.shrinkage")
    hourly_cost = st.number_input(t("phone.whatif.cost"), min_value=0.0, value=350.0, step=10.0, format="%g",
                                  key="phone.cost")
    patience = st.number_input(t("phone.whatif.patience"), min_value=0.0, value=0.0, step=10.0, format="%g",
                               key="phone.patience")
if len(days) < 2:   # the second day of the range is still being picked
    st.stop()

query = phone.PhoneQuery(periods.date_range(days[0], days[1]), tuple(queues))
total = phone.kpis(con, query, "total", basis).iloc[0]
st.subheader(t("phone.period", first=days[0], last=days[1]))
if pd.isna(total["offered"]):
    st.info(t("phone.empty_period"))
    st.stop()
threshold = total["threshold_seconds"]
st.caption(t("phone.threshold_mixed") if pd.isna(threshold) else t("phone.threshold_note", seconds=f"{threshold:g}"))
try:
    settings = phone.StaffingSettings(target, within, shrinkage / 100, hourly_cost, volume / 100, aht or None,
                                      patience or None)
    table = phone.staffing(con, query, settings)
except InvalidStaffingInput as err:
    st.error(t("staffing.invalid", reason=err))
    st.stop()
capacity = phone.unused_capacity(table, hourly_cost)
view.kpi_cards(total, capacity)

st.plotly_chart(view.daily_chart(phone.kpis(con, query, "day", basis), target), width="stretch", key="phone.daily")
st.plotly_chart(view.heatmap_figure(phone.heatmap(con, query, basis), target), width="stretch", key="phone.heatmap")

st.subheader(t("phone.staffing.heading"))
st.caption(t("phone.staffing.intro"))
st.info(view.staffing_summary(table, hourly_cost), icon=":material/groups:")
st.caption(t("phone.staffing.day_caption"))
view.capacity_table(capacity)
download_buttons(view.labelled(capacity), f"phone-capacity-{days[0]}-{days[1]}", key="phone_capacity")
st.caption(t("phone.staffing.interval_caption"))
view.staffing_table(table)
download_buttons(view.labelled(table), f"phone-staffing-{days[0]}-{days[1]}", key="phone_staffing")
