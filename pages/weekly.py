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
options = view.filter_options_or_stop(version)

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

review = view.weekly_review(version, period, query, view.review_periods(st.session_state.get("weekly_tab")))
st.subheader(t("service.weekly.period", period=period.label))
engine_caption()
view.kpi_cards(review, query, department)
empty = int(review.table.iloc[-1]["in_play"]) == 0
if empty:
    st.info(t("service.empty.period", period=period.label))

# The table's tab first and everything else below the tabs: at 1400 × 900 the table's total row
# and its service levels are in view when the page opens. Only the open tab is drawn (a tab
# change reruns the page): drawing all eight took some 2 s of every view.
table_tab, escalation_tab, trend_tab, flow_tab, response_tab, alert_tab, report_tab, help_tab = st.tabs(
    [t(f"service.tab.{name}") for name in ("table", "escalations", "trend", "flow", "response", "alerts", "report", "help")],
    key="weekly_tab", on_change="rerun")
if table_tab.open and not empty:
    with table_tab:
        st.caption(t("service.table.hint"))
        view.show_weekly_table(view.rated_weekly_table(review, query.by), key="weekly_table", selection_mode="single-cell",
                               on_select=lambda: view.drill_from_table(review, "weekly_table"))
        view.weekly_downloads(review, query.by, f"weekly-{period.label}")
if escalation_tab.open:
    with escalation_tab:
        if empty:
            st.info(t("service.empty.chart"))
        else:
            view.escalation_chart(review, "escalation_chart")
if trend_tab.open:
    with trend_tab:
        view.trend_chart(view.weekly_review(version, period, query, view.TREND_PERIODS), target, "trend_chart")
if flow_tab.open:
    with flow_tab:
        view.flow_and_backlog(review)
if response_tab.open:
    with response_tab:
        view.response_and_forwarding(review)
        view.time_figures(period, query)
if alert_tab.open:
    with alert_tab:
        view.alerts(review, query)
if report_tab.open:
    with report_tab:
        report_downloads(view.weekly_review(version, period, query, view.TREND_PERIODS), query)
if help_tab.open:
    with help_tab:
        st.caption(t("service.help.intro"))
        view.help_panel()

service_sources.sources_note(review)
st.divider()
view.drill_panel(query)
