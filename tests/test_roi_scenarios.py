"""Named ROI scenarios in the store and the XLSX / HTML comparison built from them."""

import dataclasses
import io
import re
from datetime import datetime

import openpyxl
import pytest

from kpi import store
from kpi.roi import report
from kpi.roi.model import SEED, ExtraLine, InvalidScenario
from kpi.roi.scenarios import (BENEFITS, BenefitCheck, ScenarioNameError, delete_scenario,
                               duplicate_scenario, list_scenarios, save_scenario)


def test_the_seed_example_ships_as_the_first_scenario(con):
    [first] = list_scenarios(con)
    assert first.name == "導入HRD平台ROI分析（範例）"
    assert first.scenario == SEED
    assert set(first.benefits) == set(BENEFITS) and not any(c.checked for c in first.benefits.values())


def test_save_update_duplicate_delete(con):
    version = store.data_version(con)
    cheaper = dataclasses.replace(SEED, platform_cost=300_000, classroom_extra=(ExtraLine("Venue", 50_000),))
    checks = {"wider_reach": BenefitCheck(True, "all 12 branches"), "anytime_anywhere": BenefitCheck(True)}
    new_id = save_scenario(con, None, "  Platform 300k ", cheaper, "board draft", checks)
    assert store.data_version(con) == version + 1
    saved = {s.scenario_id: s for s in list_scenarios(con)}[new_id]
    assert (saved.name, saved.scenario, saved.notes) == ("Platform 300k", cheaper, "board draft")
    assert saved.benefits["wider_reach"] == BenefitCheck(True, "all 12 branches")
    assert saved.benefits["faster_onboarding"] == BenefitCheck(False, "")

    save_scenario(con, new_id, "Platform 300k", dataclasses.replace(cheaper, trainees=900), "", {})
    updated = {s.scenario_id: s for s in list_scenarios(con)}[new_id]
    assert updated.scenario.trainees == 900
    assert updated.scenario.classroom_extra == (ExtraLine("Venue", 50_000),)
    assert not updated.benefits["wider_reach"].checked      # replaced, not merged

    copy_id = duplicate_scenario(con, saved)
    second_copy_id = duplicate_scenario(con, saved)
    names = {s.scenario_id: s.name for s in list_scenarios(con)}
    assert (names[copy_id], names[second_copy_id]) == ("Platform 300k (2)", "Platform 300k (3)")

    delete_scenario(con, new_id)
    assert new_id not in {s.scenario_id for s in list_scenarios(con)}
    assert con.execute("SELECT count(*) FROM roi_extra_lines WHERE scenario_id = ?", [new_id]).fetchone() == (0,)


def test_refuses_blank_or_taken_names_and_invalid_values(con):
    with pytest.raises(ScenarioNameError) as raised:
        save_scenario(con, None, "導入HRD平台ROI分析（範例）", SEED)
    assert raised.value.reason == "taken"
    with pytest.raises(ScenarioNameError):
        save_scenario(con, None, "   ", SEED)
    with pytest.raises(InvalidScenario):
        save_scenario(con, None, "broken", dataclasses.replace(SEED, class_size=0))
    assert len(list_scenarios(con)) == 1


@pytest.fixture
def three(con):
    """The seed, a NT$1,000,000 platform, and a 900-trainee roll-out with a benefit ticked."""
    save_scenario(con, None, "Platform 1M", dataclasses.replace(SEED, platform_cost=1_000_000))
    save_scenario(con, None, "900 trainees", dataclasses.replace(SEED, trainees=900), "two cohorts",
                  {"wider_reach": BenefitCheck(True, "all branches"), "talent_retention": BenefitCheck(False, "unclear")})
    return list_scenarios(con)


def test_comparison_rows_put_results_first(three):
    rows = {row.item: row.values for row in report.comparison_rows(three, "en")}
    assert list(rows)[:3] == ["Savings", "ROI", "Benefit–cost ratio"]
    # 900 trainees: 18 classes; classroom 900 × 8 × 226 + 200,000 + 18 × 24 × 226 + 18 × 8 × 347
    # + 13,880 = 1,627,200 + 200,000 + 97,632 + 49,968 + 13,880 = 1,988,680; online 900 × 4 × 226
    # + 5,424 + 27,760 = 846,784
    assert rows["Classroom total"] == (1_101_280, 1_101_280, 1_988_680)
    assert rows["Online total"] == (439_984, 1_439_984, 846_784)
    assert rows["Savings"] == (661_296, -338_704, 1_141_896)
    assert rows["Classes"] == (9, 9, 18)
    # payback with the platform: 1,013,880 one-off gap / 675,176 a run -> 2 runs
    assert rows["Runs to pay back"] == (1, 2, 1)
    assert rows["Working hours a year (hours a year)"] == ("monthly-salary rule (annual ÷ 12 ÷ 30 ÷ 8)",) * 3


def test_xlsx_keeps_numbers_and_prints_benefits(three):
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(three, "en")))
    comparison = book["Comparison"]
    header = [cell.value for cell in comparison[1]]
    assert header[2:] == ["導入HRD平台ROI分析（範例）", "Platform 1M", "900 trainees"]
    by_item = {row[1].value: [cell.value for cell in row[2:]] for row in comparison.iter_rows(min_row=2)}
    assert by_item["Savings"] == [661_296, -338_704, 1_141_896]
    assert by_item["ROI"][0] == pytest.approx(661_296 / 439_984)
    benefits = [[cell.value for cell in row] for row in book["Intangible benefits"].iter_rows(min_row=2)]
    assert ["900 trainees", "Wider training reach", "✓", "all branches"] in benefits
    assert len(benefits) == 3 * len(BENEFITS)


def test_html_report_is_one_self_contained_page(three):
    page = report.html_report(three, "zh-TW", datetime(2026, 11, 24, 9, 30))
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert not re.search(r"<script|<link|src=|https?://", page)           # nothing fetched
    assert "產生時間：2026-11-24 09:30" in page
    assert "NT$661,296" in page and "150.3%" in page and "−NT$338,704" in page
    assert "☑ 擴大訓練範圍 — all branches" in page                          # ticked, with its note
    assert "☐ 完善人才發展體系，有益留才用才 — unclear" in page               # noted, not ticked
