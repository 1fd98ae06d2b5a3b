"""In the browser: upload a skills matrix and see the radar; click a team shortage bar to see who."""

import pytest

from kpi import store
from kpi.people.demo import load_demo_people
from tests.browser.conftest import open_page, wait_idle
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
    wait_idle(page)
    page.get_by_text("Recognised as").wait_for()
    assert page.get_by_text("Rows with problems: 1").is_visible()
    page.get_by_role("button", name="Import").click()
    wait_idle(page)
    page.get_by_text("Imported people-matrix.csv (3 rows imported, 1 with problems).").wait_for()

    open_page(page, app_url, "people_person")
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.keyboard.press("Backspace")  # the page opens on the first person; show 吳小姐 alone
    page.keyboard.type("吳小姐")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    radar = page.locator("[data-testid='stPlotlyChart'] .polarlayer")
    radar.first.wait_for()
    legend = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    assert "Role requirement" in legend and "吳小姐" in legend
    assert page.get_by_text("Development blueprint of 吳小姐").is_visible()


def test_click_a_shortage_bar_to_see_who_is_short(page, app_url):
    open_page(page, app_url, "people_team")
    bar = page.locator("[data-testid='stPlotlyChart'] .bars path").first
    bar.wait_for()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)
    page.get_by_text("People short in").wait_for()
