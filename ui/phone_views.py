"""The phone service page's outputs: KPI cards, service level by day, the weekday × interval heat
map, and the staffing tables. Figures come from kpi.contact.phone; labels from its KPI registry."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import metrics
from ui.session import lang, t

CARDS = ("offered", "answered", "abandonment_rate", "service_level", "asa_seconds", "aht_seconds", "occupancy")
DAY_COLUMNS = ("day", "queue", "unused_agent_hours", "short_agent_hours", "under_intervals", "unused_cost")


def kpi_cards(total: pd.Series, capacity: pd.DataFrame) -> None:
    """The period's KPIs, then its unused agent-hours and their cost."""
    row = st.container(horizontal=True)
    for key in CARDS:
        metric = metrics.get(f"phone.{key}")
        value = total[key]
        row.metric(metric.label(lang()), metric.format(None if pd.isna(value) else value, lang()), border=True,
                   width="content", help=metric.description(lang()))
    for key, label in (("unused_agent_hours", "phone.card.unused"), ("unused_cost", "phone.card.unused_cost")):
        row.metric(t(label), metrics.get(f"phone.{key}").format(float(capacity[key].sum()), lang()), border=True,
                   width="content", help=metrics.get(f"phone.{key}").description(lang()))


def daily_chart(days: pd.DataFrame, target: float) -> go.Figure:
    figure = go.Figure(go.Scatter(
        x=days["period"], y=days["service_level"] * 100, mode="lines+markers",
        name=metrics.get("phone.service_level").label(lang()), hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    figure.add_hline(y=target * 100, line_dash="dash", line_color="#2ca02c",
                     annotation_text=t("phone.chart.target", target=target), annotation_position="bottom right")
    # ISO dates: Plotly names months in English ("Oct 27") whatever the page's language.
    figure.update_layout(title=t("phone.chart.daily_title"), xaxis_title=t("phone.chart.day"),
                         xaxis_tickformat="%Y-%m-%d", xaxis_hoverformat="%Y-%m-%d",
                         yaxis_title=metrics.get("phone.service_level").label(lang()) + " (%)",
                         yaxis_range=[0, 101], margin={"t": 60, "b": 40}, showlegend=False)
    return figure


def heatmap_figure(cells: pd.DataFrame, target: float) -> go.Figure:
    """Weekdays down, times of day across; red below the target, green at or above it."""
    grid = cells.pivot(index="weekday", columns="time_of_day", values="service_level") * 100
    offered = cells.pivot(index="weekday", columns="time_of_day", values="offered")
    low = max(0.0, min(float(grid.min().min()), target * 100 - 1))
    figure = go.Figure(go.Heatmap(
        z=grid.values, x=list(grid.columns), y=[t(f"phone.weekday.{day}") for day in grid.index],
        customdata=offered.values, zmin=low, zmax=100,
        colorscale=[[0, "#d62728"], [(target * 100 - low) / (100 - low), "#fdd835"], [1, "#2ca02c"]],
        colorbar={"title": "%"},
        hovertemplate="%{y} %{x}: %{z:.1f}% (%{customdata:,.0f})<extra></extra>"))
    figure.update_layout(title=t("phone.chart.heatmap_title"), xaxis_title=t("phone.chart.time_of_day"),
                         yaxis={"autorange": "reversed"}, margin={"t": 60, "b": 40})
    return figure


def staffing_summary(table: pd.DataFrame, hourly_cost: float) -> str:
    return t("phone.staffing.summary", under=int((table["status"] == "under").sum()),
             short=float(table["short_agent_hours"].sum()), over=int((table["status"] == "over").sum()),
             unused=float(table["unused_agent_hours"].sum()), cost=float(table["unused_agent_hours"].sum()) * hourly_cost)


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names in the user's language; statuses in words."""
    shown = frame.copy()
    if "status" in shown:
        shown["status"] = [t(f"phone.status.{status}") for status in shown["status"]]
    if "interval_start" in shown:
        shown["interval_start"] = shown["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    return shown.rename(columns={column: t(f"phone.col.{column}") for column in shown.columns})


def capacity_table(capacity: pd.DataFrame) -> None:
    """Per day and queue: hours to one decimal, the cost in whole NT$, thousands separated."""
    shown = labelled(capacity)
    hours = [t(f"phone.col.{column}") for column in ("unused_agent_hours", "short_agent_hours")]
    formats = {**{column: "{:,.1f}" for column in hours}, t("phone.col.unused_cost"): "{:,.0f}"}
    st.dataframe(shown.style.format(formats), hide_index=True, width="stretch")


def staffing_table(table: pd.DataFrame) -> None:
    """Every interval, the short ones in red and the idle ones in blue."""
    colours = {"under": "background-color: #fde0dc", "over": "background-color: #e3f2fd"}
    styles = [colours.get(status, "") for status in table["status"]]
    shown = labelled(table)
    styled = shown.style.apply(lambda _: styles, axis=0, subset=[t("phone.col.gap"), t("phone.col.status")])
    st.dataframe(styled.format(precision=1, thousands=","), hide_index=True, width="stretch", height=420)
