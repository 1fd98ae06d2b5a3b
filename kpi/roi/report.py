"""Scenario comparison: a table of assumptions, cost lines and results, as XLSX and as HTML.

The HTML report is one self-contained page: inline CSS and an inline SVG chart, no script and
no external asset, so it opens offline, in mail clients and prints on one sheet.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from kpi import exports, formatting, i18n
from kpi.metrics import get as metric
from kpi.roi.analysis import cumulative
from kpi.roi.model import PARAMETERS, SIDES, Result, evaluate, format_number
from kpi.roi.scenarios import BENEFITS, StoredScenario

# How a row's values are written: "currency", "ratio", "number" as the KPI formats, "count"
# whole numbers, "value" a parameter (or its rule, as text), "text" as is.
_XLSX_FORMATS = {"currency": '"NT$"#,##0', "ratio": "0.0%", "number": "0.00", "count": "#,##0",
                 "value": "#,##0.##", "text": "@"}


@dataclass(frozen=True)
class Row:
    section: str
    item: str
    kind: str
    values: tuple           # one per scenario; None where it does not apply


def comparison_rows(stored: list[StoredScenario], lang: str) -> list[Row]:
    """Results first (what executives read), then each side's cost lines, then the inputs."""
    results = [evaluate(s.scenario) for s in stored]
    views = [cumulative(r) for r in results]

    def t(key: str, **values) -> str:
        return i18n.t(key, lang, **values)

    section = t("roi.compare.section_results")
    rows = [Row(section, metric(key).label(lang), metric(key).unit, tuple(r.value(key) for r in results))
            for key in ("roi.savings", "roi.roi", "roi.bcr")]
    rows.append(Row(section, t("roi.compare.payback_run"), "count",
                    tuple(t("roi.compare.never") if v.payback_run is None else v.payback_run for v in views)))
    rows.append(Row(section, t("roi.compare.cumulative_savings"), "currency",
                    tuple(v.points[-1].savings for v in views)))
    for side in SIDES:
        section = t(f"roi.compare.section_{side}")
        lines = [r.by_label(side, lang) for r in results]
        for label in dict.fromkeys(label for by_label in lines for label in by_label):
            rows.append(Row(section, label, "currency", tuple(
                by_label[label].amount if label in by_label else None for by_label in lines)))
        rows.append(Row(section, metric(f"roi.{side}_total").label(lang), "currency",
                        tuple(getattr(r, f"{side}_total") for r in results)))
    section = t("roi.compare.section_derived")
    rows.append(Row(section, t("roi.compare.classes"), "count", tuple(r.classes for r in results)))
    for rate in ("trainee_hourly", "instructor_hourly", "admin_hourly"):
        rows.append(Row(section, t(f"roi.compare.{rate}"), "value", tuple(getattr(r, rate) for r in results)))
    section = t("roi.compare.section_parameters")
    rules = {"hours_per_year": t("roi.compare.seed_rule"), "admin_hourly": t("roi.compare.trainee_rate")}
    for p in PARAMETERS:
        values = tuple(rules[p.key] if getattr(s.scenario, p.key) is None else getattr(s.scenario, p.key)
                       for s in stored)
        rows.append(Row(section, f"{p.label(lang)} ({p.unit_label(lang)})", "value", values))
    rows.append(Row(section, t("roi.compare.notes"), "text", tuple(s.notes for s in stored)))
    return rows


def formatted(row: Row, value) -> str:
    """A row's value as shown on the page and in the HTML report."""
    if value is None:
        return "—" if row.kind != "text" else ""
    if isinstance(value, str):
        return value
    if row.kind in ("currency", "ratio", "number"):
        return metric({"currency": "roi.savings", "ratio": "roi.roi", "number": "roi.bcr"}[row.kind]).format(value)
    return format_number(value)


def comparison_table(stored: list[StoredScenario], lang: str) -> list[list[str]]:
    """Header then one row of display strings per item: section, item, one cell per scenario."""
    header = ["", i18n.t("roi.compare.item", lang), *(s.name for s in stored)]
    rows, previous = [header], None
    for row in comparison_rows(stored, lang):
        rows.append([row.section if row.section != previous else "", row.item,
                     *(formatted(row, v) for v in row.values)])
        previous = row.section
    return rows


def _benefit_rows(stored: list[StoredScenario], lang: str, everything: bool):
    for s in stored:
        for key in BENEFITS:
            check = s.benefits.get(key)
            if check and (everything or check.checked or check.note):
                yield s.name, i18n.t(f"roi.benefit.{key}", lang), check.checked, check.note


def xlsx_bytes(stored: list[StoredScenario], lang: str) -> bytes:
    """Two sheets: the comparison (numbers kept as numbers) and every benefit's tick and note."""
    workbook = exports.Workbook()
    sheet = workbook.sheet(i18n.t("roi.export.sheet_comparison", lang))
    sheet.write_row(0, 0, ["", i18n.t("roi.compare.item", lang), *(s.name for s in stored)], bold=True)
    previous_section = None
    for r, row in enumerate(comparison_rows(stored, lang), start=1):
        sheet.write(r, 0, row.section if row.section != previous_section else "", bold=True)
        previous_section = row.section
        sheet.write(r, 1, row.item)
        for c, value in enumerate(row.values, start=2):
            sheet.write(r, c, value, num_format=_XLSX_FORMATS[row.kind])
    sheet.worksheet.set_column(0, 0, 16)
    sheet.worksheet.set_column(1, 1, 44)
    sheet.worksheet.set_column(2, 1 + len(stored), 22)
    sheet.worksheet.freeze_panes(1, 2)
    benefits = workbook.sheet(i18n.t("roi.export.sheet_benefits", lang))
    benefits.write_row(0, 0, [i18n.t(f"roi.export.{k}", lang) for k in ("scenario", "benefit", "checked", "note")],
                       bold=True)
    for r, (name, benefit, checked, note) in enumerate(_benefit_rows(stored, lang, True), start=1):
        benefits.write_row(r, 0, [name, benefit, "✓" if checked else "", note])
    benefits.worksheet.set_column(0, 1, 40)
    benefits.worksheet.set_column(3, 3, 60)
    return workbook.bytes()


_CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "Noto Sans CJK TC", "Microsoft JhengHei", "PingFang TC", sans-serif;
       font-size: 9px; line-height: 1.3; color: #222; max-width: 186mm; margin: 0 auto; }
h1 { font-size: 16px; margin: 0 0 2px; } h2 { font-size: 12px; margin: 10px 0 4px; }
p.meta { color: #666; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0 3px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.item, td.text { text-align: left; }
td.item { width: 38%; }
tr.section td { font-weight: bold; background: #f2f4f7; text-align: left; }
tr.key td { font-weight: bold; }
ul { margin: 2px 0 6px 0; padding: 0; list-style: none; } li { margin: 0; }
div.scenarios { display: grid; grid-template-columns: repeat(auto-fit, minmax(45mm, 1fr)); gap: 4mm; }
p.notes { white-space: pre-line; color: #444; margin: 2px 0; }
svg text { font-size: 9px; fill: #222; }
"""


def html_report(stored: list[StoredScenario], lang: str, generated: datetime) -> str:
    """One printable page: the comparison table, a bar chart, the ticked benefits and notes."""
    e = html.escape
    rows = comparison_rows(stored, lang)
    body = [f"<h1>{e(i18n.t('roi.export.report_title', lang))}</h1>",
            f"<p class='meta'>{e(i18n.t('roi.export.generated', lang, when=generated.strftime('%Y-%m-%d %H:%M')))}</p>",
            _bars_svg(stored, [evaluate(s.scenario) for s in stored], lang),
            "<table><thead><tr><th></th>" + "".join(f"<th>{e(s.name)}</th>" for s in stored) + "</tr></thead><tbody>"]
    section = None
    key_items = {metric(k).label(lang) for k in ("roi.classroom_total", "roi.online_total", "roi.savings", "roi.roi", "roi.bcr")}
    for row in rows:
        if row.kind == "text":
            continue             # notes go with each scenario's benefits, below
        if row.section != section:
            section = row.section
            body.append(f"<tr class='section'><td colspan='{1 + len(stored)}'>{e(section)}</td></tr>")
        css = " class='key'" if row.item in key_items else ""
        cells = "".join(f"<td>{e(formatted(row, v))}</td>" for v in row.values)
        body.append(f"<tr{css}><td class='item'>{e(row.item)}</td>{cells}</tr>")
    body.append("</tbody></table>")
    body.append(f"<h2>{e(i18n.t('roi.export.notes_and_benefits', lang))}</h2><div class='scenarios'>")
    for s in stored:
        items = [f"<li>{'☑' if checked else '☐'} {e(benefit)}{' — ' + e(note) if note else ''}</li>"
                 for _, benefit, checked, note in _benefit_rows([s], lang, False)]
        body.append(f"<div><b>{e(s.name)}</b><p class='notes'>{e(s.notes)}</p>"
                    + (f"<ul>{''.join(items)}</ul>" if items else f"<p>{e(i18n.t('roi.export.no_benefits', lang))}</p>")
                    + "</div>")
    body.append("</div>")
    title = e(i18n.t("roi.export.report_title", lang))
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>")


def _bars_svg(stored: list[StoredScenario], results: list[Result], lang: str) -> str:
    """Each scenario's name over its classroom and online totals, drawn without any script."""
    side_width, bar_area, bar = 60, 420, 9
    top = max((max(r.classroom_total, r.online_total) for r in results), default=0) or 1
    colors = {"classroom": "#9aa5b1", "online": "#1f77b4"}
    parts, y = [], 0
    for s, r in zip(stored, results):
        parts.append(f"<text x='0' y='{y + 9}' font-weight='bold'>{html.escape(s.name)}</text>")
        y += 12
        for side in SIDES:
            total = getattr(r, f"{side}_total")
            width = bar_area * total / top
            parts.append(f"<text x='0' y='{y + bar - 1}'>{html.escape(i18n.t(f'roi.result.{side}', lang))}</text>"
                         f"<rect x='{side_width}' y='{y}' width='{width:.1f}' height='{bar}' fill='{colors[side]}'/>"
                         f"<text x='{side_width + width + 4:.1f}' y='{y + bar - 1}'>{formatting.currency(total)}</text>")
            y += bar + 2
        y += 4
    return (f"<svg width='{side_width + bar_area + 110}' height='{y}' role='img' "
            f"aria-label='{html.escape(i18n.t('roi.compare.chart', lang))}'>{''.join(parts)}</svg>")
