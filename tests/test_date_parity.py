"""Detection and the people and Planner imports read dates in Python; the ticket import reads them
in DuckDB. Over a few thousand generated cells in the shapes exports take (years of 2 to 5 digits,
ROC years, -, /, . and 年月日, padded or not, weekdays inside them, 12- and 24-hour times, fractions of 1 to 9 digits,
UTC offsets with and without a space, ICU's comma after the date, months by name (Jira's in Chinese too), Java's zone ids and
Date.toString(), Unix time, and ASCII, no-break,
narrow no-break and ideographic spaces), wherever Python
reads a cell in a form, DuckDB must read the same time: never a date the preview shows and the
import refuses, and never two different times (as '2024-02-19 8:00 PM' once gave: 20:00 in
Python, 08:00 in DuckDB). Where DuckDB alone reads a cell (a two-digit year as the year 24) the
import sees a placeholder date and says so."""

import random
import re
from datetime import datetime

import duckdb
import pytest

from kpi.ingest import dates
from kpi.sql import used_parameters


def generated_cells(count: int, seed: int = 20261130) -> list[str]:
    rng = random.Random(seed)

    def two(n: int, padded: bool) -> str:
        return f"{n:02d}" if padded else str(n)

    cells = set()
    while len(cells) < count:
        year = rng.choice(["2024", "113", "24", "0024", "12024", "1999", "民國113", "民國 113"])
        month, day, padded = rng.randint(1, 13), rng.randint(1, 31), rng.random() < 0.6
        sep = rng.choice(["-", "/", ".", "年"])
        date = (f"{year}年{two(month, padded)}月{two(day, padded)}日" if sep == "年"
                else f"{year}{sep}{two(month, padded)}{sep}{two(day, padded)}")
        shape = rng.random()
        if shape < 0.15:    # day or month first
            first, second_ = (day, month) if rng.random() < 0.5 else (month, day)
            date = f"{two(first, padded)}{rng.choice('/-.')}{two(second_, padded)}{rng.choice('/-.')}{rng.choice(['2024', '24'])}"
        elif shape < 0.22:  # Jira's day/Mon/year, in English or Chinese
            date = f"{day}/{rng.choice(['Feb', 'Aug', 'Dec', 'feb', f'{month}月'])}/{rng.choice(['26', '2026'])}"
        elif shape < 0.28:  # the month's name, before or after the day
            name = rng.choice(["Feb", "feb", "FEB", "February", "Sep", "Sept", "Dec"])
            date = rng.choice([f"{name} {two(day, padded)}, {rng.choice(['2024', '24'])}",
                               f"{name} {day} 2024", f"{two(day, padded)} {name} {rng.choice(['2024', '24'])}"])
        if rng.random() < 0.1:    # compact digits
            date = f"{year}{month:02d}{day:02d}" + rng.choice(["", "1230", "123005", "1"])
        hour, minute, second = rng.randint(0, 24), rng.randint(0, 60), rng.randint(0, 59)
        time = rng.choice(["", f"{two(hour, padded)}:{minute:02d}", f"{two(hour, padded)}:{minute:02d}:{second:02d}",
                           f"{two(hour, padded)}:{minute:02d}:{second:02d}.{'1234567890'[:rng.randint(1, 9)]}",
                           f"{hour}時{minute}分", f"{hour}時{minute}分{second}秒"])
        marker = rng.choice(["", "", "上午", "下午", "AM", "PM", "am"])
        if marker and rng.random() < 0.5:
            time = f"{marker}{rng.choice([' ', '', chr(0x3000)])}{time}"
        elif marker:
            time = f"{time}{rng.choice([' ', '', chr(0x202f)])}{marker}"
        offset = rng.choice(["", "", "", "Z", "+08", "+0800", "+08:00", "-05:30", " +0800", " Z", "z"])
        between = rng.choice([" ", " ", "  ", "\u3000", "\u00a0", "\t", "T", "", ", ", ","])
        cells.add(date + (between + time + offset if time else ""))
    cells.update(["40123.5", "40123", "1708300800000", "2958466"])  # Excel serial days, Unix milliseconds
    # ICU's short forms (Salesforce, browsers): en-US with and without CLDR 42's narrow no-break
    # space, en-GB, de.
    cells.update(["2/5/2024, 9:14 AM", "2/5/2024, 9:14\u202fPM", "12/31/2024, 11:59:59\u202fPM",
                  "05/02/2024, 09:14", "05.02.2024, 09:14:30",
                  "Feb 5, 2024 09:14 AM", "Feb 5, 2024 9:14\u202fPM", "5 Feb 2024 09:14",  # ServiceDesk Plus, British
                  "2024/8/16 下午 03:32:00", "2024/1/15 上午9:14",  # zh-TW: Windows and .NET, ICU
                  "05/2月/24 9:00 上午", "25/2月/26 下午 10:17", "05/12月/2024 21:00",  # Jira in Chinese
                  "05-FEB-24", "05-feb-24 09.14.00.000000 PM", "31-DEC-2024 23:59:59", "05-2月 -24 09.14.00.5 下午",
                  "29-FEB-23", "05-FEB-24 13.14.00.000000 PM",  # Oracle's NLS forms, and two it refuses
                  "Feb 5, 2024, 9:14:00 AM", "Feb 5, 2024, 9:14\u202fPM", "February 29, 2024, 23:59",  # ICU's medium form
                  "2024年2月5日 上午 09:14:00", "2024年12月31日 下午11:59", "2024年2月30日 上午 09:14",  # .NET's "F", ICU zh-TW
                  # Java's ZonedDateTime, and an id without an offset, which is no time of it
                  "2024-02-05T09:14+08:00[Asia/Taipei]", "2024-02-05T01:14:00.5Z[UTC]",
                  "2024-02-05T09:14:00-05:00[America/Argentina/Buenos_Aires]", "2024-02-05T09:14[Asia/Taipei]",
                  # Unix seconds, and ten digits that are a phone number or out of the form's years
                  "1707095640", "1999999999", "0912345678", "2123456789",
                  # Java's Date.toString(): Taipei's CST and UTC read; another zone's name, a day that
                  # is none, lower case and a one-digit day refused
                  "Mon Feb 05 09:14:00 CST 2024", "Thu Feb 29 23:59:59 UTC 2024", "Sun Dec 31 00:00:00 GMT 2023",
                  "Mon Feb 05 09:14:00 GMT+08:00 2024", "Mon Feb 05 09:14:00 GMT-05:30 2024", "Mon Feb 05 09:14:00 GMT+8 2024",
                  "Mon Feb 05 09:14:00 GMT+15:00 2024",
                  "Mon Feb 05 09:14:00 EST 2024", "Fri Feb 30 09:14:00 CST 2024", "mon feb 05 09:14:00 cst 2024",
                  "Mon Feb 5 09:14:00 CST 2024", "Mon Feb 05 09:14:00 CST 24"])
    return sorted(cells)


def weekday_cells(count: int, seed: int = 20261201) -> list[str]:
    """Dates with a weekday inside, as Taiwanese systems write them (dates._WEEKDAY), and a few
    tokens that are no weekday."""
    rng = random.Random(seed)
    cells = set()
    while len(cells) < count:
        year = rng.choice(["2024", "113", "民國113", "24"])
        month, day = rng.randint(1, 13), rng.randint(1, 31)
        date = rng.choice([f"{year}/{month}/{day}", f"{year}-{month:02d}-{day:02d}", f"{year}.{month:02d}.{day:02d}",
                           f"{year}年{month}月{day}日"])
        weekday = rng.choice(["(一)", "（二）", "( 三 )", "(週四)", "（星期五）", "星期六", "週日", "禮拜天", "(Mon)",
                              "(tue.)", "(Wednesday)", "(X)", "(八)"])
        between = rng.choice(["", " ", "\u3000", "  "])
        time = rng.choice(["", " 14:30", " 9:05:07", " 下午 2:30", " 上午12:05", " 2:30 PM", " 14:30+08:00", " 25:00"])
        cells.add(f"{date}{between}{weekday}{time}")
    # An English weekday first, as e-mail headers and US long dates write it (and one that is none).
    cells.update(["Mon, 05 Feb 2024 14:30", "Mon, 05 Feb 2024 14:30:00 +0800", "Monday, February 5, 2024 2:30 PM",
                  "Tue 6 Feb 2024", "tue. 6 Feb 2024 09:05", "Wed, 7 February 2024", "Sun, 31 Feb 2024",
                  "Month 5 Feb 2024", "Fri,05 Feb 2024"])
    return sorted(cells)


def mail_cells(count: int, seed: int = 20261130) -> list[str]:
    """E-mail's dates (RFC 5322): weekday or none, zones as offsets or names, a zone's name in
    brackets after it, and offsets out of range."""
    rng = random.Random(seed)
    cells = set()
    while len(cells) < count:
        weekday = rng.choice(["", "Mon, ", "Tue ", "wed, ", "Thursday, ", "Fri,"])
        day, month = rng.randint(1, 32), rng.choice(["Feb", "feb", "February", "Sept", "Dec", "Foo"])
        year = rng.choice(["2024", "24", "1999"])
        time = rng.choice(["14:30:00", "9:05", "23:59:59", "24:00:00", "14:30:00.5"])
        zone = rng.choice(["+0800", "-0500", "+08:00", "+0000", "GMT", "UT", "utc", "Z", "+0860", "+2400", "+08",
                           "+080000", "CST", "+0800 (CST)", "-0000 (UTC)", ""])
        cells.add(f"{weekday}{day} {month} {year} {time} {zone}".strip())
    return sorted(cells)


CELLS = generated_cells(4000) + weekday_cells(600) + mail_cells(600)


@pytest.mark.parametrize("form", dates.FORMATS, ids=lambda form: form.name)
def test_where_python_reads_a_date_duckdb_reads_the_same(form):
    query = f"SELECT {form.parse_sql('v')} FROM (SELECT unnest($cells) AS v, generate_subscripts($cells, 1) AS i) ORDER BY i"
    parameters = {"cells": [c.strip() for c in CELLS], "time_zone": "Asia/Taipei",
                  "zone_names": list(dates.zone_abbreviations("Asia/Taipei"))}
    in_sql = [row[0] for row in duckdb.execute(query, used_parameters(query, parameters)).fetchall()]
    read = {cell: form.parse(cell) for cell in CELLS}
    differing = {cell: (value, sql) for (cell, value), sql in zip(read.items(), in_sql)
                 if value is not None and (sql if isinstance(sql, datetime) else None) != value}
    assert differing == {}
    assert sum(value is not None for value in read.values()) >= 2   # the form is exercised


def test_the_loose_screen_before_strptime_passes_over_nothing_strptime_reads(monkeypatch):
    # dates._loose turns text away before strptime is called; with a screen that lets everything
    # through, every form must read every generated cell the same.
    written = [moment.strftime(pattern) for form in dates.FORMATS for pattern in form.patterns
               for moment in (datetime(2024, 8, 16, 15, 32, 7, 120000), datetime(2024, 2, 5, 9, 4, 0))]
    cells = CELLS + written + [cell.replace(" 0", "  ").replace("/0", "/") for cell in written]
    screened = {form.name: [form.parse(cell) for cell in cells] for form in dates.FORMATS}
    monkeypatch.setattr(dates, "_loose", lambda pattern: re.compile(r"(?s).*"))
    unscreened = {form.name: [form.parse(cell) for cell in cells] for form in dates.FORMATS}
    assert screened == unscreened
    assert sum(value is not None for values in screened.values() for value in values) > 300
