"""AppTest of the channel mix page over the eight tickets of tests/test_service_channels.py: the
cards, the table per channel, the unknown word and the ticket without a channel, the costs kept in
the store, and the what-if shift, in both languages."""

import json

import pytest
import streamlit as st

from kpi import i18n, store
from kpi.service import channels
from tests.service_tickets import insert_tickets
from ui import channel_views, navigation
from tests.test_data_pages import open_app
from tests.test_service_channels import TICKETS, W08

PAGE = "pages/channel_mix.py"


@pytest.fixture(autouse=True)
def fresh_caches():
    """Figures are cached by data version, which every new store restarts: none may outlive a test."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def channel_page(db_file, lang: str, costs: dict | None = None):
    con = store.connect(db_file)
    insert_tickets(con, TICKETS)
    if costs:
        channels.save_costs(con, costs)
    con.close()
    at = open_app(None, lang)
    for key, value in {"period": "week", "week": "2024-W08", "slice": "day"}.items():
        at.query_params[key] = value
    at.switch_page(PAGE)
    return at.run()


def cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_week_per_channel_in_english(db_file):
    at = channel_page(db_file, "en", {"phone": 120, "email": 40})
    assert not at.exception and not at.error
    assert dict(list(cards(at).items())[:4]) == {"New": "7", "Service level": "57.1%", "Cost of the mix": "NT$440",
                         "Average cost per contact": "NT$88"}
    table = at.dataframe[0].value.set_index("Channel")
    assert table.index.tolist() == ["Phone", "E-mail", "Unknown: carrier pigeon", "No channel", "Total"]
    assert table.loc["Phone", ["New", "Channel share", "Completed", "Service level"]].tolist() == [
        "3", "42.9%", "3", "66.7%"]
    assert table.loc["Phone", ["Resolution, median", "Per contact", "Cost"]].tolist() == [
        "4 h", "NT$120", "NT$360"]
    assert table.loc["No channel", "Cost"] == "—" and table.loc["Total", "Cost"] == "NT$440"
    assert "2 of 7 tickets came through channels without a cost" in at.caption[1].value
    editor = json.loads(at.dataframe[1].proto.columns)["cost_per_contact"]
    assert editor["type_config"]["format"] == "NT$%g"   # NT$120 and NT$12.5, never "NT$120.0"


def test_the_what_if_moves_phone_contacts_to_e_mail(db_file):
    at = channel_page(db_file, "en", {"phone": 120, "email": 40})
    assert at.selectbox(key="channels.from").value == "phone" and at.selectbox(key="channels.to").value == "email"
    at.slider(key="channels.fraction").set_value(50).run()
    # 1.5 of 3 phone contacts at 120 → e-mail at 40: 440 − 1.5 × 80 = 320
    shown = cards(at)
    assert (shown["Contacts moved"], shown["Cost now"], shown["Cost after the shift"]) == ("1.5", "NT$440", "NT$320")
    assert shown["Cost difference of the shift"] == "−NT$120"


def test_costs_saved_from_the_page_persist(db_file):
    at = channel_page(db_file, "en", {"phone": 120})
    assert "Enter a cost per contact for two channels" in at.info[0].value
    at.button[0].click().run()
    assert not at.exception and channels.load_costs(store.connect(db_file)) == {"phone": 120.0}


def test_the_week_per_channel_in_traditional_chinese(db_file):
    at = channel_page(db_file, "zh-TW")
    assert not at.exception and not at.error
    assert at.title[0].value == "管道組合"
    assert cards(at)["本期新增"] == "7" and cards(at)["管道成本"] == "—"
    table = at.dataframe[0].value
    assert table["管道"].tolist() == ["電話", "電子郵件", "未對應：carrier pigeon", "未填管道", "合計"]


def test_the_page_is_in_the_contact_centre_menu_for_every_role():
    page = next(spec for spec in navigation.SECTIONS["nav.section.contact"] if spec.path == PAGE)
    assert (page.title_key, page.permission) == ("nav.channel_mix", "service.view")
    assert page in navigation.destinations()


@pytest.mark.parametrize("language, headers", [
    ("en", ["Channel", "Resolution, median (hours)", "Per contact (NT$)", "Cost (NT$)"]),
    ("zh-TW", ["管道", "完成時間中位數（小時）", "每件成本（NT$）", "成本（NT$）"])])
def test_the_download_names_the_units_its_numbers_lost(con, monkeypatch, language, headers):
    """On screen a cost reads "NT$360" and a time "4 h"; the download's plain numbers need the
    unit in the header."""
    monkeypatch.setattr(channel_views, "lang", lambda: language)
    monkeypatch.setattr(channel_views, "t", lambda key, **values: i18n.t(key, language, **values))
    insert_tickets(con, TICKETS)
    total = channels.channel_mix(con, W08, "week", {"phone": 120.0, "email": 40.0}).total
    table = channel_views.channel_table(total, formatted=False).set_index(headers[0])
    phone = table.loc[channel_views.channel_name("phone", True), headers[1:]].tolist()
    assert phone == [4.0, 120.0, 360.0]
