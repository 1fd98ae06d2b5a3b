"""The weekly page at 1400 × 900: the table's total row and its service level are in view on
opening, with no scrolling of the page or of the grid."""

import pytest
from playwright.sync_api import expect

from kpi import store
from tests.browser.conftest import UI_WAIT_MS, open_page
from tests.service_tickets import insert_tickets, week41_rows

ROW_PX = 35          # st.dataframe's header and row height


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("weekly-layout-db") / "store.duckdb"
    con = store.connect(path)
    insert_tickets(con, week41_rows())
    con.close()
    return path


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_total_row_and_service_level_in_view_at_1400_by_900(browser, app_url, lang):
    context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(UI_WAIT_MS)
    open_page(tab, app_url, "weekly", f"week=2009-W41&lang={lang}")
    grid = tab.locator("[data-testid='stDataFrame']").first
    expect(grid).to_be_visible()
    # the grid draws on a canvas; its accessibility table names the cells glide-cell-<column>-<row>
    total, service_level = {"en": ("Total", "SL"), "zh-TW": ("合計", "服務水準")}[lang]
    expect(grid.locator("td[id='glide-cell-0-0']")).to_have_text(total)
    expect(grid.locator("td[id='glide-cell-1-0']")).to_have_text("✕ 42.9%")      # 3 of 7 new done on time
    expect(grid.locator("th").nth(1)).to_have_text(service_level)
    box = grid.bounding_box()
    assert box["y"] + 2 * ROW_PX <= 900           # header and total row above the fold
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1400
    assert tab.evaluate("document.querySelector('[data-testid=stMain]').scrollTop") == 0
    context.close()
