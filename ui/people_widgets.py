"""Widgets shared by the people pages: who is in view, where the data lives, rejects, alerts."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from kpi import metrics, store
from kpi.formatting import MISSING
from kpi.ingest.errors import InputError, Reject
from kpi.ingest.reader import UPLOAD_TYPES, read_frame
from kpi.people import development, imports, model, performance, skills
from kpi.people.skills import Scope
from ui.components.download import as_shown, download_buttons, table_with_downloads
from ui.components.kpi_card import style_by_target
from ui.session import db, db_version, lang, t


# Pixels a date input needs for "2026/11/30" and its calendar icon.
DATE_WIDTH = 170
# Set-based queries over everyone in a scope, cached per data version, day, language and scope.
_SCOPE_QUERIES = {
    "skill_matrix": skills.skill_matrix,
    "coverage": skills.coverage,
    "team_shortage": development.team_shortage,
    "training_priorities": development.training_priorities,
    "performance": performance.performance,
}


@st.cache_data(max_entries=64, show_spinner=False)
def _scope_query(name: str, version: int, as_of: dt.date, language: str, scope: Scope) -> pd.DataFrame:
    return _SCOPE_QUERIES[name](db(), as_of, language, scope)


def scope_query(name: str, as_of: dt.date, scope: Scope) -> pd.DataFrame:
    """The named query of ``_SCOPE_QUERIES`` for this scope and day, in the user's language."""
    return _scope_query(name, db_version(), as_of, lang(), scope)


def storage_note(text_key: str = "people.privacy.stored") -> None:
    """Say plainly where the data are kept (and that assessments are personal data); show what the
    last action did."""
    st.caption(t(text_key, path=store.db_path()), help=t("people.privacy.help"))
    if message := st.session_state.pop("people_flash", None):
        st.success(message, icon=":material/task_alt:")


def flash(message: str, *forget: str) -> None:
    """Rerun the page with fresh data and ``message`` on top; ``forget`` drops those widgets' state."""
    for key in forget:
        st.session_state.pop(key, None)
    st.session_state["people_flash"] = message
    st.rerun()


def empty_store_hint() -> bool:
    """True (after saying what to do) when nobody is stored yet."""
    if store.scalar(db(), "SELECT count(*) FROM people"):
        return False
    st.info(t("people.empty"), icon=":material/group_add:")
    return True


def scope_filters(key: str) -> tuple[Scope, dt.date]:
    """Department and role filters and the day levels are taken on, in one row."""
    con = db()
    roles = model.roles(con, lang())
    role_names = dict(zip(roles["role_id"], roles["role"]))
    # The day keeps the width its date needs: a fifth of the row cut it to "2026/11" at 1,024 px.
    row = st.container(horizontal=True, vertical_alignment="bottom")
    departments = row.multiselect(t("people.filter.department"), model.departments(con), key=f"{key}_department",
                                  placeholder=t("people.filter.all"))
    chosen_roles = row.multiselect(t("people.filter.role"), list(role_names), key=f"{key}_role",
                                   format_func=lambda r: f"{r} · {role_names[r]}", placeholder=t("people.filter.all"))
    as_of = row.date_input(t("people.filter.as_of"), value=dt.date.today(), key=f"{key}_as_of",
                           help=t("people.filter.as_of_help"), width=DATE_WIDTH)
    return Scope(tuple(departments), tuple(chosen_roles)), as_of


def reject_list(rejects: list[Reject], key: str) -> None:
    """The refused rows (file, row, column, reason) in the user's language, downloadable."""
    if not rejects:
        return
    frame = pd.DataFrame(
        [(r.file, r.row, r.column, r.reason_in(lang())) for r in rejects],
        columns=[t("people.reject_list.file"), t("people.reject_list.row"), t("people.reject_list.column"),
                 t("people.reject_list.reason")],
    )
    st.warning(t("people.reject_list.title", count=len({r.row for r in rejects})), icon=":material/block:")
    table_with_downloads(frame, "rejected-rows", f"{key}_rejects")


def day(value) -> str:
    """A date as YYYY-MM-DD, or — where there is none."""
    return "—" if pd.isna(value) else f"{value:%Y-%m-%d}"


def certificate_alerts(as_of: dt.date, scope: Scope, key: str) -> None:
    """Required certificates that are missing, and certificates expiring within a chosen window."""
    window = st.slider(t("people.alerts.window"), min_value=30, max_value=365, value=90, step=15, key=f"{key}_window")
    missing = development.missing_certificates(db(), as_of, lang(), scope)
    expiring = development.expiring_certificates(db(), as_of, window, lang(), scope)
    if missing.empty and expiring.empty:
        st.success(t("people.alerts.none", days=window), icon=":material/verified:")
    level = partial(model.level_label, lang=lang())
    if not missing.empty:
        st.error(t("people.alerts.missing", count=len(missing)), icon=":material/gpp_bad:")
        table_with_downloads(
            missing.assign(required_level=missing["required_level"].map(level),
                           valid_level=missing["valid_level"].map(level),
                           last_expired_on=missing["last_expired_on"].map(day)),
            "missing-certificates", f"{key}_missing",
            column_config={"employee_id": None, "competency_id": None, "name": t("people.col.name"),
                           "competency": t("people.col.competency"), "required_level": t("people.col.required"),
                           "valid_level": t("people.col.valid_level"),
                           "last_expired_on": t("people.col.last_expired_on")},
        )
    if not expiring.empty:
        st.warning(t("people.alerts.expiring", count=len(expiring), days=window), icon=":material/schedule:")
        table_with_downloads(
            expiring.assign(level=expiring["level"].map(level)), "expiring-certificates", f"{key}_expiring",
            column_config={"employee_id": None, "name": t("people.col.name"),
                           "certificate_name": t("people.col.certificate"), "issuer": t("people.col.issuer"),
                           "competency": t("people.col.competency"), "level": t("people.col.level"),
                           "expires_on": st.column_config.DateColumn(t("people.col.expires_on")),
                           "days_left": t("people.col.days_left")},
        )


def role_names() -> dict[str, str]:
    """role_id → the role's name in the user's language."""
    roles = model.roles(db(), lang())
    return dict(zip(roles["role_id"], roles["role"]))


def performance_table(figures: pd.DataFrame, base_name: str, key: str) -> None:
    """Each person's gaps beside their ticket figures, the figures in the shared number forms and
    rated against their department's targets; blanks, not "None", where a value is missing. The
    downloads keep the figures as numbers."""
    shown = pd.DataFrame({
        t("people.col.name"): figures["name"],
        t("people.col.department"): figures["department"].fillna(MISSING),
        t("people.col.role"): figures["role_id"].map(role_names()).fillna(MISSING),
        t("people.col.total_gap"): figures["total_gap"],
        t("people.col.short_in"): figures["short_in"].fillna(""),
    })
    rated, config = {}, {}
    for key in performance.METRIC_COLUMNS:
        metric = metrics.get(f"people.{key}")
        label = metric.label(lang())
        shown[label] = [metric.format(value, lang()) for value in figures[key]]
        rated[label] = (metric.key, figures[key])
        config[label] = st.column_config.TextColumn(help=metric.description(lang()), alignment="right")
    st.dataframe(style_by_target(shown, rated, figures["department"].tolist()), hide_index=True, width="stretch",
                 column_config=config)
    headers = dict(zip(["name", "department", "role_id", "total_gap", "short_in", *performance.METRIC_COLUMNS],
                       shown.columns, strict=True))
    download_buttons(as_shown(figures, {"employee_id": None, **headers}), base_name, key)


def upload_flow(kinds: tuple[str, ...], key: str) -> None:
    """An uploader for the layouts this page takes (``kinds``); another layout is named and sent
    to its page. The preview and import are the upload page's (``people_preview``)."""
    round_key = f"{key}_round"
    uploaded = st.file_uploader(t("people.upload.file"), type=list(UPLOAD_TYPES),
                                key=f"{key}_{st.session_state.get(round_key, 0)}")
    if uploaded is None:
        return
    done = people_preview(key, uploaded.name, uploaded.getvalue(), kinds)
    if done is not None:
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1  # a fresh, empty uploader
        flash(done)


def people_preview(key: str, file_name: str, data: bytes, kinds: tuple[str, ...] | None = None) -> str | None:
    """Recognised layout, detection, mapping, preview and reject list of a people file, and the
    button that imports it as one batch; returns what was imported once it was (else None)."""
    con = db()
    try:
        source = read_frame(data, file_name)
        layout = imports.recognise(con, source.frame.columns, source.file_name)
    except InputError as err:
        st.error(err.message(lang()), icon=":material/error:")
        return None
    if kinds is not None and layout.kind not in kinds:
        st.error(t("people.upload.wrong_page", kind=t(f"people.kind.{layout.kind}")), icon=":material/error:")
        return None
    defaults = _rating_defaults(layout, key)
    plan = imports.plan_import(con, source, defaults)
    st.markdown(t("people.upload.recognised", kind=t(f"people.kind.{layout.kind}"), rows=plan.rows_read))
    workbook = "ODS" if source.sniffed.kind == "ods" else "Excel"
    st.caption(t("people.upload.detected", encoding=source.encoding or workbook, header_row=source.header_row,
                 delimiter={",": t("people.upload.comma"), "\t": "Tab", ";": ";", "|": "|"}.get(source.delimiter, "—")))
    mapping = [(header, t(f"people.field.{field}")) for field, header in layout.columns.items()]
    names = model.competency_names(con, lang())
    mapping += [(header, t("people.upload.competency_column", competency=names[competency]))
                for header, competency in layout.competency_columns.items()]
    mapping += [(header, t("people.upload.ignored")) for header in layout.ignored]
    st.dataframe(pd.DataFrame(mapping, columns=[t("people.upload.column"), t("people.upload.meaning")]),
                 hide_index=True, width="stretch")
    st.dataframe(source.frame.head(20).fillna(""), hide_index=True, width="stretch")
    counts = plan.counts()
    st.markdown(t("people.upload.will_write", rows=plan.rows_accepted,
                  tables="、".join(f"{t(f'people.table.{table}')} {n}" for table, n in counts.items()) or "—"))
    reject_list(plan.rejects, key)
    if plan.already_imported is not None:
        st.info(t("upload.already", batch=plan.already_imported))
        return None
    if imports.stored_as_is(con, plan):
        st.info(t("people.upload.nothing_new"))
        return None
    if st.button(t("people.upload.import"), type="primary", disabled=not counts, key=f"{key}_import",
                 icon=":material/database_upload:"):
        try:
            done = imports.report(con, plan, imports.apply_import(con, plan))
        except InputError as err:
            st.error(err.message(lang()), icon=":material/error:")
            return None
        return t("people.upload.imported", file=file_name, rows=plan.rows_accepted, rejected=plan.rows_rejected,
                 inserted=done.inserted, updated=done.updated, unchanged=done.unchanged)
    return None


def _rating_defaults(layout: imports.Layout, key: str) -> imports.ImportDefaults:
    """Ask who rated and when, for a ratings file whose columns do not say."""
    defaults = imports.ImportDefaults()
    if not (layout.uses_default_source or layout.uses_default_date):
        return defaults
    left, right = st.columns(2)
    source = defaults.source
    if layout.uses_default_source:
        labels = {source: model.source_label(source, lang()) for source in model.ASSESSMENT_SOURCES}
        source = left.selectbox(t("people.upload.source"), list(labels), index=1, key=f"{key}_source",
                                format_func=labels.get)
    assessed_on = defaults.assessed_on
    if layout.uses_default_date:
        assessed_on = right.date_input(t("people.upload.assessed_on"), value=assessed_on, key=f"{key}_date")
    return imports.ImportDefaults(source, assessed_on)
