"""People records: minimal export tables (written by kpi.exports) that re-import as they are (erasing a
person: ``kpi.people.erasure``).

Assessments are personal data, so exports carry what their purpose needs: the evidence tables
keep notes only when asked to, the matrix export holds current levels without sources or notes,
and the training plan (``development.training_plan``) names people without any levels.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from kpi.people.model import MODEL_TABLES
from kpi.people.skills import Scope, skill_matrix

# Evidence tables in their upload layout (the headers an upload recognises), notes last.
DATA_TABLES: dict[str, tuple[str, ...]] = {
    "people": ("employee_id", "name", "department", "role_id", "manager"),
    "assessments": ("employee_id", "competency_id", "source", "assessed_on", "level", "note"),
    "certificates": ("employee_id", "certificate_name", "issuer", "competency_id", "level", "issued_on", "expires_on"),
    "completed_learning": ("employee_id", "item_id", "completed_on"),
}
EXPORTABLE = (*DATA_TABLES, *MODEL_TABLES)


def people_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Everyone, for pickers: employee_id, name, department, role_id, manager; by name."""
    return con.execute(f"SELECT {', '.join(DATA_TABLES['people'])} FROM people ORDER BY name, employee_id").df()


def table_export(con: duckdb.DuckDBPyConnection, table: str, include_notes: bool = False) -> pd.DataFrame:
    """A people or model table in the layout its upload takes; assessment notes only on request."""
    columns = DATA_TABLES.get(table) or MODEL_TABLES[table]
    if table == "assessments" and not include_notes:
        columns = columns[:-1]
    return con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {', '.join(columns[:2])}").df()


def matrix_export(con: duckdb.DuckDBPyConnection, as_of: date, lang: str, scope: Scope = Scope()) -> pd.DataFrame:
    """The skills matrix as a wide table of current levels: id, name, department, role, one column
    per competency (named in ``lang``), re-importable as a matrix upload."""
    long = skill_matrix(con, as_of, lang, scope)
    if long.empty:
        return pd.DataFrame(columns=["employee_id", "name", "department", "role_id"])
    # Only levels someone assessed or certified: an empty cell re-imports as "no rating", not as 0.
    evidenced = long.assign(level=long["level"].astype("Int64").where(long["source"].notna()))
    people = long.drop_duplicates("employee_id").set_index("employee_id")[["name", "department", "role_id"]]
    return people.join(wide_levels(evidenced)).reset_index()


def wide_levels(long: pd.DataFrame, value: str = "level") -> pd.DataFrame:
    """Pivot a long skill matrix to people × competencies: rows by employee_id in the order they
    come, columns named in the matrix's language and order."""
    order = long.drop_duplicates("competency_id").sort_values("column_order")
    wide = long.pivot(index="employee_id", columns="competency_id", values=value)
    wide = wide.reindex(index=long["employee_id"].unique(), columns=order["competency_id"])
    wide.columns = order["competency"].tolist()
    return wide


