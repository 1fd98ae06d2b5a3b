"""AppTest of the staffing what-if page: the textbook check case in both languages, Erlang A, and
the agents range the chart and table cover."""

import json
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


def _phone_page(db_file, lang: str) -> AppTest:
    from kpi import store
    from kpi.ingest import importer
    from tests.conftest import FIXTURES
    from tests.test_data_pages import open_app

    con = store.connect(db_file)
    importer.import_file(con, FIXTURES / "intervals-amazon-connect.csv")
    con.close()
    return open_app("pages/phone.py", lang=lang)


def test_the_phone_page_shows_the_periods_kpis(db_file):
    # Amazon Connect fixture, 2024-02-19 (Taipei time): 350 offered, 325 answered, 25 abandoned,
    # 293 within 15 s; ASA (12·180 + 8·95 + 3·50) / 325 = 9.4 s; AHT 71 200 / 325 = 219.1 s;
    # occupancy 71 200 / ((30 + 13 + 7) × 1 800) = 79.1%. Every interval is short of the agents
    # Erlang C requires (33, 16 and 8 against 30, 13 and 7): nothing unused.
    at = _phone_page(db_file, "en")
    assert not at.exception and not at.error
    assert cards(at) == {"Offered": "350", "Answered": "325", "Abandonment rate": "7.1%", "Service level": "83.7%",
                         "Average speed of answer (s)": "9.4", "Average handle time (s)": "219.1",
                         "Occupancy": "79.1%", "Unused agent-hours": "0.0", "Cost of unused capacity": "NT$0"}
    assert at.info[0].value == ("Under-staffed intervals: 3 (3.5 agent-hours short); over-staffed: 0 "
                                "(0.0 agent-hours unused, about NT$0).")
    at.selectbox(key="phone.basis").set_value("answered").run()
    assert cards(at)["Service level"] == "90.2%"                      # 293 / 325
    assert "Service level = answered within threshold ÷ answered" in [c.value for c in at.sidebar.caption]


def test_the_phone_what_if_in_traditional_chinese(db_file):
    # Half the volume: A = 13.3, 5.6 and 2.5 erlangs need 18, 9 and 5 agents against 30, 13 and 7
    # staffed: 12 + 4 + 2 agents idle for half an hour = 9 agent-hours, NT$3,150 at NT$350.
    at = _phone_page(db_file, "zh-TW")
    at.number_input(key="phone.volume").set_value(50.0).run()
    assert not at.exception
    daily = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["xaxis"]
    assert (daily["tickformat"], daily["hoverformat"]) == ("%Y-%m-%d", "%Y-%m-%d")   # not "Feb 19" on a zh-TW page
    assert (cards(at)["閒置人時"], cards(at)["閒置成本"]) == ("9.0", "NT$3,150")
    days = at.dataframe[0].value
    assert days[["佇列", "閒置人時", "閒置成本（NT$）"]].values.tolist() == [["Billing", 8.0, 2800.0], ["Support", 1.0, 350.0]]
    # CSV and Excel for the per-day table and for the interval table
    assert [b.label for b in at.get("download_button")] == ["下載 CSV", "下載 Excel"] * 2
