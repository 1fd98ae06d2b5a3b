"""Views of the OKR pages: the indented tree coloured by status and the weekly-plan trend, the
labels in the user's language."""

from __future__ import annotations

import math

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from kpi.okr import tree
from ui import t
from ui.components.download import download_buttons

COLOURS = {"target_too_low": "#fff3cd", "best": "#d1e7dd", "normal": "", "at_risk": "#f8d7da", "unscored": "#eeeeee"}
INDENT = "\u3000\u3000"


def tree_table(objectives: list[tree.Objective], period_label: str) -> None:
    """One row per objective and key result, indented by tier and level, coloured by status; its CSV
    and Excel without the indent (the tier column and the bullet say the level)."""
    rows = tree.tree_rows(objectives)
    depth = rows["tier"].map(tree.TIERS.index) + (rows["level"] == "key_result")
    shown = pd.DataFrame({
        t("okr.col.status"): [f"{tree.SYMBOLS[s]} {t(f'okr.status.{s}')}" if s else "" for s in rows["status"]],
        t("okr.col.name"): [INDENT * d + ("• " if level == "key_result" else "") + name
                            for d, level, name in zip(depth, rows["level"], rows["name"])],
        t("okr.col.tier"): [t(f"okr.tier.{tier}") for tier in rows["tier"]],
        t("okr.col.owner"): rows["owner"],
        t("okr.col.score"): rows["score"],
        t("okr.col.flags"): ["、".join(t(f"okr.flag.{f}") for f in flags) for flags in rows["flags"]],
    })
    colours = [COLOURS.get(status, "") for status in rows["status"]]
    styled = shown.style.apply(lambda column: [f"background-color: {c}" if c else "" for c in colours], axis=0,
                               subset=[t("okr.col.status")])
    st.dataframe(styled, hide_index=True, width="stretch", height=min(35 * (len(shown) + 1) + 3, 700),
                 column_config={t("okr.col.score"): st.column_config.ProgressColumn(
                     t("okr.col.score"), min_value=0.0, max_value=1.0, format="%.2f")})
    st.caption(t("okr.legend"))
    name, score = t("okr.col.name"), t("okr.col.score")
    # scores to three places, as `python -m kpi okr` prints them (not 0.39999999999999997)
    download_buttons(shown.assign(**{name: shown[name].str.lstrip(INDENT), score: shown[score].round(3)}),
                     f"okr-{period_label}", "okr_tree")


# Weeks start on Monday (ISO): ticks on Mondays, where Plotly's own weekly ticks fall on Sundays,
# a day before each point; at most about a dozen of them.
_MONDAY = "2024-01-01"
_WEEK_MS = 7 * 24 * 3600 * 1000


def trend_chart(trend: pd.DataFrame) -> go.Figure:
    """Each team's weekly completion and lateness (``weekly.team_trend``), one line per measure
    and team, the weeks read as ISO dates (Plotly names months in English on every page)."""
    long = trend.melt(id_vars=["week", "team"], value_vars=["completion", "lateness"])
    long["variable"] = long["variable"].map(lambda v: t(f"okr.col.{v}"))
    figure = px.line(long, x="week", y="value", color="variable", line_dash="team", markers=True,
                     labels={"week": t("okr.col.week"), "value": "", "variable": "", "team": t("okr.col.team")})
    figure.update_yaxes(tickformat=".0%", range=[0, 1.05])
    weeks_per_tick = max(1, math.ceil(long["week"].nunique() / 12))
    figure.update_xaxes(tickformat="%Y-%m-%d", hoverformat="%Y-%m-%d", tick0=_MONDAY, dtick=_WEEK_MS * weeks_per_tick)
    figure.update_layout(legend_title_text="")  # not ", 團隊": the measure's own label is empty
    return figure
