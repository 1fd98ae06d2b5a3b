"""Development blueprints, certificate alerts, team shortages and training plans.

A blueprint lists, for every gap (a role competency below its required level), the learning
items that build the missing levels: items of that competency whose level is above the person's
current level and at most the required level. An item is done when the person completed it;
completion is done items / blueprint items. Finishing every item does not raise a level by
itself: the level changes with the next assessment or certificate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd

from kpi.people.model import MIX_GROUPS, name_column
from kpi.people.skills import SCOPE_AND_LEVELS, Scope, frame

# Blueprint items of everyone in scope; a gap without any learning item keeps a row (item NULL).
_BLUEPRINT = """
blueprint AS (
    SELECT rc.employee_id, rc.competency_id, rc.axis_order, rc.level AS current_level,
           rc.required_level, rc.gap, i.item_id, i.level AS item_level, i.delivery_mode, i.hours,
           d.completed_on, (d.completed_on IS NOT NULL) AS completed,
           i.title_zh, i.title_en
    FROM required_cell rc
    LEFT JOIN learning_items i
           ON i.competency_id = rc.competency_id AND i.level > rc.level AND i.level <= rc.required_level
    LEFT JOIN completed_learning d ON d.employee_id = rc.employee_id AND d.item_id = i.item_id
    WHERE rc.gap > 0
)
"""


@dataclass(frozen=True)
class Blueprint:
    items: pd.DataFrame      # one row per gap × learning item (item_id empty: no item for that gap)
    done: int
    total: int

    @property
    def completion(self) -> float | None:
        """Share of blueprint items completed; None when there is nothing to learn."""
        return self.done / self.total if self.total else None


def blueprint(con: duckdb.DuckDBPyConnection, employee_id: str, as_of: date, lang: str) -> Blueprint:
    """One person's development blueprint: largest gap first, then radar order, then item level."""
    items = frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}, {_BLUEPRINT}
        SELECT b.competency_id, c.{name_column(lang)} AS competency, b.current_level, b.required_level,
               b.gap, b.item_id, b.{name_column(lang, 'title')} AS title, b.item_level, b.delivery_mode,
               b.hours, b.completed, b.completed_on
        FROM blueprint b JOIN competencies c USING (competency_id)
        ORDER BY b.gap DESC, b.axis_order, b.item_level, b.item_id
        """,
        Scope(employee_ids=(employee_id,)).params(as_of),
    )
    with_item = items[items["item_id"].notna()]
    return Blueprint(items, int(with_item["completed"].sum()), len(with_item))


def expiring_certificates(
    con: duckdb.DuckDBPyConnection, as_of: date, window_days: int, lang: str, scope: Scope = Scope()
) -> pd.DataFrame:
    """Certificates valid on ``as_of`` that expire within ``window_days`` days (that day included)."""
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}
        SELECT s.employee_id, s.name, x.certificate_name, x.issuer, c.{name_column(lang)} AS competency,
               x.level, x.expires_on, date_diff('day', CAST($as_of AS DATE), x.expires_on) AS days_left
        FROM certificates x
        JOIN scope s USING (employee_id)
        JOIN competencies c USING (competency_id)
        WHERE x.issued_on <= $as_of AND x.expires_on BETWEEN $as_of AND $until
        ORDER BY x.expires_on, s.name
        """,
        {**scope.params(as_of), "until": as_of + timedelta(days=window_days)},
    )


def missing_certificates(con: duckdb.DuckDBPyConnection, as_of: date, lang: str, scope: Scope = Scope()) -> pd.DataFrame:
    """People whose role requires a certificate for a competency and who hold no valid one at the
    required level; ``last_expired_on`` says when an earlier one ran out, if one did."""
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}
        SELECT s.employee_id, s.name, r.competency_id, c.{name_column(lang)} AS competency, r.required_level,
               max(x.level) FILTER (WHERE x.issued_on <= $as_of
                                      AND (x.expires_on IS NULL OR x.expires_on >= $as_of)) AS valid_level,
               max(x.expires_on) FILTER (WHERE x.expires_on < $as_of) AS last_expired_on
        FROM scope s
        JOIN role_requirements r ON r.role_id = s.role_id AND r.certificate_required
        JOIN competencies c ON c.competency_id = r.competency_id
        LEFT JOIN certificates x ON x.employee_id = s.employee_id AND x.competency_id = r.competency_id
        GROUP BY s.employee_id, s.name, r.competency_id, c.{name_column(lang)}, r.required_level, r.axis_order
        HAVING coalesce(max(x.level) FILTER (WHERE x.issued_on <= $as_of
                                               AND (x.expires_on IS NULL OR x.expires_on >= $as_of)), 0)
               < r.required_level
        ORDER BY s.name, r.axis_order
        """,
        scope.params(as_of),
    )


def team_shortage(con: duckdb.DuckDBPyConnection, as_of: date, lang: str, scope: Scope = Scope()) -> pd.DataFrame:
    """Per competency: the sum of gaps over the people whose role requires it, largest first."""
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}
        SELECT rc.competency_id, c.{name_column(lang)} AS competency,
               CAST(sum(rc.gap) AS INTEGER) AS total_gap,
               count(*) FILTER (WHERE rc.gap > 0) AS people_short,
               count(*) AS people_required
        FROM required_cell rc JOIN competencies c USING (competency_id)
        GROUP BY rc.competency_id, c.{name_column(lang)}
        ORDER BY total_gap DESC, people_short DESC, rc.competency_id
        """,
        scope.params(as_of),
    )


def people_short(
    con: duckdb.DuckDBPyConnection, competency_id: str, as_of: date, lang: str, scope: Scope = Scope()
) -> pd.DataFrame:
    """Who falls short in one competency (name, department, level, required, gap), largest gap first."""
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}
        SELECT s.employee_id, s.name, s.department, rc.level, rc.required_level, rc.gap
        FROM required_cell rc JOIN scope s USING (employee_id)
        WHERE rc.competency_id = $competency_id AND rc.gap > 0
        ORDER BY rc.gap DESC, s.name
        """,
        {**scope.params(as_of), "competency_id": competency_id},
    )


def training_priorities(con: duckdb.DuckDBPyConnection, as_of: date, lang: str, scope: Scope = Scope()) -> pd.DataFrame:
    """Learning items ranked by how many people in scope still need them to close a gap."""
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}, {_BLUEPRINT}
        SELECT b.item_id, b.{name_column(lang, 'title')} AS title, c.{name_column(lang)} AS competency,
               b.item_level, b.delivery_mode, b.hours,
               count(*) AS people, count(*) * b.hours AS total_hours
        FROM blueprint b JOIN competencies c USING (competency_id)
        WHERE b.item_id IS NOT NULL AND NOT b.completed
        GROUP BY b.item_id, b.{name_column(lang, 'title')}, c.{name_column(lang)}, b.item_level,
                 b.delivery_mode, b.hours
        ORDER BY people DESC, b.item_level, b.item_id
        """,
        scope.params(as_of),
    )


def training_plan(con: duckdb.DuckDBPyConnection, as_of: date, lang: str, scope: Scope = Scope()) -> pd.DataFrame:
    """Who should take which open learning item: the downloadable plan.

    Personal data kept to what scheduling needs: id, name, department. No levels or notes.
    """
    return frame(
        con,
        f"""
        WITH {SCOPE_AND_LEVELS}, {_BLUEPRINT}
        SELECT b.item_id, b.{name_column(lang, 'title')} AS title, c.{name_column(lang)} AS competency,
               b.item_level, b.delivery_mode, b.hours, s.employee_id, s.name, s.department
        FROM blueprint b
        JOIN scope s USING (employee_id)
        JOIN competencies c USING (competency_id)
        WHERE b.item_id IS NOT NULL AND NOT b.completed
        ORDER BY count(*) OVER (PARTITION BY b.item_id) DESC, b.item_level, b.item_id, s.name
        """,
        scope.params(as_of),
    )


def delivery_mix(items: pd.DataFrame) -> dict[str, float]:
    """Share of learning hours per 70-20-10 group (on_the_job, mentoring, formal); empty if no hours."""
    with_mode = items[items["delivery_mode"].notna()]
    total = float(with_mode["hours"].sum())
    if total == 0:
        return {}
    by_group = with_mode.groupby(with_mode["delivery_mode"].map(MIX_GROUPS))["hours"].sum()
    return {group: float(by_group.get(group, 0.0)) / total for group in ("on_the_job", "mentoring", "formal")}
