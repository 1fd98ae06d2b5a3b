"""The staffing page's outputs: KPI cards, service level against agents, and the table behind it."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.contact.erlang import Performance, Staffing
from kpi.formatting import percent
from ui.session import t


def _seconds(value: float) -> str:
    return f"{value:.1f} s" if math.isfinite(value) else "∞"


def cards(result: Staffing) -> None:
    fares = result.performance
    figures = [("agents", str(result.agents)), ("scheduled", str(result.scheduled)),
               ("service_level", percent(fares.service_level)), ("asa", _seconds(fares.asa_seconds)),
               ("probability_wait", percent(fares.probability_wait)), ("occupancy", percent(fares.occupancy))]
    if fares.probability_abandon is not None:
        figures.append(("probability_abandon", percent(fares.probability_abandon)))
    row = st.container(horizontal=True)
    for key, value in figures:
        row.metric(t(f"staffing.metric.{key}"), value, border=True, width="content")


def agents_range(traffic: float, required: int) -> range:
    """From the fewest agents that keep the queue stable (more than A; fewer when callers abandon
    and fewer suffice) to six beyond those required."""
    first = max(1, min(math.floor(traffic) + 1, required))
    return range(first, required + 7)


def service_level_chart(rows: list[Performance], required: int, target: float) -> go.Figure:
    agents = [row.agents for row in rows]
    levels = [row.service_level * 100 for row in rows]
    figure = go.Figure(go.Scatter(
        x=agents, y=levels, mode="lines+markers", name=t("staffing.metric.service_level"),
        marker={"size": [14 if n == required else 8 for n in agents],
                "color": ["#d62728" if n == required else "#1f77b4" for n in agents]},
        hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    figure.add_hline(y=target * 100, line_dash="dash", line_color="#2ca02c",
                     annotation_text=t("staffing.chart.target", target=target), annotation_position="bottom right")
    figure.update_layout(title=t("staffing.chart.title"), xaxis_title=t("staffing.chart.agents"),
                         yaxis_title=t("staffing.metric.service_level") + " (%)", yaxis_range=[0, 101],
                         xaxis={"dtick": 1}, margin={"t": 60, "b": 40}, showlegend=False)
    return figure


def performance_table(rows: list[Performance], required: int) -> pd.DataFrame:
    table = {
        t("staffing.chart.agents"): [f"{row.agents} ★" if row.agents == required else str(row.agents) for row in rows],
        t("staffing.metric.service_level"): [percent(row.service_level) for row in rows],
        t("staffing.metric.asa"): [_seconds(row.asa_seconds) for row in rows],
        t("staffing.metric.probability_wait"): [percent(row.probability_wait) for row in rows],
        t("staffing.metric.occupancy"): [percent(row.occupancy) for row in rows],
    }
    if rows and rows[0].probability_abandon is not None:
        table[t("staffing.metric.probability_abandon")] = [percent(row.probability_abandon) for row in rows]
    return pd.DataFrame(table)
