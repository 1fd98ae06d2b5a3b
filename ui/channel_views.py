"""The channel mix page's outputs: KPI cards, volume by channel over time, the table per channel,
the cost per contact editor and the what-if shift. Figures come from kpi.service.channels; labels
from the KPI registry."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from kpi import metrics
from kpi.ingest.vocabularies import CHANNELS
from kpi.service import channels
from kpi.service.periods import Period
from ui.access import permits
from ui.components.download import download_buttons
from ui.session import lang, t

# Table columns and the KPI that names and formats each.
COLUMNS = {"created": "service.new", "share": "channels.share", "completed": "service.completed",
           "service_level": "service.service_level", "resolution_median": "service.resolution_median",
           "resolution_p90": "service.resolution_p90", "cost_per_contact": "channels.cost_per_contact",
           "cost": "channels.cost"}
# Where a channel's row says something else than the KPI (its own cost and cost per contact), or the
# KPI's label is too long for the nine columns to fit a laptop's screen.
HEADERS = {"resolution_p90": "channels.col.resolution_p90", "cost_per_contact": "channels.col.per_contact",
           "cost": "channels.col.cost"}
# A download's numbers carry no unit, so its headers name the unit.
UNITS = {"hours": "channels.col.hours", "currency": "channels.col.nt_dollars"}
CARDS = (("created", "service.new"), ("service_level", "service.service_level"), ("cost", "channels.cost"),
         ("cost_per_contact", "channels.cost_per_contact"))
EDITOR = "channels.costs"


@st.cache_data(max_entries=16, show_spinner=False)
def channel_mix(data_version: int, period: Period, grain: str) -> channels.ChannelMix:
    con = ui.db()
    return channels.channel_mix(con, period, grain, channels.load_costs(con))


def channel_name(channel, known: bool) -> str:
    if pd.isna(channel):
        return t("channels.none")
    return t(f"channels.name.{channel}") if known else t("channels.unknown", word=channel)


def _names(frame: pd.DataFrame) -> list[str]:
    return [t("channels.total") if total else channel_name(channel, known)
            for channel, known, total in zip(frame["channel"], frame["known"], frame["is_total"], strict=True)]


def cards(total: pd.DataFrame) -> None:
    """The period's volume, service level and, where costs are entered, the cost of the mix."""
    everything = total[total["is_total"]].iloc[0]
    row = st.container(horizontal=True)
    for column, key in CARDS:
        metric = metrics.get(key)
        value = everything[column]
        row.metric(metric.label(lang()), metric.format(None if pd.isna(value) else value, lang()), border=True,
                   width="content", help=metric.description(lang()))
    if everything["uncosted"] and everything["created"]:
        st.caption(t("channels.uncosted", contacts=int(everything["uncosted"]), created=int(everything["created"])))


def volume_chart(by_slice: pd.DataFrame) -> go.Figure:
    """New tickets per slice, stacked by channel in the table's order."""
    rows = by_slice[~by_slice["is_total"]].assign(name=_names(by_slice[~by_slice["is_total"]]))
    slices = by_slice.loc[by_slice["is_total"], "period"].tolist()
    figure = go.Figure()
    for name in dict.fromkeys(rows["name"]):
        counts = rows[rows["name"] == name].set_index("period")["created"].reindex(slices, fill_value=0)
        figure.add_bar(x=slices, y=counts.values, name=name, hovertemplate=f"{name} %{{x}}: %{{y:,}}<extra></extra>")
    figure.update_layout(barmode="stack", title=t("channels.chart.title"), xaxis_title=t("channels.chart.period"),
                         yaxis_title=metrics.get("service.new").label(lang()), xaxis={"type": "category"},
                         margin={"t": 60, "b": 40}, legend={"traceorder": "normal"})
    return figure


def channel_table(total: pd.DataFrame, formatted: bool = True) -> pd.DataFrame:
    """A row per channel and the total. Formatted for the screen; else numbers (hours in hours)
    for the downloads."""
    table = pd.DataFrame({t("channels.col.channel"): _names(total)})
    for column, key in COLUMNS.items():
        metric = metrics.get(key)
        header = t(HEADERS[column]) if column in HEADERS else metric.label(lang())
        if formatted:
            table[header] = [metric.format(None if pd.isna(v) else v, lang()) for v in total[column]]
        else:
            unit = t(UNITS[metric.unit]) if metric.unit in UNITS else ""
            table[header + unit] = total[column].to_numpy()
    return table


def show_table(mix: channels.ChannelMix) -> None:
    st.dataframe(channel_table(mix.total), hide_index=True, width="stretch")
    download_buttons(channel_table(mix.total, formatted=False), f"channel-mix-{mix.period.label}", "channels_download")


def cost_editor(total: pd.DataFrame, costs: dict[str, float]) -> None:
    """Every known channel and each unknown word of the period, with its cost per contact; saving
    replaces the stored costs."""
    unknown = total.loc[~total["is_total"] & ~total["known"], "channel"].dropna().tolist()
    keys = [*CHANNELS, *unknown]
    frame = pd.DataFrame({"key": keys, "channel": [channel_name(key, key in CHANNELS) for key in keys],
                          "cost_per_contact": [costs.get(key) for key in keys]})
    edited = st.data_editor(
        frame, key=EDITOR, hide_index=True, disabled=["channel"], column_order=["channel", "cost_per_contact"],
        placeholder="",  # a channel without a cost is left blank, as the caption says (not "None")
        column_config={"channel": st.column_config.TextColumn(t("channels.col.channel")),
                       "cost_per_contact": st.column_config.NumberColumn(t("channels.costs.col.cost"), min_value=0.0,
                                                                          format="NT$%g")})
    if permits("sla.edit", "access.action.channel_costs_save"):
        st.button(t("channels.costs.save"), type="primary", on_click=_save,
                  args=(dict(zip(edited["key"], edited["cost_per_contact"], strict=True)),))
    if problem := st.session_state.pop("channels.problem", None):
        st.error(problem.message(lang()))


def _save(costs: dict) -> None:
    """Button callback: store the costs; the editor then starts again from the store."""
    try:
        channels.save_costs(ui.db(), {key: None if pd.isna(cost) else float(cost) for key, cost in costs.items()})
    except channels.ChannelCostError as err:
        st.session_state["channels.problem"] = err
        return
    st.session_state.pop(EDITOR, None)
    st.session_state["channels.flash"] = t("channels.costs.saved")


def what_if(total: pd.DataFrame, costs: dict[str, float]) -> None:
    """Move a share of one costed channel's contacts to another and see the cost of the mix change."""
    volumes = total[~total["is_total"] & total["channel"].notna()]
    created = dict(zip(volumes["channel"], volumes["created"], strict=True))
    costed = [key for key in dict.fromkeys([*CHANNELS, *created]) if key in costs]
    if len(costed) < 2:
        st.info(t("channels.whatif.need_costs"))
        return
    known = set(CHANNELS)
    named = {key: channel_name(key, key in known) for key in costed}
    left, middle, right = st.columns(3)
    source = left.selectbox(t("channels.whatif.from"), costed, format_func=named.get, key="channels.from")
    targets = [key for key in costed if key != source]
    target = middle.selectbox(t("channels.whatif.to"), targets, format_func=named.get, key="channels.to")
    percent = right.slider(t("channels.whatif.fraction"), 0, 100, 20, step=5, format="%d%%", key="channels.fraction")
    moved = channels.shift(created, costs, source, target, percent / 100)
    currency = metrics.get("channels.cost")
    row = st.container(horizontal=True)
    contacts = f"{moved.moved:,.0f}" if float(moved.moved).is_integer() else f"{moved.moved:,.1f}"
    row.metric(t("channels.whatif.moved"), contacts, border=True, width="content")
    row.metric(t("channels.whatif.before"), currency.format(moved.cost_before, lang()), border=True, width="content")
    row.metric(t("channels.whatif.after"), currency.format(moved.cost_after, lang()), border=True, width="content")
    difference = metrics.get("channels.shift_difference")
    row.metric(difference.label(lang()), difference.format(moved.difference, lang()), border=True, width="content",
               help=difference.description(lang()))
