"""The upload page's state: files being previewed belong to one browser session only.

Each session stages its uploads in TEMP tables of its own cursor (a separate DuckDB connection
whose temp tables no other session can see), held by a session-scoped resource that closes it,
and with it the temp tables, when the session ends. The uploaded bytes wait in temp files,
likewise held per session: removed when their preview ends, and any left when the session ends.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from kpi import store
from kpi.contact import interval_import
from kpi.formatting import code_name
from kpi.ingest import dates, formats, importer, profiles
from kpi.ingest.errors import InputError
from kpi.ingest.progress import Progress, overall
from ui.components.download import file_download
from ui.session import db, is_open, lang, t

NOT_MAPPED = "—"
REMAP_PREFIX = "batch:"


# validate: a rewrite of the store (erasure) closes every cursor; a new one is made for the session.
@st.cache_resource(scope="session", on_release=lambda cursor: cursor.close(), validate=is_open, show_spinner=False)
def staging_cursor(path: str) -> duckdb.DuckDBPyConnection:
    return db()


def cursor() -> duckdb.DuckDBPyConnection:
    return staging_cursor(store.db_path())


class TempFiles:
    """This session's temp files, removed with the session if not before."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()

    def new(self, prefix: str, suffix: str = "") -> Path:
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix)
        os.close(handle)
        self.paths.add(Path(name))
        return Path(name)

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.paths.discard(path)

    def remove_all(self) -> None:
        for path in list(self.paths):
            self.remove(path)


@st.cache_resource(scope="session", on_release=TempFiles.remove_all, show_spinner=False)
def temp_files() -> TempFiles:
    return TempFiles()


def import_confirmed(item: Pending, replace_demo: bool, lang: str) -> None:
    if store.write_lock_busy():
        st.info(t("store.waiting"), icon=":material/hourglass_top:")
    bar = st.progress(0.0)
    try:
        item.report = importer.commit(cursor(), item.preview, replace_demo=replace_demo,
                                      progress=progress_bar(bar, item.file_name))
    except InputError as err:  # the original could not be kept (disk full): nothing was stored
        item.error = err.message(lang)
        return
    finally:
        bar.empty()
    release(item)


def progress_bar(bar, file_name: str) -> Progress:
    """An import's progress shown on ``bar`` (an ``st.progress``): the phase and the share done."""
    def show(phase: str, done: int, total: int) -> None:
        bar.progress(overall(phase, done, total), text=t("progress.bar", file=file_name, step=t(f"progress.{phase}")))
    return show


@dataclass
class Pending:
    """One uploaded file: its preview, or the reason it cannot be imported."""

    file_name: str
    preview: importer.Preview | interval_import.IntervalPreview | None = None
    error: str | None = None
    report: importer.ImportReport | None = None  # set once imported


def pending_uploads() -> dict[str, Pending]:
    return st.session_state.setdefault("pending_uploads", {})


def upload_key(uploaded) -> str:
    return f"{uploaded.file_id}:{uploaded.name}:{uploaded.size}"


def stage(uploaded, lang: str) -> Pending:
    """Copy the upload to a private temp file (kept until import or removal), stage and preview it,
    with a progress bar while it runs."""
    con = cursor()
    path = temp_files().new("upload-", Path(uploaded.name).suffix)
    bar = st.progress(0.0, text=t("upload.reading", file=uploaded.name))
    progress = progress_bar(bar, uploaded.name)
    try:
        path.write_bytes(uploaded.getbuffer())
        source = importer.open_source(con, path, file_name=uploaded.name, progress=progress)
        intervals = interval_import.open_preview(con, source)
        if intervals is not None:
            return Pending(uploaded.name, intervals)
        plan = importer.propose_plan(con, source)
        if plan.missing_required():
            missing = InputError(uploaded.name, "ingest.missing_required", fields=plan.missing_required())
            return Pending(uploaded.name, importer.Preview.unmapped(source, plan), error=missing.message(lang))
        return Pending(uploaded.name, importer.preview(con, source, plan, progress))
    except InputError as err:
        temp_files().remove(path)
        return Pending(uploaded.name, error=err.message(lang))
    except BaseException:
        temp_files().remove(path)
        raise
    finally:
        bar.empty()


def stage_batch(batch_id: int, lang: str) -> None:
    """Put a stored batch back on the upload page, with the mapping it was imported with."""
    path = temp_files().new("remap-")
    try:
        source, plan = importer.reopen_batch(cursor(), batch_id, path)
        pending_uploads()[remap_key(batch_id)] = Pending(source.file_name, importer.preview(cursor(), source, plan))
    except InputError as err:
        temp_files().remove(path)
        pending_uploads()[remap_key(batch_id)] = Pending(f"batch {batch_id}", error=err.message(lang))
    except BaseException:
        temp_files().remove(path)
        raise


def remap_key(batch_id: int) -> str:
    return f"{REMAP_PREFIX}{batch_id}"


def remaps() -> list[str]:
    return [key for key in pending_uploads() if key.startswith(REMAP_PREFIX)]


def release(item: Pending) -> None:
    """Drop a preview's temp tables, temp file and column samples (imported, or removed from the uploader)."""
    if item.preview is not None:
        importer.discard(cursor(), item.preview.source)
        temp_files().remove(item.preview.source.path)
        st.session_state.get("column_samples", {}).pop(item.preview.source.staged.table, None)
        item.preview = None


def forget_removed(keys: set[str]) -> None:
    """Drop the previews of files the user removed from the uploader (re-mapped batches stay)."""
    pending = pending_uploads()
    for key in set(pending) - keys - set(remaps()):
        release(pending.pop(key))


def cancel(key: str) -> None:
    release(pending_uploads().pop(key))


def re_preview(item: Pending, plan: importer.ImportPlan, lang: str) -> None:
    """Preview again after the user changed the mapping; a mapping that cannot work says why."""
    try:
        source = item.preview.source
        item.preview = importer.preview(cursor(), source, importer.with_detected_dates(cursor(), source, plan))
        item.error = None
    except InputError as err:
        item.preview = importer.Preview.unmapped(item.preview.source, plan)
        item.error = err.message(lang)


def samples(source: importer.Source) -> dict[str, str]:
    """A few values of each column, to tell columns apart while mapping (read once per staged file)."""
    cache = st.session_state.setdefault("column_samples", {})
    if source.staged.table not in cache:
        cache[source.staged.table] = {column: " · ".join(values)
                                      for column, values in importer.sample_values(cursor(), source).items()}
    return cache[source.staged.table]


def mapping_rows(plan: importer.ImportPlan, sample: dict[str, str] | None = None) -> pd.DataFrame:
    """The mapping as an editable table: one row per canonical field, with the mapped column's values."""
    sample = sample or {}
    return pd.DataFrame({
        "field": [f.name for f in formats.FIELDS],
        "label": [t(f"field.{f.name}") + (" *" if f.required else "") for f in formats.FIELDS],
        "column": [plan.mapping.get(f.name, NOT_MAPPED) for f in formats.FIELDS],
        "sample": [sample.get(plan.mapping.get(f.name), "") for f in formats.FIELDS],
        "date_form": [plan.date_formats.get(f.name, "iso") if f.kind == "datetime" else NOT_MAPPED
                      for f in formats.FIELDS],
        "time_column": [plan.time_columns.get(f.name, NOT_MAPPED) for f in formats.FIELDS],
        "default": [plan.defaults.get(f.name, "") for f in formats.FIELDS],
    })


def plan_from_rows(rows: pd.DataFrame, base: importer.ImportPlan) -> importer.ImportPlan:
    mapping = {r.field: r.column for r in rows.itertuples() if r.column and r.column != NOT_MAPPED}
    # A date field given another column, or another time column, has its form detected again (re_preview).
    moved = {r.field for r in rows.itertuples() if mapping.get(r.field) != base.mapping.get(r.field)
             or (r.time_column or NOT_MAPPED) != base.time_columns.get(r.field, NOT_MAPPED)}
    date_formats = {r.field: r.date_form for r in rows.itertuples() if r.field in mapping and r.field not in moved
                    and formats.FIELD_BY_NAME[r.field].kind == "datetime" and r.date_form not in (None, NOT_MAPPED)}
    defaults = {r.field: str(r.default).strip() for r in rows.itertuples() if r.default and str(r.default).strip()}
    # A time column only beside a date field's own column (ImportPlan.time_columns).
    time_columns = {r.field: r.time_column for r in rows.itertuples() if r.field in mapping
                    and formats.FIELD_BY_NAME[r.field].kind == "datetime" and r.time_column not in (None, NOT_MAPPED)}
    profile = base.profile if mapping == base.mapping and time_columns == base.time_columns else "custom"
    return replace(base, profile=profile, mapping=mapping, date_formats=date_formats, defaults=defaults,
                   time_columns=time_columns)


def mapping_guessed(preview: importer.Preview) -> bool:
    """Whether the mapping is still the one guessed from the columns' names (no format recognised)."""
    return (preview.plan.profile == "custom" and bool(preview.plan.mapping)
            and preview.plan.mapping == formats.guess(preview.source.columns))


ZONES = ("Asia/Taipei", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo", "UTC",
         "Europe/London", "America/New_York", "America/Los_Angeles")


def time_zone_picker(key: str, item: Pending, lang: str) -> None:
    """The store's time zone, which times with a UTC offset are converted to; a change previews again."""
    current = importer.time_zone(cursor())
    zones = ZONES if current in ZONES else (current, *ZONES)
    chosen = st.selectbox(t("upload.time_zone"), zones, index=zones.index(current), key=f"zone_{key}",
                          help=t("upload.time_zone_help"))
    if chosen != current:
        importer.set_time_zone(cursor(), chosen)
        re_preview(item, item.preview.plan, lang)
        st.rerun()


def source_zone_picker(key: str, item: Pending, lang: str) -> None:
    """The zone of the file's times written without an offset (the store's, unless the export was
    made in another, such as UTC); a change previews again."""
    plan, store_zone = item.preview.plan, importer.time_zone(cursor())
    choices = (None, *(zone for zone in ZONES if zone != store_zone))
    if plan.source_time_zone not in choices:
        choices = (*choices, plan.source_time_zone)  # a profile's zone outside the short list
    chosen = st.selectbox(t("upload.source_zone"), choices, index=choices.index(plan.source_time_zone),
                          format_func=lambda zone: zone or t("upload.source_zone_store", zone=store_zone),
                          key=f"source_zone_{key}", help=t("upload.source_zone_help", zone=store_zone))
    if chosen != plan.source_time_zone:
        re_preview(item, replace(plan, source_time_zone=chosen), lang)
        st.rerun()


def profile_file_buttons(key: str, item: Pending, lang: str) -> None:
    """Download the mapping as a profile file, or apply one saved on another machine."""
    preview = item.preview
    left, right = st.columns(2)
    file_download(t("upload.profile_download"), lambda: profiles.to_json(preview.plan).encode("utf-8"),
                  f"{preview.plan.profile}.json", "application/json", f"profile_download_{key}", where=left)
    uploaded = right.file_uploader(t("upload.profile_upload"), type=["json"], key=f"profile_upload_{key}")
    if uploaded is None or st.session_state.get(f"profile_applied_{key}") == uploaded.file_id:
        return
    st.session_state[f"profile_applied_{key}"] = uploaded.file_id
    try:
        plan = profiles.from_json(uploaded.getvalue(), uploaded.name)
    except InputError as err:
        st.error(err.message(lang))
        return
    re_preview(item, importer.with_detected_dates(cursor(), preview.source, plan), lang)
    st.rerun()


# Formats named by their product where the batch's kind does not say it already.
PRODUCT_NAMES = {"planner": "Microsoft Planner"}


def profile_name(profile: str) -> str:
    """A batch's format as users know it: the product's name (e-contact+, Avaya CMS …), a saved
    profile's own name, or "not recognised"."""
    if profile == "custom":
        return t("upload.custom_profile")
    layout = formats.LAYOUT_BY_NAME.get(profile)
    if layout:
        return layout.source_system
    intervals = interval_import.LAYOUT_BY_KEY.get(profile)
    return intervals.name if intervals else PRODUCT_NAMES.get(profile, profile)


def date_form_name(code: str) -> str:
    return code_name("date_form", code, lang())


def encoding_described(sniffed) -> str:
    """What was detected, the encoding by its usual name (UTF-8, Big5) rather than the codec's."""
    return replace(sniffed, encoding=code_name("encoding", sniffed.encoding, lang())).describe(lang())


def interval_note(preview: interval_import.IntervalPreview, lang: str) -> str:
    """What was recognised in an interval report: layout, threshold, interval length, denominator."""
    plan = preview.plan
    return t("upload.interval_detected", how=preview.source.sniffed.describe(lang),
             layout=plan.layout_spec.name, seconds=f"{plan.threshold_seconds:g}", minutes=plan.interval_minutes,
             basis=t(f"contact.sl_basis.{plan.layout_spec.service_level_basis}"))


def date_form_options() -> list[str]:
    return [NOT_MAPPED, *(f.name for f in dates.FORMATS)]


def detection_note(preview: importer.Preview) -> list[str]:
    """One line per mapped date column: the form found, and whether it is ambiguous."""
    notes = []
    for field_name, detection in preview.date_detection.items():
        if detection.format is None and detection.present:
            notes.append(t("upload.date_none", field=t(f"field.{field_name}")))
        elif detection.ambiguous:
            notes.append(t("upload.date_ambiguous", field=t(f"field.{field_name}"),
                           form=date_form_name(detection.format.name),
                           others=", ".join(map(date_form_name, detection.alternatives))))
    return notes
