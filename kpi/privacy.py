"""Personal data in a ticket's free text, masked for whoever may not see it.

Subjects and customer fields often carry a caller's phone number, e-mail address or national ID
(personal data under Taiwan's Personal Data Protection Act). Masking keeps enough to tell two
records apart and to recognise a number one already knows, never enough to contact or identify:

- mobile 0912-345-678 → 0912-***-678, +886 912 345 678 → +886 912 *** 678;
- landline (02)2345-6789 → (02)****-*789, 02-23456789 → 02-*****789
  (the area code and the last three digits stay, every digit between them is masked);
- e-mail wang.xm@gmail.com → w***@gmail.com;
- national ID A123456789 → A12****789, and the resident certificate's new form (A812345678) alike.

Each rule is one compiled pattern, used by ``mask_text`` for one string and by ``mask_frame``
for whole columns (pandas' ``str.replace``), so a page and its export always agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

import pandas as pd

PERSONAL_COLUMNS = ("subject", "customer")

_DIGIT = re.compile(r"\d")
_SEPARATOR = r"[-\s]?"


def _keep_head_and_last_three(match: re.Match) -> str:
    number = match["number"]
    return match["head"] + _DIGIT.sub("*", number[:-3]) + number[-3:]


class _Rule(NamedTuple):
    pattern: re.Pattern
    replacement: str | Callable[[re.Match], str]
    # A looser pattern that pandas runs over a whole column at once in pyarrow's RE2 (so no
    # look-arounds, \d or \s): only the values it finds go through ``pattern``, one by one.
    candidate: str


# ASCII look-arounds rather than \b: Chinese characters count as word characters, so
# "身分證A123456789補件" has no word boundary around the number.
_RULES = (
    # e-mail first: its local part may hold digits that look like a phone number
    _Rule(re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*"
                     r"(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"), r"\1***\2", "@"),
    # national ID (letter, 1 or 2 for the sex, 8 digits) and resident certificate (8 or 9, 8 digits)
    _Rule(re.compile(r"(?<![A-Za-z0-9])([A-Za-z][1289]\d)\d{4}(\d{3})(?![A-Za-z0-9])"), r"\1****\2",
          "[A-Za-z][1289][0-9]{8}"),
    # mobile: 09xx-xxx-xxx, or +886 9xx xxx xxx without the trunk 0
    _Rule(re.compile(rf"(?<![\d+])(?P<head>(?:\(?\+?886\)?{_SEPARATOR}|0)9\d\d)"
                     rf"(?P<number>{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{3}})(?!\d)"), _keep_head_and_last_three,
          "9[0-9]{2}[^0-9]?[0-9]{3}[^0-9]?[0-9]{3}"),
    # landline: an area code 02–08 (in brackets or followed by a separator), then 5–8 digits that
    # never start with 0 or 1, which keeps dates such as 2024-02-08 13:20 out
    _Rule(re.compile(rf"(?<![\d\-/.])(?P<head>\(0[2-8]\d{{0,2}}\)\s?|0[2-8]\d{{0,2}}[-\s]|\+?886{_SEPARATOR}[2-8]\d{{0,2}}[-\s])"
                     r"(?P<number>[2-9]\d{1,3}[-\s]?\d{3,4})(?!\d)"), _keep_head_and_last_three,
          "[2-8][0-9]{0,2}[^0-9]{1,2}[2-9][0-9]{1,3}[^0-9]?[0-9]{3,4}"),
    # a landline written without separators (0223456789): where the area code ends is unknown, so
    # only its first two digits stay
    _Rule(re.compile(r"(?<![\d\-/.])(?P<head>0[2-8])(?P<number>[2-9]\d{6,7})(?!\d)"), _keep_head_and_last_three,
          "0[2-8][2-9][0-9]{6}"),
)


def mask_text(text: str) -> str:
    """``text`` with every phone number, e-mail address and ID number in it masked."""
    for rule in _RULES:
        text = rule.pattern.sub(rule.replacement, text)
    return text


def mask_frame(frame: pd.DataFrame, columns: Iterable[str] = PERSONAL_COLUMNS) -> pd.DataFrame:
    """A copy of ``frame`` with ``columns`` (those it has) masked; missing values stay missing."""
    masked = frame.copy()
    for column in columns:
        if column not in masked or not pd.api.types.is_string_dtype(masked[column]):
            continue
        values = masked[column].copy()
        for rule in _RULES:
            found = values.str.contains(rule.candidate, regex=True, na=False)
            if found.any():
                values[found] = values[found].str.replace(rule.pattern, rule.replacement, regex=True)
        masked[column] = values
    return masked
