"""The headline figures of any period, for comparing the weekly review with the same period a
year before (the cards' second change; the first is against the previous period, from the trend)."""

from __future__ import annotations

import pandas as pd

from kpi.service import report
from kpi.service.periods import Period
from kpi.service.presentation import HEADLINE
from kpi.service.report import ServiceQuery, Source


def headline_figures(con: Source, period: Period, query: ServiceQuery) -> dict[str, float | None]:
    """Each headline KPI's total for ``period``; None where its denominator is empty."""
    total = report.weekly_report(con, period, query).iloc[-1].to_dict()
    total["commitment_achievement"] = report.commitment_rates(con, period, query).iloc[-1]["commitment_achievement"]
    return {column: None if pd.isna(total[column]) else float(total[column]) for column in HEADLINE}
