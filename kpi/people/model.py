"""The competency model: levels, evidence sources, delivery modes, and the model tables read for display.

Names of roles, competencies and learning items are data (editable, both languages in their own
columns); the names of levels, sources and delivery modes are fixed and live in the translation
table.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from kpi import i18n

LEVELS = (0, 1, 2, 3)  # 0 none, 1 入門 Entry, 2 專業 Professional, 3 顧問 Consultant
TOP_LEVEL = LEVELS[-1]
ASSESSMENT_SOURCES = ("self", "manager")
DELIVERY_MODES = ("on_the_job", "mentoring", "classroom", "online")
# McCall's 70-20-10 groups: on-the-job experience (70%), mentoring and peers (20%), formal courses
# online or in a classroom (10%).
MIX_GROUPS = {"on_the_job": "on_the_job", "mentoring": "mentoring", "classroom": "formal", "online": "formal"}

# The tables that make up the model, each with its columns in export order.
MODEL_TABLES: dict[str, tuple[str, ...]] = {
    "roles": ("role_id", "name_zh", "name_en", "description_zh", "description_en"),
    "competencies": ("competency_id", "name_zh", "name_en", "description_zh", "description_en"),
    "role_requirements": ("role_id", "competency_id", "axis_order", "required_level", "certificate_required"),
    "learning_items": ("item_id", "competency_id", "level", "title_zh", "title_en", "delivery_mode", "hours"),
}


def name_column(lang: str, prefix: str = "name") -> str:
    """The model column holding names in ``lang`` (``name_zh`` / ``name_en``, ``title_…``)."""
    return f"{prefix}_zh" if lang == "zh-TW" else f"{prefix}_en"


def level_name(level: int, lang: str) -> str:
    return i18n.t(f"people.level.{level}", lang)


def level_label(level: int | None, lang: str) -> str:
    """``2 專業`` / ``2 Professional``; ``—`` where there is no level."""
    if level is None or pd.isna(level):
        return "—"
    return f"{int(level)} {level_name(int(level), lang)}"


def source_label(source: str | None, lang: str) -> str:
    return i18n.t(f"people.source.{source}", lang) if source else i18n.t("people.source.none", lang)


def mode_label(mode: str, lang: str) -> str:
    return i18n.t(f"people.mode.{mode}", lang)


def roles(con: duckdb.DuckDBPyConnection, lang: str) -> pd.DataFrame:
    """role_id and its name in ``lang``, in code order."""
    return con.execute(f"SELECT role_id, {name_column(lang)} AS role FROM roles ORDER BY role_id").df()


def departments(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT DISTINCT department FROM people WHERE department IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def competency_names(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """competency_id -> its name in ``lang``."""
    return dict(con.execute(f"SELECT competency_id, {name_column(lang)} FROM competencies").fetchall())


def model_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """One model table as stored, in export column order (for the editor and for download)."""
    columns = MODEL_TABLES[table]
    order = {"role_requirements": "role_id, axis_order", "learning_items": "competency_id, level, item_id"}
    return con.execute(
        f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order.get(table, columns[0])}"
    ).df()
