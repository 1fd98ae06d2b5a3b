"""Weekly work plans: per person and week, the team trend, and the manager's check-ins by group."""

from datetime import date

import pandas as pd

from kpi.okr import planner, weekly
from tests.okr_fixtures import seed_people, weekly_exports

WEEK = pd.Timestamp("2026-11-02")


def load(con):
    seed_people(con)
    for number, data in enumerate(weekly_exports()):
        planner.commit(con, planner.read_export(con, data, f"day{number}.xlsx"))


def test_person_weeks(con):
    load(con)
    got = weekly.person_weeks(con)
    # 王小明: W-1 done on time, updated Tue (checklist 1/2) and Fri (completed);
    # 林美華: W-2 open (updated Tue), W-3 done Fri after its Thursday due date (late);
    # 陳新人: W-3 only.
    assert got.assign(week=pd.to_datetime(got["week"])).to_dict("records") == [
        {"person": "林美華", "week": WEEK, "planned": 2, "done": 1, "late": 1, "updates": 2, "update_days": 2},
        {"person": "王小明", "week": WEEK, "planned": 1, "done": 1, "late": 0, "updates": 2, "update_days": 2},
        {"person": "陳新人", "week": WEEK, "planned": 1, "done": 1, "late": 1, "updates": 1, "update_days": 1},
    ]


def test_team_trend(con):
    load(con)
    row = weekly.team_trend(con).iloc[0]
    assert (row.team, row.planned, row.done, row.late, row.completion, row.lateness) == ("客服部", 4, 3, 2, 0.75, 0.5)


def test_checkins_follow_each_group_cadence(con):
    load(con)
    monday = weekly.checkins(con, date(2026, 11, 2), manager="張經理")
    assert monday[["employee_id", "action", "open_tasks", "late_tasks"]].values.tolist() == [
        ["E3", "morning_goal", 0, 1], ["E1", "weekly_review", 0, 0],
        ["E2", "evening_check", 1, 1], ["E3", "evening_check", 0, 1]]
    wednesday = weekly.checkins(con, date(2026, 11, 4))
    assert wednesday[["employee_id", "action"]].values.tolist() == [
        ["E3", "morning_goal"], ["E2", "evening_check"], ["E3", "evening_check"]]
    assert weekly.checkins(con, date(2026, 11, 7)).empty  # Saturday
    assert weekly.checkins(con, date(2026, 11, 2), manager="someone else").empty


def test_groups_are_saved_and_cleared(con):
    seed_people(con)
    weekly.save_checkin_groups(con, {"E1": "new", "E2": None})
    assert weekly.checkin_groups(con)["checkin_group"].tolist() == ["new", None, "new"]
