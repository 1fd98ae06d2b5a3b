"""Where the weekly figures come from: the contributing source systems, and the sources' own SLA
verdicts beside the app's (so users see where the two differ)."""

from __future__ import annotations

import streamlit as st

from kpi.service import report
from ui.components.download import table_with_downloads
from ui.session import t

_VERDICT_COLUMNS = ("source_system", "with_verdict", "source_met", "app_met", "disagree")


def sources_note(review: report.WeeklyReview) -> None:
    sources = review.sources
    if sources.empty:
        return
    named = sources["source_system"].fillna(t("service.sources.unnamed"))
    st.caption(t("service.sources.caption", sources=t("service.sources.separator").join(
        t("service.sources.item", source=s, count=f"{n:,}") for s, n in zip(named, sources["in_play"]))))
    verdicts = sources[sources["with_verdict"] > 0]
    if not verdicts.empty:
        st.markdown(f"**{t('service.sources.verdicts')}**")
        table_with_downloads(verdicts[list(_VERDICT_COLUMNS)], f"sla-verdicts-{review.period.label}", "sla_verdicts",
                             column_config={c: t(f"service.sources.col_{c.removesuffix('_system')}")
                                            for c in _VERDICT_COLUMNS})
