"""In Chromium: upload an export, confirm, and see the ticket count on the home page change."""

import shutil

import pytest

from kpi import store
from kpi.ingest import importer
from playwright.sync_api import expect

from tests.browser.conftest import open_page, wait_idle
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    # Seven tickets are already stored; the upload adds three more.
    path = tmp_path_factory.mktemp("upload-db") / "store.duckdb"
    con = store.connect(path)
    importer.import_file(con, FIXTURES / "week41-2009.csv")
    con.close()
    return path


def expect_home_tickets(tab, app_url, count: str) -> None:
    open_page(tab, app_url, "", "lang=en")
    card = tab.locator("[data-testid='stMetric']", has_text="Tickets")
    expect(card.locator("[data-testid='stMetricValue']")).to_have_text(count)


def test_upload_confirm_and_see_the_ticket_count_change(page, app_url, tmp_path):
    expect_home_tickets(page, app_url, "7")
    export = tmp_path / "next-week.csv"
    shutil.copy(FIXTURES / "week41-2009.csv", export)
    with export.open("a", encoding="utf-8") as f:
        f.write("200910-101,新單一,總經理室-測試環境,吳小姐,Level 2,2009-10-12 09:00,2009-10-19 09:00,"
                "2009-10-19 09:00,2009-10-19 09:00,,0,0,處理中\n"
                "200910-102,新單二,總經理室-測試環境,吳小姐,Level 3,2009-10-12 10:00,2009-10-26 10:00,"
                "2009-10-26 10:00,2009-10-26 10:00,2009-10-13 10:00,0,0,已關閉\n"
                "200910-103,新單三,總經理室-測試環境,陳小明,Level 5,2009-10-12 11:00,2009-11-10 11:00,"
                "2009-11-10 11:00,2009-11-10 11:00,,1,0,處理中\n")

    open_page(page, app_url, "upload", "lang=en")
    page.locator("input[type=file]").set_input_files(str(export))
    confirm = page.get_by_role("button", name="Import (3 new, 0 updated)")
    expect(confirm).to_be_visible()
    expect(page.locator("[data-testid='stMetric']", has_text="Unchanged").locator(
        "[data-testid='stMetricValue']")).to_have_text("7")
    confirm.click()
    expect(page.get_by_text("Imported next-week.csv: 3 inserted, 0 updated, 7 unchanged, 0 rejected")).to_be_visible()
    wait_idle(page)

    expect_home_tickets(page, app_url, "10")
