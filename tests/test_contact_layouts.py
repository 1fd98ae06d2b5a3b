"""Interval-report layouts as data, and the three service-level denominators by hand."""

import pytest

from kpi.contact.layouts import CANONICAL_FIELDS, LAYOUTS, SERVICE_LEVEL_BASES, service_level
from kpi.i18n import t


def test_every_layout_maps_only_canonical_fields_with_a_known_basis():
    assert {layout.key for layout in LAYOUTS} == {
        "amazon_connect", "genesys_cloud", "cisco_uccx", "webex_cc", "avaya_cms", "twilio_flex", "generic_zh_tw",
        "generic_en"}
    for layout in LAYOUTS:
        assert set(layout.headers) <= set(CANONICAL_FIELDS), layout.key
        assert layout.unconfirmed <= set(CANONICAL_FIELDS), layout.key
        assert layout.service_level_basis in SERVICE_LEVEL_BASES
        assert {"interval_start", "queue", "offered", "answered", "abandoned"} <= set(layout.headers)
        assert layout.milliseconds <= set(layout.headers), layout.key


def test_the_vendors_own_words():
    by_key = {layout.key: layout.headers for layout in LAYOUTS}
    assert by_key["amazon_connect"]["answered"] == ("Contacts handled",)
    assert by_key["amazon_connect"]["service_level_pct"] == ("Service level {seconds} seconds",)
    assert by_key["avaya_cms"]["answered"][0] == "ACD Calls"
    assert by_key["avaya_cms"]["abandoned"][0] == "Aband Calls"
    assert by_key["cisco_uccx"]["offered"][0] == "Calls Presented"
    assert by_key["cisco_uccx"]["interval_end"] == ("Interval End Time",)
    assert by_key["webex_cc"]["service_level_pct"] == ("serviceLevelThresholdPercentage",)
    assert by_key["twilio_flex"]["offered"][0] == "tasks_entered"
    assert by_key["genesys_cloud"]["service_level_pct"][0] == "Service Level %"
    assert by_key["generic_zh_tw"]["answered_within_threshold"][0] == "{seconds}秒內接通數"
    assert by_key["generic_zh_tw"]["agents_staffed"][0] == "上線人數"


# An interval: 200 offered, 180 answered, 20 abandoned of which 8 within 5 s, 153 answered within 15 s.
@pytest.mark.parametrize("basis, expected", [
    ("offered", 153 / 200),                          # 0.765
    ("answered", 153 / 180),                         # 0.85
    ("offered_minus_short_abandons", 153 / 192),     # 0.796875
])
def test_service_level_under_each_denominator(basis, expected):
    assert service_level(153, 200, 180, 8, basis) == pytest.approx(expected)


def test_no_calls_no_service_level_and_unknown_basis():
    assert service_level(0, 0, 0, 0, "offered") is None
    assert service_level(0, 5, 0, 5, "offered_minus_short_abandons") is None
    with pytest.raises(ValueError, match="unknown service-level basis"):
        service_level(1, 2, 2, 0, "handled")


def test_each_basis_has_its_formula_in_both_languages():
    assert t("contact.sl_basis.answered", "en") == "Service level = answered within threshold ÷ answered"
    assert t("contact.sl_basis.offered_minus_short_abandons", "zh-TW") == "服務水準 = 門檻內接通數 ÷ (進線數 − 短放棄數)"
    assert all(t(f"contact.sl_basis.{basis}", "en") for basis in SERVICE_LEVEL_BASES)
