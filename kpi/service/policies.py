"""SLA policies: an ordered list of conditions and time limits; the first policy a ticket meets
gives its deadlines (``kpi.service.deadlines`` does the matching in SQL).

A policy's conditions (category, department, channel, level) are each optional; a missing one
matches anything. It has up to two stages, at least one: the first action (a response, arrival on
site or an inspection) and completion. The store keeps them in ``sla_policies``; presets, such as
the 1999 citizen-hotline dispatch table, in ``sla_policy_presets`` (schema 050_sla_policies.sql).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from kpi import i18n, store
from kpi.service.deadlines import UNITS

CONDITIONS = ("category", "department", "channel", "level")
FIRST_ACTIONS = ("response", "on_site", "inspection")
STAGES = ("first_action", "completion")
LIMIT_COLUMNS = ("first_action_value", "first_action_unit", "completion_value", "completion_unit")
# The editor's columns: the order first, then what the user edits; policy_id rides along unseen
# so a policy keeps its id (and its tickets their link) across saves.
POLICY_COLUMNS = ["position", "name", *CONDITIONS, "first_action", *LIMIT_COLUMNS, "policy_id"]
_TEXT_COLUMNS = ("name", "category", "department", "channel")
_STORED = ", ".join(POLICY_COLUMNS)
_NUMBERS = {"position": "Int64", "level": "Int64", "first_action_value": "Int64", "completion_value": "Int64",
            "policy_id": "Int64"}


class SettingsError(ValueError):
    """Invalid policy or calendar input; ``key`` and ``values`` give the translated message."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(i18n.t(key, "en", **values))


def load_policies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _typed(con.execute(f"SELECT {_STORED} FROM sla_policies ORDER BY position").df())


def preset_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The presets in the order the migration lists them (the seed's levels first)."""
    return [name for (name,) in con.execute(
        "SELECT preset FROM sla_policy_presets GROUP BY preset ORDER BY min(rowid)").fetchall()]


def preset_policies(con: duckdb.DuckDBPyConnection, preset: str, lang: str) -> pd.DataFrame:
    """A preset's policies as the editor shows them, named in ``lang``; new, so without ids."""
    return _typed(con.execute(
        f"""SELECT {_select(name="CASE WHEN $lang = 'en' THEN name_en ELSE name_zh END", policy_id="NULL")}
            FROM sla_policy_presets WHERE preset = $preset ORDER BY position""",
        {"preset": preset, "lang": lang},
    ).df())


def _select(**computed: str) -> str:
    """The policy columns as a SELECT list, some of them computed."""
    return ", ".join(f"{computed[c]} AS {c}" if c in computed else c for c in POLICY_COLUMNS)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(_NUMBERS)


def _text(value) -> str | None:
    return None if pd.isna(value) or not str(value).strip() else str(value).strip()


def _whole(value, *, low: int = 0, high: int | None = None) -> int | None:
    """``value`` as a whole number within [low, high]; None when it is anything else."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    if pd.isna(number) or number != round(number) or number < low or (high is not None and number > high):
        return None
    return int(number)


def validate_policies(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited list, cleaned and numbered 1.. in its order; raises naming the first problem.

    Rows are ordered by their position (rows without one go last, in the order shown); rows with
    nothing filled in are dropped. Text is trimmed and an empty cell is a missing condition.
    """
    frame = frame.reindex(columns=POLICY_COLUMNS).astype(object)
    frame = frame[frame.drop(columns=["position", "policy_id", "first_action"]).map(_text).notna().any(axis=1)]
    order = pd.to_numeric(frame["position"], errors="coerce")
    frame = frame.assign(position=order).sort_values("position", kind="stable", na_position="last")
    rows = []
    for position, row in enumerate(frame.to_dict("records"), start=1):
        rows.append(_valid_row(row | {"position": position}))
    cleaned = _typed(pd.DataFrame(rows, columns=POLICY_COLUMNS))
    cleaned.loc[cleaned["policy_id"].duplicated() & cleaned["policy_id"].notna(), "policy_id"] = pd.NA
    return cleaned


def _valid_row(row: dict) -> dict:
    for column in _TEXT_COLUMNS:
        row[column] = _text(row[column])
    where = {"position": row["position"], "name": row["name"] or ""}
    if row["name"] is None:
        raise SettingsError("service.error.policy_name", **where)
    if _text(row["level"]) is not None:
        row["level"] = _whole(row["level"], low=1, high=5)
        if row["level"] is None:
            raise SettingsError("service.error.policy_level", **where)
    else:
        row["level"] = None
    row["first_action"] = _text(row["first_action"]) or FIRST_ACTIONS[0]
    if row["first_action"] not in FIRST_ACTIONS:
        raise SettingsError("service.error.policy_first_action", **where)
    stages = 0
    for stage in STAGES:
        value, unit = _text(row[f"{stage}_value"]), _text(row[f"{stage}_unit"])
        if value is None and unit is None:
            row[f"{stage}_value"] = row[f"{stage}_unit"] = None
            continue
        row[f"{stage}_value"] = _whole(row[f"{stage}_value"])
        if row[f"{stage}_value"] is None:
            raise SettingsError(f"service.error.policy_{stage}_value", **where)
        if unit not in UNITS:
            raise SettingsError(f"service.error.policy_{stage}_unit", **where)
        row[f"{stage}_unit"] = unit
        stages += 1
    if not stages:
        raise SettingsError("service.error.policy_no_stage", **where)
    row["policy_id"] = _whole(row["policy_id"], low=1)
    return row


def store_policies(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Replace the stored list with ``frame`` (validated); the caller re-derives the deadlines."""
    frame = validate_policies(frame)
    con.execute("DELETE FROM sla_policies")
    with store.registered(con, "edited_policies", frame):
        con.execute(f"""INSERT INTO sla_policies ({_STORED})
                        SELECT {_select(policy_id="coalesce(policy_id, nextval('sla_policy_id_seq'))")}
                        FROM edited_policies ORDER BY position""")
