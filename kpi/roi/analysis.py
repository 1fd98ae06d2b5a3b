"""What-if views on a scenario: cumulative costs with payback, tornado sensitivity, break-even."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from kpi.roi.model import PARAMETER, PARAMETERS, Result, Scenario, evaluate

# Parameters that move the single-run ROI. The hourly rule is a choice, not an amount, and the
# runs and years only stretch the cumulative view.
SENSITIVE_PARAMETERS = tuple(
    p.key for p in PARAMETERS if p.key not in ("hours_per_year", "runs_per_year", "years")
)


@dataclass(frozen=True)
class CumulativePoint:
    run: int                     # runs completed; 0 = only the one-off costs paid
    year: float                  # when that run ends, runs spread evenly over each year
    classroom: float
    online: float

    @property
    def savings(self) -> float:
        return self.classroom - self.online


@dataclass(frozen=True)
class Cumulative:
    classroom_one_off: float
    online_one_off: float
    classroom_per_run: float
    online_per_run: float
    points: tuple[CumulativePoint, ...]
    payback_run: int | None      # first run after which cumulative savings are >= 0 for good
    payback_year: float | None

    @property
    def roi(self) -> float | None:
        """Cumulative savings / cumulative online cost at the end of the horizon."""
        last = self.points[-1]
        return last.savings / last.online if last.online else None


def cumulative(result: Result) -> Cumulative:
    """Development and the platform are paid once (run 0); every other line on every run."""
    s = result.scenario
    one_off = {side: sum(l.amount for l in result.lines(side) if l.one_off) for side in ("classroom", "online")}
    per_run = {side: sum(l.amount for l in result.lines(side) if not l.one_off) for side in ("classroom", "online")}
    points = tuple(
        CumulativePoint(run, run / s.runs_per_year,
                        one_off["classroom"] + run * per_run["classroom"],
                        one_off["online"] + run * per_run["online"])
        for run in range(s.runs_per_year * s.years + 1)
    )
    investment = one_off["online"] - one_off["classroom"]
    saving_per_run = per_run["classroom"] - per_run["online"]
    if saving_per_run > 0:
        payback_run = max(0, math.ceil(investment / saving_per_run))
    elif saving_per_run == 0 and investment <= 0:
        payback_run = 0
    else:
        payback_run = None       # each run costs more online: the gap only widens
    payback_year = None if payback_run is None else payback_run / s.runs_per_year
    return Cumulative(one_off["classroom"], one_off["online"], per_run["classroom"],
                      per_run["online"], points, payback_run, payback_year)


def yearly_savings(result: Result) -> tuple[float, ...]:
    """Savings by year: year 0 the one-off costs (negative where going online costs more to set
    up), then each of the horizon's years with its runs."""
    view = cumulative(result)
    s = result.scenario
    per_year = s.runs_per_year * (view.classroom_per_run - view.online_per_run)
    return (view.classroom_one_off - view.online_one_off, *([per_year] * s.years))


def npv(result: Result, discount_rate: float = 0.0) -> float:
    """Net present value of the yearly savings over the horizon: Σ savings_t / (1 + rate)^t,
    t = 0 … years. At 0 it equals the cumulative savings at the horizon's end."""
    if discount_rate <= -1:
        raise ValueError("the discount rate must be above -100%")
    return sum(flow / (1 + discount_rate) ** year for year, flow in enumerate(yearly_savings(result)))


def effective_value(scenario: Scenario, key: str) -> float:
    """The value in force: the trainee rate where the administration rate is left to it."""
    value = getattr(scenario, key)
    if value is None and key == "admin_hourly":
        return evaluate(scenario).trainee_hourly
    return value


def with_value(scenario: Scenario, key: str, value: float) -> Scenario:
    """The scenario with one parameter changed, kept inside its range and whole if it must be."""
    p = PARAMETER[key]
    value = min(max(value, p.minimum), p.maximum)
    return dataclasses.replace(scenario, **{key: round(value) if p.integer else value})


@dataclass(frozen=True)
class TornadoBar:
    key: str
    low_value: float
    high_value: float
    roi_low: float
    roi_high: float

    @property
    def width(self) -> float:
        return abs(self.roi_high - self.roi_low)


def tornado(scenario: Scenario, swing: float = 0.2) -> tuple[TornadoBar, ...]:
    """ROI with each parameter moved down and up by ``swing`` (0.2 = ±20%), widest first.

    Left out: parameters that do not move (at 0, or whole numbers too small for the swing to
    reach the next one) and moves that leave the online side costing nothing (no ROI).
    """
    bars = []
    for key in SENSITIVE_PARAMETERS:
        base = effective_value(scenario, key)
        if not base:
            continue
        low, high = (with_value(scenario, key, base * factor) for factor in (1 - swing, 1 + swing))
        if getattr(low, key) == getattr(high, key):
            continue
        roi_low, roi_high = evaluate(low).roi, evaluate(high).roi
        if roi_low is not None and roi_high is not None:
            bars.append(TornadoBar(key, getattr(low, key), getattr(high, key), roi_low, roi_high))
    return tuple(sorted(bars, key=lambda bar: bar.width, reverse=True))


@dataclass(frozen=True)
class BreakEven:
    key: str
    current: float
    value: float | None          # where savings (hence ROI) reach 0; None if not in range
    pays_above: bool             # True: online pays for values above ``value``
    roi_positive_now: bool


def break_even(scenario: Scenario, key: str) -> BreakEven:
    """The value of one parameter at which ROI = 0 (savings = 0), nearest the current value.

    Looks for a sign change of the savings between the current value and either end of the
    parameter's range and bisects it; whole-number parameters give the first whole value on
    the paying side (e.g. the fewest trainees for which ROI >= 0).
    """
    p = PARAMETER[key]
    current = effective_value(scenario, key)

    def savings(value: float) -> float:
        return evaluate(with_value(scenario, key, value)).savings

    now = savings(current)
    crossings = []
    for end in (p.minimum, p.maximum):
        at_end = savings(end)
        if end != current and (now >= 0) != (at_end >= 0):
            crossings.append(_bisect(savings, current, end, p.integer))
    value = min(crossings, key=lambda x: abs(x - current)) if crossings else None
    pays_above = value is not None and savings(p.maximum) >= 0
    return BreakEven(key, current, value, pays_above, now >= 0)


def _bisect(savings, inside: float, outside: float, integer: bool) -> float:
    """Narrow [inside, outside] around the sign change of the savings.

    Whole numbers: the paying end of the last step. Otherwise the straight-line root of the
    final bracket, exact for the many parameters the savings depend on linearly.
    """
    paying_first = savings(inside) >= 0
    for _ in range(200):
        if abs(outside - inside) <= (1 if integer else 1e-9 * max(1.0, abs(inside))):
            break
        middle = (inside + outside) / 2
        if integer:
            middle = math.floor(middle) if inside < outside else math.ceil(middle)
        if (savings(middle) >= 0) == paying_first:
            inside = middle
        else:
            outside = middle
    if integer:
        return inside if paying_first else outside
    at_inside, at_outside = savings(inside), savings(outside)
    if at_inside == at_outside:
        return inside
    return inside - at_inside * (outside - inside) / (at_outside - at_inside)
