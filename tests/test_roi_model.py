"""The ROI model and its what-if views against figures worked out by hand from the seed post."""

import dataclasses
import json
from pathlib import Path

import pytest

from kpi import metrics
from kpi.roi import analysis
from kpi.roi.model import (SEED, ExtraLine, InvalidScenario, Scenario, evaluate, format_number,
                           hourly_rate, parse_scenario, validate)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def amounts(result, side):
    return {line.name or line.key: line.amount for line in result.lines(side)}


def test_seed_rates_and_classes():
    result = evaluate(SEED)
    assert result.classes == 9                   # ceil(450 / 50)
    assert result.trainee_hourly == 226          # 650,000 / 12 / 30 / 8 = 225.69 -> 226
    assert result.instructor_hourly == 347       # 1,000,000 / 12 / 30 / 8 = 347.22 -> 347
    assert result.admin_hourly == 226            # defaults to the trainee rate


def test_seed_example_every_cost_line():
    result = evaluate(SEED)
    assert amounts(result, "classroom") == {
        "trainee_time": 813_600,                 # 450 trainees × 8 h × 226
        "travel": 200_000,                       # the seed's total
        "administration": 48_816,                # 9 classes × 3 days × 8 h × 226
        "instructor_delivery": 24_984,           # 9 classes × 8 h × 347
        "development": 13_880,                   # 40 h (our default) × 347
    }
    assert amounts(result, "online") == {
        "trainee_time": 406_800,                 # 450 × 4 h × 226
        "administration": 5_424,                 # 1 class × 3 days × 8 h × 226
        "development": 27_760,                   # 40 h × 2 × 347
        "platform": 0,
    }
    assert result.classroom_total == 1_101_280   # 813,600 + 200,000 + 48,816 + 24,984 + 13,880
    assert result.online_total == 439_984        # 406,800 + 5,424 + 27,760 + 0
    assert result.savings == 661_296             # 1,101,280 − 439,984
    assert result.roi == pytest.approx(661_296 / 439_984)   # 1.50300…
    assert result.bcr == pytest.approx(1_101_280 / 439_984)  # 2.50300…
    assert [line.formula for line in result.classroom][:3] == ["450 × 8 × 226", "200,000", "9 × 3 × 8 × 226"]


def test_seed_rule_rounds_half_up_and_own_hours_do_not_round():
    assert hourly_rate(1_440, None) == 1         # 1,440 / 2,880 = 0.5 -> 1 (half up, not to even)
    assert hourly_rate(650_000, 2_080) == 312.5  # 650,000 / 2,080, kept exact
    result = evaluate(dataclasses.replace(SEED, hours_per_year=2_080))
    assert result.instructor_hourly == pytest.approx(480.769230769)   # 1,000,000 / 2,080
    assert amounts(result, "classroom")["trainee_time"] == 1_125_000  # 450 × 8 × 312.5


def test_scenario_with_only_extra_lines():
    scenario = parse_scenario(json.loads((FIXTURES / "roi_extra_only.json").read_text()))
    result = evaluate(scenario)
    assert amounts(result, "classroom") == {
        "trainee_time": 0, "travel": 0, "administration": 0, "instructor_delivery": 0,
        "development": 0, "Venue rental": 120_000, "Printed handouts": 30_000,
    }
    assert result.classroom_total == 150_000     # 120,000 + 30,000
    assert result.online_total == 50_000         # the LMS licence alone
    assert result.savings == 100_000
    assert result.roi == 2.0                     # 100,000 / 50,000
    assert result.bcr == 3.0                     # 150,000 / 50,000
    view = analysis.cumulative(result)           # extra lines recur: nothing one-off to recover
    assert (view.classroom_one_off, view.online_one_off, view.payback_run) == (0, 0, 0)


def test_online_side_costing_nothing_leaves_roi_undefined():
    result = evaluate(dataclasses.replace(SEED, online_hours=0, online_admin_classes=0,
                                          online_dev_multiplier=0))
    assert result.online_total == 0
    assert result.roi is None and result.bcr is None
    assert result.savings == 1_101_280


def test_validation_names_each_problem_in_both_languages():
    scenario = dataclasses.replace(SEED, class_size=0, trainees=12.5,
                                   classroom_extra=(ExtraLine("Venue", -500.0),))
    messages = [problem.message("en") for problem in validate(scenario)]
    assert messages == [
        "Trainees must be a whole number; it is 12.5.",
        "Class size must be at least 1; it is 0.",
        "Extra classroom cost lines: “Venue” is negative (-500). Enter costs as positive amounts; "
        "to show a saving, lower the other side's costs.",
    ]
    assert validate(scenario)[1].message("zh-TW") == "「每班人次」至少須為 1，目前是 0。"
    with pytest.raises(InvalidScenario):
        evaluate(scenario)


def test_parse_scenario_refuses_unknown_keys_and_text():
    with pytest.raises(InvalidScenario) as raised:
        parse_scenario({"trainee": 10, "class_size": "fifty", "online_extra": [1]})
    assert [p.code for p in raised.value.problems] == ["unknown_key", "not_number", "extra_not_mapping"]
    assert "Unknown key “trainee”" in str(raised.value)
    assert parse_scenario({"trainees": 450.0, "hours_per_year": None}) == SEED


def test_scenario_mapping_round_trips():
    scenario = dataclasses.replace(SEED, admin_hourly=300, online_extra=(ExtraLine("LMS", 9_000),))
    assert parse_scenario(json.loads(json.dumps(scenario.to_mapping()))) == scenario


def test_headline_metrics_are_registered_kpis():
    result = evaluate(SEED)
    roi = metrics.get("roi.roi")
    assert (roi.label("en"), roi.unit, roi.format(result.value("roi.roi"))) == ("ROI", "ratio", "150.3%")
    assert metrics.get("roi.savings").format(result.savings) == "NT$661,296"
    assert metrics.get("roi.bcr").format(result.bcr) == "2.50"


def test_format_number():
    assert [format_number(v) for v in (1_101_280.0, 10.502418, 312.5, 0.0)] == ["1,101,280", "10.5", "312.5", "0"]


# --- cumulative view and payback ---------------------------------------------------------

def test_cumulative_payback_of_a_platform_investment():
    # Platform NT$2,000,000 one-off. One-off: online 27,760 + 2,000,000 = 2,027,760 against the
    # classroom's 13,880, so 2,013,880 to recover. Each run: classroom 813,600 + 200,000 + 48,816
    # + 24,984 = 1,087,400; online 406,800 + 5,424 = 412,224; 675,176 saved a run.
    # 2,013,880 / 675,176 = 2.98 -> after run 3, i.e. year 1.5 at two runs a year.
    scenario = dataclasses.replace(SEED, platform_cost=2_000_000, runs_per_year=2, years=3)
    view = analysis.cumulative(evaluate(scenario))
    assert (view.classroom_per_run, view.online_per_run) == (1_087_400, 412_224)
    assert (view.payback_run, view.payback_year) == (3, 1.5)
    assert [p.savings for p in view.points] == [
        -2_013_880, -1_338_704, -663_528, 11_648, 686_824, 1_362_000, 2_037_176]   # + 675,176 a run
    assert view.points[-1].year == 3.0


def test_seed_pays_back_on_the_first_run_and_a_dearer_online_run_never_does():
    assert analysis.cumulative(evaluate(SEED)).payback_run == 1      # 675,176 a run > 13,880
    dearer = dataclasses.replace(SEED, online_hours=12, platform_cost=1)
    view = analysis.cumulative(evaluate(dearer))
    # each online run: 450 × 12 × 226 + 5,424 = 1,225,824 > 1,087,400 in the classroom
    assert view.payback_run is None and view.payback_year is None


def test_npv_discounts_each_years_savings():
    # SEED: year 0 the one-off gap 13,880 − 27,760; then 675,176 saved in each of three years.
    result = evaluate(SEED)
    assert analysis.yearly_savings(result) == (-13_880, 675_176, 675_176, 675_176)
    assert analysis.npv(result) == 2_011_648                       # at 0: the cumulative savings
    # at 10%: −13,880 + 675,176 × (0.909091 + 0.826446 + 0.751315) = 1,665,182.78
    assert analysis.npv(result, 0.10) == pytest.approx(1_665_182.78, abs=0.01)
    with pytest.raises(ValueError):
        analysis.npv(result, -1)


# --- break-even and sensitivity ----------------------------------------------------------

def test_break_even_trainees_is_the_first_paying_whole_number():
    # Platform 1,000,000: savings(n) = 904 n + 8,200 ceil(n/50) − 819,304, where 904 = 8 × 226
    # − 4 × 226 per trainee and 8,200 = 3 × 8 × 226 + 8 × 347 per class.
    # n = 761: 687,944 + 16 × 8,200 − 819,304 = −160;  n = 762: 688,848 + 131,200 − 819,304 = 744.
    found = analysis.break_even(dataclasses.replace(SEED, platform_cost=1_000_000), "trainees")
    assert (found.value, found.pays_above, found.roi_positive_now) == (762, True, False)


def test_break_even_of_linear_parameters():
    platform = analysis.break_even(SEED, "platform_cost")
    assert platform.value == pytest.approx(661_296)                   # the seed's savings
    assert not platform.pays_above
    online_hours = analysis.break_even(SEED, "online_hours")
    # 1,101,280 = 450 × 226 h + 5,424 + 27,760 -> h = 1,068,096 / 101,700
    assert online_hours.value == pytest.approx(1_068_096 / 101_700)   # 10.50 h
    # whole classes: 666,720 − 5,424 k >= 0 up to k = 122
    assert analysis.break_even(SEED, "online_admin_classes").value == 122


def test_break_even_absent_when_sign_never_changes():
    found = analysis.break_even(SEED, "trainees")   # travel alone (200,000) keeps online ahead
    assert found.value is None and found.roi_positive_now


def test_tornado_moves_each_parameter_and_orders_by_swing():
    bars = analysis.tornado(SEED, 0.2)
    assert bars[0].key == "online_hours"           # the widest swing
    first = bars[0]
    assert (first.low_value, first.high_value) == pytest.approx((3.2, 4.8))
    # online hours 4.8: online = 450 × 4.8 × 226 + 5,424 + 27,760 = 521,344; savings 579,936
    assert first.roi_high == pytest.approx(579_936 / 521_344)
    keys = {bar.key for bar in bars}
    assert "platform_cost" not in keys              # at 0: nothing to move
    assert "online_admin_classes" not in keys       # 1 ± 20% rounds back to 1
    assert [bar.width for bar in bars] == sorted((bar.width for bar in bars), reverse=True)
