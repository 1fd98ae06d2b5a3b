"""Named ROI scenarios in the shared store, with the intangible-benefit checklist and notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from kpi import store
from kpi.roi.model import PARAMETERS, SIDES, ExtraLine, InvalidScenario, Scenario, validate

# The intangible benefits the seed post lists, in its order; texts are roi.benefit.<key>.
BENEFITS = (
    "lower_training_cost", "wider_reach", "shorter_training_time", "faster_onboarding",
    "less_senior_teaching_load", "higher_productivity", "rnd_time_to_market", "service_quality",
    "manufacturing_quality", "dealer_strength", "copy_key_people", "knowledge_transfer",
    "talent_retention", "anytime_anywhere", "repeatable_review", "online_tests_off_hours",
    "willingness_to_learn", "just_in_time_support",
)

_COLUMNS = tuple(p.key for p in PARAMETERS)


@dataclass(frozen=True)
class BenefitCheck:
    checked: bool = False
    note: str = ""


@dataclass(frozen=True)
class StoredScenario:
    scenario_id: int
    name: str
    scenario: Scenario
    notes: str = ""
    benefits: Mapping[str, BenefitCheck] = field(default_factory=dict)   # every BENEFITS key
    updated_at: datetime | None = None


class ScenarioNameError(ValueError):
    """The name is blank or another scenario has it; ``reason`` is roi.problem.name_<reason>."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"scenario name {name!r}: {reason}")
        self.name, self.reason = name, reason


def list_scenarios(con: duckdb.DuckDBPyConnection) -> list[StoredScenario]:
    """Every saved scenario, oldest first (the seed's example leads)."""
    rows = con.execute(
        f"SELECT scenario_id, name, notes, updated_at, {', '.join(_COLUMNS)} "
        "FROM roi_scenarios ORDER BY scenario_id"
    ).fetchall()
    extras: dict[tuple[int, str], list[ExtraLine]] = {}
    for scenario_id, side, name, amount in con.execute(
        "SELECT scenario_id, side, name, amount FROM roi_extra_lines ORDER BY scenario_id, side, position"
    ).fetchall():
        extras.setdefault((scenario_id, side), []).append(ExtraLine(name, amount))
    checks: dict[int, dict[str, BenefitCheck]] = {}
    for scenario_id, key, checked, note in con.execute(
        "SELECT scenario_id, benefit_key, checked, note FROM roi_benefit_checks"
    ).fetchall():
        checks.setdefault(scenario_id, {})[key] = BenefitCheck(checked, note)
    stored = []
    for scenario_id, name, notes, updated_at, *values in rows:
        scenario = Scenario(
            **dict(zip(_COLUMNS, values)),
            **{f"{side}_extra": tuple(extras.get((scenario_id, side), ())) for side in SIDES},
        )
        found = checks.get(scenario_id, {})
        benefits = {key: found.get(key, BenefitCheck()) for key in BENEFITS}
        stored.append(StoredScenario(scenario_id, name, scenario, notes, benefits, updated_at))
    return stored


def save_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int | None, name: str,
                  scenario: Scenario, notes: str = "",
                  benefits: Mapping[str, BenefitCheck] | None = None) -> int:
    """Insert (``scenario_id`` None) or overwrite a scenario; returns its id.

    Raises InvalidScenario for values the model refuses and ScenarioNameError for a blank or
    taken name, leaving the store unchanged.
    """
    name = name.strip()
    if not name:
        raise ScenarioNameError(name, "blank")
    problems = validate(scenario)
    if problems:
        raise InvalidScenario(problems)
    values = [getattr(scenario, column) for column in _COLUMNS]
    with store.transaction(con):
        taken = store.scalar(con,
            "SELECT count(*) FROM roi_scenarios WHERE name = ? AND scenario_id IS DISTINCT FROM ?",
            [name, scenario_id],
        )
        if taken:
            raise ScenarioNameError(name, "taken")
        if scenario_id is None:
            scenario_id = store.scalar(con,
                f"INSERT INTO roi_scenarios (name, notes, {', '.join(_COLUMNS)}) "
                f"VALUES (?, ?, {', '.join('?' for _ in _COLUMNS)}) RETURNING scenario_id",
                [name, notes, *values],
            )
        else:
            con.execute(
                f"UPDATE roi_scenarios SET name = ?, notes = ?, "
                f"{', '.join(f'{column} = ?' for column in _COLUMNS)}, "
                "updated_at = current_localtimestamp() WHERE scenario_id = ?",
                [name, notes, *values, scenario_id],
            )
            _delete_children(con, scenario_id)
        for side in SIDES:
            for position, line in enumerate(scenario.extra(side), start=1):
                con.execute("INSERT INTO roi_extra_lines VALUES (?, ?, ?, ?, ?)",
                            [scenario_id, side, position, line.name, line.amount])
        for key, check in (benefits or {}).items():
            con.execute("INSERT INTO roi_benefit_checks VALUES (?, ?, ?, ?)",
                        [scenario_id, key, check.checked, check.note])
        store.bump_data_version(con)
    return scenario_id


def duplicate_scenario(con: duckdb.DuckDBPyConnection, original: StoredScenario) -> int:
    """A copy named "<name> (2)" (or the next free number); returns the copy's id."""
    names = {row[0] for row in con.execute("SELECT name FROM roi_scenarios").fetchall()}
    number = 2
    while f"{original.name} ({number})" in names:
        number += 1
    return save_scenario(con, None, f"{original.name} ({number})", original.scenario,
                         original.notes, original.benefits)


def delete_scenario(con: duckdb.DuckDBPyConnection, scenario_id: int) -> None:
    with store.transaction(con):
        _delete_children(con, scenario_id)
        con.execute("DELETE FROM roi_scenarios WHERE scenario_id = ?", [scenario_id])
        store.bump_data_version(con)


def _delete_children(con: duckdb.DuckDBPyConnection, scenario_id: int) -> None:
    con.execute("DELETE FROM roi_extra_lines WHERE scenario_id = ?", [scenario_id])
    con.execute("DELETE FROM roi_benefit_checks WHERE scenario_id = ?", [scenario_id])
