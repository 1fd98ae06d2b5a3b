"""The ROI page's outputs: headline KPIs, cost lines, cumulative payback, sensitivity, comparison."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from kpi.metrics import get as metric
from kpi.roi import analysis, charts, report
from kpi.roi.model import PARAMETER, SIDES, Result, evaluate, format_number
from kpi.roi.scenarios import StoredScenario
from ui.components.download import download_buttons, file_download, table_with_downloads
from ui.session import lang, t

_HEADLINES = ("roi.classroom_total", "roi.online_total", "roi.savings", "roi.roi", "roi.bcr")
_AMOUNT = st.column_config.NumberColumn(format="localized")
DISCOUNT = "roi.discount"     # the discount rate in percent, chosen in the cumulative tab


def discount_rate() -> float:
    return st.session_state.get(DISCOUNT, 0.0) / 100


def headlines(result: Result) -> None:
    """The five KPIs and the NPV. Each card is as wide as its figure and the cards wrap: in equal
    columns a 1,024-px screen cut every amount to 'NT$1,1…'."""
    figures = [(key, result.value(key)) for key in _HEADLINES] + [("roi.npv", analysis.npv(result, discount_rate()))]
    row = st.container(horizontal=True)
    for key, value in figures:
        m = metric(key)
        row.metric(m.label(lang()), m.format(value, lang()), help=m.description(lang()), border=True, width="content")
    if result.roi is None:
        st.warning(t("roi.result.undefined"))


def _money(value: float) -> str:
    return metric("roi.savings").format(value)


def costs(result: Result) -> None:
    """Both sides' lines with their arithmetic, the chart, and the assumptions behind them."""
    by_side = {side: result.by_label(side, lang()) for side in SIDES}
    labels = result.line_labels(lang())
    frame = pd.DataFrame({t("roi.result.line"): [*labels, t("roi.result.total")]})
    config = {}
    for side, by_label in by_side.items():
        name = t(f"roi.result.{side}")
        formula, amount = f"{name}: {t('roi.result.formula')}", f"{name}: {t('roi.result.amount')}"
        frame[formula] = [by_label[l].formula if l in by_label else "" for l in labels] + [""]
        frame[amount] = [format_number(by_label[l].amount) if l in by_label else "—" for l in labels] + [
            format_number(getattr(result, f"{side}_total"))]
        config[amount] = st.column_config.TextColumn(alignment="right")
    table_with_downloads(frame, "roi-cost-lines", "roi.costs", column_config=config)
    st.plotly_chart(charts.breakdown_figure(result, lang()), width="stretch")
    s = result.scenario
    shown = {name: format_number(getattr(s, name)) for name in ("trainees", "class_size", "classroom_dev_hours")}
    shown |= {name: format_number(getattr(result, name))
              for name in ("classes", "trainee_hourly", "instructor_hourly", "admin_hourly")}
    st.caption(t("roi.result.assumptions", **shown))


def cumulative(result: Result) -> None:
    view = analysis.cumulative(result)
    s = result.scenario
    if view.payback_run is None:
        st.warning(t("roi.cumulative.never"))
    elif view.payback_run == 0:
        st.success(t("roi.cumulative.payback_now"))
    else:
        beyond = view.payback_run > s.runs_per_year * s.years
        (st.warning if beyond else st.success)(t(
            "roi.cumulative.payback_later" if beyond else "roi.cumulative.payback",
            run=view.payback_run, year=f"{view.payback_year:g}", years=s.years))
    st.caption(t("roi.cumulative.summary", years=s.years, roi=metric("roi.roi").format(view.roi),
                 **{k: _money(getattr(view, k)) for k in
                    ("classroom_one_off", "online_one_off", "classroom_per_run", "online_per_run")}))
    st.plotly_chart(charts.cumulative_figure(view, lang()), width="stretch")
    rate, npv_column = st.columns([1, 2], vertical_alignment="bottom")
    rate.number_input(t("roi.npv.rate"), min_value=0.0, max_value=50.0, step=0.5, format="%.1f", key=DISCOUNT)
    npv_column.markdown(t("roi.npv.summary", years=s.years, rate=f"{discount_rate() * 100:.1f}",
                          npv=_money(analysis.npv(result, discount_rate()))))
    columns = [t(f"roi.cumulative.{k}") for k in ("run", "year", "classroom", "online", "savings")]
    frame = pd.DataFrame([(p.run, p.year, p.classroom, p.online, p.savings) for p in view.points], columns=columns)
    table_with_downloads(frame, "roi-cumulative", "roi.cumulative",
                         column_config={c: _AMOUNT for c in columns[2:]} | {columns[1]: st.column_config.NumberColumn(format="%.2f")})


def sensitivity(result: Result) -> None:
    swing = st.slider(t("roi.sensitivity.swing"), 5, 90, 20, step=5, key="roi.swing", persist_state="session")
    bars = analysis.tornado(result.scenario, swing / 100)
    if result.roi is None or not bars:
        st.info(t("roi.sensitivity.none") if result.roi is not None else t("roi.result.undefined"))
    else:
        st.plotly_chart(charts.tornado_figure(bars, result.roi, swing, lang()), width="stretch")
        st.caption(t("roi.sensitivity.left_out"))
    key = st.selectbox(t("roi.breakeven.parameter"), analysis.SENSITIVE_PARAMETERS, key="roi.breakeven",
                       format_func=lambda k: PARAMETER[k].label(lang()), persist_state="session")
    st.markdown(break_even_text(analysis.break_even(result.scenario, key)))


def break_even_text(found: analysis.BreakEven) -> str:
    p = PARAMETER[found.key]
    values = dict(label=p.label(lang()), minimum=format_number(p.minimum), maximum=format_number(p.maximum),
                  current=f"{format_number(found.current)} {p.unit_label(lang())}")
    if found.value is None:
        return t("roi.breakeven.always" if found.roi_positive_now else "roi.breakeven.never", **values)
    return t("roi.breakeven.above" if found.pays_above else "roi.breakeven.below",
             value=f"{format_number(found.value)} {p.unit_label(lang())}", **values)


def compare(stored: dict[int, StoredScenario]) -> None:
    """Saved scenarios side by side, with the XLSX and one-page HTML exports."""
    st.caption(t("roi.compare.saved_only"))
    state = st.session_state
    # Start with the first four; scenarios saved since join; deleted ones leave.
    wanted = [*state.get("roi.compare", list(stored)[:4]), *state.pop("roi.compare_add", [])]
    state["roi.compare"] = [i for i in dict.fromkeys(wanted) if i in stored]
    chosen = [stored[i] for i in st.multiselect(
        t("roi.compare.select"), list(stored), key="roi.compare",
        format_func=lambda i: stored[i].name, persist_state="session")]
    if not chosen:
        st.info(t("roi.compare.empty"))
        return
    header, *rows = report.comparison_table(chosen, lang())
    right = st.column_config.TextColumn(alignment="right")
    table = pd.DataFrame(rows, columns=[" ", *header[1:]])
    # notes are prose: left-aligned below the table rather than squeezed into right-aligned figures
    st.dataframe(table[table[header[1]] != t("roi.compare.notes")], hide_index=True, width="stretch",
                 height="content", column_config={s.name: right for s in chosen})
    for s in chosen:
        if s.notes:
            st.caption(f"**{s.name}** · {t('roi.compare.notes')}: {s.notes}")
    st.plotly_chart(charts.comparison_figure([s.name for s in chosen], [evaluate(s.scenario) for s in chosen], lang()),
                    width="stretch")
    language = lang()
    row = download_buttons(table, "roi-comparison", "roi.compare_download",
                           workbook=lambda: report.xlsx_bytes(chosen, language))
    file_download(t("roi.export.html"), lambda: report.html_report(chosen, language, datetime.now()), "roi-report.html",
                  "text/html", "roi.html_report", icon=":material/description:", where=row)
