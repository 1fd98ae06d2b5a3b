"""The date forms real exports use, detected from sample values and parsed in DuckDB or Python.

A column gets one *form* (ISO, zh-TW 年月日, day-first, month-first, Jira, Excel serial); a form
may try several strptime patterns (with or without seconds …). DuckDB and Python share the
strptime directives used here, so the preview (Python, on samples) and the import (SQL, on
every row) agree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
import zoneinfo
from zoneinfo import ZoneInfo

from kpi.sql import WHITESPACE_CLASS

# How exports write "no value" (ServiceNow writes "?"); a cell is compared trimmed, as it is.
MISSING = ("", "?", "-", "N/A", "n/a", "NULL", "null")
EXCEL_EPOCH = datetime(1899, 12, 30)
_WHITESPACE = re.compile(r"\s+")
# zh-TW's 上午 and 下午 (AM, PM), which Windows and .NET write before the time: "2024/8/16 下午 03:32:00".
MERIDIEM_WORDS = (("上午", "AM"), ("下午", "PM"))
# A year of the Republic of China (民國 113 = 2024), as Taiwan's government and many local systems
# write it: three digits (100 = 2011 on), so day-first dates with a two-digit year never read as one.
# Then a separator (113/08/16, 113-08-16, 113.08.16, 113年), or the month's digits (1130816).
_ROC_YEAR = re.compile(r"^(?:民國)?\s*([0-9]{3})(?=[-/年.])")
_ROC_COMPACT_YEAR = re.compile(r"^(?:民國)?\s*([0-9]{3})(?=[0-9])")
_ROC_YEAR_SQL = f"^(民國)?{WHITESPACE_CLASS}*([0-9]{{3}})"
ROC_OFFSET = 1911
# Excel serial days between 1927 and 2173: five integer digits, so 20240101 is not one.
_EXCEL_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
# Unix time, UTC: in milliseconds (APIs such as Webex Contact Center's), 13 digits, 2001 to 2286;
# in seconds (database dumps, API exports), ten digits starting with 1, 2001 to 2033, so that no
# phone number (Taiwan's start with 0, North America's area codes with 2-9) reads as one.
_EPOCH = {13: re.compile(r"^\d{13}$"), 10: re.compile(r"^1\d{9}$")}
_EPOCH_PER_SECOND = {13: 1000, 10: 1}
# An ISO 8601 time with its UTC offset or Z: converted to the store's time zone, never dropped.
TIME_WITH_OFFSET = r"\d:\d\d(:\d\d(\.\d+)?)? ?(Z|z|[+-]\d\d(:?\d\d)?)$"
_TIME_WITH_OFFSET = re.compile(TIME_WITH_OFFSET)
# Java's ZonedDateTime writes the zone's id after the offset, 2024-02-05T09:14+08:00[Asia/Taipei]:
# the offset says the time, the id is read past.
ZONE_ID = r"([+-][0-9][0-9]:[0-9][0-9]|Z)\[[A-Za-z][A-Za-z0-9_+/-]*\]$"
_ZONE_ID = re.compile(ZONE_ID)
# Java's Date.toString(), as in-house Java systems write a date into a file: "Mon Feb 05 09:14:00 CST 2024".
# The word before the year is the short name of the exporting JVM's zone: CST for Asia/Taipei (and
# for America/Chicago). It is read only where it names the file's zone (zone_abbreviations, passed to
# SQL as $zone_names) or UTC, so a US file's CST is refused rather than taken for Taiwan's. A JVM
# started with -Duser.timezone=GMT+8 writes its offset instead, "GMT+08:00", which says the time.
JAVA_DATE = (r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9][0-9]"
             r" [0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ([A-Z]{2,5}|GMT[+-](?:0[0-9]|1[0-4]):[0-5][0-9]) ([0-9]{4})$")
_JAVA_DATE = re.compile(JAVA_DATE)
UTC_NAMES = ("UTC", "GMT")
# SQL Server's datetime2 writes seven digits of a second (15:32:00.0000000); strptime's %f takes
# six, and DuckDB keeps the first six.
_LONG_FRACTION = re.compile(r"(\.[0-9]{6})[0-9]+$")
# What an ISO date starts with in both readers: four characters (the year), then -, / or . (2024.08.16).
_ISO_START = re.compile(r"^.{4}[-/.]")
# Whitespace Python reads as such and DuckDB does not (it knows ASCII's alone).
_UNICODE_SPACE = re.compile(r"[^\S\t\n\v\f\r ]")
DEFAULT_TIME_ZONE = "Asia/Taipei"


def _sql_pattern(pattern: str) -> str:
    """A Python regular expression as DuckDB's (RE2) reads it the same: \\s as Python's whitespace."""
    return pattern.replace(r"\s", WHITESPACE_CLASS)


# A weekday written inside a date, as Taiwanese systems and Windows' long dates do: "2024/02/05(一)",
# "2024/2/5 (週一) 14:30", "2024年2月5日 星期一 下午 02:30", "113/02/05（一）"; in English within
# brackets, "2024-02-05 (Mon) 14:30", or first, as e-mail headers and US long dates write it:
# "Mon, 05 Feb 2024 14:30", "Monday, February 5, 2024 2:30 PM". Forms with ``weekdays`` read past
# it (and want one).
_ENGLISH_DAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
_WEEKDAY_PATTERN = (r"[(（]\s*(?:星期|週|周|禮拜|礼拜)?[一二三四五六日天]\s*[)）]|(?:星期|週|周|禮拜|礼拜)[一二三四五六日天]"
                    rf"|[(（]\s*{_ENGLISH_DAY}\s*[)）]|^{_ENGLISH_DAY},?\s")
_WEEKDAY = re.compile(_WEEKDAY_PATTERN, re.IGNORECASE)
_WEEKDAY_SQL = "(?i)" + _sql_pattern(_WEEKDAY_PATTERN)
# Readable range: a value outside it is refused with its row (Python's datetime ends at 9999).
FIRST_READABLE = datetime(1, 1, 1)
LAST_READABLE = datetime(9999, 12, 31, 23, 59, 59)
# What systems write for "no date": Excel's and .NET's zero days, the Unix epoch, "forever".
PLACEHOLDER_DAYS = ("0001-01-01", "1899-12-30", "1899-12-31", "1900-01-01")
PLACEHOLDER_TIMES = ("1970-01-01 00:00:00",)
DEFAULT_FLOOR = "1980-01-01"  # dates before it are taken as placeholders too
FUTURE_DAYS = 365              # and so are dates more than this after the import


@dataclass(frozen=True)
class DateFormat:
    name: str
    example: str
    patterns: tuple[str, ...] = ()
    squeeze_spaces: bool = False  # zh-TW dates pad single digits with spaces: "2012年 3月 5日"
    meridiem_words: bool = False  # 上午/下午 read as AM/PM (MERIDIEM_WORDS)
    # Any run of spaces reads as one ASCII space: ICU (CLDR 42 on: browsers, Java 20 on) writes a
    # narrow no-break space before AM/PM, "1/15/2024, 10:32\u202fAM".
    spaces_as_one: bool = False
    roc_years: bool = False  # the year is the Republic of China's (_ROC_YEAR), turned into ours first
    epoch_digits: int = 0  # Unix time of this many digits (_EPOCH)
    # Digits only: each pattern reads text of its own length alone. strptime reads %m, %d … as one
    # digit or two, so 20241211 would also read as 2024-1-2 1:1 with %Y%m%d%H%M (DuckDB as 2024-12-11).
    fixed_width: bool = False
    # A weekday inside the date (_WEEKDAY), read past; text without one is another form's.
    weekdays: bool = False
    # The time ends in its UTC offset (_MAIL_ZONE), converted to the store's zone: e-mail's dates.
    utc_offsets: bool = False
    # The zone's short name before the year (JAVA_DATE): Java's Date.toString().
    zone_names: bool = False

    @property
    def is_excel_serial(self) -> bool:
        return not self.patterns and not self.epoch_digits

    def parse(self, text: str | None, time_zone: str = DEFAULT_TIME_ZONE) -> datetime | None:
        """The timestamp (wall-clock time in ``time_zone``), or None when the text is missing or not
        in this form."""
        value = value_or_none(text)
        if value is None:
            return None
        if self.weekdays:
            if not _WEEKDAY.search(value):
                return None
            value = _WHITESPACE.sub(" ", _WEEKDAY.sub(" ", value)).strip()
        if self.is_excel_serial:
            if not _EXCEL_SERIAL.match(value):
                return None
            return EXCEL_EPOCH + timedelta(seconds=round(float(value) * 86400))
        if self.epoch_digits:
            if not _EPOCH[self.epoch_digits].match(value):
                return None
            moment = datetime.fromtimestamp(int(value) / _EPOCH_PER_SECOND[self.epoch_digits], ZoneInfo("UTC"))
            return moment.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)
        if self.zone_names:
            return self._java_date(value, time_zone)
        if self.name == "iso":
            value = _ZONE_ID.sub(r"\1", value)
            if not _ISO_START.match(value):
                return None  # as the SQL's guard: fromisoformat would read 20240816T15:32Z, DuckDB not
        if self.roc_years:
            year = (_ROC_COMPACT_YEAR if self.fixed_width else _ROC_YEAR).match(value)
            if year is None:
                return None
            value = f"{int(year.group(1)) + ROC_OFFSET}{value[year.end():]}"
        if not (self.squeeze_spaces or self.meridiem_words or self.spaces_as_one) and _UNICODE_SPACE.search(value):
            return None  # strptime's " " and fromisoformat take a no-break or ideographic space, DuckDB not
        if self.utc_offsets:
            moment = self._strptime(_mail_text(value))
            return moment.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None) if moment else None
        if _TIME_WITH_OFFSET.search(value):
            return _with_offset(value, time_zone) if self.name == "iso" else None
        if self.name == "iso":
            value = _LONG_FRACTION.sub(r"\1", value)
        if self.squeeze_spaces:
            value = _WHITESPACE.sub("", value)
        if self.meridiem_words:
            for word, latin in MERIDIEM_WORDS:
                value = value.replace(word, f" {latin} ")
        if self.meridiem_words or self.spaces_as_one:
            value = _WHITESPACE.sub(" ", value).strip()
        return self._strptime(value)

    def _java_date(self, value: str, time_zone: str) -> datetime | None:
        """JAVA_DATE read as wall-clock time in ``time_zone``: written in it, or in UTC and converted."""
        match = _JAVA_DATE.match(value)
        moment = self._strptime(f"{match.group(1)} {match.group(3)}") if match else None
        if moment is None:
            return None
        zone = match.group(2)
        if zone in UTC_NAMES or zone.startswith("GMT"):
            east = timedelta(hours=int(zone[4:6] or 0), minutes=int(zone[7:9] or 0))  # GMT+08:00; none for GMT, UTC
            offset = -east if zone[3:4] == "-" else east
            return (moment - offset).replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)
        return moment if zone in zone_abbreviations(time_zone) else None

    def _strptime(self, value: str | None) -> datetime | None:
        """The first of the form's patterns that reads ``value``, passing over those whose loose
        screen (``_loose``) or fixed width already rules it out."""
        if value is None:
            return None
        for pattern in self.patterns:
            if (self.fixed_width and len(value) != _width(pattern)) or not _loose(pattern).fullmatch(value):
                continue
            try:
                return datetime.strptime(value, pattern)
            except ValueError:
                continue
        return None

    def parse_sql(self, text: str) -> str:
        """DuckDB SQL turning a trimmed VARCHAR expression into a TIMESTAMP, NULL where it is not one."""
        if self.weekdays:
            without = (f"trim(regexp_replace(regexp_replace({text}, '{_WEEKDAY_SQL}', ' ', 'g'),"
                       f" '{WHITESPACE_CLASS}+', ' ', 'g'), ' ')")
            # Four-digit years only (Python's %Y), as the ISO form's guard: DuckDB would read 113/02/05
            # as 113, and 6 Feb 24 as 24. The year comes first, or after the month's name.
            years = "" if self.roc_years else f" AND regexp_matches({without}, '^[0-9]{{4}}[-/.年]|[^0-9][0-9]{{4}}( |$)')"
            return (f"CASE WHEN regexp_matches({text}, '{_WEEKDAY_SQL}'){years}"
                    f" THEN {replace(self, weekdays=False).parse_sql(without)} END")
        if self.zone_names:
            zone = f"regexp_extract({text}, '{JAVA_DATE}', 2)"
            moment = f"try_strptime(regexp_replace({text}, '{JAVA_DATE}', '\\1 \\3'), '{self.patterns[0]}')"
            offset = _java_offset_sql(text)
            return (f"CASE WHEN NOT regexp_matches({text}, '{JAVA_DATE}') THEN NULL"
                    f" WHEN {offset} IS NOT NULL THEN timezone($time_zone, timezone('UTC', {moment} - to_minutes({offset})))"
                    f" WHEN list_contains($zone_names, {zone}) THEN {moment} END")
        if self.is_excel_serial:
            return (f"CASE WHEN regexp_full_match({text}, '{_EXCEL_SERIAL.pattern[1:-1]}') THEN TIMESTAMP '1899-12-30'"
                    f" + to_seconds(CAST(round(CAST({text} AS DOUBLE) * 86400) AS BIGINT)) END")
        if self.epoch_digits:
            milliseconds = 1000 // _EPOCH_PER_SECOND[self.epoch_digits]
            return (f"CASE WHEN regexp_full_match({text}, '{_EPOCH[self.epoch_digits].pattern[1:-1]}')"
                    f" THEN timezone($time_zone, timezone('UTC', epoch_ms(CAST({text} AS BIGINT) * {milliseconds}))) END")
        if self.utc_offsets:
            bare = text
            for pattern, by in _MAIL_REWRITES:
                bare = f"regexp_replace({bare}, '{_sql_pattern(pattern)}', '{by}')"
            return (f"CASE WHEN regexp_matches({bare}, '{_sql_pattern(_MAIL_ZONE)}')"
                    f" THEN timezone($time_zone, {replace(self, utc_offsets=False).parse_sql(bare)}) END")
        if self.roc_years:
            after = "[0-9]" if self.fixed_width else "[-/年.]"
            text = (f"CASE WHEN regexp_matches({text}, '{_ROC_YEAR_SQL}{after}') THEN CAST(CAST(regexp_extract({text},"
                    f" '{_ROC_YEAR_SQL}', 2) AS INTEGER) + {ROC_OFFSET} AS VARCHAR)"
                    f" || regexp_replace({text}, '{_ROC_YEAR_SQL}', '') END")
        if self.squeeze_spaces:
            text = f"regexp_replace({text}, '{WHITESPACE_CLASS}+', '', 'g')"
        if self.meridiem_words:
            for word, latin in MERIDIEM_WORDS:
                text = f"replace({text}, '{word}', ' {latin} ')"
        if self.meridiem_words or self.spaces_as_one:
            text = f"trim(regexp_replace({text}, '{WHITESPACE_CLASS}+', ' ', 'g'), ' ')"
        if self.name == "iso":
            text = without_zone_id_sql(text)
        # One pattern at a time: COALESCE tries the next only on rows still unparsed, which
        # is far cheaper than try_strptime with a list (every row pays for every miss).
        attempts = [f"CASE WHEN length({text}) = {_width(p)} THEN try_strptime({text}, '{p}') END" if self.fixed_width
                    else f"try_strptime({text}, '{p}')" for p in self.patterns]
        if self.name == "iso":
            # DuckDB's own ISO parser, only on text ending in a digit: it takes a last word for a
            # time zone and drops it, so "2024-02-19 8:00 PM" would read 08:00 (the patterns with
            # %p read it as 20:00, as Python does).
            attempts.insert(0, f"CASE WHEN right({text}, 1) BETWEEN '0' AND '9' THEN try_cast({text} AS TIMESTAMP) END")
            # DuckDB reads no space before the offset ("15:32 +08:00"), Python's fromisoformat does.
            offset = f"timezone($time_zone, try_cast(regexp_replace(replace({text}, '/', '-'), ' ([Zz+-])', '\\1') AS TIMESTAMPTZ))"
            # Four-digit years only, as Python's %Y: DuckDB would read 113/08/16 (民國) as the year 113
            # (_ISO_START in Python).
            return (f"CASE WHEN NOT ({text} LIKE '____-%' OR {text} LIKE '____/%' OR {text} LIKE '____.%') THEN NULL"
                    f" WHEN regexp_matches({text}, '{TIME_WITH_OFFSET}') THEN {offset}"
                    f" ELSE coalesce({', '.join(attempts)}) END")
        return f"coalesce({', '.join(attempts)})"

    def in_store_zone_sql(self, text: str, parsed: str) -> str:
        """SQL: ``parsed`` (this form's reading of the cell ``text``) as wall-clock time in the
        store's zone (``$time_zone``), the file writing its times in ``$source_time_zone``. Unix
        time is UTC and an ISO time with an offset was converted by it already; no other form
        reads a time with an offset but the e-mail form, which always does."""
        converted = from_source_zone_sql(parsed)
        if self.epoch_digits or self.utc_offsets:
            return parsed
        if self.zone_names:
            return f"CASE WHEN {_java_offset_sql(text)} IS NOT NULL THEN {parsed} ELSE {converted} END"
        if self.name == "iso":
            return (f"CASE WHEN regexp_matches({without_zone_id_sql(text)}, '{TIME_WITH_OFFSET}') THEN {parsed}"
                    f" ELSE {converted} END")
        return converted


def _java_offset_sql(text: str) -> str:
    """SQL: minutes east of UTC that a JAVA_DATE states itself (UTC, GMT, GMT+08:00: "GMT" then a
    sign, hours and minutes), NULL where it names a zone instead (CST), as _java_date reads it."""
    zone = f"regexp_extract({text}, '{JAVA_DATE}', 2)"
    return (f"CASE WHEN {zone} IN {UTC_NAMES} THEN 0 WHEN {zone} LIKE 'GMT_%' THEN (CASE WHEN {zone}[4] = '-'"
            f" THEN -1 ELSE 1 END) * (CAST({zone}[5:6] AS INTEGER) * 60 + CAST({zone}[8:9] AS INTEGER)) END")


@functools.cache
def zone_abbreviations(zone: str) -> tuple[str, ...]:
    """The short names the time-zone database gives ``zone`` since 1990, as Java's Date.toString()
    writes them (Asia/Taipei: CST; America/Chicago: CDT, CST); not numeric ones such as "+08"."""
    info = ZoneInfo(zone)
    names = {datetime(year, month, 15, 12, tzinfo=info).tzname() for year in range(1990, 2041) for month in (1, 7)}
    return tuple(sorted(name for name in names if name and name.isalpha() and name not in UTC_NAMES))


def without_zone_id_sql(text: str) -> str:
    """SQL: ``text`` without a zone id after its offset (ZONE_ID)."""
    return f"regexp_replace({text}, '{ZONE_ID}', '\\1')"


def from_source_zone_sql(parsed: str) -> str:
    """SQL: a wall-clock time written in ``$source_time_zone`` as the store's (``$time_zone``)."""
    return f"timezone($time_zone, timezone($source_time_zone, {parsed}))"


def to_source_zone_sql(stored: str) -> str:
    """SQL: the inverse of ``from_source_zone_sql``, a stored time as the file's zone writes it."""
    return f"timezone($source_time_zone, timezone($time_zone, {stored}))"


# strptime's directives as looser regular expressions: text a pattern's cannot match is passed
# over without calling strptime, whose misses (an exception each) were most of the date
# detection's time, about 25 ms a column (15 forms tried on 20 sample values). Each admits all
# that strptime's own admits (its %d also takes " 5"; whitespace in a pattern is any run of it,
# letters match in either case), so nothing strptime reads is passed over (tests/test_date_parity.py).
_LOOSE_DIRECTIVES = {"Y": r"\d{4}", "y": r"\d{2}", "m": r"\d{1,2}", "d": r" ?\d{1,2}", "H": r"\d{1,2}",
                     "I": r"\d{1,2}", "M": r"\d{1,2}", "S": r"\d{1,2}", "f": r"\d{1,6}", "p": r"[^\W\d_]+",
                     "b": r"[^\W\d_]+", "B": r"[^\W\d_]+", "z": r"(?:[+-]\d\d:?\d\d(?::?\d\d(?:\.\d{1,6})?)?|Z)",
                     "%": "%"}


@functools.cache
def _loose(pattern: str) -> re.Pattern:
    parts, rest = [], pattern
    while rest:
        if rest[0] == "%":
            parts.append(_LOOSE_DIRECTIVES[rest[1]])
            rest = rest[2:]
        elif rest[0].isspace():
            parts.append(r"\s+")
            rest = rest.lstrip()
        else:
            parts.append(re.escape(rest[0]))
            rest = rest[1:]
    return re.compile("".join(parts), re.IGNORECASE)


def _width(pattern: str) -> int:
    """How many characters a fixed-width pattern (two digits a field, four the year) writes."""
    return len(datetime(2000, 10, 10, 10, 10, 10).strftime(pattern))


def _with_offset(value: str, time_zone: str) -> datetime | None:
    """An ISO 8601 time with an offset as wall-clock time in ``time_zone``."""
    if value[10:11] not in ("T", " "):
        return None  # fromisoformat takes any character between date and time, DuckDB T or a space
    try:
        moment = datetime.fromisoformat(value.replace("/", "-"))
    except ValueError:
        return None
    return moment.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)


# An e-mail date (RFC 5322, as mail headers and the helpdesks that keep them write it): an optional
# weekday, then "05 Feb 2024 14:30:00 +0800", perhaps with the zone's name after it in brackets,
# "(CST)", and GMT, UT, UTC or Z for +0000. Both readers get the text these rewrites leave.
_MAIL_REWRITES = ((rf"(?i)^{_ENGLISH_DAY},?\s+", ""), (r"\s*\([^()]*\)$", ""), (r"(?i)\s+(GMT|UTC|UT|Z)$", " +0000"))
# Hours and minutes only, each in range: Python's %z also takes seconds, DuckDB's also 25:99.
_MAIL_ZONE = r"\s[+-]([01][0-9]|2[0-3]):?[0-5][0-9]$"


def _mail_text(value: str) -> str | None:
    """An e-mail date rewritten as both readers take it (``_MAIL_REWRITES``); None without a zone."""
    for pattern, by in _MAIL_REWRITES:
        value = re.sub(pattern, by, value)
    return value if re.search(_MAIL_ZONE, value) else None


def readable_sql(value: str) -> str:
    """SQL: the parsed value lies in the range every consumer can handle."""
    return f"({value} BETWEEN TIMESTAMP '{FIRST_READABLE:%Y-%m-%d}' AND TIMESTAMP '{LAST_READABLE:%Y-%m-%d %H:%M:%S}')"


def placeholder_sql(value: str) -> str:
    """SQL: a parsed value that stands for "no date" (``$date_floor`` and ``$date_ceiling`` bound it)."""
    days = ", ".join(f"DATE '{d}'" for d in PLACEHOLDER_DAYS)
    times = ", ".join(f"TIMESTAMP '{t}'" for t in PLACEHOLDER_TIMES)
    return (f"(({value} = date_trunc('day', {value}) AND CAST({value} AS DATE) IN ({days}))"
            f" OR {value} IN ({times}) OR {value} >= TIMESTAMP '9999-12-31'"
            f" OR {value} < CAST($date_floor AS TIMESTAMP) OR {value} > CAST($date_ceiling AS TIMESTAMP))")


def is_iso_date(text: str) -> bool:
    """Whether ``text`` is a calendar date written YYYY-MM-DD (URL values, profile files)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_time_zone(name: str | None) -> bool:
    """Whether ``name`` is an IANA time zone (Asia/Taipei, UTC …): the store's, or a file's."""
    return name in zoneinfo.available_timezones()


def value_or_null_sql(trimmed: str) -> str:
    """SQL: a trimmed cell, or NULL where it is one of the MISSING markers."""
    markers = ", ".join(f"'{m}'" for m in MISSING)
    return f"CASE WHEN {trimmed} NOT IN ({markers}) THEN {trimmed} END"


def value_or_none(text: str | None) -> str | None:
    """Python's ``value_or_null_sql``: the cell trimmed, or None where it is missing."""
    if text is None:
        return None
    value = str(text).strip()
    return None if value in MISSING else value


_TIMES = ("%H:%M:%S", "%H:%M", "")
# 12-hour clock times after an ISO date, as interval reports write a time of day beside a date
# ("2024-02-19 8:00 AM", Avaya CMS).
_CLOCK_TIMES = ("%I:%M:%S %p", "%I:%M %p")


def _with_times(date_pattern: str, separator: str = " ") -> tuple[str, ...]:
    return tuple(f"{date_pattern}{separator}{t}" if t else date_pattern for t in _TIMES)


def _with_fractions(date_pattern: str, separator: str = " ") -> tuple[str, ...]:
    """Times with fractional seconds (``2012/10/09 14:50:17.000``)."""
    return (f"{date_pattern}{separator}%H:%M:%S.%f",)


# 年月日, with hours, minutes and seconds as 時分秒 (spaces squeezed out first).
_CHINESE_DATES = ("%Y年%m月%d日%H時%M分%S秒", "%Y年%m月%d日%H時%M分", "%Y年%m月%d日")

_WEEKDAY_TIMES = ("", " %H:%M", " %H:%M:%S", " %p %I:%M", " %p %I:%M:%S", " %I:%M %p", " %I:%M:%S %p")
_WEEKDAY_FORMS = tuple(f"{d}{t}" for d in ("%Y/%m/%d", "%Y-%m-%d", "%Y.%m.%d", "%Y年%m月%d日") for t in _WEEKDAY_TIMES)
# After an English weekday, the month by name: "05 Feb 2024 14:30", "February 5, 2024 2:30 PM".
_MONTH_NAME_FORMS = tuple(f"{d}{t}" for m in ("%b", "%B") for d in (f"%d {m} %Y", f"{m} %d, %Y", f"{m} %d %Y")
                          for t in _WEEKDAY_TIMES if "%p %I" not in t)

FORMATS: tuple[DateFormat, ...] = (
    DateFormat(
        "iso", "2012-08-01 13:06",
        _with_times("%Y-%m-%d") + _with_times("%Y-%m-%d", "T")[:2] + _with_times("%Y/%m/%d")
        + _with_fractions("%Y-%m-%d") + _with_fractions("%Y-%m-%d", "T") + _with_fractions("%Y/%m/%d")
        + _with_times("%Y.%m.%d")
        + tuple(f"{d} {t}" for d in ("%Y-%m-%d", "%Y/%m/%d") for t in _CLOCK_TIMES),
    ),
    DateFormat("zh_tw", "2012年 3月15日 17時20分", _CHINESE_DATES, squeeze_spaces=True),
    # Also with 年月日, as .NET's full form ("F") and ICU's medium one write it: "2024年2月5日 上午 09:14:00".
    DateFormat(
        "zh_tw_12h", "2024/8/16 下午 03:32:00",
        tuple(f"{d} %p {t}" for d in ("%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日") for t in ("%I:%M:%S", "%I:%M")),
        meridiem_words=True,
    ),
    DateFormat("roc", "113/08/16 15:32", _with_times("%Y/%m/%d") + _with_times("%Y-%m-%d") + _with_times("%Y.%m.%d"),
               roc_years=True),
    # .NET set to the Taiwan calendar writes the ROC year with 上午/下午: "113/8/16 下午 03:32:00".
    DateFormat("roc_12h", "113/8/16 下午 03:32:00",
               tuple(f"{d} %p {t}" for d in ("%Y/%m/%d", "%Y-%m-%d") for t in ("%I:%M:%S", "%I:%M")),
               roc_years=True, meridiem_words=True),
    DateFormat("roc_zh", "民國113年 8月16日 15時32分", _CHINESE_DATES, squeeze_spaces=True, roc_years=True),
    # Also as ICU writes them (Salesforce since Winter '20, browsers): a comma after the date,
    # "29/02/2016, 01:16", "2/29/2016, 1:16 PM".
    DateFormat("day_first", "29/2/2016 01:16", _with_times("%d/%m/%Y") + _with_times("%d-%m-%Y") + _with_times("%d.%m.%Y")
               + _with_times("%d/%m/%Y", ", ")[:2] + _with_times("%d.%m.%Y", ", ")[:2], spaces_as_one=True),
    DateFormat("month_first", "2/29/2016 1:16 PM",
               tuple(f"%m/%d/%Y{s}{t}" for s in (" ", ", ") for t in _CLOCK_TIMES) + _with_times("%m/%d/%Y")
               + _with_times("%m/%d/%Y", ", ")[:2], spaces_as_one=True),
    # The year in two digits (00–68 are 2000–2068, 69–99 the 1900s, in Python and DuckDB alike): ICU's
    # short forms, as en-US ("2/5/24, 9:14 AM") and German ("05.02.24, 09:14") settings write them,
    # and spreadsheets formatted m/d/yy. Their own forms, so that the form shown says so.
    DateFormat("day_first_yy", "29/2/16 01:16", _with_times("%d/%m/%y") + _with_times("%d-%m-%y") + _with_times("%d.%m.%y")
               + _with_times("%d/%m/%y", ", ")[:2] + _with_times("%d.%m.%y", ", ")[:2], spaces_as_one=True),
    DateFormat("month_first_yy", "2/29/16 1:16 PM",
               tuple(f"%m/%d/%y{s}{t}" for s in (" ", ", ") for t in _CLOCK_TIMES) + _with_times("%m/%d/%y")
               + _with_times("%m/%d/%y", ", ")[:2], spaces_as_one=True),
    DateFormat("jira", "25/Feb/26 10:17 PM", ("%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%y")),
    # Jira's same "dd/MMM/yy h:mm a" for a user set to Chinese (Taiwan): 25/2月/26 下午 10:17 or 10:17 下午.
    DateFormat("jira_zh", "25/2月/26 下午 10:17",
               tuple(f"%d/%m月/{y}{t}" for y in ("%y", "%Y") for t in (" %I:%M %p", " %p %I:%M", " %H:%M", "")),
               meridiem_words=True),
    # Oracle's default NLS date and timestamp forms (DD-MON-RR, DD-MON-RR HH.MI.SSXFF AM), as SQL
    # Developer and SQL*Plus write a query's result, in English or set to Traditional Chinese
    # ("05-2月 -24"); and DD-MON-YYYY HH24:MI:SS, a common setting. RR is read as %y (00-68 are 2000-2068).
    DateFormat("oracle", "05-FEB-24 09.14.00.000000 AM",
               tuple(f"{d}{t}" for d in ("%d-%b-%y", "%d-%b-%Y", "%d-%m月-%y", "%d-%m月 -%y")
                     for t in ("", " %H:%M:%S", " %H:%M", " %I.%M.%S.%f %p", " %I.%M.%S %p")),
               meridiem_words=True),
    # The month by its English name: ManageEngine ServiceDesk Plus's default "Feb 5, 2024 09:14 AM",
    # and the day first as British settings write it, "5 Feb 2024 09:14".
    # ICU's medium form (browsers, Java 9 on) puts a comma after the year too: "Feb 5, 2024, 9:14:00 AM".
    DateFormat("month_name", "Feb 5, 2024 09:14 AM",
               tuple(f"{m} %d, %Y{c}{t}" for m in ("%b", "%B") for c in ("", ",")
                     for t in (" %I:%M %p", " %I:%M:%S %p", " %H:%M", " %H:%M:%S", "") if c == "" or t)
               + tuple(f"%d {m} %Y{t}" for m in ("%b", "%B") for t in (" %H:%M", " %H:%M:%S", " %I:%M %p", "")),
               spaces_as_one=True),
    # Each pattern reads text of its own length only: 202401011230 is never 12:03:00 by the seconds pattern.
    DateFormat("compact", "20240101", ("%Y%m%d%H%M", "%Y%m%d%H%M%S", "%Y%m%d"), fixed_width=True),
    # The ROC year's digits run into the month's, as Taiwan's government and legacy systems keep
    # dates (1130816, a time after a space or as four or six more digits).
    DateFormat("roc_compact", "1130816 15:32", ("%Y%m%d", "%Y%m%d %H:%M", "%Y%m%d %H:%M:%S", "%Y%m%d%H%M", "%Y%m%d%H%M%S"),
               roc_years=True, fixed_width=True),
    # A weekday inside the date (_WEEKDAY), with a 24-hour time or a 12-hour one after 上午/下午 or before AM/PM.
    DateFormat("weekday", "2024/2/5(一) 14:30", _WEEKDAY_FORMS + _MONTH_NAME_FORMS, meridiem_words=True, weekdays=True),
    DateFormat("roc_weekday", "113/2/5(一) 14:30", _WEEKDAY_FORMS, meridiem_words=True, roc_years=True, weekdays=True),
    DateFormat("mail", "Mon, 05 Feb 2024 14:30:00 +0800",
               tuple(f"%d {m} %Y %H:%M{s} %z" for m in ("%b", "%B") for s in (":%S", "")), utc_offsets=True),
    DateFormat("java_date", "Mon Feb 05 09:14:00 CST 2024", ("%b %d %H:%M:%S %Y",), zone_names=True),
    DateFormat("excel_serial", "40123.5417"),
    DateFormat("epoch_ms", "1708300800000", epoch_digits=13),
    DateFormat("epoch_s", "1707095640", epoch_digits=10),
)
BY_NAME = {f.name: f for f in FORMATS}


@dataclass(frozen=True)
class Detection:
    format: DateFormat | None
    parsed: int            # sample values the chosen form parses
    present: int           # non-missing sample values
    alternatives: tuple[str, ...] = ()  # other forms that parse every sample equally well

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


def detect(values: Iterable[str | None], sample_size: int = 500, time_zone: str = DEFAULT_TIME_ZONE) -> Detection:
    """Pick the form that parses the most sample values; ties (e.g. 3/4/2024) are reported."""
    samples: list[str] = []
    for value in values:
        cleaned = value_or_none(value)
        if cleaned is not None:
            samples.append(cleaned)
            if len(samples) >= sample_size:
                break
    if not samples:
        return Detection(None, 0, 0)
    # Screen on a few values first: most forms fail at once, and strptime misses are slow.
    candidates = [f for f in FORMATS if any(f.parse(s, time_zone) is not None for s in samples[:20])] or FORMATS
    scores = [(sum(f.parse(s, time_zone) is not None for s in samples), f) for f in candidates]
    best_score = max(score for score, _ in scores)
    if best_score == 0:
        return Detection(None, 0, len(samples))
    tied = [f for score, f in scores if score == best_score]
    return Detection(tied[0], best_score, len(samples), tuple(f.name for f in tied[1:]))


def detect_format(values: Sequence[str | None]) -> DateFormat | None:
    """The detected form, or None when no form fits any value."""
    return detect(values).format
