"""The ROI page in a real browser: a change updates the figures, and the exports download."""

import dataclasses
import io
import re

import openpyxl
import pytest

from kpi import store
from kpi.roi.model import SEED
from kpi.roi.scenarios import save_scenario
from playwright.sync_api import expect

from tests.browser.conftest import open_page, wait_idle


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("roi-db") / "store.duckdb"
    con = store.connect(path)
    save_scenario(con, None, "Platform 1M", dataclasses.replace(SEED, platform_cost=1_000_000))
    con.close()
    return path


def test_a_change_updates_the_figures_and_exports_download(page, app_url):
    open_page(page, app_url, "roi", "lang=en")
    expect(page.get_by_text("NT$661,296").first).to_be_visible()   # the shipped example, first
    trainees = page.get_by_label("Trainees (trainee-places)")
    trainees.fill("900")
    trainees.press("Enter")
    # 900 trainees, 18 classes: 1,988,680 − 846,784 (hand-computed in test_roi_scenarios)
    expect(page.get_by_text("NT$1,141,896").first).to_be_visible()
    expect(page.get_by_text("There are unsaved changes.")).to_be_visible()
    wait_idle(page)

    page.get_by_role("tab", name="Compare and export").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download one-page report (HTML)").click()
    report = open(download.value.path(), encoding="utf-8").read()
    assert "Platform 1M" in report and "−NT$338,704" in report
    assert not re.search(r"<script|https?://", report)
    with page.expect_download() as download:
        page.get_by_role("tabpanel", name="Compare and export").get_by_role("button", name="Download Excel").click()
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames == ["Comparison", "Intangible benefits"]
