"""The weekly report for senior managers, one file: the headline KPIs against their targets, the
manager's comment, the 12-period service-level trend, the escalation distribution, the weekly
table and the top alerts — as self-contained HTML or as an A4 PDF with page numbers.

The HTML has inline CSS and SVG charts drawn here, no script and no external asset, so it opens
offline and in mail clients. Every text that comes from data or a person (owner and department
names, ticket subjects, the comment) is escaped, and subjects are masked (kpi.privacy): a report
travels by mail beyond those who may see callers' numbers.

The PDF is the same HTML laid out by WeasyPrint through Pango, which finds Debian's
``fonts-noto-cjk`` (Noto Sans CJK TC) for Traditional Chinese. Where no installed font draws
Chinese, WeasyPrint would draw every character as an empty box and only log it: a report with
Chinese text is refused instead, saying which package to install.
"""

from __future__ import annotations

import functools
import html
import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from kpi import i18n, privacy
from kpi.targets import Targets
from kpi.service.definitions import ALERTS, PREFIX, WEEKLY_COLUMNS
from kpi.service.presentation import HEADLINE, axis_label, delta, group_names, headline, metric
from kpi.service.report import ServiceQuery, WeeklyReview

ALERT_ROWS = 5                           # first tickets listed under each alert
_FONTS = '"Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif'
# Okabe–Ito colours, told apart by people with any common colour-vision deficiency.
_BLUE, _ORANGE, _GREY = "#0072B2", "#E69F00", "#555555"
# Escalation buckets 0, 1, 2, 3+: light to dark, so their order reads without hue as well.
_BUCKET_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")
# On each chart's root: WeasyPrint's SVG text takes its font from attributes, not the page's CSS.
_SVG_TEXT = f"font-family='{_FONTS}' font-size='10' fill='#1a1a1a'"
_ALERT_COLUMNS = ("ticket_id", "subject", "owner", "department", "level", "due_at", "escalation_count",
                  "extension_count")
_TEXT_COLUMNS = ("ticket_id", "subject", "owner", "department")


class DocumentError(Exception):
    """The PDF cannot be made on this machine (WeasyPrint's system libraries or the fonts are missing)."""


NO_PANGO, NO_CJK_FONT = "pango", "cjk_font"
# Han, CJK punctuation, bopomofo and the full-width forms: what a zh-TW report and its names hold.
_CJK = re.compile(r"[\u3000-\u303f\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_SAMPLE = "服務請求週報"


@dataclass(frozen=True)
class Document:
    """What one report shows besides the figures themselves."""

    review: WeeklyReview
    query: ServiceQuery
    targets: Targets                    # the operations plan's (kpi.targets.load)
    lang: str
    generated: datetime
    comment: str = ""

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def legend(self, columns) -> str:
        """What the status symbols mean and the targets of those of ``columns`` that have one."""
        return self.targets.caption([PREFIX + c for c in columns], self.lang, self.department)

    @property
    def department(self) -> str | None:
        """The one department chosen, whose own targets then hold (as on the weekly page)."""
        return self.query.departments[0] if len(self.query.departments) == 1 else None


def html_document(document: Document) -> str:
    """The whole report as one HTML page."""
    e, review = html.escape, document.review
    title = document.t("report.title")
    parts = [
        f"<header><h1>{e(title)}</h1>{_meta(document)}</header>",
        _cards(document),
        f"<p class='note'>{e(document.legend(HEADLINE))}</p>",
        f"<h2>{e(document.t('report.comment'))}</h2>",
        f"<div class='comment'>{e(document.comment.strip()) or e(document.t('report.no_comment'))}</div>",
        f"<h2>{e(document.t('report.trend', count=len(review.trend)))}</h2>",
        _trend_svg(document),
        f"<h2>{e(document.t('report.escalations'))}</h2>",
        _escalation_svg(document),
        f"<section class='wide'><h2>{e(document.t('report.table', by=document.t(f'service.by.{document.query.by}')))}</h2>",
        _weekly_table(document),
        f"<p class='note'>{e(document.legend(WEEKLY_COLUMNS))}</p><p class='note'>{e(document.t('report.table_note'))}</p></section>",
        f"<section class='alerts'><h2>{e(document.t('report.alerts'))}</h2>",
        _alerts(document),
        "</section>",
    ]
    return (f"<!DOCTYPE html><html lang='{e(document.lang)}'><head><meta charset='utf-8'>"
            f"<title>{e(title)} {e(review.period.label)}</title><style>{_css(document)}</style></head>"
            f"<body>{''.join(parts)}</body></html>")


def pdf_document(document: Document) -> bytes:
    """The report as an A4 PDF (the wide table on a landscape page), each page numbered "n of N"."""
    page = html_document(document)
    if pdf_unavailable(page) == NO_CJK_FONT:
        raise DocumentError("no font on this machine draws Chinese, so the PDF would show empty boxes: "
                            "install Noto Sans CJK (Debian: fonts-noto-cjk), or make the report as HTML (--out FILE.html)")
    return _weasyprint().HTML(string=page).write_pdf()


def pdf_unavailable(text: str | None = None) -> str | None:
    """Why no PDF of ``text`` can be made here (None: it can): NO_PANGO where WeasyPrint cannot
    load Pango, NO_CJK_FONT where ``text`` holds Chinese (None: the page cannot know yet, and
    assumes it does) and no font draws it."""
    try:
        _weasyprint()
    except DocumentError:
        return NO_PANGO
    needs_cjk = text is None or _CJK.search(text) is not None
    return NO_CJK_FONT if needs_cjk and not _draws(_CJK_SAMPLE) else None


class _MissingGlyphs(logging.Handler):
    """The characters WeasyPrint drew as empty boxes, which it only logs."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.characters: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(".notdef glyph"):
            self.characters.append(record.args[0])


@functools.cache
def _draws(sample: str) -> bool:
    """Whether the installed fonts draw every character of ``sample``: laid out once, in the report's fonts."""
    missing, logger = _MissingGlyphs(), logging.getLogger("weasyprint")
    logger.addHandler(missing)
    try:
        _weasyprint().HTML(string=f"<p style='font-family: {html.escape(_FONTS)}'>{html.escape(sample)}</p>").write_pdf()
    except Exception:  # not even one line can be laid out here (told once: the answer is kept)
        logging.getLogger(__name__).warning("WeasyPrint could not lay out a line of text", exc_info=True)
        return False
    finally:
        logger.removeHandler(missing)
    return not missing.characters


def _weasyprint():
    try:
        # Imported on first use: importing it loads Pango, which only the PDF needs.
        import weasyprint
    except OSError as err:
        raise DocumentError(f"the PDF needs Pango (Debian: libpango-1.0-0, fonts-noto-cjk): {err}") from None
    return weasyprint


def _css(document: Document) -> str:
    page = _css_string(document.t("report.page")).format(page='" counter(page) "', pages='" counter(pages) "')
    return f"""
@page {{ size: A4; margin: 14mm 12mm 16mm;
        @bottom-right {{ content: {page}; font-family: {_FONTS}; font-size: 8pt; color: #555; }}
        @bottom-left {{ content: {_css_string(f"{document.t('report.title')} {document.review.period.label}")};
                        font-family: {_FONTS}; font-size: 8pt; color: #555; }} }}
@page wide {{ size: A4 landscape; }}
body {{ font-family: {_FONTS}; font-size: 9.5pt; line-height: 1.35; color: #1a1a1a; max-width: 270mm; margin: 0 auto; }}
h1 {{ font-size: 17pt; margin: 0 0 2pt; }} h2 {{ font-size: 11.5pt; margin: 12pt 0 4pt; }}
p.meta, p.note {{ color: #444; margin: 0 0 2pt; }} p.note {{ font-size: 8pt; margin-top: 4pt; }}
section.wide {{ page: wide; break-before: page; }} section.alerts {{ break-before: page; }}
div.cards {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 6pt; margin-top: 8pt; }}
div.card {{ border: 1px solid #c8c8c8; border-left: 5px solid #c8c8c8; padding: 4pt 6pt; break-inside: avoid; }}
div.card .label {{ color: #333; }} div.card .value {{ font-size: 16pt; font-weight: bold; }}
div.card .delta, div.card .legend {{ color: #444; font-size: 8pt; }}
div.card .status {{ font-weight: bold; }}
.green .status {{ color: #0f5132; }} .amber .status {{ color: #664d03; }} .red .status {{ color: #842029; }}
.green {{ border-left-color: #1a7f37 !important; }} .amber {{ border-left-color: #b58100 !important; }}
.red {{ border-left-color: #b42318 !important; }}
td.green {{ background: #dcf5e3; color: #0f5132; }} td.amber {{ background: #fff0c2; color: #664d03; }}
td.red {{ background: #fadbd8; color: #842029; }}
div.comment {{ border: 1px solid #c8c8c8; background: #fafafa; padding: 6pt; white-space: pre-wrap; min-height: 24pt; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #dedede; padding: 1pt 3pt; text-align: right; vertical-align: bottom; }}
th {{ font-weight: bold; background: #f0f2f5; font-size: 8pt; }}
th:first-child, td:first-child, .text {{ text-align: left; }}
tr.total td {{ font-weight: bold; border-top: 1.5px solid #333; }}
thead {{ display: table-header-group; }} tr {{ break-inside: avoid; }}
table.weekly {{ font-size: 8pt; }} table.alerts {{ font-size: 8pt; margin-bottom: 6pt; }}
h3 {{ font-size: 9.5pt; margin: 8pt 0 2pt; }}
svg {{ display: block; max-width: 100%; height: auto; }}
"""


def _css_string(text: str) -> str:
    """Text as a CSS string, quoted: quotes and backslashes escaped, no line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _meta(document: Document) -> str:
    e, period, query = html.escape, document.review.period, document.query
    last_day = period.end - timedelta(days=1)
    lines = [document.t("report.period", label=period.label, first=f"{period.start:%Y-%m-%d}", last=f"{last_day:%Y-%m-%d}"),
             document.t("report.basis", by=document.t(f"service.by.{query.by}"), due=document.t(f"service.due.{query.due}"))]
    chosen = [(document.t(f"service.filter.{name}"), ", ".join(map(str, getattr(query, name))))
              for name in ("departments", "owners", "levels", "channels", "sources") if getattr(query, name)]
    if chosen:
        lines.append(document.t("report.filters", filters="; ".join(f"{name}: {values}" for name, values in chosen)))
    lines.append(document.t("report.generated", when=f"{document.generated:%Y-%m-%d %H:%M}"))
    return "".join(f"<p class='meta'>{e(line)}</p>" for line in lines)


def _cards(document: Document) -> str:
    """Each headline KPI with its change and, where it has a target, its status told by colour,
    symbol and word, and the target itself."""
    e, cards = html.escape, []
    for column, now, before in headline(document.review):
        change = delta(column, now, before, document.lang)
        rating = document.targets.rating(PREFIX + column, now, document.lang, document.department)
        lines = [f"<div class='label'>{e(metric(column).label(document.lang))}</div>",
                 f"<div class='value'>{e(metric(column).format(now, document.lang))}</div>"]
        if rating is not None:
            lines.append(f"<div class='status'>{e(rating.text)}</div><div class='legend'>{e(rating.legend)}</div>")
        if change is not None:
            lines.append(f"<div class='delta'>{e(document.t('report.change', change=change))}</div>")
        css = f"card {rating.status}" if rating is not None else "card"
        cards.append(f"<div class='{css}'>{''.join(lines)}</div>")
    return f"<div class='cards'>{''.join(cards)}</div>"


def _weekly_table(document: Document) -> str:
    e, table = html.escape, document.review.table
    head = "".join(f"<th title='{e(metric(c).description(document.lang))}'>{e(metric(c).label(document.lang))}</th>"
                   for c in WEEKLY_COLUMNS)
    rows = []
    for position, name in enumerate(group_names(table, document.lang)):
        row = table.iloc[position]
        # by department, each row against its own targets; the total (and owners) against the chosen one's
        own = row["group"] if document.query.by == "department" and not row["is_total"] else document.department
        cells = "".join(_rated_cell(document, c, row[c], own) for c in WEEKLY_COLUMNS)
        css = " class='total'" if row["is_total"] else ""
        rows.append(f"<tr{css}><td class='text'>{e(name)}</td>{cells}</tr>")
    return (f"<table class='weekly'><thead><tr><th>{e(document.t(f'service.by.{document.query.by}'))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _rated_cell(document: Document, column: str, value, department: str | None) -> str:
    shown = metric(column).format(value, document.lang)
    rating = document.targets.rating(PREFIX + column, value, document.lang, department)
    if rating is None:
        return f"<td>{html.escape(shown)}</td>"
    return f"<td class='{rating.status}'>{html.escape(f'{rating.symbol} {shown}')}</td>"


def _alerts(document: Document) -> str:
    e, alerts, counts = html.escape, document.review.alerts.rows, document.review.alerts.counts
    if alerts.empty:
        return f"<p>{e(document.t('service.empty.alerts'))}</p>"
    summary = "".join(f"<tr><td class='text'>{e(metric(a).label(document.lang))}</td><td>{counts[a]:,}</td>"
                      f"<td class='text'>{e(metric(a).description(document.lang))}</td></tr>" for a in ALERTS)
    parts = [f"<table class='alerts'><thead><tr><th>{e(document.t('service.col.alert'))}</th>"
             f"<th>{e(document.t('report.tickets'))}</th><th class='text'>{e(document.t('report.meaning'))}</th></tr></thead>"
             f"<tbody>{summary}</tbody></table>"]
    listed = privacy.mask_frame(alerts)
    head = "".join(f"<th{' class=text' if c in _TEXT_COLUMNS else ''}>{e(document.t(f'service.col.{c}'))}</th>"
                   for c in _ALERT_COLUMNS)
    for alert in ALERTS:
        rows = listed[listed["alert"] == alert].head(ALERT_ROWS)
        if rows.empty:
            continue
        parts.append(f"<h3>{e(document.t('report.first_rows', alert=metric(alert).label(document.lang), shown=len(rows), count=counts[alert]))}</h3>")
        body = "".join("<tr>" + "".join(_alert_cell(row[c]) for c in _ALERT_COLUMNS) + "</tr>" for _, row in rows.iterrows())
        parts.append(f"<table class='alerts'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "".join(parts)


def _alert_cell(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "<td></td>"
    if isinstance(value, datetime):
        return f"<td>{value:%Y-%m-%d %H:%M}</td>"
    if isinstance(value, str):
        return f"<td class='text'>{html.escape(value)}</td>"
    return f"<td>{html.escape(str(value))}</td>"


# ------------------------------------------------------------------------------------ charts

def _trend_svg(document: Document) -> str:
    """Service level and total service level per period, the target as a dashed line. The two
    series differ by marker (circle, square) and dash as well as colour."""
    e, trend = html.escape, document.review.trend
    width, height, left, right, top, bottom = 720, 230, 44, 660, 28, 196
    labels = [axis_label(p) for p in document.review.period.trailing(len(trend))]
    step = (right - left) / max(len(labels), 1)

    def x(i: int) -> float:
        return left + (i + 0.5) * step

    def y(value: float) -> float:
        return bottom - value * (bottom - top)

    parts = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f"<line x1='{left}' x2='{right}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' stroke='#e0e0e0'/>"
                     f"<text x='{left - 4}' y='{y(tick) + 3:.1f}' text-anchor='end'>{tick:.0%}</text>")
    parts += [f"<text x='{x(i):.1f}' y='{bottom + 14}' text-anchor='middle'>{e(name)}</text>" for i, name in enumerate(labels)]
    series = (("service_level", _BLUE, "", "circle"), ("total_service_level", _ORANGE, "5,3", "square"))
    for number, (column, colour, dash, marker) in enumerate(series):
        values = trend[column].tolist()
        parts += _polylines([(x(i), y(v)) if not pd.isna(v) else None for i, v in enumerate(values)], colour, dash)
        for i, v in enumerate(values):
            if not pd.isna(v):
                parts.append(_marker(marker, x(i), y(v), colour))
        last = values[-1]
        if not pd.isna(last):
            parts.append(f"<text x='{x(len(values) - 1) + 7:.1f}' y='{y(last) + (-5 if number == 0 else 11):.1f}' "
                         f"font-weight='bold'>{last:.1%}</text>")
        legend_x = left + 6 + number * 210
        parts.append(f"<line x1='{legend_x}' x2='{legend_x + 24}' y1='10' y2='10' stroke='{colour}' stroke-width='2' "
                     f"stroke-dasharray='{dash or 'none'}'/>{_marker(marker, legend_x + 12, 10, colour)}"
                     f"<text x='{legend_x + 30}' y='14'>{e(metric(column).label(document.lang))}</text>")
    planned = document.targets.find(PREFIX + "service_level", document.department)
    if planned is not None:
        label = document.t("service.chart.target", value=planned.target * 100)
        parts.append(f"<line x1='{left}' x2='{right}' y1='{y(planned.target):.1f}' y2='{y(planned.target):.1f}' "
                     f"stroke='{_GREY}' stroke-width='1.5' stroke-dasharray='2,3'/>"
                     f"<text x='{right + 4}' y='{y(planned.target) + 3:.1f}' fill='{_GREY}'>{e(label)}</text>")
    if trend["in_play"].sum() == 0:
        parts.append(f"<text x='{(left + right) / 2}' y='{(top + bottom) / 2}' text-anchor='middle'>"
                     f"{e(document.t('service.empty.trend'))}</text>")
    return (f"<svg viewBox='0 0 {width} {height}' width='{width}' height='{height}' role='img' {_SVG_TEXT} "
            f"aria-label='{e(document.t('service.chart.trend_title'))}'>{''.join(parts)}</svg>")


def _polylines(points: list[tuple[float, float] | None], colour: str, dash: str) -> list[str]:
    """One polyline per run of points without a gap (a period without a value breaks the line)."""
    runs, run = [], []
    for point in [*points, None]:
        if point is None:
            if len(run) > 1:
                runs.append(run)
            run = []
        else:
            run.append(point)
    dashed = f" stroke-dasharray='{dash}'" if dash else ""
    return [f"<polyline fill='none' stroke='{colour}' stroke-width='2'{dashed} "
            f"points='{' '.join(f'{px:.1f},{py:.1f}' for px, py in run)}'/>" for run in runs]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{colour}'/>"
    return f"<rect x='{x - 3.5:.1f}' y='{y - 3.5:.1f}' width='7' height='7' fill='{colour}'/>"


def _escalation_svg(document: Document) -> str:
    """A stacked bar per group: its tickets in play by escalation count, the count written in
    each part wide enough to hold it; the legend gives the totals."""
    e, distribution = html.escape, document.review.escalations
    rows = distribution[~distribution["is_total"]].reset_index(drop=True)
    total = distribution[distribution["is_total"]].iloc[0]
    buckets = ("0", "1", "2", "3+")
    name_width, bar_width, row_height, legend_height = 120, 520, 16, 24
    widest = max(rows["in_play"].max() if len(rows) else 0, 1)
    parts = []
    for b, colour in enumerate(_BUCKET_COLOURS):
        share = total[buckets[b]] / total["in_play"] if total["in_play"] else 0
        label = document.t("report.bucket", bucket=document.t(f"service.chart.escalated_{b}"),
                           count=int(total[buckets[b]]), share=f"{share:.0%}")
        parts.append(f"<rect x='{b * 175}' y='4' width='10' height='10' fill='{colour}' stroke='#333' stroke-width='0.5'/>"
                     f"<text x='{b * 175 + 14}' y='13'>{e(label)}</text>")
    for r, (name, row) in enumerate(zip(group_names(rows, document.lang), rows.to_dict("records"))):
        top, start = legend_height + r * row_height, name_width
        parts.append(f"<text x='{name_width - 6}' y='{top + 11}' text-anchor='end'>{e(_shortened(name))}</text>")
        for b, colour in enumerate(_BUCKET_COLOURS):
            count = int(row[buckets[b]])
            width = bar_width * count / widest
            if count:
                parts.append(f"<rect x='{start:.1f}' y='{top + 2}' width='{width:.1f}' height='{row_height - 4}' fill='{colour}'/>")
            if width >= 14:
                ink = "#ffffff" if b >= 2 else "#1a1a1a"
                parts.append(f"<text x='{start + width / 2:.1f}' y='{top + 11}' text-anchor='middle' "
                             f"fill='{ink}'>{count}</text>")
            start += width
        parts.append(f"<text x='{start + 4:.1f}' y='{top + 11}'>{int(row['in_play'])}</text>")
    height = legend_height + len(rows) * row_height + 4
    return (f"<svg viewBox='0 0 720 {height}' width='720' height='{height}' role='img' {_SVG_TEXT} "
            f"aria-label='{e(document.t('report.escalations'))}'>{''.join(parts)}</svg>")


def _shortened(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"
