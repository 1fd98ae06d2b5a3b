"""Classroom versus e-learning cost model of the post "導入HRD平台ROI分析" (domain spec roi.md).

A ``Scenario`` holds every assumption; ``evaluate`` turns it into both sides' cost lines, the
savings, ROI = savings / online total (the seed's formula) and the benefit–cost ratio
classroom total / online total. The defaults of ``Scenario`` are the seed's worked example;
the seed gives no classroom content-development effort, so ``classroom_dev_hours`` defaults
to ``DEFAULT_CLASSROOM_DEV_HOURS`` (an assumption the page shows).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from kpi import i18n
from kpi.metrics import Metric

# The seed's hourly rule: annual / 12 months / 30 days / 8 hours, rounded to whole NT$.
SEED_HOURS_PER_YEAR = 12 * 30 * 8
ADMIN_HOURS_PER_DAY = 8
# The seed gives no classroom development effort, only that online takes twice as long. Our
# default is one working week of the instructor (5 days × 8 h), enough to revise an existing
# 8-hour course; surveys of new material built from scratch report far more (Chapman Alliance
# 2010: 22-82 h per delivered classroom hour), so the page shows it as an assumption to check.
DEFAULT_CLASSROOM_DEV_HOURS = 40.0

SIDES = ("classroom", "online")


@dataclass(frozen=True)
class ExtraLine:
    """A cost line the user adds to one side, e.g. venue rental; counted on every run."""

    name: str
    amount: float


@dataclass(frozen=True)
class Scenario:
    """Every assumption of the comparison; field names are the CLI's JSON keys."""

    trainees: int = 450
    class_size: int = 50
    trainee_annual_salary: float = 650_000
    instructor_annual_salary: float = 1_000_000
    hours_per_year: float | None = None        # None: the seed's rule, annual / 2,880 rounded
    classroom_hours: float = 8
    online_hours: float = 4
    travel_total: float = 200_000
    admin_days_per_class: float = 3
    admin_hourly: float | None = None          # None: the trainee hourly rate
    online_admin_classes: int = 1
    classroom_dev_hours: float = DEFAULT_CLASSROOM_DEV_HOURS
    online_dev_multiplier: float = 2
    platform_cost: float = 0
    runs_per_year: int = 1
    years: int = 3
    classroom_extra: tuple[ExtraLine, ...] = ()
    online_extra: tuple[ExtraLine, ...] = ()

    def extra(self, side: str) -> tuple[ExtraLine, ...]:
        return self.classroom_extra if side == "classroom" else self.online_extra

    def to_mapping(self) -> dict:
        """The JSON scenario-file form (what ``parse_scenario`` reads back)."""
        values = {p.key: getattr(self, p.key) for p in PARAMETERS}
        for side in SIDES:
            values[f"{side}_extra"] = {line.name: line.amount for line in self.extra(side)}
        return values


SEED = Scenario()

# Unit code -> (zh-TW, en) text shown after a parameter's label.
UNITS: dict[str, tuple[str, str]] = {
    "trainees": ("人次", "trainee-places"),
    "per_class": ("人次／班", "per class"),
    "ntd_per_year": ("NT$／年", "NT$ a year"),
    "hours_per_year": ("小時／年", "hours a year"),
    "hours": ("小時", "hours"),
    "ntd": ("NT$", "NT$"),
    "days_per_class": ("天／班", "days per class"),
    "ntd_per_hour": ("NT$／小時", "NT$ an hour"),
    "classes": ("班", "classes"),
    "times": ("倍", "×"),
    "runs_per_year": ("次／年", "runs a year"),
    "years": ("年", "years"),
}


@dataclass(frozen=True)
class Parameter:
    """One editable assumption: labels, unit, the seed's default and its valid range."""

    key: str
    label_zh: str
    label_en: str
    unit: str
    minimum: float
    maximum: float
    step: float
    integer: bool = False
    nullable: bool = False       # None selects a rule instead of a value (see Scenario)

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"{self.key}: unknown unit {self.unit!r}")

    @property
    def default(self) -> float | None:
        return getattr(SEED, self.key)

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh-TW" else self.label_en

    def unit_label(self, lang: str) -> str:
        zh, en = UNITS[self.unit]
        return zh if lang == "zh-TW" else en


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("trainees", "受訓人次", "Trainees", "trainees", 1, 1_000_000, 10, integer=True),
    Parameter("class_size", "每班人次", "Class size", "per_class", 1, 10_000, 1, integer=True),
    Parameter("trainee_annual_salary", "學員年薪", "Trainee annual salary", "ntd_per_year",
              0, 100_000_000, 10_000),
    Parameter("instructor_annual_salary", "講師年薪", "Instructor annual salary", "ntd_per_year",
              0, 100_000_000, 10_000),
    Parameter("hours_per_year", "每年工作時數", "Working hours a year", "hours_per_year",
              1, 8_784, 8, nullable=True),
    Parameter("classroom_hours", "課堂課程時數", "Classroom course length", "hours", 0, 500, 0.5),
    Parameter("online_hours", "線上課程時數", "Online course length", "hours", 0, 500, 0.5),
    Parameter("travel_total", "車資、食宿等總計", "Travel and lodging, total", "ntd",
              0, 10_000_000_000, 10_000),
    Parameter("admin_days_per_class", "每班行政天數", "Administration days per class",
              "days_per_class", 0, 365, 0.5),
    Parameter("admin_hourly", "行政人員時薪", "Administration hourly rate", "ntd_per_hour",
              0, 100_000, 1, nullable=True),
    Parameter("online_admin_classes", "線上需行政處理班數", "Online classes needing administration",
              "classes", 0, 10_000, 1, integer=True),
    Parameter("classroom_dev_hours", "課堂教材開發時數", "Classroom content development",
              "hours", 0, 100_000, 1),
    Parameter("online_dev_multiplier", "線上教材開發倍數", "Online development multiplier",
              "times", 0, 100, 0.1),
    Parameter("platform_cost", "線上平台成本", "Online platform cost", "ntd",
              0, 10_000_000_000, 10_000),
    Parameter("runs_per_year", "每年開課次數", "Course runs a year", "runs_per_year",
              1, 365, 1, integer=True),
    Parameter("years", "評估年數", "Years evaluated", "years", 1, 30, 1, integer=True),
)
PARAMETER = {p.key: p for p in PARAMETERS}
if [p.key for p in PARAMETERS] != [f.name for f in dataclasses.fields(Scenario)][: len(PARAMETERS)]:
    raise AssertionError("PARAMETERS must list Scenario's fields in order")


@dataclass(frozen=True)
class Problem:
    """Why a scenario cannot be computed, told in the user's language."""

    code: str                    # roi.problem.<code> in kpi/locales/roi.toml
    field: str                   # the parameter key, or classroom_extra / online_extra
    values: Mapping = field(default_factory=dict)

    def message(self, lang: str) -> str:
        return i18n.t(f"roi.problem.{self.code}", lang, label=field_label(self.field, lang),
                      **{name: format_number(value) for name, value in self.values.items()})


class InvalidScenario(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message("en") for problem in problems))
        self.problems = problems


def field_label(key: str, lang: str) -> str:
    if key in PARAMETER:
        return PARAMETER[key].label(lang)
    return i18n.t(f"roi.field.{key}", lang)


def format_number(value) -> str:
    """A parameter or rate as people write it: 1,101,280 · 10.5 · 312.5 (at most 2 decimals)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate(scenario: Scenario) -> list[Problem]:
    """Every reason the scenario cannot be computed; empty when it can."""
    problems = []
    for p in PARAMETERS:
        value = getattr(scenario, p.key)
        if value is None and p.nullable:
            continue
        if not _is_number(value):
            problems.append(Problem("not_number", p.key, {"value": value}))
        elif p.integer and not float(value).is_integer():
            problems.append(Problem("not_whole", p.key, {"value": value}))
        elif value < p.minimum:
            problems.append(Problem("below_minimum", p.key, {"value": value, "minimum": p.minimum}))
        elif value > p.maximum:
            problems.append(Problem("above_maximum", p.key, {"value": value, "maximum": p.maximum}))
    for side in SIDES:
        seen = set()
        for position, line in enumerate(scenario.extra(side), start=1):
            where, name = f"{side}_extra", line.name.strip() or f"#{position}"
            if not line.name.strip():
                problems.append(Problem("extra_unnamed", where, {"name": name}))
            elif line.name in seen:
                problems.append(Problem("extra_duplicate", where, {"name": name}))
            seen.add(line.name)
            if not _is_number(line.amount):
                problems.append(Problem("extra_not_number", where, {"name": name, "value": line.amount}))
            elif line.amount < 0:
                problems.append(Problem("extra_negative", where, {"name": name, "value": line.amount}))
    return problems


def parse_scenario(data: Mapping) -> Scenario:
    """A scenario from the JSON form; missing keys take the seed's values. Raises InvalidScenario."""
    problems = [Problem("unknown_key", "scenario", {"value": key, "known": ", ".join(_KEYS)})
                for key in data if key not in _KEYS]
    values = {}
    for p in PARAMETERS:
        if p.key not in data:
            continue
        value = data[p.key]
        if value is None and p.nullable:
            values[p.key] = None
        elif not _is_number(value):
            problems.append(Problem("not_number", p.key, {"value": "null" if value is None else value}))
        else:
            values[p.key] = int(value) if p.integer and float(value).is_integer() else value
    for side in SIDES:
        key = f"{side}_extra"
        lines = data.get(key, {})
        if not isinstance(lines, Mapping):
            problems.append(Problem("extra_not_mapping", key))
            continue
        values[key] = tuple(ExtraLine(str(name), amount) for name, amount in lines.items())
    scenario = Scenario(**values)
    problems += validate(scenario)
    if problems:
        raise InvalidScenario(problems)
    return scenario


_KEYS = (*PARAMETER, "classroom_extra", "online_extra")


def hourly_rate(annual_salary: float, hours_per_year: float | None) -> float:
    """The seed's rule (annual / 2,880, half up to whole NT$) or annual / hours, unrounded."""
    if hours_per_year is None:
        exact = Decimal(str(annual_salary)) / SEED_HOURS_PER_YEAR
        return float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return annual_salary / hours_per_year


@dataclass(frozen=True)
class CostLine:
    key: str                     # roi.line.<key>; "extra" for the user's own lines
    amount: float
    formula: str                 # the arithmetic, e.g. "450 × 8 × 226"
    one_off: bool = False        # paid once (development, platform), not on every run
    name: str | None = None      # an extra line's own name

    def label(self, lang: str) -> str:
        return self.name if self.key == "extra" else i18n.t(f"roi.line.{self.key}", lang)


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    classes: int
    trainee_hourly: float
    instructor_hourly: float
    admin_hourly: float
    classroom: tuple[CostLine, ...]
    online: tuple[CostLine, ...]

    def lines(self, side: str) -> tuple[CostLine, ...]:
        return self.classroom if side == "classroom" else self.online

    def by_label(self, side: str, lang: str) -> dict[str, CostLine]:
        """One side's lines by the label shown, in order: to line the two sides up in a table."""
        return {line.label(lang): line for line in self.lines(side)}

    def line_labels(self, lang: str) -> list[str]:
        """Both sides' labels once each: the model's lines first, the user's extra lines last."""
        lines = sorted((*self.classroom, *self.online), key=lambda line: line.key == "extra")
        return list(dict.fromkeys(line.label(lang) for line in lines))

    @property
    def classroom_total(self) -> float:
        return sum(line.amount for line in self.classroom)

    @property
    def online_total(self) -> float:
        return sum(line.amount for line in self.online)

    @property
    def savings(self) -> float:
        return self.classroom_total - self.online_total

    @property
    def roi(self) -> float | None:
        """Savings / online total (a fraction); None when the online side costs nothing."""
        return self.savings / self.online_total if self.online_total else None

    @property
    def bcr(self) -> float | None:
        return self.classroom_total / self.online_total if self.online_total else None

    def value(self, metric_key: str) -> float | None:
        """A headline figure by its KPI key (see METRICS)."""
        return getattr(self, metric_key.removeprefix("roi."))


def _product(*factors: float) -> tuple[float, str]:
    return math.prod(factors), " × ".join(format_number(f) for f in factors)


def evaluate(scenario: Scenario) -> Result:
    """Both sides' cost lines for one run of the course. Raises InvalidScenario if invalid."""
    problems = validate(scenario)
    if problems:
        raise InvalidScenario(problems)
    s = scenario
    classes = -(-s.trainees // s.class_size)
    trainee_rate = hourly_rate(s.trainee_annual_salary, s.hours_per_year)
    instructor_rate = hourly_rate(s.instructor_annual_salary, s.hours_per_year)
    admin_rate = trainee_rate if s.admin_hourly is None else s.admin_hourly

    def line(key: str, *factors: float, one_off: bool = False) -> CostLine:
        return CostLine(key, *_product(*factors), one_off=one_off)

    def extras(side: str) -> tuple[CostLine, ...]:
        return tuple(CostLine("extra", x.amount, format_number(x.amount), name=x.name) for x in s.extra(side))

    classroom = (
        line("trainee_time", s.trainees, s.classroom_hours, trainee_rate),
        line("travel", s.travel_total),
        line("administration", classes, s.admin_days_per_class, ADMIN_HOURS_PER_DAY, admin_rate),
        line("instructor_delivery", classes, s.classroom_hours, instructor_rate),
        line("development", s.classroom_dev_hours, instructor_rate, one_off=True),
        *extras("classroom"),
    )
    online = (
        line("trainee_time", s.trainees, s.online_hours, trainee_rate),
        line("administration", s.online_admin_classes, s.admin_days_per_class,
             ADMIN_HOURS_PER_DAY, admin_rate),
        line("development", s.classroom_dev_hours, s.online_dev_multiplier, instructor_rate,
             one_off=True),
        line("platform", s.platform_cost, one_off=True),
        *extras("online"),
    )
    return Result(s, classes, trainee_rate, instructor_rate, admin_rate, classroom, online)


_SCENARIO = "one ROI scenario (one run of the course)"
_SCENARIO_ZH = "一個 ROI 情境（課程開課一次）"
METRICS = (
    Metric("roi.classroom_total", "面授總成本", "Classroom total",
           "面授課程一次開課的所有成本項目合計。", "All classroom cost lines of one run of the course.",
           "sum of classroom cost lines", None, _SCENARIO, "currency", 0,
           numerator_zh="面授各成本項目合計", filters_zh=_SCENARIO_ZH),
    Metric("roi.online_total", "線上總成本", "Online total",
           "數位學習一次開課的所有成本項目合計。", "All e-learning cost lines of one run of the course.",
           "sum of online cost lines", None, _SCENARIO, "currency", 0,
           numerator_zh="線上各成本項目合計", filters_zh=_SCENARIO_ZH),
    Metric("roi.savings", "節省成本", "Savings",
           "課堂總成本減線上總成本。", "Classroom total minus online total.",
           "classroom total − online total", None, _SCENARIO, "currency", 0,
           numerator_zh="面授總成本 − 線上總成本", filters_zh=_SCENARIO_ZH),
    Metric("roi.roi", "投資報酬率 ROI", "ROI",
           "(原來成本 − 新增成本) ÷ 新增成本：節省成本除以線上總成本。",
           "(original cost − new cost) / new cost: savings divided by the online total.",
           "classroom total − online total", "online total", _SCENARIO, "ratio", 1,
           numerator_zh="面授總成本 − 線上總成本", denominator_zh="線上總成本", filters_zh=_SCENARIO_ZH),
    Metric("roi.bcr", "效益成本比", "Benefit–cost ratio",
           "課堂總成本（免除的成本即效益）除以線上總成本。",
           "Classroom total (the cost avoided, i.e. the benefit) divided by the online total.",
           "classroom total", "online total", _SCENARIO, "number", 2,
           numerator_zh="面授總成本", denominator_zh="線上總成本", filters_zh=_SCENARIO_ZH),
    Metric("roi.npv", "淨現值 NPV", "NPV",
           "各年節省成本依折現率折回今天的總和（第 0 年為一次性成本的差額）；折現率 0 時等於期末累計節省。",
           "Each year's savings discounted to today at the discount rate, summed (year 0: the one-off costs' "
           "difference); at a rate of 0 it equals the cumulative savings at the horizon's end.",
           "Σ savings in year t / (1 + discount rate)^t, t = 0 … years", None,
           "one ROI scenario over its years, at its runs a year", "currency", 0,
           numerator_zh="Σ 第 t 年節省成本 / (1 + 折現率)^t，t = 0 … 年數",
           filters_zh="一個 ROI 情境的評估年數，依每年開課次數"),
)
