"""The weekly review in a real browser: clicking an escalation bar lists the tickets behind it."""

import csv

import pytest
from playwright.sync_api import expect

from kpi import store
from kpi.ingest.importer import import_files
from tests.browser.conftest import open_page
from tests.service_tickets import WEEK41


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("weekly-db") / "store.duckdb"
    con = store.connect(path)
    import_files(con, [WEEK41])
    con.close()
    return path


def downloaded_csv(page) -> list[list[str]]:
    """The drill-down list's CSV: its buttons are the last on the page, drawn before "Close the list"."""
    expect(page.get_by_role("button", name="Close the list")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").last.click()
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_clicking_a_bar_lists_its_tickets(page, app_url):
    open_page(page, app_url, "weekly", "week=2009-W41&lang=en")
    page.get_by_role("tab", name="Escalations").click()
    # 陳小明's "not escalated" bar: both of his tickets (one done late, one still open)
    chart = page.locator(".js-plotly-plot").filter(has_text="Escalations of the tickets in play")
    bars = chart.locator(".bars .point path")
    expect(bars).to_have_count(8)  # 2 owners × 4 buckets
    bars.nth(1).click(force=True)
    expect(page.get_by_text("Tickets: 陳小明 · Not escalated")).to_be_visible()
    # the grid draws on a canvas, so read the list through its CSV download (the last on the page)
    listed = downloaded_csv(page)
    assert listed[0][:4] == ["Ticket", "Subject", "Department", "Owner"]
    assert sorted(row[0] for row in listed[1:]) == ["200910-006", "200910-007"]
    expect(page.get_by_role("button", name="Download Excel").last).to_be_visible()


def test_clicking_a_table_row_lists_its_tickets(page, app_url):
    open_page(page, app_url, "weekly", "week=2009-W41&lang=en")
    grid = page.locator("[data-testid='stDataFrame']").first
    # The grid draws on a canvas. Its accessibility table names each cell glide-cell-<column>-<row>:
    # focusing it selects the first cell, and the arrow keys move the selection to 陳小明's row.
    cell = grid.locator("td[id^='glide-cell-0-']", has_text="陳小明")
    row = int(cell.get_attribute("id").rsplit("-", 1)[1])
    cell.focus()
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_text("Tickets: 陳小明 · In play")).to_be_visible()
    assert sorted(row[0] for row in downloaded_csv(page)[1:]) == ["200910-006", "200910-007"]
