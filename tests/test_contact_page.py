"""AppTest of the staffing what-if page: the textbook check case in both languages, Erlang A, and
the agents range the chart and table cover."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.staffing_views import agents_range

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "staffing.py")


def check_case(lang: str) -> AppTest:
    """100 calls per 30 minutes, AHT 180 s, 80% in 20 s, 30% shrinkage."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    at.number_input(key="staffing.target").set_value(80.0)
    at.number_input(key="staffing.within").set_value(20.0)
    return at.run()


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_check_case_in_english():
    at = check_case("en")
    assert not at.exception and not at.error
    assert cards(at) == {"Agents required": "14", "Scheduled agents": "20", "Service level": "88.8%",
                         "Average speed of answer": "7.8 s", "Probability of waiting": "17.4%",
                         "Occupancy": "71.4%"}
    table = at.dataframe[0].value
    assert table["Agents"].tolist() == ["11", "12", "13", "14 ★", "15", "16", "17", "18", "19", "20"]
    assert table["Service level"].tolist()[:5] == ["39.0%", "64.0%", "79.6%", "88.8%", "94.1%"]
    assert "Traffic 10.00 erlangs; model: Erlang C" in at.caption[1].value


def test_check_case_in_traditional_chinese():
    at = check_case("zh-TW")
    assert not at.exception
    assert cards(at)["所需人力"] == "14" and cards(at)["排班人數"] == "20"
    assert cards(at)["服務水準"] == "88.8%" and cards(at)["占用率"] == "71.4%"


def test_occupancy_cap_and_abandonment():
    at = check_case("en")
    at.number_input(key="staffing.max_occupancy").set_value(65.0).run()     # ⌈10 / 0.65⌉ = 16
    assert cards(at)["Agents required"] == "16" and cards(at)["Occupancy"] == "62.5%"
    at.number_input(key="staffing.max_occupancy").set_value(100.0)
    at.toggle(key="staffing.use_patience").set_value(True).run()            # mean patience 120 s
    assert cards(at)["Agents required"] == "12" and cards(at)["Abandon rate"] == "6.2%"
    assert "Abandon rate" in at.dataframe[0].value.columns


def test_no_calls_show_no_chart():
    at = check_case("en")
    at.number_input(key="staffing.calls").set_value(0.0).run()
    assert cards(at)["Agents required"] == "0" and not at.dataframe


@pytest.mark.parametrize("traffic, required, expected", [
    (10.0, 14, range(11, 21)), (10.5, 14, range(11, 21)), (10.0, 9, range(9, 16)), (0.2, 1, range(1, 8))])
def test_agents_range_starts_at_the_first_stable_number(traffic, required, expected):
    assert agents_range(traffic, required) == expected
