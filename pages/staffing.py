"""Staffing what-if: agents a queue needs for a service-level target (Erlang C, or Erlang A when
callers abandon), with service level against the number of agents."""

from __future__ import annotations

import streamlit as st

from kpi.contact.erlang import InvalidStaffingInput, performance, staffing
from ui import staffing_views
from ui.components.download import table_with_downloads
from ui.session import t

st.title(t("staffing.title"))
st.caption(t("staffing.intro"))

volume, rule, rostering = st.columns(3)
calls = volume.number_input(t("staffing.input.calls"), min_value=0.0, value=100.0, step=10.0, format="%g",
                            key="staffing.calls")
minutes = volume.number_input(t("staffing.input.interval"), min_value=1.0, max_value=1440.0, value=30.0,
                              step=15.0, format="%g", key="staffing.interval")
aht = volume.number_input(t("staffing.input.aht"), min_value=1.0, value=180.0, step=10.0, format="%g",
                          key="staffing.aht")
target = rule.number_input(t("staffing.input.target"), min_value=1.0, max_value=99.9, value=85.0, step=1.0,
                           format="%g", key="staffing.target")
within = rule.number_input(t("staffing.input.within"), min_value=0.0, value=15.0, step=5.0, format="%g",
                           key="staffing.within")
shrinkage = rostering.number_input(t("staffing.input.shrinkage"), min_value=0.0, max_value=95.0, value=30.0,
                                   step=1.0, format="%g", key="staffing.shrinkage")
cap = rostering.number_input(t("staffing.input.max_occupancy"), min_value=1.0, max_value=100.0, value=100.0,
                             step=1.0, format="%g", key="staffing.max_occupancy")
abandons = rule.toggle(t("staffing.input.use_patience"), key="staffing.use_patience",
                       help=t("staffing.input.use_patience_help"))
patience = rostering.number_input(t("staffing.input.patience"), min_value=1.0, value=120.0, step=10.0,
                                  format="%g", key="staffing.patience", disabled=not abandons)

try:
    result = staffing(calls, minutes * 60, aht, target / 100, within, shrinkage / 100,
                      None if cap >= 100 else cap / 100, patience if abandons else None)
except InvalidStaffingInput as err:
    st.error(t("staffing.invalid", reason=err))
    st.stop()

model = t("staffing.model.erlang_a", patience=patience) if abandons else t("staffing.model.erlang_c")
st.caption(t("staffing.traffic", traffic=result.traffic_erlangs, model=model))
staffing_views.cards(result)

if result.agents:
    rows = [performance(n, result.traffic_erlangs, aht, within, patience if abandons else None)
            for n in staffing_views.agents_range(result.traffic_erlangs, result.agents)]
    st.plotly_chart(staffing_views.service_level_chart(rows, result.agents, target / 100), width="stretch",
                    key="staffing.chart")
    st.caption(t("staffing.table.caption"))
    table_with_downloads(staffing_views.performance_table(rows, result.agents), "staffing", "staffing.table")
