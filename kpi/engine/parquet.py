"""The store's tickets as Parquet, partitioned by month of creation, for engines that read files.

Written through DuckDB's relation API: the folder is an argument, never SQL text. What is written
is the ``tickets`` view (current versions, with ``state``, ``completed_at`` and ``is_cancelled``)
and the name of each ticket's SLA policy (``sla_policy``), so Spark reads the same lifecycle the
store derived on import.
"""

from __future__ import annotations

import functools
from pathlib import Path

import duckdb

PARTITION_COLUMN = "created_month"
EMPTY_FILE = "no-tickets.parquet"

# With each ticket's SLA policy name, which Spark's ticket lists show (kpi.engine.spark).
_TICKETS_SQL = f"""SELECT t.*, pol.name AS sla_policy, strftime(t.created_at, '%Y-%m') AS {PARTITION_COLUMN}
FROM tickets t LEFT JOIN sla_policies pol ON pol.policy_id = t.sla_policy_id"""


@functools.cache
def ticket_columns() -> tuple[str, ...]:
    """The columns of the store's ``tickets`` view, which an export writes and the KPI queries read."""
    from kpi import store  # the schema's own word, from an empty store in memory

    with store.connect(":memory:") as con:
        return tuple(name for name, *_ in con.execute("DESCRIBE tickets").fetchall())


class ExportError(Exception):
    """The export cannot be written where asked; the message says why."""


def export_parquet(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Write the tickets to ``out``/created_month=YYYY-MM/; ``out`` must be new or an empty folder.
    Returns the number of tickets written."""
    out = Path(out)
    if out.exists() and not (out.is_dir() and not any(out.iterdir())):
        raise ExportError(f"{out} already exists and is not an empty folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        [(written,)] = con.execute("SELECT count(*) FROM tickets").fetchall()
        if written:
            con.sql(_TICKETS_SQL).write_parquet(str(out), partition_by=[PARTITION_COLUMN], overwrite=True)
        else:
            # No month to partition by writes no file, and Spark cannot read a folder without one:
            # one file of no rows carries the columns, so the reports give their zeros as on the store.
            con.sql(_TICKETS_SQL).write_parquet(str(out / EMPTY_FILE))
    except (OSError, duckdb.IOException) as err:
        raise ExportError(f"cannot write {out}: {err}") from None
    return written
