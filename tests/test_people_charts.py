"""The people figures as data: radar axes and range, heat-map cells, gap and shortage bars."""

import pandas as pd
import pytest

from kpi.people import charts, development, skills
from kpi.people.skills import Scope
from tests.people_team import AS_OF, seed_team


@pytest.fixture
def team(con):
    seed_team(con)
    return con


def test_radar_has_fixed_axes_closed_polygons_and_numbered_rings(team):
    figure = charts.radar_chart(skills.radar(team, ["A1", "A2"], AS_OF, "zh-TW"), "zh-TW")
    requirement, average, first, second = figure.data
    assert [trace.name for trace in figure.data] == ["職務要求", "團隊平均（3 人）", "甲", "乙"]
    # Names without spaces break past 6 Chinese characters (12 Latin letters), into even lines,
    # never inside a Latin word: at 1,024 px the radar has half the page.
    assert list(requirement.theta) == ["專案問題<br>管理能力", "溝通協調能力", "客戶需求<br>管理能力", "發掘問題能力",
                                       "IT技術<br>基本能力", "產品操作與<br>FAQ撰寫能力", "專案問題<br>管理能力"]
    assert list(requirement.r) == [2, 2, 1, 2, 2, 3, 2]   # CS requirements, closed back to the first axis
    assert list(first.r) == [0, 2, 2, 1, 2, 2, 0]          # A1's levels (see test_people_skills)
    radial = figure.layout.polar.radialaxis
    assert tuple(radial.range) == (0, 3)
    # Ring numbers only, on an axis midway between the first (90°) and last spoke (6 axes: 150°),
    # so they sit off the spokes; the legend's title names the levels.
    assert list(radial.ticktext) == ["1", "2", "3"] and radial.angle == 120
    assert figure.layout.legend.title.text == "圓環等級：0 無 · 1 入門 · 2 專業 · 3 顧問"


def test_heatmap_marks_gaps_and_blanks_what_the_role_does_not_need(team):
    long = skills.skill_matrix(team, AS_OF, "en", Scope(employee_ids=("A1", "P1")))
    figure = charts.matrix_heatmap(long, "en")
    heatmap = figure.data[0]
    assert list(heatmap.y) == ["丁 (P1)", "甲 (A1)"]
    a1 = list(heatmap.text[1])
    # CS competencies, then PM-only ones: A1 is 0 of 2, 2 of 2, 2 of 1, 1 of 2, 2 of 2, 2 of 3,
    # then not required (and not rated: blank).
    assert a1 == ["0▼2", "2✓", "2▲1", "1▼2", "2✓", "2▼3", "", "", ""]
    # Coloured by the gap: two short red (4), meets green (2), above blue (1), one short amber (3).
    assert [None if pd.isna(z) else int(z) for z in heatmap.z[1]] == [4, 2, 1, 3, 2, 3, None, None, None]
    assert [charts.GAP_STATUS_COLOURS[i] for i in (4, 3, 2, 1, 0)] == [
        "#ffa8a8", "#ffd8a8", "#b2f2bb", "#a5d8ff", "#f1f3f5"]
    assert "Required: 2 Professional (▼ two or more levels short)" in heatmap.customdata[1][0]
    assert "Evidence: Manager rating 2024-03-01" in heatmap.customdata[1][1]


def test_gap_and_shortage_bars_keep_their_order_and_ids(team):
    gaps = charts.gap_bars(skills.person_gaps(team, "A1", AS_OF, "en"), "en").data[0]
    assert list(gaps.x) == [2, 1, 1, 0, 0, 0]
    assert list(gaps.text)[:2] == ["0 → 2", "1 → 2"]
    shortage = charts.shortage_bars(development.team_shortage(team, AS_OF, "en"), "en").data[0]
    assert list(shortage.customdata)[:2] == ["requirement_mgmt", "communication"]


def test_cell_text_and_wrap():
    assert charts.cell_text(1, 2.0, True) == "1▼2"
    assert charts.cell_text(3, 2.0, True) == "3▲2"
    assert charts.cell_text(2, 2.0, True) == "2✓"
    assert charts.cell_text(2, None, True) == "2"
    assert charts.cell_text(0, None, False) == ""
    assert charts.wrap("Product operation and FAQ writing") == "Product operation<br>and FAQ writing"
    # Without spaces: as few lines as fit the width (a Chinese character counts two), the longest
    # as short as it can be, never cut inside a Latin word.
    assert charts.wrap("客戶需求管理能力", 12) == "客戶需求<br>管理能力"
    assert charts.wrap("溝通協調能力", 12) == "溝通協調能力"
    assert charts.wrap("產品操作與FAQ撰寫能力", 12) == "產品操作與<br>FAQ撰寫能力"   # FAQ stays whole
    assert charts.wrap("產品操作與服務流程設計能力") == "產品操作與服<br>務流程設計能力"
    assert charts.wrap("IT技術基本能力", 12) == "IT技術<br>基本能力"
    assert charts.wrap("產品操作與服務流程設計能力", 12) == "產品操<br>作與服務流<br>程設計能力"


def test_matrix_headers_stay_narrow():
    # Chinese upright, one character a line, 15 px a line; English turned a quarter, 7 px a character.
    assert charts.column_headers(["溝通協調能力", "IT技術"]) == (["溝<br>通<br>協<br>調<br>能<br>力", "I<br>T<br>技<br>術"],
                                                           0, 90)
    assert charts.column_headers(["IT fundamentals", "Communication"]) == (["IT fundamentals", "Communication"],
                                                                         -90, 105)


def test_gap_filters_pick_the_people(team):
    long = skills.skill_matrix(team, AS_OF, "en")
    assert skills.gap_status(1, 3.0) == "short_2plus" and skills.gap_status(1, None) == "not_required"
    # Everyone in the team falls short somewhere (total gaps A1 4, A2 1, A3 8, P1 10) …
    assert skills.people_with_gaps(long) == ["P1", "A3", "A2", "A1"]
    assert skills.people_with_gaps(long[long["employee_id"] != "A2"].assign(
        gap=lambda f: f["gap"].where(f["employee_id"] != "A1", 0))) == ["P1", "A3"]
    # … communication: P1 0, A3 1, A2 2, A1 2; project management at Consultant: only P1.
    assert skills.people_at_level(long, "communication", 2) == ["A2", "A1"]
    assert skills.people_at_level(long, "communication", 3) == []
    assert skills.people_at_level(long, "project_mgmt", 3) == ["P1"]
