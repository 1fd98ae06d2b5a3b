"""Plotly figures for the weekly review: plain functions of data frames, testable without a browser.

Clickable traces carry ``customdata`` = [row position in the frame given, what was clicked], so
the page maps a selection back to the tickets behind it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

BUCKETS = ("0", "1", "2", "3+")
# 0 calm blue, then warmer as the count grows, so the 3+ bars catch the eye.
BUCKET_COLOURS = ("#4C78A8", "#F2CF5B", "#F58518", "#B22222")
# The legend sits at the foot of the figure and the x axis takes the room its labels need: in a
# half-width chart on a 1,024-px screen the week labels turn upright, and a legend placed against
# the plot area covered them ("2026-V").
_LAYOUT = dict(height=360, margin=dict(l=10, r=10, t=40, b=10), xaxis_automargin=True,
               legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"),
               hovermode="closest", clickmode="event+select")


# More groups than this are drawn as horizontal bars, a row per group: upright bars' names
# (60 owners) would be cut short under a chart this narrow.
UPRIGHT_GROUPS = 12
_ROW_PIXELS = 22


def count_bars(distribution: pd.DataFrame, group_names: Sequence[str], bucket_names: Sequence[str],
               title: str, axis_title: str) -> go.Figure:
    """Stacked bars of tickets per group by their count bucket (0, 1, 2, 3+); customdata [row, bucket].
    Past UPRIGHT_GROUPS groups the bars lie, a row per group in the order given, top down."""
    rows = distribution[~distribution["is_total"]].reset_index(drop=True)
    lying = len(rows) > UPRIGHT_GROUPS
    group_axis, count_axis = ("y", "x") if lying else ("x", "y")
    figure = go.Figure()
    for bucket, (column, name, colour) in enumerate(zip(BUCKETS, bucket_names, BUCKET_COLOURS, strict=True)):
        figure.add_bar(**{group_axis: list(group_names), count_axis: rows[column]}, orientation="h" if lying else "v",
                       name=name, marker_color=colour, customdata=[[row, bucket] for row in range(len(rows))],
                       hovertemplate=f"%{{{group_axis}}}<br>{name}: %{{{count_axis}}}<extra></extra>")
    figure.update_layout(title=title, barmode="stack", legend_traceorder="normal", **_LAYOUT)
    if lying:
        # the legend above the bars, under the title: below them it would be a page's scroll away
        figure.update_layout(height=max(_LAYOUT["height"], _ROW_PIXELS * len(rows) + 150), xaxis_title=axis_title,
                             yaxis=dict(autorange="reversed", type="category"), margin=dict(t=90),
                             legend=dict(orientation="h", yref="paper", y=1.0, yanchor="bottom"))
    else:
        figure.update_layout(yaxis_title=axis_title)
    return figure


def service_level_trend(trend: pd.DataFrame, period_labels: Sequence[str], series: dict[str, str],
                        target_percent: float, target_name: str, title: str) -> go.Figure:
    """Lines of the rate columns in ``series`` (column -> name), in %, with the target as a dashed
    line; customdata [row, column]."""
    figure = go.Figure()
    for column, name in series.items():
        figure.add_scatter(x=list(period_labels), y=trend[column] * 100, name=name, mode="lines+markers",
                           marker=dict(size=10), connectgaps=False,
                           customdata=[[row, column] for row in range(len(trend))],
                           hovertemplate="%{x}<br>" + name + ": %{y:.1f}%<extra></extra>")
    figure.add_hline(y=target_percent, line_dash="dash", line_color="firebrick",
                     annotation_text=target_name, annotation_position="top left")
    figure.update_layout(title=title, yaxis=dict(range=[0, 105], ticksuffix="%"), **_LAYOUT)
    return figure


def flow_bars(flow: pd.DataFrame, period_labels: Sequence[str], created_name: str, resolved_name: str,
              title: str) -> go.Figure:
    figure = go.Figure()
    figure.add_bar(x=list(period_labels), y=flow["created"], name=created_name)
    figure.add_bar(x=list(period_labels), y=flow["resolved"], name=resolved_name)
    figure.update_layout(title=title, barmode="group", **_LAYOUT)
    return figure


def backlog_bars(backlog: pd.DataFrame, band_names: dict[int, str], level_name: str, title: str,
                 axis_title: str) -> go.Figure:
    """Open tickets by age band (x, in ``band_names`` order) stacked by level."""
    figure = go.Figure()
    for level, rows in backlog.groupby("level", dropna=False):
        counts = rows.set_index("age_from_days")["tickets"].reindex(list(band_names), fill_value=0)
        figure.add_bar(x=list(band_names.values()), y=counts.tolist(), name=level_name.format(level=level))
    figure.update_layout(title=title, barmode="stack", yaxis_title=axis_title, **_LAYOUT)
    return figure
