"""KPI definitions: each KPI is declared once, as data, and read by pages, the CLI and exports.

A feature declares its KPIs as a ``METRICS`` tuple of ``Metric`` in its own module and is
listed in ``_DEFINING_MODULES``; ``registry()`` gathers them and refuses duplicate keys.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from kpi import formatting, i18n

# Modules that declare a METRICS tuple.
_DEFINING_MODULES: tuple[str, ...] = ("kpi.people.performance", "kpi.roi.model", "kpi.service.definitions",
                                       "kpi.contact.phone", "kpi.service.channels")

UNITS = ("ratio", "count", "number", "currency", "hours", "days")


@dataclass(frozen=True)
class Measure:
    """An additive figure over one population's rows, declared once (as MetricFlow's measures):
    the rows meeting ``condition`` counted (every row where it is None), or ``summed`` added up.
    ``condition`` and ``summed`` are SQL over the population's columns, code constants only."""

    name: str
    population: str
    condition: str | None = None
    summed: str | None = None

    def aggregate(self, total: str | None = None) -> str:
        """The SQL aggregate of this measure over its population's rows, or over rows grouped
        beforehand, whose column ``total`` holds each group's count (or its sum of ``summed``)."""
        where = f" FILTER (WHERE {self.condition})" if self.condition else ""
        if total is None:
            return (f"sum({self.summed})" if self.summed else "count(*)") + where
        # A sum over no rows is NULL where a count is 0.
        return f"coalesce(sum({total}){where}, 0)"


@dataclass(frozen=True)
class Metric:
    key: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    numerator: str               # what is counted or summed, in words a manager reads
    denominator: str | None      # None for plain counts and amounts
    filters: str                 # which tickets or rows take part
    unit: str                    # one of UNITS
    decimals: int = 1
    numerator_zh: str = ""       # the same three in zh-TW, for the help panel
    denominator_zh: str | None = None
    filters_zh: str = ""
    measure: Measure | None = None      # machine-readable: what is counted or summed (the numerator) …
    over: Measure | None = None         # … and for a ratio, its denominator; the SQL is built from these

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"{self.key}: unknown unit {self.unit!r}")
        if not (self.numerator_zh and self.filters_zh) or (self.denominator is None) != (self.denominator_zh is None):
            raise ValueError(f"{self.key}: the formula and scope need their zh-TW text too")
        if self.over is not None and (self.measure is None or self.over.population != self.measure.population):
            raise ValueError(f"{self.key}: a ratio's two measures count over one population")

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh-TW" else self.label_en

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh-TW" else self.description_en

    def formula(self, lang: str) -> str:
        numerator, denominator = ((self.numerator_zh, self.denominator_zh) if lang == "zh-TW"
                                  else (self.numerator, self.denominator))
        return numerator if denominator is None else f"{numerator} / {denominator}"

    def scope(self, lang: str) -> str:
        """Which tickets or rows take part."""
        return self.filters_zh if lang == "zh-TW" else self.filters

    def format(self, value, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """Display text; '—' where the value is undefined (empty denominator)."""
        if formatting.missing(value):
            return formatting.MISSING
        if self.unit == "ratio":
            return formatting.percent(value, self.decimals)
        if self.unit == "count":
            return f"{int(value):,}"
        if self.unit == "currency":
            return formatting.currency(value)
        if self.unit == "hours":
            return formatting.duration(value, lang)
        suffix = {"days": " d"}.get(self.unit, "")
        return f"{value:,.{self.decimals}f}{suffix}"


@cache
def registry() -> dict[str, Metric]:
    metrics: dict[str, Metric] = {}
    for module_name in _DEFINING_MODULES:
        for metric in importlib.import_module(module_name).METRICS:
            if metric.key in metrics:
                raise ValueError(f"KPI key {metric.key!r} is declared twice")
            metrics[metric.key] = metric
    return metrics


def get(key: str) -> Metric:
    return registry()[key]
