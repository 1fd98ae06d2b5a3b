"""Plotly figures for the ROI page: where the money goes, tornado, cumulative costs, comparison."""

from __future__ import annotations

import plotly.graph_objects as go

from kpi import formatting, i18n
from kpi.metrics import get as metric
from kpi.roi.analysis import Cumulative, TornadoBar
from kpi.roi.model import PARAMETER, SIDES, Result, format_number

_MONEY = "NT$%{y:,.0f}"
_LAYOUT = dict(margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.15))


def breakdown_figure(result: Result, lang: str) -> go.Figure:
    """One stacked bar per side, a segment per cost line, the total on top."""
    sides = [i18n.t(f"roi.result.{side}", lang) for side in SIDES]
    by_label = [result.by_label(side, lang) for side in SIDES]
    fig = go.Figure()
    for label in result.line_labels(lang):
        amounts = [lines[label].amount if label in lines else None for lines in by_label]
        fig.add_bar(x=sides, y=amounts, name=label, hovertemplate=f"{label}<br>{_MONEY}<extra></extra>")
    totals = (result.classroom_total, result.online_total)
    fig.add_scatter(x=sides, y=totals, mode="text", text=[formatting.currency(v) for v in totals],
                    textposition="top center", showlegend=False, hoverinfo="skip")
    fig.update_layout(barmode="stack", title=i18n.t("roi.chart.breakdown", lang),
                      yaxis=dict(tickprefix="NT$", tickformat=",.0f", rangemode="tozero"),
                      height=420, **_LAYOUT)
    fig.update_yaxes(range=[0, max(totals) * 1.15 or 1])
    return fig


def tornado_figure(bars: tuple[TornadoBar, ...], base_roi: float, swing_percent: int, lang: str) -> go.Figure:
    """ROI at each parameter's low and high value, widest swing on top, around the current ROI."""
    names = [PARAMETER[bar.key].label(lang) for bar in bars]
    fig = go.Figure()
    for side, values, rois in (
        ("low", [bar.low_value for bar in bars], [bar.roi_low for bar in bars]),
        ("high", [bar.high_value for bar in bars], [bar.roi_high for bar in bars]),
    ):
        name = i18n.t(f"roi.sensitivity.{side}", lang, swing=swing_percent)
        fig.add_bar(
            y=names, x=[roi - base_roi for roi in rois], base=base_roi, orientation="h", name=name,
            customdata=[[format_number(v), roi * 100] for v, roi in zip(values, rois)],
            hovertemplate="%{y} = %{customdata[0]}<br>ROI %{customdata[1]:.1f}%<extra>" + name + "</extra>",
        )
    fig.add_vline(x=base_roi, line_dash="dot", annotation_text=i18n.t("roi.sensitivity.base", lang),
                  annotation_position="top", annotation_yshift=8)
    fig.update_layout(barmode="overlay", title=i18n.t("roi.sensitivity.title", lang, swing=swing_percent),
                      xaxis=dict(tickformat=".0%"), yaxis=dict(autorange="reversed"),
                      height=140 + 32 * len(bars), **_LAYOUT)
    return fig


def cumulative_figure(view: Cumulative, lang: str) -> go.Figure:
    """Both sides' cumulative cost by year, the cumulative savings, and the payback point."""
    years = [point.year for point in view.points]
    fig = go.Figure()
    for key, values in (
        ("classroom", [p.classroom for p in view.points]),
        ("online", [p.online for p in view.points]),
        ("savings", [p.savings for p in view.points]),
    ):
        fig.add_scatter(x=years, y=values, mode="lines+markers", name=i18n.t(f"roi.cumulative.{key}", lang),
                        hovertemplate=f"%{{x:.2f}}<br>{_MONEY}<extra></extra>")
    if view.payback_year is not None and view.payback_year <= years[-1]:
        fig.add_vline(x=view.payback_year, line_dash="dash", line_color="green")
    fig.add_hline(y=0, line_color="gray", line_width=1)
    # whole years only: a tick at 0.5 reads as a run that never happens
    fig.update_layout(xaxis=dict(title=i18n.t("roi.cumulative.year", lang), tick0=0, dtick=1, tickformat="d"),
                      yaxis=dict(tickprefix="NT$", tickformat=",.0f"), height=420, **_LAYOUT)
    return fig


def comparison_figure(names: list[str], results: list[Result], lang: str) -> go.Figure:
    """Classroom and online totals side by side for each scenario, ROI written above."""
    fig = go.Figure()
    for side in SIDES:
        label = i18n.t(f"roi.result.{side}", lang)
        fig.add_bar(x=names, y=[getattr(r, f"{side}_total") for r in results], name=label,
                    hovertemplate=f"%{{x}}<br>{label}: {_MONEY}<extra></extra>")
    roi = metric("roi.roi")
    fig.update_layout(barmode="group", title=i18n.t("roi.compare.chart", lang),
                      yaxis=dict(tickprefix="NT$", tickformat=",.0f"), height=400, **_LAYOUT)
    for name, result in zip(names, results):
        fig.add_annotation(x=name, y=max(result.classroom_total, result.online_total), yshift=12,
                           text=f"ROI {roi.format(result.roi)}", showarrow=False)
    return fig
