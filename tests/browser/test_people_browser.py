"""In the browser: upload a skills matrix and see the radar; click a team shortage bar to see who."""

import pytest

from kpi import store
from kpi.people.demo import load_demo_people
from playwright.sync_api import expect

from tests.browser.conftest import open_page
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    """The demo people, so the team page has shortages to click."""
    folder = tmp_path_factory.mktemp("people-browser")
    con = store.connect(folder / "store.duckdb")
    load_demo_people(con, folder / "demo")
    con.close()
    return folder / "store.duckdb"


def test_upload_a_matrix_and_see_the_radar(page, app_url):
    open_page(page, app_url, "people_data")
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone']").click()
    chooser.value.set_files(str(FIXTURES / "people-matrix.csv"))
    expect(page.get_by_text("Recognised as")).to_be_visible()
    expect(page.get_by_text("Rows with problems: 1")).to_be_visible()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported people-matrix.csv (3 rows imported, 1 with problems): 13 new, 0 changed and 0"
                            " unchanged entries in the store.")).to_be_visible()

    open_page(page, app_url, "people_person")
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.keyboard.press("Backspace")  # the page opens on the first person; show 吳小姐 alone
    page.keyboard.type("吳小姐")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.get_by_text("Development blueprint of 吳小姐")).to_be_visible()
    radar = page.locator("[data-testid='stPlotlyChart']").first
    expect(radar).to_contain_text("Role requirement")
    expect(radar).to_contain_text("吳小姐")


def test_click_a_shortage_bar_to_see_who_is_short(page, app_url):
    open_page(page, app_url, "people_team")
    page.locator("[data-testid='stPlotlyChart'] .bars path").first.click(force=True)
    expect(page.get_by_text("People short in")).to_be_visible()
