"""Weekly work plans ("每週工作計畫與進度追蹤" plans) and the manager's check-ins.

A task belongs to the week (Monday) of its due date, else its start date, else its creation date,
and to each person in its Assigned To. Per person and week: tasks planned, done (progress
completed), late (Planner's Late flag, or completed after its due date), progress updates (an
export in which the task's progress or completed checklist items differ from its previous export
of the plan) and the days with at least one update. The first export of a task is no update.

Check-in cadences, after the seed: strong performers on Monday and Friday (weekly review: next
week's tasks, help needed); average performers every working day before leaving (progress
check, step in on delays); new or below-expectation staff every working day in the morning (the
day's goal, yesterday reviewed) and before leaving (progress check).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from kpi import store

GROUPS = ("strong", "average", "new")
WORKING_DAYS = range(5)  # Monday … Friday
CADENCES: dict[str, dict[int, tuple[str, ...]]] = {
    "strong": {0: ("weekly_review",), 4: ("weekly_review",)},
    "average": {day: ("evening_check",) for day in WORKING_DAYS},
    "new": {day: ("morning_goal", "evening_check") for day in WORKING_DAYS},
}

# One row per weekly-plan task and assignee, with the week it belongs to.
_ASSIGNED = """
    SELECT t.*, trim(person) AS person,
           CAST(date_trunc('week', coalesce(t.due_on, t.start_on, t.created_on)) AS DATE) AS week
    FROM {tasks} t JOIN okr_plans p USING (plan_id), unnest(string_split(t.assigned_to, ';')) AS a(person)
    WHERE p.kind = 'weekly' AND trim(person) <> ''
"""
_LATE = "(coalesce(is_late, false) OR (completed_on IS NOT NULL AND due_on IS NOT NULL AND completed_on > due_on))"


def person_weeks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """person, week, planned, done, late, updates, update_days: one row per person and week."""
    return con.execute(f"""
        WITH planned AS (
            SELECT person, week, count(*) AS planned, count(*) FILTER (progress = 'completed') AS done,
                   count(*) FILTER ({_LATE}) AS late
            FROM ({_ASSIGNED.format(tasks='okr_tasks')}) WHERE week IS NOT NULL GROUP BY ALL
        ), snapshots AS (
            SELECT s.task_id, s.plan_id, s.assigned_to, CAST(i.export_date AS DATE) AS day,
                   (s.progress, coalesce(s.checklist_done, -1)) IS DISTINCT FROM lag((s.progress,
                       coalesce(s.checklist_done, -1))) OVER (PARTITION BY s.plan_id, s.task_id
                                                             ORDER BY i.export_date, i.batch_id) AS changed,
                   row_number() OVER (PARTITION BY s.plan_id, s.task_id ORDER BY i.export_date, i.batch_id) AS nth
            FROM okr_task_snapshots s JOIN okr_exports i USING (batch_id) JOIN okr_plans p ON p.plan_id = s.plan_id
            WHERE p.kind = 'weekly'
        ), updates AS (
            SELECT trim(person) AS person, CAST(date_trunc('week', day) AS DATE) AS week, count(*) AS updates,
                   count(DISTINCT day) AS update_days
            FROM snapshots, unnest(string_split(assigned_to, ';')) AS a(person)
            WHERE changed AND nth > 1 AND trim(person) <> '' GROUP BY ALL
        )
        SELECT person, week, coalesce(planned, 0) AS planned, coalesce(done, 0) AS done, coalesce(late, 0) AS late,
               coalesce(updates, 0) AS updates, coalesce(update_days, 0) AS update_days
        FROM planned FULL JOIN updates USING (person, week) ORDER BY week, person
    """).df()


def team_trend(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """week, team, planned, done, late, completion, lateness: the team is the person's department in
    the people data (people unknown there count under an empty team)."""
    return con.execute(f"""
        SELECT week, coalesce(max(pe.department), '') AS team, count(*) AS planned,
               count(*) FILTER (progress = 'completed') AS done, count(*) FILTER ({_LATE}) AS late,
               count(*) FILTER (progress = 'completed') / count(*) AS completion,
               count(*) FILTER ({_LATE}) / count(*) AS lateness
        FROM ({_ASSIGNED.format(tasks='okr_tasks')}) a LEFT JOIN people pe ON pe.name = a.person
        WHERE week IS NOT NULL GROUP BY week, pe.department ORDER BY week, team
    """).df()


def checkin_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every person with their check-in group (None where none is set)."""
    frame = con.execute(
        "SELECT p.employee_id, p.name, p.department, p.manager, g.checkin_group FROM people p"
        " LEFT JOIN people_checkin_groups g USING (employee_id) ORDER BY p.department, p.employee_id").df()
    return frame.astype(object).where(frame.notna(), None)


def save_checkin_groups(con: duckdb.DuckDBPyConnection, groups: dict[str, str | None]) -> None:
    """Set (or clear, with None) the group of each employee id given."""
    unknown = [group for group in groups.values() if group is not None and group not in GROUPS]
    if unknown:
        raise ValueError(unknown[0])
    with store.transaction(con):
        for employee_id, group in groups.items():
            con.execute("DELETE FROM people_checkin_groups WHERE employee_id = ?", [employee_id])
            if group is not None:
                con.execute("INSERT INTO people_checkin_groups VALUES (?, ?)", [employee_id, group])
        store.bump_data_version(con)


def checkins(con: duckdb.DuckDBPyConnection, day: date, manager: str | None = None) -> pd.DataFrame:
    """The check-ins due on ``day`` (one row per person and moment), with the person's open and late
    weekly-plan tasks of that week: employee_id, name, group, action, open_tasks, late_tasks."""
    week = day - timedelta(days=day.weekday())
    people = checkin_groups(con)
    people = people[people["checkin_group"].notna()]
    if manager:
        people = people[people["manager"] == manager]
    tasks = con.execute(f"""
        SELECT person, count(*) FILTER (progress <> 'completed') AS open_tasks, count(*) FILTER ({_LATE}) AS late_tasks
        FROM ({_ASSIGNED.format(tasks='okr_tasks')}) WHERE week = ? GROUP BY person
    """, [week]).df().set_index("person")
    rows = []
    for person in people.to_dict("records"):
        for action in CADENCES[person["checkin_group"]].get(day.weekday(), ()):
            found = tasks.loc[person["name"]] if person["name"] in tasks.index else None
            rows.append({"employee_id": person["employee_id"], "name": person["name"],
                         "group": person["checkin_group"], "action": action,
                         "open_tasks": int(found["open_tasks"]) if found is not None else 0,
                         "late_tasks": int(found["late_tasks"]) if found is not None else 0})
    order = {"morning_goal": 0, "weekly_review": 1, "evening_check": 2}
    frame = pd.DataFrame(rows, columns=["employee_id", "name", "group", "action", "open_tasks", "late_tasks"])
    return frame.sort_values(["action", "employee_id"], key=lambda c: c.map(order) if c.name == "action" else c,
                             ignore_index=True)
