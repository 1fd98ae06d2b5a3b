"""Generated service tickets for the benchmarks and the engine parity test.

Three years of tickets, ~6,400 a week at 1M, with deadlines in business days (numpy's busday).
By default the rows come in creation order with the newest 3% still open (the older benchmark
figures); ``shuffled``, ``open_share``, ``cancelled_share`` and ``gaps`` give data that is
neither sorted nor mostly resolved, with cancelled tickets and missing owners and commitments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi import store
from kpi.service.deadlines import fill_missing_deadlines

LEVEL_DAYS = np.array([3, 5, 10, 14, 21])


def generate(count: int, seed: int = 41, *, shuffled: bool = False, open_share: float = 0.03,
             cancelled_share: float = 0.0, gaps: float = 0.0, first_number: int = 0) -> pd.DataFrame:
    """``count`` tickets numbered from ``first_number``; ``open_share`` never resolved (the newest,
    or at random when ``shuffled``), ``cancelled_share`` cancelled, ``gaps`` without an owner or a
    current commitment."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2022-01-03T00:00")
    span_minutes = 3 * 365 * 24 * 60
    minutes = rng.integers(0, span_minutes, count)
    created = start + (minutes if shuffled else np.sort(minutes)).astype("timedelta64[m]")
    level = rng.choice(5, count, p=[0.05, 0.15, 0.4, 0.3, 0.1])
    clock = created - created.astype("datetime64[D]")
    standard_day = np.busday_offset(created.astype("datetime64[D]"), LEVEL_DAYS[level], roll="forward")
    standard = standard_day.astype("datetime64[m]") + clock
    extensions = rng.poisson(0.3, count)
    escalations = rng.poisson(0.2, count)
    current = standard + (extensions * 3 * 24 * 60).astype("timedelta64[m]")
    # resolution: on average 1.2 calendar days per business day allowed, long tail
    work_minutes = rng.gamma(2.0, LEVEL_DAYS[level] * 1.2 * 24 * 60 / 2.0).astype("int64")
    resolved = (created + work_minutes.astype("timedelta64[m]")).astype("datetime64[us]")
    still_open = (rng.random(count) < open_share) if shuffled else np.arange(count) >= int(count * (1 - open_share))
    cancelled = ~still_open & (rng.random(count) < cancelled_share)
    done = ~still_open & ~cancelled
    owners = np.array([f"agent-{i:02d}" for i in range(60)])
    owner_index = rng.integers(0, 60, count)
    missing = rng.random(count) < gaps
    return pd.DataFrame({
        "ticket_id": np.char.add("T", np.arange(first_number, first_number + count).astype(str)),
        "department": np.array([f"team-{i}" for i in range(8)])[owner_index % 8],
        "owner": pd.Series(owners[owner_index]).where(~missing),
        "channel": np.array(["phone", "email", "web", "onsite"])[rng.integers(0, 4, count)],
        "level": level + 1,
        "status": np.select([still_open, cancelled], ["處理中", "已取消"], "已關閉"),
        "is_open": still_open,
        "state": np.select([still_open, cancelled], ["open", "cancelled"], "closed"),
        "completed_at": pd.Series(resolved).where(done),
        "created_at": created.astype("datetime64[us]"),
        "first_response_at": (created + rng.exponential(90, count).astype("timedelta64[m]")).astype("datetime64[us]"),
        "standard_due_at": standard.astype("datetime64[us]"),
        "first_commitment_at": standard.astype("datetime64[us]"),
        "current_commitment_at": pd.Series(current.astype("datetime64[us]")).where(~missing),
        "resolved_at": pd.Series(resolved).where(done),
        "extension_count": extensions,
        "escalation_count": escalations,
        "forwarded_second_line": rng.random(count) < 0.1,
        "batch_id": 0,
        "source_row": np.arange(count) + 2,
        "is_current": True,
    })


# What the report benchmarks run on (issue 15): unsorted, a tenth never resolved, so about a
# million tickets are open at 10M; some cancelled, some without an owner or a commitment.
UNSORTED = {"shuffled": True, "open_share": 0.1, "cancelled_share": 0.02, "gaps": 0.02}


def load_unsorted(con, count: int, chunk: int = 1_000_000, seed: int = 41) -> None:
    """``count`` unsorted tickets (``UNSORTED``) into the store, a million at a time so 10M fit in a
    few GB: each chunk is its own random sample over the same three years."""
    for number, first in enumerate(range(0, count, chunk)):
        frame = generate(min(chunk, count - first), seed + number, first_number=first, **UNSORTED)
        con.register("generated", frame)
        # each chunk in completion order, as an import batch writes it (store.TICKET_ORDER)
        con.execute(f"INSERT INTO ticket_versions BY NAME SELECT * FROM generated ORDER BY {store.TICKET_ORDER}")
        con.unregister("generated")
        fill_missing_deadlines(con)  # the new chunk's only; all at once needs more than the store's 1 GB
    con.execute("CHECKPOINT")


def load(con, frame: pd.DataFrame) -> None:
    con.register("generated", frame)
    con.execute("INSERT INTO ticket_versions BY NAME SELECT * FROM generated")
    con.unregister("generated")
    # the policy's first-response deadlines, as an import would leave them
    fill_missing_deadlines(con)
    con.execute("CHECKPOINT")
