"""What goes wrong with input, said so a user can find it: file, row, column, reason."""

from __future__ import annotations

from dataclasses import dataclass


class InputError(Exception):
    """A file that cannot be imported at all (empty, binary, not a table, required column missing)."""

    def __init__(self, file: str, reason: str, row: int | None = None, column: str | None = None):
        self.file, self.reason, self.row, self.column = file, reason, row, column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.reason}"


@dataclass(frozen=True)
class Reject:
    """One row that was not imported, and why. Rows are 1-based with the header as row 1 (as in Excel)."""

    file: str
    row: int
    column: str | None
    reason: str
