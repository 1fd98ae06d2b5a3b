"""Deterministic demo people: the demo ticket owners plus their managers and new hires (40 people).

The generator writes the four files a team would upload (people list, assessments, certificates,
completed learning) and imports them through the same checks as a user's upload, so the demo
exercises the whole path. Names are ``kpi.demo.DEMO_OWNERS``, so the performance figures join
the demo tickets by owner name. Dates are fixed relative to the demo year's end, so every
machine gets the same rows; what counts as "expiring" still depends on the day you look.

How the demo people are made up:
- 系統服務部 is the PM department; every other department is CS. Each department has a manager
  (who owns no tickets) and a new hire (no tickets yet, few skills).
- Everyone has a true level per role competency around their seniority. Managers rate about
  85% of competencies at the true level (some twice: an older rating a year earlier, one level
  lower); self ratings run up to one level optimistic. Certificates back the competencies whose
  level a role must prove, some expiring within three months of the demo's end, some expired.
- Learning items at or below someone's level are done; of the items above it, about a third.

The store lists the demo people's ids in ``demo_people`` (``schema/055_demo_people.sql``), so the
home page can say they are shown and removing the demo data takes them out with the demo tickets.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from kpi import sql, store
from kpi.demo import DEMO_DIR, DEMO_END, DEMO_OWNERS
from kpi.ingest import batches
from kpi.ingest.reader import read_frame
from kpi.people.erasure import tables_with_column
from kpi.people.imports import ImportDefaults, apply_import, plan_import

DEMO_PEOPLE_SEED = 4
REFERENCE_DAY = DEMO_END  # the demo's "today"
PM_DEPARTMENT = "系統服務部"
MANAGERS = {
    "客服一部": "張美華", "客服二部": "陳國榮", "系統服務部": "林秀英", "維修中心": "黃文雄", "網路維運部": "李淑貞",
}  # fmt: skip
NEW_HIRES = {
    "客服一部": "吳柏翰", "客服二部": "施雅筑", "系統服務部": "方冠霖", "維修中心": "杜欣妤", "網路維運部": "石承恩",
}  # fmt: skip
# The certificates that prove the levels roles must prove (competency, level, name, issuer, years valid).
CERTIFICATES = {
    "it_fundamentals": (
        (1, "Microsoft Azure Fundamentals (AZ-900)", "Microsoft", 2),
        (2, "Microsoft Certified: Windows Server Hybrid Administrator", "Microsoft", 3),
    ),
    "project_mgmt": (
        (2, "CAPM", "PMI", 5),
        (3, "PMP", "PMI", 3),
    ),
}
FILES = ("people.csv", "assessments.csv", "certificates.csv", "learning.csv")


def _roster(rng: random.Random) -> list[dict]:
    """Employee id, name, department, role, manager and seniority (0..3) of the 40 demo people."""
    people = []
    for name, department in DEMO_OWNERS:
        people.append({"name": name, "department": department, "seniority": rng.uniform(0.8, 2.9)})
    for department, name in MANAGERS.items():
        people.append({"name": name, "department": department, "seniority": rng.uniform(2.4, 3.2)})
    for department, name in NEW_HIRES.items():
        people.append({"name": name, "department": department, "seniority": rng.uniform(0.2, 0.9)})
    for number, person in enumerate(people, start=1):
        person["employee_id"] = f"E{1000 + number}"
        person["role_id"] = "PM" if person["department"] == PM_DEPARTMENT else "CS"
        is_manager = MANAGERS[person["department"]] == person["name"]
        person["manager"] = None if is_manager else MANAGERS[person["department"]]
    return people


def demo_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The demo's four upload files as frames (the same every time)."""
    rng = random.Random(DEMO_PEOPLE_SEED)
    requirements = con.execute(
        "SELECT role_id, competency_id FROM role_requirements ORDER BY role_id, axis_order"
    ).fetchall()
    items = con.execute("SELECT item_id, competency_id, level FROM learning_items ORDER BY item_id").fetchall()
    people = _roster(rng)
    assessments, certificates, learning = [], [], []
    for person in people:
        true_levels = {}
        for role_id, competency_id in requirements:
            if role_id != person["role_id"]:
                continue
            level = max(0, min(3, round(person["seniority"] + rng.gauss(0, 0.7))))
            true_levels[competency_id] = level
            assessments += _ratings(rng, person["employee_id"], competency_id, level)
            certificates += _certificates(rng, person["employee_id"], competency_id, level)
        learning += _learning(rng, person["employee_id"], true_levels, items)
    return {
        "people.csv": pd.DataFrame(people).drop(columns="seniority")[
            ["employee_id", "name", "department", "role_id", "manager"]],
        "assessments.csv": pd.DataFrame(assessments),
        "certificates.csv": pd.DataFrame(certificates),
        "learning.csv": pd.DataFrame(learning),
    }


def _day(days_before_reference: int) -> dt.date:
    return REFERENCE_DAY - dt.timedelta(days=days_before_reference)


def _ratings(rng: random.Random, employee_id: str, competency_id: str, level: int) -> list[dict]:
    rows = [{"employee_id": employee_id, "competency_id": competency_id, "source": "self",
             "assessed_on": _day(rng.randint(60, 200)), "level": min(3, level + rng.choice((0, 0, 1))),
             "note": None}]
    if rng.random() < 0.85:
        rated_on = rng.randint(20, 120)
        rows.append({"employee_id": employee_id, "competency_id": competency_id, "source": "manager",
                     "assessed_on": _day(rated_on), "level": level, "note": None})
        if level > 0 and rng.random() < 0.3:
            rows.append({"employee_id": employee_id, "competency_id": competency_id, "source": "manager",
                         "assessed_on": _day(rated_on + 365), "level": level - 1,
                         "note": "年度評核 annual review"})
    return rows


def _certificates(rng: random.Random, employee_id: str, competency_id: str, level: int) -> list[dict]:
    held = [c for c in CERTIFICATES.get(competency_id, ()) if c[0] <= level]
    if not held or rng.random() < 0.2:
        return []
    cert_level, name, issuer, years = held[-1]
    # Mostly valid for a while; one in five expiring within 90 days, one in ten expired.
    roll = rng.random()
    if roll < 0.1:
        expires_in = -rng.randint(10, 200)
    elif roll < 0.3:
        expires_in = rng.randint(1, 90)
    else:
        expires_in = rng.randint(120, 900)
    expires_on = REFERENCE_DAY + dt.timedelta(days=expires_in)
    issued_on = expires_on - dt.timedelta(days=365 * years)
    return [{"employee_id": employee_id, "certificate_name": name, "issuer": issuer, "competency_id": competency_id,
             "level": cert_level, "issued_on": issued_on, "expires_on": expires_on}]


def _learning(rng: random.Random, employee_id: str, levels: dict[str, int], items: list[tuple]) -> list[dict]:
    rows = []
    for item_id, competency_id, item_level in items:
        if competency_id not in levels:
            continue
        done = item_level <= levels[competency_id] or rng.random() < 0.33
        if done:
            rows.append({"employee_id": employee_id, "item_id": item_id, "completed_on": _day(rng.randint(10, 700))})
    return rows


def write_demo_files(con: duckdb.DuckDBPyConnection, directory: Path = DEMO_DIR / "people") -> list[Path]:
    """Write the demo people files as UTF-8 CSV (with BOM, as Excel saves); returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for file_name, frame in demo_tables(con).items():
        path = directory / file_name
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths


def demo_roster() -> list[tuple[str, str]]:
    """Employee id and name of each of the 40 demo people."""
    return [(person["employee_id"], person["name"]) for person in _roster(random.Random(DEMO_PEOPLE_SEED))]


def load_demo_people(con: duckdb.DuckDBPyConnection, directory: Path = DEMO_DIR / "people") -> list[str]:
    """Write and import the demo people files in order, and mark them as demo; returns one summary
    line per file."""
    summaries = []
    for path in write_demo_files(con, directory):
        source = read_frame(path.read_bytes(), path.name)
        plan = plan_import(con, source, ImportDefaults(assessed_on=REFERENCE_DAY))
        apply_import(con, plan, is_demo=True)
        summaries.append(f"{path.name}: {plan.rows_accepted} rows imported, {plan.rows_rejected} refused")
    con.executemany("INSERT INTO demo_people VALUES (?) ON CONFLICT DO NOTHING",
                    [[employee_id] for employee_id, _ in demo_roster()])
    return summaries


def demo_people_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many demo people the store holds (the home page says they are shown)."""
    return store.scalar(con, "SELECT count(*) FROM people WHERE employee_id IN (SELECT employee_id FROM demo_people)")


@dataclass(frozen=True)
class DemoRemoval:
    batches: int
    people: int


def remove_demo_data(con: duckdb.DuckDBPyConnection) -> DemoRemoval:
    """Undo every demo batch and remove the demo people, in one transaction; says how many of each."""
    with store.transaction(con):
        people = remove_demo_people(con)  # first: undoing the demo people files takes them out too
        undone = batches.undo_demo_batches(con)
    batches.remove_unreferenced_originals(con, undone)
    return DemoRemoval(len(undone), people)


def remove_demo_people(con: duckdb.DuckDBPyConnection) -> int:
    """Delete the demo people and every row keyed on them, inside the caller's transaction;
    returns how many people went."""
    ids = [row[0] for row in con.execute("SELECT employee_id FROM demo_people").fetchall()]
    removed = store.scalar(con, "SELECT count(*) FROM people WHERE list_contains(CAST($ids AS VARCHAR[]), employee_id)", {"ids": ids})
    for table in tables_with_column(con, "employee_id"):
        con.execute(f"DELETE FROM {sql.ident(table)} WHERE list_contains(CAST($ids AS VARCHAR[]), employee_id)", {"ids": ids})
    if ids:
        store.bump_data_version(con)
    return removed
