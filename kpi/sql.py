"""The one way an identifier enters SQL text.

Values always travel as parameters (``?`` or ``$name``). Identifiers cannot, so every one that
is not a literal in the source code goes through ``ident``, which asks DuckDB itself to quote
it. Names that come from a file (column headers, sheet names) never reach SQL at all: staged
tables name their columns by position (``reader.Staged.ref``).
"""

from __future__ import annotations

import re

import duckdb


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier, e.g. ``a"b`` → ``"a""b"``."""
    quoted = str(duckdb.ColumnExpression(name))
    if not quoted.startswith('"'):  # DuckDB leaves "*" unquoted: it would mean every column
        raise ValueError(f"not usable as an identifier: {name!r}")
    return quoted


# Python's \s (str.isspace) as an RE2 class, for SQL that must split or squeeze text as Python
# does: RE2's own \s is ASCII only. Every such character lies below U+3001.
WHITESPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace()) + "]"


def positional(index: int) -> str:
    """The name of a staged table's ``index``-th (0-based) column: c1, c2 …"""
    return f"c{index + 1}"


def used_parameters(query: str, params: dict) -> dict:
    """The named parameters ``query`` refers to: DuckDB refuses any it does not use, and a query
    built from parts uses only some of those its builder offers."""
    return {name: value for name, value in params.items() if re.search(rf"\${re.escape(name)}\b", query)}
