"""How far an import has come, told to whoever shows it: the upload page's bar, the CLI's lines.

An import calls ``progress(phase, done, total)`` as it goes: each phase once with ``done`` 0
when it starts, then as parts of it finish, last with ``done == total``. Phases, in order:
``read`` (the file's bytes checksummed), ``stage`` (its bytes loaded as text), ``check`` (rows
mapped and checked), ``sort`` (valid rows sorted against the store) and ``write`` (new versions
stored). A CSV file is checksummed while it is staged: both start, then both end. A file
checked a piece at a time (importer.PIECE_BYTES) counts pieces in ``check``, not rows. A phase
with nothing to do is skipped.
"""

from __future__ import annotations

from collections.abc import Callable

# The phases in order, each with its share of an import's time, as measured on exports of a
# million rows (4.1 s: the checksum and the load together 1.0 s, mapping and checking 1.3 s,
# sorting 0.15 s, writing 1.3 s). A file read in pieces writes each piece as it checks it:
# there "check" takes nine tenths of the time, moving piece by piece, and the write at the end
# is quick.
SHARES = {"read": 0.1, "stage": 0.15, "check": 0.45, "sort": 0.05, "write": 0.25}
PHASES = tuple(SHARES)
Progress = Callable[[str, int, int], None]


def ignore(phase: str, done: int, total: int) -> None:
    """The progress of an import nobody watches."""


def overall(phase: str, done: int, total: int) -> float:
    """The share of the whole import done, 0..1, each phase counting for its SHARES."""
    before = sum(SHARES[name] for name in PHASES[:PHASES.index(phase)])
    return round(before + SHARES[phase] * (done / total if total else 1), 4)
