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
SOURCES = ("certificate", "manager", "self")  # strongest first, as the derivation rule ranks them
DELIVERY_MODES = ("on_the_job", "mentoring", "classroom", "online")
# McCall's 70-20-10: on-the-job experience, mentoring and peers, formal courses (online or classroom).
MIX_GROUPS = {"on_the_job": "on_the_job", "mentoring": "mentoring", "classroom": "formal", "online": "formal"}
MIX_TARGET = {"on_the_job": 0.70, "mentoring": 0.20, "formal": 0.10}

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


def requirements(con: duckdb.DuckDBPyConnection, role_id: str, lang: str) -> pd.DataFrame:
    """A role's competencies in radar-axis order with their names and required levels."""
    return con.execute(
        f"""
        SELECT r.competency_id, c.{name_column(lang)} AS competency, r.axis_order, r.required_level,
               r.certificate_required
        FROM role_requirements r JOIN competencies c USING (competency_id)
        WHERE r.role_id = $role_id
        ORDER BY r.axis_order, r.competency_id
        """,
        {"role_id": role_id},
    ).df()


def model_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """One model table as stored, in export column order (for the editor and for download)."""
    columns = MODEL_TABLES[table]
    order = {"role_requirements": "role_id, axis_order", "learning_items": "competency_id, level, item_id"}
    return con.execute(
        f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order.get(table, columns[0])}"
    ).df()
