"""How the weekly review reads to people, the same on the page and in the downloadable report:
group names, the headline figures with their change, and short period labels for chart axes."""

from __future__ import annotations

import pandas as pd

from kpi import i18n, metrics
from kpi.service.definitions import PREFIX
from kpi.service.periods import Period
from kpi.service.report import WeeklyReview
from kpi.service.semantic import metric

# The headline KPIs, in the order cards show them.
HEADLINE = ("in_play", "completion_rate", "total_service_level", "service_level", "avg_escalations",
            "commitment_achievement")


def group_names(frame: pd.DataFrame, lang: str) -> list[str]:
    """Each row's group as people read it: the total row named, an empty group "(unassigned)"."""
    return [i18n.t("service.total", lang) if is_total
            else (group if isinstance(group, str) and group else i18n.t("service.unassigned", lang))
            for is_total, group in zip(frame["is_total"], frame["group"], strict=True)]


def headline(review: WeeklyReview) -> list[tuple[str, object, object]]:
    """(column, this period's value, the previous period's) for each headline KPI; a value is
    None where its denominator is empty."""
    current, previous = review.trend.iloc[-1], review.trend.iloc[-2]
    commitments = review.commitments.set_index("period_start")["commitment_achievement"]
    figures = [(c, current[c], previous[c]) for c in HEADLINE[:-1]]
    figures.append(("commitment_achievement", *(commitments.get(p.start) for p in (review.period, review.period.previous()))))
    return [(c, None if pd.isna(now) else now, None if pd.isna(before) else before) for c, now, before in figures]


def delta(column: str, now, before, lang: str) -> str | None:
    """The change against the previous period: percentage points for rates; None if either is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    if metric(column).unit == "ratio":
        return i18n.t("service.delta.points", lang, value=(now - before) * 100)
    return f"{now - before:+,.{metric(column).decimals}f}"


def axis_label(period: Period) -> str:
    """A period as a chart's axis names it: W41, 2009-10, or the range's first day."""
    if period.kind == "week":
        return period.label[-3:]
    return period.label if period.kind == "month" else f"{period.start:%m-%d}"
