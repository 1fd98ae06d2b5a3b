"""What goes wrong with input, said so a user can find it: file, row, column, reason.

Reasons are kept as a translation key with values (``kpi/locales/errors.toml``), so the UI
shows them in the user's language; ``str()`` and ``reason`` give the English text for the CLI
and logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kpi import i18n


class InputError(Exception):
    """A file that cannot be imported at all (empty, binary, not a table, required column missing)."""

    def __init__(self, file: str, key: str, row: int | None = None, column: str | None = None, **values):
        values = {name: _without_paths(value) if isinstance(value, str) else value for name, value in values.items()}
        self.file, self.key, self.row, self.column, self.values = file, key, row, column, values
        super().__init__(str(self))

    @property
    def reason(self) -> str:
        return i18n.t(self.key, "en", **self.values)

    def message(self, lang: str) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(i18n.t("error.where_row", lang, row=self.row))
        if self.column is not None:
            where.append(i18n.t("error.where_column", lang, column=self.column))
        comma, colon = _PUNCTUATION.get(lang, (", ", ": "))
        return f"{comma.join(where)}{colon}{i18n.t(self.key, lang, **_named_fields(self.values, lang))}"

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class Reject:
    """One row that was not imported, and why. Rows are 1-based with the header as row 1 (as in Excel)."""

    file: str
    row: int
    column: str | None
    key: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def reason(self) -> str:
        return self.reason_in("en")

    def reason_in(self, lang: str) -> str:
        return i18n.t(self.key, lang, **_named_fields(dict(self.values), lang))

    @property
    def where_and_why(self) -> str:
        """Row, column and reason in English, as the CLI says them: row 2, column '提出時間': …"""
        column = f", column {self.column!r}" if self.column else ""
        return f"row {self.row}{column}: {self.reason}"


@dataclass(frozen=True)
class Finding:
    """What a data-quality check found among the rows an import keeps, said before they are
    stored: how many rows, the first of them (file rows), and why it matters."""

    check: str
    count: int
    rows: tuple[int, ...]
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def text_in(self, lang: str) -> str:
        return i18n.t(self.key, lang, **dict(self.values))


# A quoted or bare absolute path (/tmp/upload-x.csv, C:\\Users\\…) inside a library's message.
_PATH = re.compile(r'"(?:[A-Za-z]:)?[/\\][^"]*"|(?<![\w.])(?:[A-Za-z]:)?[/\\][\w.\-/\\]+')


def _without_paths(text: str) -> str:
    """A message with the server's file paths taken out: they tell a user nothing and an attacker much."""
    return _PATH.sub("…", text)


# Where a message says file, row and column: Chinese text takes full-width commas and colons.
_PUNCTUATION = {"zh-TW": ("，", "："), "en": (", ", ": ")}


def _named_fields(values: dict, lang: str) -> dict:
    """Canonical field names (``field``, or a list in ``fields``) as the reader's language says them,
    and a date form (``form``, e.g. ``iso``) by its name in that language too (``form_name``)."""
    named = dict(values)
    if "form" in named:
        named["form_name"] = i18n.t(f"code.date_form.{named['form']}", lang)
    if "field" in named:
        named["field"] = i18n.t(f"field.{named['field']}", lang)
    if "fields" in named:
        separator = "、" if lang == "zh-TW" else ", "
        named["fields"] = separator.join(i18n.t(f"field.{name}", lang) for name in named["fields"])
    if "interval_field" in named:  # an interval report's field, as its page names it
        named["interval_field"] = i18n.t(f"phone.col.{named['interval_field']}", lang)
    if "guessed" in named:
        named["guessed"] = column_fields(named["guessed"], lang)
    return named


def column_fields(pairs, lang: str) -> str:
    """(column, field) pairs as the reader's language says them: "Created → Created time"."""
    separator = "、" if lang == "zh-TW" else ", "
    return separator.join(f"{column} → {i18n.t(f'field.{name}', lang)}" for column, name in pairs) or "—"
