"""A small team with hand-checked levels, shared by the people tests (seed competency model).

Expected values are worked out in the tests that use them.
"""

from datetime import date

import duckdb

AS_OF = date(2024, 6, 30)

# CS requires: project_issue_mgmt 2, communication 2, requirement_mgmt 1, problem_discovery 2,
# it_fundamentals 2 (certificate), product_faq 3. PM: project_mgmt 3 (certificate), communication 3,
# requirement_mgmt 2, documents_presentations 2, it_fundamentals 1, product_training 2.
PEOPLE = [
    ("A1", "甲", "客服部", "CS"),
    ("A2", "乙", "客服部", "CS"),
    ("A3", "丙", "客服部", "CS"),
    ("P1", "丁", "專案部", "PM"),
]
ASSESSMENTS = [  # employee, competency, source, day, level
    ("A1", "communication", "self", "2024-05-01", 3),
    ("A1", "communication", "manager", "2024-01-10", 1),
    ("A1", "communication", "manager", "2024-03-01", 2),   # newest manager rating beats the later self rating
    ("A1", "it_fundamentals", "manager", "2024-02-01", 1),  # loses to the valid certificate
    ("A1", "product_faq", "self", "2024-04-01", 2),         # the certificate expired the day before AS_OF
    ("A1", "problem_discovery", "manager", "2024-07-15", 3),  # after AS_OF: not yet known
    ("A1", "problem_discovery", "self", "2024-01-01", 1),
    ("A2", "project_issue_mgmt", "manager", "2024-01-01", 2),
    ("A2", "communication", "manager", "2024-01-01", 2),
    ("A2", "requirement_mgmt", "manager", "2024-01-01", 0),
    ("A2", "problem_discovery", "manager", "2024-01-01", 3),
    ("A2", "product_faq", "manager", "2024-01-01", 3),
    ("A3", "project_issue_mgmt", "self", "2024-02-01", 2),
    ("A3", "communication", "self", "2024-02-01", 1),
    ("A3", "product_faq", "manager", "2024-02-01", 1),
    ("P1", "project_mgmt", "manager", "2024-02-01", 3),
]
CERTIFICATES = [  # employee, name, competency, level, issued, expires
    ("A1", "MCSA", "it_fundamentals", 2, "2023-01-01", "2025-12-31"),
    ("A1", "FAQ master", "product_faq", 3, "2021-06-29", "2024-06-29"),
    ("A1", "Req basic", "requirement_mgmt", 1, "2024-01-01", None),
    ("A1", "Req pro", "requirement_mgmt", 2, "2024-01-01", None),    # same day: the higher level wins
    ("A2", "MCSA", "it_fundamentals", 2, "2021-06-30", "2024-06-30"),  # valid through its expiry day
    ("P1", "PMP", "project_mgmt", 3, "2020-01-01", "2023-01-01"),     # expired
]
COMPLETED = [("A1", "issue_sop", "2024-03-01"), ("A1", "root_cause_cases", "2024-04-01"), ("A1", "qbq", "2023-01-01")]


def seed_team(con: duckdb.DuckDBPyConnection) -> None:
    con.executemany("INSERT INTO people VALUES (?, ?, ?, ?, NULL)", PEOPLE)
    con.executemany("INSERT INTO assessments VALUES (?, ?, ?, ?, ?, NULL, NULL)", ASSESSMENTS)
    con.executemany("INSERT INTO certificates VALUES (?, ?, NULL, ?, ?, ?, ?, NULL)", CERTIFICATES)
    con.executemany("INSERT INTO completed_learning VALUES (?, ?, ?, NULL)", COMPLETED)
