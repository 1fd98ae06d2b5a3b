"""The weekly report for managers (kpi/service/weekly_document.py) and ``python -m kpi report``."""

import re
import shutil
import struct
import subprocess
from datetime import datetime

import pytest

from kpi import store, targets
from kpi.cli import main
from kpi.service import periods, report, weekly_document
from kpi.service.weekly_document import Document, html_document
from tests.conftest import NO_DATABASE_HINT
from tests.service_tickets import insert_tickets, week41_rows, weekly_page

W41 = periods.iso_week("2009-W41")
# Beside the week-41 example: an unassigned ticket whose subject holds a mobile number, and one
# escalated twice, overdue, whose owner's name looks like markup.
EXTRA = [
    {"ticket_id": "X-1", "subject": "請回電 0912-345-678", "owner": None, "department": "總經理室-測試環境",
     "created_at": "2009-10-07 09:00", "standard_due_at": "2009-10-20 09:00", "first_commitment_at": "2009-10-20 09:00",
     "current_commitment_at": "2009-10-20 09:00", "status": "處理中"},
    {"ticket_id": "X-2", "subject": "主機當機", "owner": "<b>Eve</b>", "department": "總經理室-測試環境",
     "created_at": "2009-10-06 10:00", "standard_due_at": "2009-10-08 10:00", "first_commitment_at": "2009-10-08 10:00",
     "current_commitment_at": "2009-10-08 10:00", "escalation_count": 2, "status": "處理中"},
]


def _tickets(con) -> None:
    insert_tickets(con, week41_rows() + EXTRA)


@pytest.fixture
def week41_html(con):
    _tickets(con)
    query = report.ServiceQuery(by="owner")
    document = Document(report.weekly_review(con, W41, query), query, targets.load(con), "zh-TW", datetime(2009, 10, 12, 8, 30),
                        "服務水準 33.3%：<script>alert(1)</script>\n下週改善")
    return html_document(document)


def _cells(row_html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row_html)


def test_html_is_self_contained_and_escapes_what_people_typed(week41_html):
    assert "<script" not in week41_html.lower()
    assert not re.search(r"https?://", week41_html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\n下週改善" in week41_html     # the comment, kept as typed
    assert "&lt;b&gt;Eve&lt;/b&gt;" in week41_html and "<b>Eve" not in week41_html
    assert "0912-***-678" in week41_html and "0912-345-678" not in week41_html   # subjects are masked


def test_html_cards_table_and_distribution_hold_the_week41_figures(week41_html):
    # 9 in play (7 + X-1 + X-2, all new); done: 3 on time, 3 late; open: X-1 not due, 007 and X-2 overdue
    cards = dict(re.findall(r"<div class='label'>(.*?)</div><div class='value'>(.*?)</div>", week41_html))
    assert cards == {"執行總數": "9", "完成率": "66.7%", "總服務水準": "33.3%", "服務水準": "33.3%",
                     "平均升級次數": "0.22", "承諾達成率": "50.0%"}        # 2 escalations / 9; 3 of 6 completed by commitment
    headers = re.findall(r"<th title='[^']*'>(.*?)</th>", week41_html)
    assert headers[:3] == ["前期遺留", "本期新增", "執行總數"] and headers[-1] == "服務水準"
    total = _cells(re.search(r"<tr class='total'>(.*?)</tr>", week41_html)[1])
    # rates against the default targets: completion 80% (red < 65%), escalations ≤ 0.30, service levels 85% (red < 75%)
    assert total == ["合計", "0", "9", "9", "3", "1", "3", "1", "0", "1", "0", "▲ 66.7%", "✓ 0.22", "✕ 33.3%", "✕ 33.3%"]
    weekly = re.search(r"<table class='weekly'>.*?</table>", week41_html)[0]
    groups = re.findall(r"<tr><td class='text'>(.*?)</td>", weekly)
    assert groups == ["（未分配）", "&lt;b&gt;Eve&lt;/b&gt;", "吳小姐", "陳小明"]
    assert "未升級：8 件（89%）" in week41_html and "升級二次：1 件（11%）" in week41_html
    assert "期間：2009-W41（2009-10-05 至 2009-10-11）" in week41_html


def test_cards_tell_their_status_by_symbol_word_and_target(week41_html):
    cards = re.findall(r"<div class='card ?(\w*)'><div class='label'>(.*?)</div><div class='value'>.*?</div>"
                       r"(?:<div class='status'>(.*?)</div><div class='legend'>(.*?)</div>)?", week41_html)
    assert cards == [                       # as written in HTML (&lt; is "<")
        ("", "執行總數", "", ""),                  # a count without a target
        ("amber", "完成率", "▲ 注意", "目標 ≥ 80.0%，黃燈 &lt; 80.0%，紅燈 &lt; 65.0%"),
        ("red", "總服務水準", "✕ 未達標", "目標 ≥ 85.0%，黃燈 &lt; 85.0%，紅燈 &lt; 75.0%"),
        ("red", "服務水準", "✕ 未達標", "目標 ≥ 85.0%，黃燈 &lt; 85.0%，紅燈 &lt; 75.0%"),
        ("green", "平均升級次數", "✓ 達標", "目標 ≤ 0.30，黃燈 &gt; 0.30，紅燈 &gt; 0.60"),
        ("red", "承諾達成率", "✕ 未達標", "目標 ≥ 90.0%，黃燈 &lt; 90.0%，紅燈 &lt; 80.0%"),
    ]
    assert "目標 85%</text>" in week41_html        # the trend's target line


def test_by_department_each_row_is_rated_against_its_own_target(con):
    _tickets(con)
    con.execute("INSERT INTO kpi_targets (kpi_key, department, direction, target, amber, red) "
                "VALUES ('service.service_level', '總經理室-測試環境', 'higher', 0.30, 0.30, 0.20)")
    query = report.ServiceQuery(by="department")
    page = html_document(Document(report.weekly_review(con, W41, query), query, targets.load(con), "en",
                                  datetime(2009, 10, 12)))
    weekly = re.search(r"<table class='weekly'>.*?</table>", page)[0]
    rows = re.findall(r"<tr(?: class='total')?><td class='text'>(.*?)</td>.*?<td class='(\w+)'>([^<]*)</td></tr>", weekly)
    assert rows == [("總經理室-測試環境", "green", "✓ 33.3%"), ("Total", "red", "✕ 33.3%")]


def test_html_alerts_give_counts_and_first_rows(week41_html):
    counts = dict(re.findall(r"<tr><td class='text'>([^<]*)</td><td>(\d+)</td><td class='text'>", week41_html))
    assert counts == {"未分配": "1", "升級中": "1", "升級多次": "1", "逾期多次": "1", "24 小時內到期": "0"}
    assert "未分配：前 1 件（共 1 件）" in week41_html and "24 小時內到期：前" not in week41_html


def _png_size(path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def _prepared_db(tmp_path):
    path = tmp_path / "store.duckdb"
    con = store.connect(path)
    _tickets(con)
    con.close()
    return path


def test_cli_pdf_is_a4_numbered_with_traditional_chinese_text(tmp_path, capsys):
    if shutil.which("pdfinfo") is None or weekly_document.pdf_unavailable() is not None:
        pytest.skip("poppler-utils, Pango or a Chinese font missing (.ci/run installs them: poppler-utils, "
                    "libpango-1.0-0, fonts-noto-cjk)")
    out = tmp_path / "week.pdf"
    assert main(["report", "--db", str(_prepared_db(tmp_path)), "--format", "pdf", "--out", str(out),
                 "--comment", "請各組注意服務水準"]) == 0     # no period: the last complete week with data, W41
    assert capsys.readouterr().err == f"{out}: 2009-W41, PDF\n"
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+3\n", info)          # cards and charts; the wide table; the alerts
    text = subprocess.run(["pdftotext", "-layout", out, "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:3]
    assert "服務請求週報" in pages[0] and "2009-W41" in pages[0] and "請各組注意服務水準" in pages[0]
    assert "服務水準趨勢" in pages[0] and "第 1 頁，共 3 頁" in pages[0]
    assert "服務請求指標分析表" in pages[1] and "前期遺留" in pages[1] and "第 2 頁，共 3 頁" in pages[1]
    assert "需要注意的服務請求" in pages[2] and "0912-***-678" in pages[2] and "第 3 頁，共 3 頁" in pages[2]
    subprocess.run(["pdftoppm", "-r", "50", "-png", out, tmp_path / "page"], check=True)
    # A4 at 50 dpi: 414 × 585 pixels (pdftoppm rounds up), the table's page turned to landscape
    sizes = [_png_size(tmp_path / f"page-{n}.png") for n in (1, 2, 3)]
    assert sizes == [(414, 585), (585, 414), (414, 585)]


@pytest.fixture
def pango():
    """WeasyPrint can load Pango here, so PDFs can be made at all."""
    if weekly_document.pdf_unavailable("Weekly") == weekly_document.NO_PANGO:
        pytest.skip("Pango missing: no PDF at all (.ci/run installs libpango-1.0-0)")


def test_without_a_chinese_font_a_pdf_with_chinese_is_refused_in_one_line(tmp_path, capsys, monkeypatch, pango):
    monkeypatch.setattr(weekly_document, "_draws", lambda sample: False)
    out = tmp_path / "week.pdf"
    assert main(["report", "--db", str(_prepared_db(tmp_path)), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        "error: no font on this machine draws Chinese, so the PDF would show empty boxes: install Noto Sans CJK "
        "(Debian: fonts-noto-cjk), or make the report as HTML (--out FILE.html)\n")
    assert not out.exists()


@pytest.mark.parametrize(("text", "draws_chinese", "missing"), [
    ("<p>Weekly 2009-W41, Eve</p>", False, None),          # nothing Chinese to draw
    ("<p>週報</p>", False, weekly_document.NO_CJK_FONT),
    ("<p>Owner：Eve</p>", False, weekly_document.NO_CJK_FONT),  # a full-width colon is drawn by CJK fonts
    ("<p>週報</p>", True, None),
    (None, False, weekly_document.NO_CJK_FONT),              # the page, before the names are known
])
def test_a_pdf_needs_a_chinese_font_only_for_chinese_text(monkeypatch, pango, text, draws_chinese, missing):
    monkeypatch.setattr(weekly_document, "_draws", lambda sample: draws_chinese)
    assert weekly_document.pdf_unavailable(text) == missing


def test_the_font_check_sees_the_boxes_weasyprint_only_logs(pango):
    assert weekly_document._draws("Weekly report") is True
    assert weekly_document._draws("\u0378") is False         # a code point no font can have: it is unassigned


def test_a_font_check_that_fails_says_no_once_in_the_log(pango, monkeypatch, caplog):
    class Broken:
        def HTML(self, string):
            raise RuntimeError("fontconfig: cannot load default config file")
    monkeypatch.setattr(weekly_document, "_weasyprint", Broken)
    with caplog.at_level("WARNING", logger="kpi.service.weekly_document"):
        assert weekly_document._draws("a line no one has laid out before") is False
    assert [r.getMessage() for r in caplog.records if r.name == "kpi.service.weekly_document"] == [
        "WeasyPrint could not lay out a line of text"]


def test_cli_html_in_english_by_department(tmp_path, capsys):
    out = tmp_path / "week.html"
    assert main(["report", "--db", str(_prepared_db(tmp_path)), "--week", "2009-W41", "--by", "department",
                 "--lang", "en", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<title>Weekly service report 2009-W41</title>" in page
    assert "Weekly table (by Department)" in page and ">總經理室-測試環境</td>" in page
    assert "<script" not in page.lower() and not re.search(r"https?://", page)


@pytest.mark.parametrize(("argv", "message"), [
    (["--week", "2009-W54", "--out", "{tmp}/a.pdf"], "error: '2009-W54' is not an ISO week such as 2009-W41\n"),
    (["--out", "{tmp}/a.txt"], "error: {tmp}/a.txt: give --format pdf or --format html\n"),
    (["--out", "{tmp}/missing/a.pdf"], "error: {tmp}/missing/a.pdf: No such file or directory\n"),
])
def test_mistakes_exit_2_with_one_line(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.setattr(weekly_document, "_draws", lambda sample: True)  # whatever fonts this machine has
    db = _prepared_db(tmp_path)
    code = main(["report", "--db", str(db), *(a.format(tmp=tmp_path) for a in argv)])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", message.format(tmp=tmp_path))


def test_no_database_and_an_empty_one_are_told_plainly(tmp_path, capsys):
    assert main(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "a.pdf")]) == 2
    assert capsys.readouterr().err == f"error: no database at {tmp_path / 'none.duckdb'}{NO_DATABASE_HINT}\n"
    store.connect(tmp_path / "empty.duckdb").close()
    assert main(["report", "--db", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "a.pdf")]) == 2
    assert capsys.readouterr().err == "error: the database holds no tickets: import exports first (python -m kpi import)\n"
    assert not (tmp_path / "a.pdf").exists()


def test_weekly_page_offers_the_report_with_a_comment_box(db_file, monkeypatch):
    monkeypatch.setattr(weekly_document, "pdf_unavailable", lambda text=None: None)
    app = weekly_page(db_file, week41_rows() + EXTRA, "zh-TW", tab="主管週報", week="2009-W41")
    assert not app.exception
    assert app.tabs[6].label == "主管週報" and app.tabs[6].caption[0].value.startswith("下載給主管的週報")
    app.text_area(key="report_comment").input("請各組注意").run()
    assert not app.exception and app.text_area(key="report_comment").value == "請各組注意"
    assert [b.label for b in app.get("download_button") if "報告" in b.label] == ["下載報告（HTML）", "下載報告（PDF）"]


def test_weekly_page_without_a_chinese_font_offers_the_html_report_and_says_why(db_file, monkeypatch):
    monkeypatch.setattr(weekly_document, "pdf_unavailable", lambda text=None: weekly_document.NO_CJK_FONT)
    app = weekly_page(db_file, week41_rows() + EXTRA, "zh-TW", tab="主管週報", week="2009-W41")
    assert not app.exception
    assert [b.label for b in app.get("download_button") if "報告" in b.label] == ["下載報告（HTML）"]
    assert ("這台伺服器沒有中文字型，PDF 只會顯示空白方框：請改用 HTML 報告，或請管理者安裝 Noto Sans CJK"
            "（Debian：fonts-noto-cjk）。") in [c.value for c in app.tabs[6].caption]
