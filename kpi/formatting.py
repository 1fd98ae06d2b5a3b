"""How numbers read on every page and export: one form for percentages, durations in days and
hours (hours and minutes under a day), dates without a midnight clock, and the code names
(encodings, date forms, formats) that users see translated."""

from __future__ import annotations

import math
from datetime import date, datetime, time

import pandas as pd

from kpi import i18n

MISSING = "—"
PERCENT_DECIMALS = 1


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT


def percent(fraction, decimals: int = PERCENT_DECIMALS) -> str:
    """0.285 → "28.5%"; '—' where there is no value."""
    return MISSING if missing(fraction) else f"{fraction * 100:.{decimals}f}%"


def currency(amount) -> str:
    """-338704.4 → "−NT$338,704": whole NT$, the sign before the currency as in accounts."""
    if missing(amount):
        return MISSING
    whole = round(amount)
    return f"{'−' if whole < 0 else ''}NT${abs(whole):,}"


def duration(hours, lang: str) -> str:
    """269.4 h → "11 d 5 h" / "11 天 5 小時" (to the hour); under a day to the minute, "5 h 24 min",
    "25 min": first responses are counted in minutes, and "0 h" would hide them."""
    if missing(hours):
        return MISSING
    if hours < 0:
        return "−" + duration(-hours, lang)
    minutes = round(hours * 60)
    if minutes < 24 * 60:
        whole_hours, rest = divmod(minutes, 60)
        if whole_hours == 0:
            return i18n.t("format.minutes", lang, minutes=rest)
        if rest == 0:
            return i18n.t("format.hours", lang, hours=whole_hours)
        return i18n.t("format.hours_minutes", lang, hours=whole_hours, minutes=rest)
    days, rest = divmod(round(hours), 24)
    if rest == 0:
        return i18n.t("format.days", lang, days=days)
    return i18n.t("format.days_hours", lang, days=days, hours=rest)


def moment(value) -> str:
    """A date or time as YYYY-MM-DD, with HH:MM only when the clock says something."""
    if missing(value):
        return MISSING
    if isinstance(value, datetime) and value.time() != time(0, 0):
        return f"{value:%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}" if isinstance(value, (date, datetime)) else str(value)


def code_name(group: str, code, lang: str) -> str:
    """A stored code (an encoding, a date form, an export format) as users name it; an unknown
    code as it is."""
    if missing(code) or code == "":
        return MISSING
    key = f"code.{group}.{code}"
    return i18n.t(key, lang) if key in i18n.table() else str(code)
