"""Widgets of the SLA settings page: the policy list editor and the sample-ticket preview."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from kpi.service.deadlines import UNITS
from kpi.service.policies import FIRST_ACTIONS, POLICY_COLUMNS
from kpi.service.settings import SampleTicket
from ui.components.download import as_shown, download_buttons, table_with_downloads
from ui.service_view import readable
from ui.session import t

LEVELS = (1, 2, 3, 4, 5)
VISIBLE_ROWS, ROW_HEIGHT = 16, 35   # the whole 1999 table's items show without scrolling the page


def _choice(title_key: str, options: tuple[str, ...], prefix: str, width: int) -> st.column_config.SelectboxColumn:
    return st.column_config.SelectboxColumn(t(title_key), options=options, width=width,
                                            format_func={o: t(f"{prefix}.{o}") for o in options}.get)


def _limit(title_key: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(t(title_key), min_value=0, step=1, format="%d", width=90)


def _condition(title_key: str) -> st.column_config.TextColumn:
    return st.column_config.TextColumn(t(title_key), help=t("service.sla.condition_help"), width=120)


def policy_editor(policies: pd.DataFrame, key: str) -> pd.DataFrame:
    """The ordered policy list, editable (rows added or deleted, the order column renumbered), with
    its CSV and Excel downloads."""
    shown = [c for c in POLICY_COLUMNS if c != "policy_id"]
    config = {
        "position": st.column_config.NumberColumn(t("service.sla.col.position"), step=1, format="%d", width=60,
                                                  help=t("service.sla.position_help"), pinned=True),
        "name": st.column_config.TextColumn(t("service.sla.col.name"), width=190, pinned=True),
        "category": _condition("service.sla.col.category"),
        "department": _condition("service.sla.col.department"),
        "channel": _condition("service.sla.col.channel"),
        "level": st.column_config.NumberColumn(t("service.sla.col.level"), min_value=1, max_value=5, step=1,
                                               format="%d", width=70, help=t("service.sla.condition_help")),
        "first_action": _choice("service.sla.col.first_action", FIRST_ACTIONS, "service.first_action", 90),
        "first_action_value": _limit("service.sla.col.first_action_value"),
        "first_action_unit": _choice("service.sla.col.first_action_unit", UNITS, "service.unit", 170),
        "completion_value": _limit("service.sla.col.completion_value"),
        "completion_unit": _choice("service.sla.col.completion_unit", UNITS, "service.unit", 170),
    }
    # An empty condition reads as blank, not as the editor's "None" (saving treats both as "any").
    policies = policies.fillna({column: "" for column in ("category", "department", "channel")})
    edited = st.data_editor(policies, key=key, hide_index=True, width="stretch", num_rows="dynamic",
                            height=(min(len(policies), VISIBLE_ROWS) + 2) * ROW_HEIGHT, column_order=shown,
                            column_config=config)
    download_buttons(as_shown(edited[shown], config), "sla-policies", f"{key}_download")
    return edited


def sample_ticket() -> SampleTicket:
    """The preview's sample ticket: when it was created and what the policies may match on."""
    day_col, time_col, level_col = st.columns(3)
    sample_day = day_col.date_input(t("service.sla.sample_day"), date.today(), min_value=date(2000, 1, 1),
                                    max_value=date(2100, 12, 31), key="sla.sample_day")
    sample_time = time_col.time_input(t("service.sla.sample_time"), time(17, 20), key="sla.sample_time")
    level = level_col.selectbox(t("service.sla.col.level"), LEVELS, index=3, format_func=lambda v: f"Level {v}",
                                key="sla.sample_level")
    category, department, channel = (
        column.text_input(t(f"service.sla.col.{name}"), key=f"sla.sample_{name}").strip() or None
        for column, name in zip(st.columns(3), ("category", "department", "channel"), strict=True)
    )
    return SampleTicket(datetime.combine(sample_day, sample_time), level, category, department, channel)


def preview_table(preview: pd.DataFrame) -> None:
    """Saved vs edited settings: the policy the sample matches and its two deadlines."""
    shown = preview.assign(settings=preview["settings"].map(lambda which: t(f"service.sla.preview_{which}")),
                           sla_policy=preview["sla_policy"].fillna(t("service.sla.no_policy")))
    table_with_downloads(readable(shown).rename(columns={c: t(f"service.sla.col.{c}") for c in shown.columns}),
                         "sla-preview", "sla.preview")
