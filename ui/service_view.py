"""Streamlit views of the service KPIs: filters kept in the URL, KPI cards, the weekly table,
the charts, the drill-down ticket list with downloads, and the KPI help panel."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

import ui
from kpi import exports, metrics
from kpi.service import comparison, durations, periods, presentation, report
from kpi.service.definitions import ALERTS, DURATION_COLUMNS, PREFIX, WEEKLY_COLUMNS
from kpi.service.periods import Period
from kpi.service.presentation import metric
from kpi.service.report import FilterOptions, ServiceQuery
from ui import service_charts, url_params
from ui.components.columns import header_width
from ui.components.download import download_buttons, table_with_downloads
from ui.components.kpi_card import kpi_card, legend_caption, style_by_target
from ui import privacy as ui_privacy
from ui.engine import kpi_source
from ui.privacy import visible
from ui.session import t

DRILL = "service.drill"
# The weekly table's columns on screen: the rates first, then the counts in the seed's order.
RATES_FIRST = ("service_level", "total_service_level", "completion_rate", "avg_escalations",
               *(c for c in WEEKLY_COLUMNS if metric(c).unit == "count"))
TICKET_COLUMNS = ("ticket_id", "subject", "department", "owner", "level", "channel", "category", "sla_policy",
                  "status", "created_at", "first_response_due_at", "first_response_at", "standard_due_at", "first_commitment_at",
                  "current_commitment_at", "completed_at", "due_at", "extension_count", "escalation_count", "outcome")


def label(column: str) -> str:
    return metric(column).label(ui.lang())


@st.cache_data(max_entries=8, show_spinner=False)
def filter_options(data_version: int) -> FilterOptions:
    return report.filter_options(kpi_source(), ui.db())


def filter_options_or_stop(data_version: int) -> FilterOptions:
    """The filters' values; on a store without tickets, says where to get some and ends the page."""
    options = filter_options(data_version)
    if options.last_activity is None:
        st.info(t("service.empty.store"))
        st.stop()
    return options


# Results only (tables of counts, the first rows of each alert list): a view costs kilobytes, not
# the tickets behind it; an hour's ttl bounds what sessions left behind.
@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def _review_part(data_version: int, period: Period, query: ServiceQuery, part: str, periods: int):
    return report.review_part(kpi_source(), period, query, part, periods)


# The review's parts that the grouping does not change: totals only, their own fixed grouping
# (levels) or ticket lists. They are cached under one grouping, so switching owner ↔ department
# asks again only for the grouped tables.
UNGROUPED_PARTS = frozenset({"commitments", "flow", "backlog", "first_response", "alerts", "sources"})


def ungrouped(query: ServiceQuery) -> ServiceQuery:
    """``query`` under the one grouping that results independent of the grouping are cached by."""
    return replace(query, by=report.GROUPINGS[0])


# The cards compare the period with the one before it, so a view needs the weekly table of those
# two (at 10M tickets half the cost of twelve); the trend chart and the manager's report read twelve.
CARD_PERIODS, TREND_PERIODS = 2, 12


def review_periods(open_tab: str | None) -> int:
    """The periods the page's review asks for: twelve where the open tab draws them (the trend, the
    manager's report), so the cards read that same result; else the cards' two."""
    return TREND_PERIODS if open_tab in (t("service.tab.trend"), t("service.tab.report")) else CARD_PERIODS


def weekly_review(data_version: int, period: Period, query: ServiceQuery,
                  periods: int = CARD_PERIODS) -> report.WeeklyReview:
    """The period's review; each part is queried (and cached) when a tab first shows it. Its weekly
    table and trend span ``periods`` periods up to this one; created vs resolved always twelve."""
    return report.WeeklyReview(period, lambda part: _review_part(
        data_version, period, ungrouped(query) if part in UNGROUPED_PARTS else query, part,
        periods if part == "weekly" else TREND_PERIODS))


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def tickets_behind(data_version: int, period: Period, query: ServiceQuery, **cell) -> pd.DataFrame:
    return report.tickets_behind(kpi_source(), period, query, **cell)


def _labels(first: Period, last: Period) -> list[str]:
    """Period labels from ``last`` back to ``first`` (newest first, as a picker lists them)."""
    labels, period = [], last
    while period.end > first.start:
        labels.append(period.label)
        period = period.previous()
    return labels


def from_url(name: str, codes: tuple[str, ...]) -> str:
    """The code a shared link chose for ``name``, else the first. Choices shown with translated
    labels are kept in the URL by hand: ``bind`` would store the label, so a link made in one
    language would lose them in the other."""
    return url_params.chosen(name, codes, codes[0])


def to_url(name: str, code: str) -> str:
    st.query_params[name] = code
    return code


# How a period is chosen: the report kinds, and the quick choices relative to today.
PERIOD_CHOICES = ("week", "month", "preset", "range")


def period_picker(options: FilterOptions, today: date) -> Period | None:
    """Week (default: the last complete one), month, a quick choice (last 7 days …) or a custom
    range; None until a range is whole. The choice is always written into the URL."""
    default_week = periods.last_complete_week(today, options.last_activity)
    # Choices start where a report can (a store whose date floor was set far back may hold older times).
    first = max(options.first_activity or default_week.start, datetime(periods.FIRST_YEAR, 1, 1))
    kind = to_url("period", st.segmented_control(
        t("service.filter.period"), PERIOD_CHOICES, default=from_url("period", PERIOD_CHOICES), required=True,
        format_func={k: t(f"service.period.{k}") for k in PERIOD_CHOICES}.get, key="period"))
    for other in PERIOD_CHOICES:
        if other != kind:
            st.query_params.pop(other, None)      # a link names one period only
    if kind == "week":
        return periods.iso_week(_choice("week", _labels(periods.week_containing(first), default_week)))
    if kind == "month":
        labels = _labels(periods.month_containing(first), periods.month_containing(default_week.start))
        return periods.month(_choice("month", labels))
    if kind == "preset":
        return periods.preset(_choice("preset", periods.PRESETS, {p: t(f"service.preset.{p}") for p in periods.PRESETS}.get),
                              today)
    given = st.query_params.get_all("range") if url_params.accepts("range", periods.is_reportable_day) else []
    days = (tuple(map(date.fromisoformat, given)) if len(given) == 2
            else (default_week.start.date(), default_week.end.date() - timedelta(days=1)))
    chosen = st.date_input(t("service.filter.range"), days, key="range", min_value=date(periods.FIRST_YEAR, 1, 1),
                           max_value=date(periods.LAST_YEAR, 12, 31))
    if len(chosen) != 2:
        st.warning(t("service.range_incomplete"))
        return None
    st.query_params["range"] = [day.isoformat() for day in chosen]
    return periods.date_range(*chosen)


def _choice(name: str, options, format_func=str) -> str:
    """The week, month or quick choice picked (the first by default), always written into the URL
    (the default too, so a bookmark keeps its period when newer data arrives); kept by hand, as
    ``bind`` leaves the default out of the URL."""
    chosen = url_params.chosen(name, options, options[0])
    return to_url(name, st.selectbox(t(f"service.filter.{name}"), options, index=list(options).index(chosen),
                                     format_func=format_func, key=name))


def query_picker(options: FilterOptions) -> ServiceQuery:
    groupings = ("owner", "department")
    by = to_url("by", st.segmented_control(
        t("service.filter.by"), groupings, default=from_url("by", groupings), required=True,
        format_func={v: t(f"service.by.{v}") for v in groupings}.get, key="by"))
    due = to_url("due", st.radio(
        t("service.filter.due"), report.DUE_BASES, index=report.DUE_BASES.index(from_url("due", report.DUE_BASES)),
        format_func={v: t(f"service.due.{v}") for v in report.DUE_BASES}.get, key="due"))
    filters = (("departments", "dept", options.departments), ("owners", "owner", options.owners),
               ("levels", "level", options.levels), ("channels", "channel", options.channels))
    for _name, key, values in filters:
        url_params.accepts(key, values)
    chosen = {
        name: st.multiselect(t(f"service.filter.{name}"), values, key=key, bind="query-params",
                             placeholder=t("service.filter.all"),
                             format_func=(lambda v: f"Level {v}") if name == "levels" else str)
        for name, key, values in filters
    }
    chosen["batches"] = st.multiselect(t("service.filter.batches"), list(options.batches), key="batch",
                                       bind="query-params", placeholder=t("service.filter.all"),
                                       format_func=options.batches.get)
    return ServiceQuery(by=by, due=due, **{name: tuple(values) for name, values in chosen.items()})


def group_names(frame: pd.DataFrame) -> list[str]:
    return presentation.group_names(frame, ui.lang())


@st.cache_data(max_entries=16, show_spinner=False)
def _figures(data_version: int, period: Period, query: ServiceQuery) -> dict[str, float | None]:
    return comparison.headline_figures(kpi_source(), period, query)


def kpi_cards(review: report.WeeklyReview, query: ServiceQuery, department: str | None = None) -> None:
    """Headline KPIs with the change against the previous period and against the same period a
    year before, rated against their targets (a department's own where one department is shown)."""
    cards = presentation.headline(review)
    year_before = review.period.year_before()
    then = _figures(ui.db_version(), year_before, ungrouped(query))     # totals: the grouping changes none
    # A year with nothing in play (before the data starts) is no comparison: "+981" would mislead.
    compared = bool(then.get("in_play"))
    lang = ui.lang()
    # Cards as wide as their figures, changes and status word, wrapping: three equal columns cut
    # the status to "未達…" at 1,024 px.
    row = st.container(horizontal=True)
    for key, now, before in cards:
        change = presentation.delta(key, now, then[key], lang) if compared else None
        kpi_card(row, PREFIX + key, now, presentation.delta(key, now, before, lang), department,
                 note=t("service.delta.year", period=year_before.label, change=change) if change else None,
                 width="content")
    legend_caption([PREFIX + key for key, _, _ in cards], department)


def weekly_table(review: report.WeeklyReview, by: str, formatted: bool = True) -> pd.DataFrame:
    """The report as the seed shows it: the grouping's name, then the KPI labels as headers.
    Unformatted (for downloads), rates stay fractions and counts numbers."""
    table = pd.DataFrame({t(f"service.by.{by}"): group_names(review.table)})
    for column in WEEKLY_COLUMNS:
        values = review.table[column]
        table[label(column)] = [metric(column).format(v) for v in values] if formatted else values.to_numpy()
    return table


# Excel number formats of the weekly table's units: rates stay fractions and read as percentages.
_EXCEL_FORMATS = {"ratio": "0.0%", "number": "0.00", "count": "#,##0"}


def weekly_downloads(review: report.WeeklyReview, by: str, stem: str) -> None:
    """The weekly table in the seed's order as CSV and as a formatted workbook (bold header kept
    in view, rates as percentages)."""
    table = weekly_table(review, by, formatted=False)
    formats = {label(c): _EXCEL_FORMATS[metric(c).unit] for c in WEEKLY_COLUMNS}
    download_buttons(table, stem, "weekly_download", workbook=lambda: exports.xlsx_bytes(table, stem, formats))


def _total_first(review: report.WeeklyReview) -> pd.DataFrame:
    """The report's rows as the screen lists them: the total first, where it is in view at once."""
    return pd.concat([review.table[review.table["is_total"]], review.table[~review.table["is_total"]]])


def rated_weekly_table(review: report.WeeklyReview, by: str) -> Styler:
    """The formatted report for the screen, the total first, short headers, its rates marked against
    their targets (by department, each row against its own)."""
    rows, lang = _total_first(review), ui.lang()
    table = pd.DataFrame({t(f"service.by.{by}"): group_names(rows)})
    for column in WEEKLY_COLUMNS:
        table[short_label(column)] = [metric(column).format(v, lang) for v in rows[column]]
    departments = [None if total else group for total, group in zip(rows["is_total"], rows["group"])]
    return style_by_target(table, {short_label(c): (PREFIX + c, rows[c]) for c in WEEKLY_COLUMNS},
                           departments if by == "department" else None)


def short_label(column: str) -> str:
    """A weekly column's header on screen: short enough to be read whole in a narrow column."""
    return t(f"service.short.{column}")


def show_weekly_table(table: Styler, **selection) -> None:
    """Every row visible, the total first; the rates lead, so at 1400 px the service levels and the
    total are in view without scrolling; counts follow in narrow columns, each as wide as its header.
    Each header's full name and meaning are in its tooltip."""
    lang = ui.lang()
    config = {short_label(c): st.column_config.TextColumn(
        width=header_width(short_label(c)), alignment="right", help=f"{label(c)}: {metric(c).description(lang)}")
        for c in WEEKLY_COLUMNS}
    group = table.data.columns[0]
    config[group] = st.column_config.TextColumn(pinned=True)
    order = [group, *(short_label(c) for c in RATES_FIRST)]
    st.dataframe(table, hide_index=True, width="stretch", height=min(35 * (len(table.data) + 1) + 3, 910),
                 column_config=config, column_order=order, **selection)


def set_drill(period: Period, title: str, **cell) -> None:
    st.session_state[DRILL] = {"period": asdict(period), "title": title, "cell": cell}


def drill_from_table(review: report.WeeklyReview, selection_key: str) -> None:
    cells = st.session_state[selection_key].selection.cells
    if not cells:
        return
    row, header = cells[0]
    columns = {short_label(c): c for c in WEEKLY_COLUMNS}
    column = columns.get(header, "in_play")   # the group's own cell lists all its tickets in play
    rows = _total_first(review)
    picked = rows.iloc[row]
    set_drill(review.period, f"{group_names(rows)[row]} · {label(column)}",
              group=None if picked["is_total"] else picked["group"], all_groups=bool(picked["is_total"]),
              column=column)


def drill_from_bars(review: report.WeeklyReview, bucket_names: list[str], selection_key: str) -> None:
    points = st.session_state[selection_key].selection.points
    if not points:
        return
    row, bucket = points[0]["customdata"]
    rows = review.escalations[~review.escalations["is_total"]].reset_index(drop=True)
    set_drill(review.period, f"{group_names(rows)[row]} · {bucket_names[bucket]}",
              group=rows.iloc[row]["group"], all_groups=False, escalations=bucket)


def drill_from_trend(review: report.WeeklyReview, selection_key: str) -> None:
    points = st.session_state[selection_key].selection.points
    if not points:
        return
    row, column = points[0]["customdata"]
    period = review.period.trailing(len(review.trend))[row]
    # a service level lists its denominator's tickets: the new ones, or all in play for the total
    set_drill(period, f"{period.label} · {label(column)}", all_groups=True, column=column)


def escalation_chart(review: report.WeeklyReview, key: str) -> None:
    rows = review.escalations[~review.escalations["is_total"]].reset_index(drop=True)
    names = [t(f"service.chart.escalated_{b}") for b in range(4)]
    figure = service_charts.count_bars(review.escalations, group_names(rows), names,
                                       t("service.chart.escalations_title"), t("service.chart.tickets"))
    st.plotly_chart(figure, width="stretch", key=key, on_select=lambda: drill_from_bars(review, names, key),
                    selection_mode="points")


def trend_chart(review: report.WeeklyReview, target: float, key: str) -> None:
    if review.trend["in_play"].sum() == 0:
        st.info(t("service.empty.trend"))
        return
    labels = [p.label for p in review.period.trailing(len(review.trend))]
    series = {c: label(c) for c in ("service_level", "total_service_level")}
    figure = service_charts.service_level_trend(review.trend, labels, series, target,
                                                t("service.chart.target", value=target), t("service.chart.trend_title"))
    st.plotly_chart(figure, width="stretch", key=key, on_select=lambda: drill_from_trend(review, key),
                    selection_mode="points")


def flow_and_backlog(review: report.WeeklyReview) -> None:
    labels = [p.label for p in review.period.trailing(len(review.flow))]
    left, right = st.columns(2)
    left.plotly_chart(service_charts.flow_bars(review.flow, labels, t("service.chart.created"),
                                               t("service.chart.resolved"), t("service.chart.flow_title")),
                      width="stretch")
    if review.backlog.empty:
        right.info(t("service.empty.backlog"))
        return
    bands = {low: t("service.chart.band", low=low, high=high) if high else t("service.chart.band_open", low=low)
             for low, high in report.AGE_BANDS}
    right.plotly_chart(service_charts.backlog_bars(review.backlog, bands, "Level {level}",
                                                   t("service.chart.backlog_title"), t("service.chart.tickets")),
                       width="stretch")


def localized_tickets(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame[[c for c in TICKET_COLUMNS if c in frame]].copy()
    if "outcome" in shown:
        shown["outcome"] = shown["outcome"].map(label)
    return shown.rename(columns={c: t(f"service.col.{c}") for c in shown.columns})


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """For the screen: times to the minute, and blanks instead of None for what is missing."""
    shown = frame.copy()
    for column in shown.columns[shown.dtypes.map(pd.api.types.is_datetime64_any_dtype)]:
        shown[column] = shown[column].dt.strftime("%Y-%m-%d %H:%M")
    return shown.astype(object).where(shown.notna(), "")


def drill_panel(query: ServiceQuery) -> None:
    """The tickets behind the last clicked cell, bar or point, with their deadlines and counts."""
    drill = st.session_state.get(DRILL)
    if drill is None:
        st.caption(t("service.drill.none"))
        return
    st.subheader(t("service.drill.title", what=drill["title"]))
    frame = localized_tickets(visible(tickets_behind(ui.db_version(), Period(**drill["period"]), query, **drill["cell"])))
    if frame.empty:
        st.info(t("service.drill.empty"))
    else:
        st.dataframe(readable(frame), hide_index=True, width="stretch")
        download_buttons(frame, f"tickets-{Period(**drill['period']).label}", "drill")
    st.button(t("service.drill.clear"), on_click=st.session_state.pop, args=(DRILL, None))


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _alert_page(data_version: int, period: Period, query: ServiceQuery, alert: str, offset: int) -> pd.DataFrame:
    return report.alert_list(kpi_source(), period, query, alert, offset, report.ALERT_ROWS)


def _alert_table(frame: pd.DataFrame, gate, names: dict[str, str], headers: dict[str, str]) -> pd.DataFrame:
    """An alert list as the screen and its files show it; plain arguments only, as a deferred
    download builds it outside the page's run."""
    shown = gate(frame).assign(alert=frame["alert"].map(names))
    return shown[["alert", *[c for c in TICKET_COLUMNS if c in shown]]].rename(columns=headers)


def alerts(review: report.WeeklyReview, query: ServiceQuery) -> None:
    """Each alert list's length; the chosen list a page of rows at a time, the whole of it as a file."""
    counts = review.alerts.counts
    if not any(counts.values()):
        st.info(t("service.empty.alerts"))
        return
    row = st.container(horizontal=True)  # cards as wide as their names: five equal columns cut them to "升級…"
    for alert in ALERTS:
        row.metric(label(alert), metric(alert).format(counts[alert], ui.lang()), help=metric(alert).description(ui.lang()),
                   border=True, width="content")
    listed = [a for a in ALERTS if counts[a]]
    alert = st.segmented_control(t("service.alerts.list"), listed, default=listed[0], required=True,
                                 format_func=label, key="alert_list")
    pages = -(-counts[alert] // report.ALERT_ROWS)
    page = st.number_input(t("service.alerts.page", pages=pages), min_value=1, max_value=pages, value=1,
                           key=f"alert_page_{alert}") if pages > 1 else 1
    offset = (page - 1) * report.ALERT_ROWS
    rows = (review.alerts.rows[review.alerts.rows["alert"] == alert] if page == 1
            else _alert_page(ui.db_version(), review.period, ungrouped(query), alert, offset))
    st.caption(t("service.alerts.shown", first=offset + 1, last=offset + len(rows), count=counts[alert]))
    gate, names = ui_privacy.gate_for_later(), {a: label(a) for a in ALERTS}
    headers = {c: t(f"service.col.{c}") for c in ("alert", *TICKET_COLUMNS)}
    st.dataframe(readable(_alert_table(rows, gate, names, headers)), hide_index=True, width="stretch")
    period, source = review.period, kpi_source()
    download_buttons(lambda: _alert_table(report.alert_list(source, period, query, alert), gate, names, headers),
                     f"alerts-{alert}-{period.label}", "alerts")


def response_and_forwarding(review: report.WeeklyReview) -> None:
    left, right = st.columns(2)
    response = review.first_response.assign(group=group_names(review.first_response))
    if response["answered"].iloc[-1] == 0:
        left.info(t("service.empty.first_response"))
    else:
        with left:
            table_with_downloads(pd.DataFrame({
                t("service.by.level"): response["group"],
                t("service.col.decided"): response["decided"],
                label("first_response_compliance"): response["first_response_compliance"].map(
                    metric("first_response_compliance").format),
            }), f"first-response-{review.period.label}", "first_response")
    forwarding = review.forwarding
    with right:
        table_with_downloads(pd.DataFrame({
            t("service.col.group"): group_names(forwarding),
            label("new"): forwarding["new"], t("service.col.forwarded"): forwarding["forwarded"],
            label("forward_rate"): forwarding["forward_rate"].map(metric("forward_rate").format),
        }), f"forwarding-{review.period.label}", "forwarding")
    extensions = review.extensions
    names = [t(f"service.chart.extended_{b}") for b in range(4)]
    st.plotly_chart(service_charts.count_bars(extensions, group_names(extensions[~extensions["is_total"]]), names,
                                              t("service.chart.extensions_title"), t("service.chart.tickets")),
                    width="stretch")


@st.cache_data(max_entries=16, show_spinner=False)
def _times(data_version: int, period: Period, query: ServiceQuery) -> pd.DataFrame:
    return durations.response_and_resolution_times(kpi_source(), period, query)


def time_figures(period: Period, query: ServiceQuery) -> None:
    """Median and 90th-percentile first response and resolution per owner or department and in total."""
    times = _times(ui.db_version(), period, query)
    lang = ui.lang()
    st.subheader(t("service.times.heading"))
    st.caption(t("service.times.caption"))
    shown = pd.DataFrame({t(f"service.by.{query.by}"): group_names(times),
                          t("service.times.answered"): times["answered"], t("service.times.resolved"): times["resolved"]})
    for column in DURATION_COLUMNS:
        shown[label(column)] = [metric(column).format(v, lang) for v in times[column]]
    order = [shown.columns[0], t("service.times.answered"), *map(label, DURATION_COLUMNS[:2]),
             t("service.times.resolved"), *map(label, DURATION_COLUMNS[2:])]
    table_with_downloads(shown[order], f"response-times-{period.label}", "response_times")


def help_panel() -> None:
    """Every service KPI's definition, as declared in kpi/service/definitions.py."""
    lang = ui.lang()
    rows = [(m.label(lang), m.description(lang), m.formula(lang), m.scope(lang))
            for key, m in metrics.registry().items() if key.startswith(PREFIX)]
    definitions = pd.DataFrame(rows, columns=[t(f"service.help.{c}") for c in ("kpi", "description", "formula", "filters")])
    st.table(definitions, hide_index=True)
    download_buttons(definitions, "kpi-definitions", "kpi_definitions")

