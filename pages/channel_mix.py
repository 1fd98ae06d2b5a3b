"""Channel mix (管道組合): the tickets of each channel over time, their service level and resolution
times, their cost at the costs per contact entered here, and a what-if shift between channels."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from kpi.service import channels
from ui import channel_views as view
from ui import service_view
from ui.session import t

st.title(t("channels.title"))
st.caption(t("channels.intro"))
if flash := st.session_state.pop("channels.flash", None):
    st.toast(flash, icon=":material/check_circle:")

version = ui.db_version()
options = service_view.filter_options_or_stop(version)

with st.sidebar:
    st.subheader(t("channels.filter.heading"))
    period = service_view.period_picker(options, date.today())
    grain = service_view.to_url("slice", st.segmented_control(
        t("channels.filter.grain"), channels.GRAINS, default=service_view.from_url("slice", channels.GRAINS),
        required=True, format_func={g: t(f"channels.grain.{g}") for g in channels.GRAINS}.get, key="channels.grain"))
if period is None:
    st.stop()

mix = view.channel_mix(version, period, grain)
costs = channels.load_costs(ui.db())
st.subheader(t("channels.period", period=period.label))
view.cards(mix.total)
if mix.total["created"].sum() == 0:
    st.info(t("service.empty.period", period=period.label))
else:
    st.plotly_chart(view.volume_chart(mix.by_slice), width="stretch", key="channels.chart")
st.caption(t("channels.table.caption"))
view.show_table(mix)

costs_tab, what_if_tab = st.tabs([t("channels.costs.heading"), t("channels.whatif.heading")])
with costs_tab:
    st.caption(t("channels.costs.intro"))
    view.cost_editor(mix.total, costs)
with what_if_tab:
    st.caption(t("channels.whatif.intro"))
    view.what_if(mix.total, costs)
