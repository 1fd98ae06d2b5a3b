"""What the upload preview tells before Import: the data-quality checks, and every status and
priority value found with what it will mean (the user assigns the unknown ones)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from kpi.ingest import importer, vocabularies
from ui import lang, t
from ui import upload_flow as flow
from ui.components.download import download_buttons

UNKNOWN = "—"


def quality_panel(key: str, item: flow.Pending) -> None:
    """One line per check that found something, with the first rows; the full list as a download."""
    preview = item.preview
    findings = preview.findings
    if not findings:
        st.success(t("quality.clean"))
        return
    names = {finding.check: finding.text_in(lang()) for finding in findings}
    with st.container(border=True):
        st.markdown(f"**{t('quality.title')}**")
        for finding in findings:
            rows = ", ".join(str(r) for r in finding.rows)
            st.markdown(f"- **{finding.count:,}** × {names[finding.check]} " + t("quality.rows", rows=rows))
        table = importer.quality_rows(flow.cursor(), preview)
        table = table.assign(check=[names[c] for c in table["check"]]).rename(columns={
            "row": t("upload.reject_row"), "check": t("quality.check"), "ticket_id": t("field.ticket_id")})
        download_buttons(table, f"data-quality-{preview.source.file_name}", f"quality_{key}")


def vocabulary_editor(key: str, item: flow.Pending, lang: str) -> None:
    """Status → state and priority → level tables; a change is previewed again at once."""
    preview = item.preview
    quality = preview.quality
    if not quality.statuses and not quality.priorities:
        return
    states = list(vocabularies.STATES)
    state_names = {s: t(f"state.{s}") for s in states}
    left, right = st.columns(2)
    status_map, priority_map = dict(preview.plan.status_map), dict(preview.plan.priority_map)
    if quality.statuses:
        with left:
            st.markdown(f"**{t('quality.statuses')}**")
            rows = pd.DataFrame(quality.statuses, columns=["value", "rows", "state"])
            rows["state"] = [state_names.get(s, UNKNOWN) for s in rows["state"]]
            edited = st.data_editor(rows, key=f"statuses_{key}", hide_index=True, width="stretch",
                                    disabled=("value", "rows"), column_config={
                                        "value": st.column_config.TextColumn(t("quality.value")),
                                        "rows": st.column_config.NumberColumn(t("quality.count")),
                                        "state": st.column_config.SelectboxColumn(
                                            t("quality.state"), options=[UNKNOWN, *state_names.values()])})
            by_name = {v: k for k, v in state_names.items()}
            status_map.update({r.value: by_name[r.state] for r in edited.itertuples()
                               if r.state in by_name and by_name[r.state] != _mapped_state(r.value, preview)})
    if quality.priorities:
        with right:
            st.markdown(f"**{t('quality.priorities')}**")
            rows = pd.DataFrame(quality.priorities, columns=["value", "rows", "level"])
            rows["level"] = [UNKNOWN if pd.isna(v) else f"Level {int(v)}" for v in rows["level"]]
            edited = st.data_editor(rows, key=f"priorities_{key}", hide_index=True, width="stretch",
                                    disabled=("value", "rows"), column_config={
                                        "value": st.column_config.TextColumn(t("quality.value")),
                                        "rows": st.column_config.NumberColumn(t("quality.count")),
                                        "level": st.column_config.SelectboxColumn(
                                            t("quality.level"),
                                            options=[UNKNOWN, *(f"Level {n}" for n in vocabularies.LEVELS)])})
            # A level the user changed is theirs; the file's own reading of a word depends on its other words.
            shown = dict(zip(rows["value"], rows["level"]))
            priority_map.update({r.value: int(r.level.removeprefix("Level ")) for r in edited.itertuples()
                                 if r.level not in (UNKNOWN, shown[r.value])})
    plan = replace(preview.plan, status_map=status_map, priority_map=priority_map)
    if plan != preview.plan:
        flow.re_preview(item, plan, lang)
        st.rerun()


def _mapped_state(value: str, preview: importer.Preview) -> str | None:
    return preview.plan.statuses.get(vocabularies.normalise(value))
