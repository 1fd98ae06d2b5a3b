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

PHASES = ("read", "stage", "check", "sort", "write")
Progress = Callable[[str, int, int], None]


def ignore(phase: str, done: int, total: int) -> None:
    """The progress of an import nobody watches."""


def overall(phase: str, done: int, total: int) -> float:
    """The share of the whole import done, 0..1, counting each phase as an equal part."""
    return (PHASES.index(phase) + (done / total if total else 1)) / len(PHASES)
