"""The weekly page's report for managers: a comment box and the HTML and PDF downloads, each
file built only when its button is pressed (kpi/service/weekly_document.py)."""

from __future__ import annotations

import time
from datetime import datetime

import streamlit as st

from kpi.service import weekly_document
from kpi.service.report import ServiceQuery, WeeklyReview
from ui.components.download import file_download
from ui.components.kpi_card import current_targets
from ui.session import lang, t

COMMENT_LIMIT = 2000
APPLY_WAIT_S = 0.8
_HOLDER = "report.comment_holder"


def report_downloads(review: WeeklyReview, query: ServiceQuery) -> None:
    """What the report holds, the comment box and the two buttons."""
    st.caption(t("report.widget.title"))
    # The files are made outside any script run, when a button is pressed. A comment typed and
    # not yet applied is applied by the rerun that leaving the box starts, which begins just after
    # that press (seen in Chromium): the files wait a moment and read the comment from this
    # session's holder, which the box's on_change fills first thing in that rerun.
    holder = st.session_state.setdefault(_HOLDER, {})
    holder["comment"] = st.text_area(t("report.widget.comment"), key="report_comment", max_chars=COMMENT_LIMIT,
                                     placeholder=t("report.widget.placeholder"),
                                     on_change=lambda: holder.update(comment=st.session_state["report_comment"]))
    made = {"review": review.loaded(), "query": query, "targets": current_targets(), "lang": lang()}

    def document() -> weekly_document.Document:
        time.sleep(APPLY_WAIT_S)
        return weekly_document.Document(**made, generated=datetime.now().replace(microsecond=0),
                                        comment=holder.get("comment") or "")

    name = f"weekly-report-{review.period.label}"
    row = st.container(horizontal=True)
    file_download(t("report.widget.html"), lambda: weekly_document.html_document(document()).encode("utf-8"),
                  f"{name}.html", "text/html", "report_html", icon=":material/html:", where=row)
    # The comment and the names are not known before the press: a server without a Chinese font
    # offers no PDF rather than one of empty boxes.
    missing = weekly_document.pdf_unavailable()
    if missing:
        row.caption(t(f"report.widget.no_pdf.{missing}"))
    else:
        file_download(t("report.widget.pdf"), lambda: weekly_document.pdf_document(document()), f"{name}.pdf",
                      "application/pdf", "report_pdf", icon=":material/picture_as_pdf:", where=row)
