"""Current levels, gaps, coverage, single points of failure, blueprints, alerts and team figures,
against expectations computed by hand from a small team (seed competency model)."""

from datetime import date

import pandas as pd
import pytest

from kpi.people import development, performance, skills
from kpi.people.skills import Scope
from tests.people_team import AS_OF, seed_team
from tests.service_tickets import insert_tickets

CS = Scope(roles=("CS",))


@pytest.fixture
def team(con):
    seed_team(con)
    return con


def levels_of(frame: pd.DataFrame, employee_id: str) -> dict[str, tuple]:
    rows = frame[frame["employee_id"] == employee_id]
    return {r.competency_id: (r.level, r.source, str(r.evidence_on.date())) for r in rows.itertuples()}


def test_current_level_follows_the_rule(team):
    assert levels_of(skills.current_levels(team, AS_OF), "A1") == {
        "communication": (2, "manager", "2024-03-01"),      # manager > self; newest manager (2) over older (1)
        "it_fundamentals": (2, "certificate", "2023-01-01"),  # certificate > manager
        "product_faq": (2, "self", "2024-04-01"),            # the certificate expired 2024-06-29
        "problem_discovery": (1, "self", "2024-01-01"),      # the 2024-07-15 rating is after the day asked
        "requirement_mgmt": (2, "certificate", "2024-01-01"),  # two certificates the same day: level 2 over 1
    }
    assert levels_of(skills.current_levels(team, AS_OF), "A2")["it_fundamentals"] == (2, "certificate", "2021-06-30")


def test_the_day_asked_changes_what_counts(team):
    later = levels_of(skills.current_levels(team, date(2024, 7, 15)), "A1")
    assert later["problem_discovery"] == (3, "manager", "2024-07-15")   # now the manager rating exists
    earlier = levels_of(skills.current_levels(team, date(2024, 6, 28)), "A1")
    assert earlier["product_faq"] == (3, "certificate", "2021-06-29")  # the certificate was still valid


def test_gaps_are_sorted_largest_first_then_radar_order(team):
    gaps = skills.person_gaps(team, "A1", AS_OF, "en")
    # A1 has 0/2/2/1/2/2 against 2/2/1/2/2/3: gaps 2 (axis 1), 0, 0, 1 (axis 4), 0, 1 (axis 6).
    assert list(zip(gaps["competency_id"], gaps["gap"])) == [
        ("project_issue_mgmt", 2), ("problem_discovery", 1), ("product_faq", 1),
        ("communication", 0), ("requirement_mgmt", 0), ("it_fundamentals", 0),
    ]
    assert gaps["gap"].sum() == 4


def test_coverage_and_single_points_of_failure(team):
    coverage = skills.coverage(team, AS_OF, "en", CS).set_index("competency_id")
    # CS levels (A1, A2, A3): issue 0,2,2  comm 2,2,1  req 2,0,0  discovery 1,3,0  it 2,2,0  faq 2,3,1
    expected = {  # ≥1, ≥2, ≥3, at the required level, single point of failure
        "project_issue_mgmt": (2, 2, 0, 2, False),
        "communication": (3, 2, 0, 2, False),
        "requirement_mgmt": (1, 1, 0, 1, True),
        "problem_discovery": (2, 1, 1, 1, True),
        "it_fundamentals": (2, 2, 0, 2, False),
        "product_faq": (3, 2, 1, 1, True),
    }
    actual = {c: (r.at_entry, r.at_professional, r.at_consultant, r.meeting_required, r.single_point_of_failure)
              for c, r in coverage.iterrows()}
    assert actual == expected
    assert (coverage["people"] == 3).all()


def test_a_role_with_one_person_is_a_single_point_of_failure_everywhere(team):
    coverage = skills.coverage(team, AS_OF, "en", Scope(roles=("PM",)))
    # P1 meets project management (manager 3) only: 1 person there, 0 elsewhere.
    assert coverage["meeting_required"].tolist() == [1, 0, 0, 0, 0, 0]
    assert coverage["single_point_of_failure"].all()


def test_matrix_marks_requirement_only_for_the_persons_role(team):
    matrix = skills.skill_matrix(team, AS_OF, "en")
    assert len(matrix) == 4 * 9  # 4 people × (6 CS + 3 PM-only competencies)
    cs_cell = matrix[(matrix["employee_id"] == "A1") & (matrix["competency_id"] == "project_mgmt")].iloc[0]
    assert pd.isna(cs_cell["required_level"]) and cs_cell["level"] == 0
    pm_cell = matrix[(matrix["employee_id"] == "P1") & (matrix["competency_id"] == "communication")].iloc[0]
    assert (pm_cell["required_level"], pm_cell["gap"]) == (3, 3)


def test_sorting_people(team):
    matrix = skills.skill_matrix(team, AS_OF, "en", CS)
    assert skills.sort_people(matrix, "total_gap") == ["A3", "A1", "A2"]     # gaps 8, 4, 1
    assert skills.sort_people(matrix, "problem_discovery") == ["A2", "A1", "A3"]  # levels 3, 1, 0


def test_radar_uses_the_first_persons_role_and_team(team):
    data = skills.radar(team, ["A1", "P1"], AS_OF, "en")
    assert (data.role_id, data.department, data.team_size) == ("CS", "客服部", 3)
    assert data.axes["competency_id"].tolist() == [
        "project_issue_mgmt", "communication", "requirement_mgmt", "problem_discovery", "it_fundamentals", "product_faq"]
    # Team averages over A1, A2, A3: (0+2+2)/3, (2+2+1)/3, (2+0+0)/3, (1+3+0)/3, (2+2+0)/3, (2+3+1)/3
    assert data.axes["team_average"].round(4).tolist() == [1.3333, 1.6667, 0.6667, 1.3333, 1.3333, 2.0]
    assert data.people[data.people["employee_id"] == "P1"]["level"].tolist() == [0] * 6  # PM drawn on CS axes
    assert skills.radar(team, [], AS_OF, "en") is None


def test_blueprint_lists_items_that_close_each_gap(team):
    blueprint = development.blueprint(team, "A1", AS_OF, "en")
    # Gaps: issue 0→2 (items of levels 1..2), discovery 1→2 (level 2), FAQ 2→3 (level 3).
    assert blueprint.items["item_id"].tolist() == [
        "issue_sop", "issue_tools", "progress_report", "issue_sla_cases", "root_cause_cases", "faq_ownership"]
    assert blueprint.items["completed"].tolist() == [True, False, False, False, True, False]
    assert (blueprint.done, blueprint.total) == (2, 6)      # qbq is done but builds level 1, which A1 has
    assert blueprint.completion == pytest.approx(2 / 6)
    # Hours: online 2 + 3, on the job 8 + 16 + 16 + 40 = 80, of 85.
    assert development.delivery_mix(blueprint.items) == pytest.approx(
        {"on_the_job": 80 / 85, "mentoring": 0.0, "formal": 5 / 85})


def test_blueprint_without_gaps_or_items(team):
    team.execute("DELETE FROM learning_items WHERE competency_id = 'requirement_mgmt'")
    blueprint = development.blueprint(team, "A2", AS_OF, "en")  # A2's only gap: requirement_mgmt 0 → 1
    assert blueprint.items["item_id"].isna().tolist() == [True]
    assert (blueprint.done, blueprint.total, blueprint.completion) == (0, 0, None)


def test_certificate_alerts(team):
    missing = development.missing_certificates(team, AS_OF, "en")
    # A3 has no IT certificate; P1's PMP expired 2023-01-01. A1 and A2 hold valid level-2 IT certificates.
    assert list(zip(missing["employee_id"], missing["competency_id"])) == [("P1", "project_mgmt"), ("A3", "it_fundamentals")]
    assert str(missing.iloc[0]["last_expired_on"].date()) == "2023-01-01"
    assert pd.isna(missing.iloc[1]["last_expired_on"])
    expiring = development.expiring_certificates(team, AS_OF, 30, "en")
    assert list(zip(expiring["employee_id"], expiring["days_left"])) == [("A2", 0)]
    # 2025-12-31 is 549 days after 2024-06-30.
    assert development.expiring_certificates(team, AS_OF, 549, "en")["days_left"].tolist() == [0, 549]


def test_team_shortage_sums_gaps_per_competency(team):
    shortage = development.team_shortage(team, AS_OF, "en")
    # P1 (PM) gaps: communication 3, requirement 2, documents 2, IT 1, training 2, project mgmt 0.
    # communication 0+0+1+3, requirement 0+1+1+2, IT 0+0+2+1, discovery 1+0+2, FAQ 1+0+2, issue 2+0+0.
    assert list(zip(shortage["competency_id"], shortage["total_gap"], shortage["people_short"])) == [
        ("requirement_mgmt", 4, 3), ("communication", 4, 2),
        ("it_fundamentals", 3, 2), ("problem_discovery", 3, 2), ("product_faq", 3, 2),
        ("documents_presentations", 2, 1), ("product_training", 2, 1), ("project_issue_mgmt", 2, 1),
        ("project_mgmt", 0, 0),
    ]
    who = development.people_short(team, "communication", AS_OF, "en")
    assert list(zip(who["employee_id"], who["gap"])) == [("P1", 3), ("A3", 1)]


def test_training_that_closes_most_gaps_and_the_plan(team):
    ranked = development.training_priorities(team, AS_OF, "en", CS)
    # requirement_form: A2 and A3 (0 → 1); faq_ownership: A1 (2 → 3) and A3 (1 → 3); the rest one person each.
    assert list(zip(ranked["item_id"][:7], ranked["people"][:7])) == [
        ("requirement_form", 2), ("faq_ownership", 2),
        ("issue_tools", 1), ("progress_report", 1), ("qbq", 1), ("sql_basics", 1), ("windows_iis", 1)]
    plan = development.training_plan(team, AS_OF, "en", CS)
    assert len(plan) == 4 + 1 + 12  # open items: A1 4, A2 1, A3 12
    assert set(plan.columns) == {"item_id", "title", "competency", "item_level", "delivery_mode", "hours",
                                 "employee_id", "name", "department"}  # no levels or notes


def test_performance_beside_competence(team):
    insert_tickets(team, [
        # 24 h, done before the commitment
        {"ticket_id": "T1", "owner": "甲", "created_at": "2024-06-01 09:00", "resolved_at": "2024-06-02 09:00",
         "current_commitment_at": "2024-06-03 09:00"},
        # 120 h, after the commitment, 2 escalations
        {"ticket_id": "T2", "owner": "甲", "created_at": "2024-06-05 10:00", "resolved_at": "2024-06-10 10:00",
         "current_commitment_at": "2024-06-07 10:00", "escalation_count": 2},
        {"ticket_id": "T3", "owner": "甲", "created_at": "2024-06-20 08:00", "escalation_count": 1},  # open
        # 12 h, no commitment (never late); the owner is written with spaces around the name
        {"ticket_id": "T4", "owner": " 甲 ", "created_at": "2024-06-21 08:00", "resolved_at": "2024-06-21 20:00"},
        {"ticket_id": "T5", "owner": "乙", "created_at": "2023-01-01 08:00"},  # before the period below
    ])
    figures = performance.performance(team, AS_OF, "en").set_index("employee_id")
    a1 = figures.loc["A1"]
    assert a1["tickets_handled"] == 4
    assert a1["on_time_completion"] == pytest.approx(2 / 3)           # T1, T4 of the 3 completed
    assert a1["avg_escalations"] == pytest.approx(3 / 4)
    assert a1["mean_resolution_hours"] == pytest.approx((24 + 120 + 12) / 3)
    assert a1["total_gap"] == 4
    assert a1["short_in"] == "Project issue management 0▼2, Problem discovery 1▼2, Product operation and FAQ writing 2▼3"
    assert pd.isna(figures.loc["A3", "tickets_handled"])
    in_2024 = performance.performance(team, AS_OF, "en", start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2025-01-01"))
    assert pd.isna(in_2024.set_index("employee_id").loc["A2", "tickets_handled"])


def test_a_shared_name_gets_no_ticket_figures(team):
    team.execute("INSERT INTO people VALUES ('A4', '甲', '客服部', 'CS', NULL)")
    insert_tickets(team, [{"ticket_id": "T1", "owner": "甲", "created_at": "2024-06-01 09:00"}])
    figures = performance.performance(team, AS_OF, "en").set_index("employee_id")
    assert figures.loc[["A1", "A4"], "tickets_handled"].isna().all()
    assert performance.shared_names(team) == ["甲"]
