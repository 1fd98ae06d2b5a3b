"""In the browser: upload a skills matrix on the People data page, then see the person's radar chart."""

from tests.browser.conftest import open_page, wait_idle
from tests.conftest import FIXTURES


def test_upload_a_matrix_and_see_the_radar(page, app_url):
    open_page(page, app_url, "people_data")
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone']").click()
    chooser.value.set_files(str(FIXTURES / "people-matrix.csv"))
    wait_idle(page)
    page.get_by_text("Recognised as").wait_for()
    assert page.get_by_text("1 rows have problems").is_visible()
    page.get_by_role("button", name="Import").click()
    wait_idle(page)
    page.get_by_text("Imported people-matrix.csv: 3 rows, 1 rows refused.").wait_for()

    open_page(page, app_url, "people_person")
    page.locator("[data-testid='stMultiSelect']").first.click()
    page.keyboard.type("吳小姐")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    radar = page.locator("[data-testid='stPlotlyChart'] .polarlayer")
    radar.first.wait_for(timeout=30_000)
    legend = page.locator("[data-testid='stPlotlyChart']").first.inner_text()
    assert "Role requirement" in legend and "吳小姐" in legend
    assert page.get_by_text("Development blueprint of 吳小姐").is_visible()
