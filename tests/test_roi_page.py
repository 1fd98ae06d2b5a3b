"""AppTest of the ROI page: the seed's figures in both languages, messages for bad input, and
saving, duplicating, comparing and deleting scenarios."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.roi.model import ExtraLine
from kpi.roi.scenarios import list_scenarios
from ui.roi_form import extra_lines_from

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "roi.py")


@pytest.fixture
def page(db_file):
    def open_page(lang: str = "en") -> AppTest:
        at = AppTest.from_file(PAGE, default_timeout=30)
        at.session_state["lang"] = lang
        return at.run()
    return open_page


def headline(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def stored_names(db_file) -> list[str]:
    with store.connect(db_file) as con:
        return [s.name for s in list_scenarios(con)]


def test_seed_example_in_english(page):
    at = page("en")
    assert not at.exception and not at.error
    assert headline(at) == {"Classroom total": "NT$1,101,280", "Online total": "NT$439,984",
                            "Savings": "NT$661,296", "ROI": "150.3%", "Benefit–cost ratio": "2.50",
                            "NPV": "NT$2,011,648"}    # undiscounted: 3 × 675,176 − 13,880
    costs = at.dataframe[0].value
    trainee_time = costs[costs["Cost line"] == "Trainee time"].iloc[0]
    assert trainee_time["Classroom: Calculation"] == "450 × 8 × 226"
    assert trainee_time["Online: Amount (NT$)"] == "406,800"
    assigned = [c.value for c in at.caption if c.value.startswith("Based on 9 classes")]
    assert "classroom content development takes 40 hours" in assigned[0]
    assert at.selectbox(key="roi.selected").value == 1
    assert at.text_input(key="roi.name").value == "導入HRD平台ROI分析（範例）"


def test_npv_at_a_chosen_discount_rate(page):
    at = page("en")
    at.number_input(key="roi.discount").set_value(10.0).run()
    assert not at.exception
    # −13,880 + 675,176 / 1.1 + 675,176 / 1.1² + 675,176 / 1.1³ = 1,665,182.78
    assert headline(at)["NPV"] == "NT$1,665,183"
    assert "Net present value over 3 years at 10.0% a year: **NT$1,665,183**" in [m.value for m in at.markdown]


def test_seed_example_in_traditional_chinese(page):
    at = page("zh-TW")
    assert not at.exception
    assert headline(at)["面授總成本"] == "NT$1,101,280"
    assert headline(at)["投資報酬率 ROI"] == "150.3%"
    assert headline(at)["淨現值 NPV"] == "NT$2,011,648"
    assert at.number_input(key="roi.p.trainees").label == "受訓人次 (人次)"
    assert "ROI 都不低於 0" in at.markdown[-1].value            # break-even of trainees: none


def test_changing_a_parameter_updates_the_result(page):
    at = page()
    at.number_input(key="roi.p.platform_cost").set_value(1_000_000.0).run()
    # online 439,984 + 1,000,000 = 1,439,984; savings 1,101,280 − 1,439,984 = −338,704
    assert headline(at)["Savings"] == "−NT$338,704"
    assert headline(at)["ROI"] == "-23.5%"                      # −338,704 / 1,439,984
    assert "There are unsaved changes." in [c.value for c in at.caption]
    assert "**Trainees** = **762 trainee-places**" in at.markdown[-1].value   # break-even, as hand-computed


def test_class_size_zero_is_explained_not_crashed(page):
    at = page()
    at.number_input(key="roi.p.class_size").set_value(0).run()
    assert not at.exception
    assert "Class size must be at least 1; it is 0." in at.error[0].value
    assert not at.metric
    assert at.info[0].value == "Fix the inputs listed above and the results appear here."


def test_online_costing_nothing_says_roi_is_undefined(page):
    at = page()
    for key, value in (("online_hours", 0.0), ("online_admin_classes", 0), ("online_dev_multiplier", 0.0)):
        at.number_input(key=f"roi.p.{key}").set_value(value)
    at.run()
    assert not at.exception
    assert headline(at)["ROI"] == "—" and headline(at)["Benefit–cost ratio"] == "—"
    assert at.warning[0].value.startswith("The online side costs nothing, so ROI")


def test_own_hours_rule_uses_the_chosen_hours(page):
    at = page()
    at.radio(key="roi.rule").set_value("hours").run()
    at.number_input(key="roi.p.hours_per_year").set_value(2080.0).run()
    assert not at.exception
    assert at.number_input(key="roi.p.admin_hourly").value == 312.5       # 650,000 / 2,080
    # classroom trainee time 450 × 8 × 312.5 = 1,125,000
    costs = at.dataframe[0].value
    assert costs.iloc[0]["Classroom: Amount (NT$)"] == "1,125,000"


def test_save_as_new_duplicate_compare_and_delete(page, db_file):
    at = page()
    at.text_input(key="roi.name").set_value("Platform 1M")
    at.number_input(key="roi.p.platform_cost").set_value(1_000_000.0)
    at.button(key="roi.save_new").click().run()
    assert not at.exception
    assert at.success[0].value == "Saved “Platform 1M”."
    assert stored_names(db_file) == ["導入HRD平台ROI分析（範例）", "Platform 1M"]

    at.button(key="roi.duplicate").click().run()
    assert at.text_input(key="roi.name").value == "Platform 1M (2)"
    assert len(at.selectbox(key="roi.selected").options) == 3

    compare = at.multiselect(key="roi.compare")
    assert compare.value == [1, 2, 3]
    [table] = [frame.value for frame in at.dataframe if "Item" in frame.value.columns]
    assert list(table.columns[2:]) == ["導入HRD平台ROI分析（範例）", "Platform 1M", "Platform 1M (2)"]
    assert list(table.iloc[0][2:]) == ["NT$661,296", "−NT$338,704", "−NT$338,704"]

    at.button(key="roi.delete").click().run()
    assert at.success[0].value == "Deleted “Platform 1M (2)”."
    assert stored_names(db_file) == ["導入HRD平台ROI分析（範例）", "Platform 1M"]


def test_saving_under_a_taken_name_is_refused(page, db_file):
    at = page()
    at.button(key="roi.save_new").click().run()            # the seed's own name is taken
    assert not at.exception
    assert "already exists; choose another name" in at.error[0].value
    assert len(stored_names(db_file)) == 1


def test_save_overwrites_and_a_new_session_sees_it(page):
    at = page()
    at.number_input(key="roi.p.trainees").set_value(900).run()
    at.button(key="roi.save").click().run()
    assert not at.exception
    again = page()
    assert again.number_input(key="roi.p.trainees").value == 900
    assert headline(again)["Classroom total"] == "NT$1,988,680"     # see test_roi_scenarios


def test_reached_through_the_app_navigation(db_file):
    at = AppTest.from_file(str(Path(PAGE).parents[1] / "app.py"), default_timeout=30)
    at.session_state["lang"] = "zh-TW"
    at.run()
    at.switch_page("pages/roi.py").run()
    assert not at.exception
    assert at.title[0].value == "面授課程改為數位學習的投資報酬率"
    assert headline(at)["節省成本"] == "NT$661,296"


def test_extra_line_rows_from_the_editor():
    edited = pd.DataFrame({"name": ["Venue", None, None, " Catering "], "amount": [500.0, None, 20.0, None]})
    # an empty row is dropped; a nameless amount stays (validation names it); no amount means 0
    assert extra_lines_from(edited) == (ExtraLine("Venue", 500.0), ExtraLine("", 20.0), ExtraLine("Catering", 0.0))
