"""The operations plan's targets: for a KPI of ``kpi.metrics``, a target and the amber and red
thresholds, with the direction in which it improves, overall and per department.

Rating rule (higher is better; mirrored for lower): value < red → red; value < amber → amber;
else green. So at the defaults for the service level (target 85%, amber < 85%, red < 75%)
85.0% is green, 84.9% amber, 75.0% amber and 74.9% red. A department's own row replaces the
overall one there. Values are in the KPI's unit (ratios as fractions); the settings page edits
ratios in percent (``editor_frame`` / ``save_targets``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import duckdb
import pandas as pd

from kpi import i18n, metrics, store

DIRECTIONS = ("higher", "lower")
STATUSES = ("green", "amber", "red")
OVERALL = ""          # the department of the row that holds for every department
COLUMNS = ["kpi_key", "department", "direction", "target", "amber", "red"]
THRESHOLDS = ("target", "amber", "red")
# Shape as well as hue, so the status reads without colour vision and in print.
SYMBOLS = {"green": "✓", "amber": "▲", "red": "✕"}


class TargetsError(ValueError):
    """Invalid targets; ``key`` and ``values`` give the translated message."""

    def __init__(self, key: str, kpi_key: str | None = None, **values):
        self.key, self.kpi_key, self.values = key, kpi_key, values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """In ``lang``, the KPI named by its label there."""
        named = {"kpi": metrics.get(self.kpi_key).label(lang)} if self.kpi_key else {}
        return i18n.t(self.key, lang, **self.values, **named)


@dataclass(frozen=True)
class Target:
    kpi_key: str
    department: str
    direction: str
    target: float
    amber: float
    red: float

    def status(self, value) -> str | None:
        if value is None or pd.isna(value):
            return None
        worse = (lambda v, limit: v < limit) if self.direction == "higher" else (lambda v, limit: v > limit)
        if worse(value, self.red):
            return "red"
        return "amber" if worse(value, self.amber) else "green"

    def legend(self, lang: str) -> str:
        """e.g. "target ≥ 85.0%, amber < 85.0%, red < 75.0%"."""
        metric = metrics.get(self.kpi_key)
        return i18n.t(f"targets.legend.{self.direction}", lang,
                      **{name: metric.format(getattr(self, name), lang) for name in THRESHOLDS})


@dataclass(frozen=True)
class Rating:
    status: str                  # green, amber or red
    symbol: str                  # ✓ ▲ ✕
    word: str                    # on target / watch / off target, translated
    legend: str                  # what the target is, translated

    @property
    def text(self) -> str:
        return f"{self.symbol} {self.word}"


@dataclass(frozen=True)
class Targets:
    """Every stored target, keyed by (KPI, department); ``OVERALL`` rows hold everywhere else."""

    rows: tuple[Target, ...]

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Target]:
        return {(row.kpi_key, row.department): row for row in self.rows}

    def find(self, kpi_key: str, department: str | None = None) -> Target | None:
        by_key = self._by_key
        return by_key.get((kpi_key, department or OVERALL)) or by_key.get((kpi_key, OVERALL))

    def status(self, kpi_key: str, value, department: str | None = None) -> str | None:
        """green, amber or red; None without a target or a value."""
        target = self.find(kpi_key, department)
        return None if target is None else target.status(value)

    def rating(self, kpi_key: str, value, lang: str, department: str | None = None) -> Rating | None:
        target = self.find(kpi_key, department)
        status = None if target is None else target.status(value)
        if status is None:
            return None
        return Rating(status, SYMBOLS[status], i18n.t(f"targets.status.{status}", lang), target.legend(lang))

    def caption(self, kpi_keys, lang: str, department: str | None = None) -> str:
        """What the symbols mean and the target of each of ``kpi_keys`` that has one; '' if none has."""
        items = [i18n.t("targets.legend.item", lang, kpi=metrics.get(key).label(lang), legend=found.legend(lang))
                 for key in kpi_keys if (found := self.find(key, department)) is not None]
        separator = "；" if lang == "zh-TW" else "; "
        return i18n.t("targets.legend.caption", lang, targets=separator.join(items)) if items else ""


def load(con: duckdb.DuckDBPyConnection) -> Targets:
    """The stored targets in the registry's order of KPIs, the overall row first."""
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM kpi_targets").fetchall()
    order = {key: position for position, key in enumerate(metrics.registry())}
    return Targets(tuple(sorted((Target(*row) for row in rows),
                                key=lambda row: (order.get(row.kpi_key, len(order)), row.department))))


def departments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Departments a target can be set for: those of the tickets and of the people."""
    rows = con.execute("SELECT department FROM tickets UNION SELECT department FROM people").fetchall()
    return sorted(name for (name,) in rows if name)


def _scale(kpi_key: str) -> float:
    """Ratios are edited in percent."""
    return 100.0 if kpi_key in metrics.registry() and metrics.get(kpi_key).unit == "ratio" else 1.0


def editor_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored targets as the settings page edits them: ratios in percent."""
    frame = pd.DataFrame([vars(row) for row in load(con).rows], columns=COLUMNS)
    scale = frame["kpi_key"].map(_scale)
    for name in THRESHOLDS:
        frame[name] = (frame[name] * scale).round(6)
    return frame


def validate(edited: pd.DataFrame) -> list[Target]:
    """The edited rows as targets in the KPI's unit; raises ``TargetsError`` on the first problem."""
    known, seen, rows = metrics.registry(), set(), []
    for position, row in enumerate(edited.to_dict("records"), start=1):
        key = row.get("kpi_key")
        if not isinstance(key, str) or key not in known:
            raise TargetsError("targets.error.kpi", row=position)
        department = row.get("department")
        department = department.strip() if isinstance(department, str) else OVERALL
        if (key, department) in seen:
            raise TargetsError("targets.error.duplicate", row=position, kpi_key=key,
                               department=department or "—")
        seen.add((key, department))
        direction = row.get("direction")
        if direction not in DIRECTIONS:
            raise TargetsError("targets.error.direction", row=position)
        values = {name: row.get(name) for name in THRESHOLDS}
        if any(v is None or pd.isna(v) for v in values.values()):
            raise TargetsError("targets.error.missing", row=position)
        if known[key].unit == "ratio" and not all(0 <= v <= 100 for v in values.values()):
            raise TargetsError("targets.error.percent", row=position)
        ordered = values["red"] <= values["amber"] <= values["target"]
        if direction == "lower":
            ordered = values["red"] >= values["amber"] >= values["target"]
        if not ordered:
            raise TargetsError(f"targets.error.order_{direction}", row=position, kpi_key=key, **values)
        scale = _scale(key)
        rows.append(Target(key, department, direction, *(float(values[n]) / scale for n in THRESHOLDS)))
    return rows


def save_targets(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame) -> None:
    """Replace every target with the edited rows (ratios in percent), in one transaction."""
    rows = validate(edited)
    with store.transaction(con):
        con.execute("DELETE FROM kpi_targets")
        con.executemany(f"INSERT INTO kpi_targets ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                        [[getattr(row, name) for name in COLUMNS] for row in rows])
        store.bump_data_version(con)
