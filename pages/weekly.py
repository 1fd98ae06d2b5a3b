"""Weekly service review (服務請求指標分析報表): the week's table, its trend, and the tickets behind it."""

from __future__ import annotations

from datetime import date

import streamlit as st

import ui
from ui import service_sources
from ui import service_view as view
from ui import url_params
from ui.weekly_report_download import report_downloads
from ui.components.kpi_card import current_targets
from ui.engine import engine_caption
from ui.session import t

st.title(t("service.weekly.title"))
st.caption(t("service.weekly.intro"))

version = ui.db_version()
options = view.filter_options(version)
if options.last_activity is None:
    st.info(t("service.empty.store"))
    st.stop()

with st.sidebar:
    st.subheader(t("service.filter.heading"))
    period = view.period_picker(options, date.today())
    query = view.query_picker(options)
    department = query.departments[0] if len(query.departments) == 1 else None
    planned = current_targets().find("service.service_level", department)
    # Read by hand, not bound: Streamlit's own binding crashes on ?target=1e309. Without one in
    # the URL, the line sits at the service level's stated target (KPI targets page).
    target = st.number_input(t("service.filter.target"), min_value=0, max_value=100, step=1, key="target",
                             value=url_params.whole_number("target", 0, 100,
                                                           round(planned.target * 100) if planned else 85))
    view.to_url("target", str(target))
url_params.show_ignored()
if period is None:
    st.stop()

review = view.weekly_review(version, period, query)
st.subheader(t("service.weekly.period", period=period.label))
engine_caption()
view.kpi_cards(review, query, department)
empty = int(review.table.iloc[-1]["in_play"]) == 0
if empty:
    st.info(t("service.empty.period", period=period.label))

# The table's tab first and everything else below the tabs: at 1400 × 900 the table's total row
# and its service levels are in view when the page opens.
table_tab, escalation_tab, trend_tab, flow_tab, response_tab, alert_tab, report_tab, help_tab = st.tabs(
    [t(f"service.tab.{name}") for name in ("table", "escalations", "trend", "flow", "response", "alerts", "report", "help")])
with table_tab:
    if not empty:
        st.caption(t("service.table.hint"))
        view.show_weekly_table(view.rated_weekly_table(review, query.by), key="weekly_table", selection_mode="single-cell",
                               on_select=lambda: view.drill_from_table(review, "weekly_table"))
        view.weekly_downloads(review, query.by, f"weekly-{period.label}")
with escalation_tab:
    if empty:
        st.info(t("service.empty.chart"))
    else:
        view.escalation_chart(review, "escalation_chart")
with trend_tab:
    view.trend_chart(review, target, "trend_chart")
with flow_tab:
    view.flow_and_backlog(review)
with response_tab:
    view.response_and_forwarding(review)
    view.time_figures(period, query)
with alert_tab:
    view.alerts(review, query)
with report_tab:
    report_downloads(review, query)
with help_tab:
    st.caption(t("service.help.intro"))
    view.help_panel()

service_sources.sources_note(review)
st.divider()
view.drill_panel(query)
