"""In Chromium: upload a Planner export on the one upload page, import it, and find its objective
with its score on the OKR tree; the import is listed in the import history with the other kinds."""

from playwright.sync_api import expect

from tests.browser.conftest import open_page, wait_idle
from tests.okr_fixtures import okr_workbook_en


def test_upload_a_planner_export_and_open_the_tree(page, app_url, tmp_path):
    workbook = tmp_path / "company-okr.xlsx"
    workbook.write_bytes(okr_workbook_en())  # 2026 Q4, 5 good tasks and one refused row
    open_page(page, app_url, "upload", "lang=en")
    page.locator("input[type=file]").set_input_files(str(workbook))
    confirm = page.get_by_role("button", name="Import the plan (5 tasks)")
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.get_by_text("Imported plan '2026 Q4 Company OKR' (batch 1)")).to_be_visible()
    wait_idle(page)

    open_page(page, app_url, "okr_tree", "lang=en")
    page.get_by_role("textbox", name="Period").fill("2026-Q4")  # whatever today is
    page.keyboard.press("Enter")
    wait_idle(page)
    grid = page.locator("[data-testid='stDataFrame']").first
    # The grid draws on a canvas; its accessibility table names the cells glide-cell-<column>-<row>.
    name = grid.locator("td[id^='glide-cell-1-']", has_text="Grow recurring revenue")
    row = name.get_attribute("id").rsplit("-", 1)[1]
    # Its KRs score 0.6, 0.7 and 0.6 (tests/test_okr.py): the objective's mean is 0.63.
    expect(grid.locator(f"td[id='glide-cell-4-{row}']")).to_contain_text("0.63")

    open_page(page, app_url, "batches", "lang=en")
    history = page.locator("[data-testid='stDataFrame']").first
    expect(history.locator("td[id^='glide-cell-']", has_text="company-okr.xlsx")).to_have_count(1)
    expect(history.locator("td[id^='glide-cell-']", has_text="Planner plan")).to_have_count(1)
