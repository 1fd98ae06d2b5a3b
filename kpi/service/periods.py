"""Report periods: half-open [start, end) spans of local time — an ISO week, a month or a range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

KINDS = ("week", "month", "range")
# Quick choices relative to today. Whole days: "last 7 days" are the seven days before today;
# "this month" and "this quarter" run to the end of today.
PRESETS = ("last_7_days", "last_30_days", "this_month", "last_month", "this_quarter")
_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
# The years a period asked for may fall in: its end, the twelve before it (a trend) and the same
# period a year earlier must stay within the calendar Python shares with the engines (1 to 9999).
FIRST_YEAR, LAST_YEAR = 1900, 9998


class PeriodError(ValueError):
    """A period the user typed that does not exist (e.g. 2009-W54, 2009-13, to before from)."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime
    end: datetime   # exclusive

    @property
    def label(self) -> str:
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}..{self.end - timedelta(days=1):%Y-%m-%d}"

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        if self.kind == "month":
            first = (self.start - timedelta(days=1)).replace(day=1)
            return Period("month", first, self.start)
        return Period(self.kind, self.start - (self.end - self.start), self.start)

    def year_before(self) -> Period:
        """The same period a year earlier: the same ISO week (week 52 for a week 53 the year lacks),
        the same month, or the same days (29 February as the 28th)."""
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return _week(date.fromisocalendar(year - 1, min(week, date(year - 1, 12, 28).isocalendar()[1]), 1))
        if self.kind == "month":
            return _month(self.start.replace(year=self.start.year - 1))
        return _range(_a_year_before(self.start.date()), _a_year_before(self.end.date() - timedelta(days=1)))

    def trailing(self, count: int) -> list[Period]:
        """``count`` consecutive periods ending with this one, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def iso_week(label: str) -> Period:
    """``2009-W41`` → Monday 2009-10-05 00:00 to Monday 2009-10-12 00:00."""
    match = _WEEK.fullmatch(label.strip())
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except (TypeError, ValueError):
        raise PeriodError(f"{label!r} is not an ISO week such as 2009-W41") from None
    _within_years(label, monday.year)
    return _week(monday)


def _week(monday: date) -> Period:
    return Period("week", _midnight(monday), _midnight(monday + timedelta(days=7)))


def month(label: str) -> Period:
    """``2009-10`` → 2009-10-01 00:00 to 2009-11-01 00:00."""
    match = _MONTH.fullmatch(label.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise PeriodError(f"{label!r} is not a month such as 2009-10")
    _within_years(label, int(match[1]))
    return _month(datetime(int(match[1]), int(match[2]), 1))


def _month(first: datetime) -> Period:
    return Period("month", first, (first + timedelta(days=32)).replace(day=1))


def date_range(first: date, last: date) -> Period:
    """From ``first`` 00:00 up to the end of ``last`` (both days included)."""
    if last < first:
        raise PeriodError(f"the range ends ({last}) before it starts ({first})")
    _within_years(f"{first}..{last}", first.year, last.year)
    return _range(first, last)


def _range(first: date, last: date) -> Period:
    return Period("range", _midnight(first), _midnight(last + timedelta(days=1)))


def is_reportable_day(text: str) -> bool:
    """Whether ``text`` is a day (YYYY-MM-DD) a custom range may start or end on (a link's)."""
    try:
        return FIRST_YEAR <= date.fromisoformat(text).year <= LAST_YEAR
    except ValueError:
        return False


def _within_years(label: str, *years: int) -> None:
    """A period asked for lies in FIRST_YEAR..LAST_YEAR: those derived from it (``previous``,
    ``year_before``) then stay within the calendar, and are not checked again."""
    if not all(FIRST_YEAR <= year <= LAST_YEAR for year in years):
        raise PeriodError(f"{label!r} is outside the years {FIRST_YEAR}-{LAST_YEAR} a report can cover")


def week_containing(moment: datetime | date) -> Period:
    year, week, _ = moment.isocalendar()
    return _week(date.fromisocalendar(year, week, 1))


def month_containing(moment: datetime | date) -> Period:
    return _month(datetime(moment.year, moment.month, 1))


def last_complete_week(today: date, last_activity: datetime | None) -> Period:
    """The last full week before today; for data that stops earlier, the last week that has it."""
    reference = today if last_activity is None else min(today, last_activity.date() + timedelta(days=7))
    return week_containing(reference).previous()


def _a_year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def preset(name: str, today: date) -> Period:
    """One of ``PRESETS`` as a period; last month is a calendar month, the others day ranges."""
    if name in ("last_7_days", "last_30_days"):
        days = 7 if name == "last_7_days" else 30
        return date_range(today - timedelta(days=days), today - timedelta(days=1))
    if name == "this_month":
        return date_range(today.replace(day=1), today)
    if name == "last_month":
        return month_containing(today.replace(day=1) - timedelta(days=1))
    if name == "this_quarter":
        return date_range(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    raise PeriodError(f"{name!r} is not one of {', '.join(PRESETS)}")
