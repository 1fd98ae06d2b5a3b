"""The weekly page's report for managers in a real browser: the comment typed goes into the files."""

import subprocess

import pytest

from kpi import store
from tests.browser.conftest import open_page
from tests.service_tickets import insert_tickets, week41_rows


@pytest.fixture(scope="module")
def server_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("weekly-report-db") / "store.duckdb"
    con = store.connect(path)
    insert_tickets(con, week41_rows())
    con.close()
    return path


def download(page, name: str) -> bytes:
    with page.expect_download() as started:
        page.get_by_role("button", name=name).click()
    return open(started.value.path(), "rb").read()


def test_typed_comment_goes_into_the_html_and_the_pdf(page, app_url, tmp_path):
    open_page(page, app_url, "weekly", "week=2009-W41&lang=en")
    page.get_by_role("tab", name="Manager's report").click()
    box = page.get_by_label("Manager's comment (printed on the report's first page)")
    box.fill("Service level <b>too low</b>")
    # straight from the box to the button, not applied first: the rerun that applies it comes after the press
    report = download(page, "Download report (HTML)").decode("utf-8")
    assert "Service level &lt;b&gt;too low&lt;/b&gt;" in report and "<title>Weekly service report 2009-W41</title>" in report
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(download(page, "Download report (PDF)"))
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "Service level <b>too low</b>" in text and "2009-W41" in text
