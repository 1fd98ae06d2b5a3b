"""Microsoft Planner's "Export plan to Excel" workbooks: recognise, preview, commit as a plan, undo.

The workbook's first sheet holds a plan-name block, then the task table::

    Plan name    | 2026 Q4 公司OKR
    Plan ID      | Xk3…
    Export date  | 2026/10/20
    (blank)
    Task ID | Task Name | Bucket Name | Progress | Priority | Assigned To | Created By | …

The header is recognised in English and in the Traditional-Chinese Planner's words. The English
headers are confirmed from public code reading real exports; the zh-TW headers (工作識別碼,
工作名稱, 貯體名稱 …) follow Microsoft's zh-TW Planner terms (貯體, 進度, 優先順序, 標籤) but no
real zh-TW export could be checked, so common variants are accepted too (任務, 計畫/計劃/方案).
Exporters write dates in their locale (10/20/2026, 2026/10/20) or as Excel dates; each date
column gets one form from ``kpi.ingest.dates``.

Every import keeps a snapshot row per task (``okr_task_snapshots``); the plan's current tasks are
those of its latest export (view ``okr_tasks``), so a later export updates tasks by Task ID and
keeps their history. Each export is one batch of the shared pipeline (``kpi.ingest.batches``):
listed in the import history with every other kind of file, its original kept, and taken back
by the one ``undo_batch``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from kpi import store
from kpi.ingest import batches, dates, reader
from kpi.ingest.errors import InputError, Reject

KIND = "planner"  # its batches in import_batches (kpi.ingest.batches.KINDS)
_SEPARATORS = re.compile(r"[\s_\-:：]+")


def normalise(text: object) -> str:
    return _SEPARATORS.sub(" ", str(text or "")).strip().lower()


# Canonical column -> (English header, zh-TW header, other spellings accepted).
COLUMNS: dict[str, tuple[str, ...]] = {
    "task_id": ("Task ID", "工作識別碼", "任務識別碼", "工作 ID", "任務 ID"),
    "task_name": ("Task Name", "工作名稱", "任務名稱"),
    "bucket": ("Bucket Name", "貯體名稱", "貯體", "值區名稱", "值區"),
    "progress": ("Progress", "進度"),
    "priority": ("Priority", "優先順序", "優先權"),
    "assigned_to": ("Assigned To", "指派對象", "指派給", "受指派者"),
    "created_by": ("Created By", "建立者"),
    "created_on": ("Created Date", "建立日期"),
    "start_on": ("Start Date", "開始日期"),
    "due_on": ("Due Date", "到期日", "到期日期"),
    "is_recurring": ("Is Recurring", "為週期性", "是否為週期性", "週期性"),
    "is_late": ("Late", "延遲", "逾期"),
    "completed_on": ("Completed Date", "完成日期"),
    "completed_by": ("Completed By", "完成者"),
    "checklist_done": ("Completed Checklist Items", "已完成的檢查清單項目", "已完成檢查清單項目"),
    "checklist_items": ("Checklist Items", "檢查清單項目"),
    "labels": ("Labels", "標籤"),
    "description": ("Description", "描述", "附註"),
}
REQUIRED = ("task_id", "task_name", "bucket", "progress")
DATE_COLUMNS = ("created_on", "start_on", "due_on", "completed_on")
FLAG_COLUMNS = ("is_recurring", "is_late")
_BY_HEADER = {normalise(h): name for name, headers in COLUMNS.items() for h in headers}
_ZH_HEADERS = {normalise(headers[1]) for headers in COLUMNS.values()}

# The plan-name block above the table: label (either language) -> field.
BLOCK_LABELS = {
    "plan name": "plan_name", "計劃名稱": "plan_name", "計畫名稱": "plan_name", "方案名稱": "plan_name",
    "plan id": "plan_id", "計劃識別碼": "plan_id", "計畫識別碼": "plan_id", "方案識別碼": "plan_id",
    "export date": "export_date", "匯出日期": "export_date",
}
PROGRESS_WORDS = {
    "not started": "not_started", "未開始": "not_started", "尚未開始": "not_started",
    "in progress": "in_progress", "進行中": "in_progress", "已開始": "in_progress",
    "completed": "completed", "已完成": "completed", "完成": "completed",
}
FLAG_WORDS = {"true": True, "false": False, "是": True, "否": False, "yes": True, "no": False,
              "1": True, "0": False}
_CHECKLIST = re.compile(r"^(\d+)\s*/\s*(\d+)$")
# Planner writes the checklist's items in one cell, separated by semicolons.
ITEM_SEPARATOR = ";"
STORED = ("task_id", "task_name", "bucket", "progress", "priority", "assigned_to", "created_by", *DATE_COLUMNS,
          *FLAG_COLUMNS, "completed_by", "checklist_done", "checklist_total", "checklist_items", "labels",
          "description")
_COMPARED = tuple(c for c in STORED if c != "task_id")


@dataclass
class PlannerPreview:
    """What importing a Planner export would do; nothing is stored until ``commit``."""

    file_name: str
    data: bytes = field(repr=False)
    checksum: str
    language: str                    # en or zh-TW: the language of the headers
    header_row: int
    plan_id: str
    plan_name: str
    export_date: datetime
    tasks: pd.DataFrame              # one row per good task, columns STORED + source_row
    rejects: list[Reject]
    rows_read: int
    sniffed: reader.Sniffed = field(repr=False)
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> the file's header
    source_columns: list[str] = field(default_factory=list)
    to_insert: int = 0
    to_update: int = 0
    unchanged: int = 0
    already_imported: int | None = None  # the batch that holds this very file
    replaces_batch: int | None = None    # a plan is never re-mapped; the batch pipeline asks

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    @property
    def importable(self) -> bool:
        return self.already_imported is None and not self.tasks.empty


def find_header(rows: list[list], file_name: str) -> tuple[int, dict[str, int]]:
    """The 0-based index of Planner's header row and each canonical column's position;
    InputError when no row among the first 50 holds Task ID, Task Name, Bucket Name and Progress."""
    for index, row in enumerate(rows[:50]):
        positions: dict[str, int] = {}
        for position, cell in enumerate(row):
            name = _BY_HEADER.get(normalise(cell))
            if name and name not in positions:
                positions[name] = position
        if all(name in positions for name in REQUIRED):
            return index, positions
    raise InputError(file_name, "okr.not_planner")


def is_planner_export(data: bytes, file_name: str) -> bool:
    """Whether a file is a Planner export (header in either language); unreadable files are not."""
    try:
        _, rows = reader.table_rows(data, file_name)
        find_header(rows, file_name)
    except (InputError, csv.Error):  # csv.Error: a cell past Python's csv field limit, no plan
        return False
    return True


def _block(rows: list[list]) -> dict[str, str]:
    """Plan name, ID and export date from the label/value rows above the header."""
    found = {}
    for row in rows:
        cells = [c for c in row if c not in (None, "")]
        if len(cells) >= 2 and (name := BLOCK_LABELS.get(normalise(cells[0]))):
            found[name] = str(cells[1]).strip()
    return found


def read_export(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str,
                now: datetime | None = None) -> PlannerPreview:
    """Read a Planner export and compare it with the store: the preview of its import."""
    sniffed, rows = reader.table_rows(data, file_name)
    header_index, positions = find_header(rows, file_name)
    header = rows[header_index]
    language = "zh-TW" if normalise(header[positions["task_id"]]) in _ZH_HEADERS else "en"
    block = _block(rows[:header_index])
    plan_name = block.get("plan_name") or Path(file_name).stem
    export_date = _export_date(block.get("export_date"), file_name, header_index) or now or datetime.now()
    records, numbers = [], []
    for number, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        if any(c not in (None, "") for c in row):
            records.append({name: _cell(row, position) for name, position in positions.items()})
            numbers.append(number)
    if not records:
        raise InputError(file_name, "ingest.no_data")
    headers = {name: str(header[position]) for name, position in positions.items()}
    tasks, rejects = _check_rows(records, numbers, headers, file_name)
    checksum = hashlib.sha256(data).hexdigest()
    preview = PlannerPreview(file_name, data, checksum, language, header_index + 1,
                             block.get("plan_id") or plan_name, plan_name, export_date, tasks, rejects, len(records),
                             replace(sniffed, header_row=header_index + 1), headers,
                             [str(cell or "") for cell in header])
    return _classify(con, preview)


def _cell(row: list, position: int) -> str | None:
    return dates.value_or_none(row[position]) if position < len(row) else None


def _export_date(text: str | None, file_name: str, header_index: int) -> datetime | None:
    if text is None:
        return None
    form = dates.detect([text]).format
    if form is None:
        raise InputError(file_name, "okr.bad_export_date", row=None, value=text)
    return form.parse(text)


def _check_rows(records: list[dict], numbers: list[int], headers: dict[str, str],
                file_name: str) -> tuple[pd.DataFrame, list[Reject]]:
    forms = {c: dates.detect([r.get(c) for r in records]).format for c in DATE_COLUMNS if c in headers}
    rejects: list[Reject] = []
    good: dict[str, dict] = {}

    def reject(number: int, column: str, key: str, **values) -> None:
        rejects.append(Reject(file_name, number, headers.get(column), key, tuple(values.items())))

    for record, number in zip(records, numbers):
        failed = len(rejects)
        task = {name: record.get(name) for name in STORED if name in COLUMNS}
        for column in ("task_id", "task_name"):
            if task[column] is None:
                reject(number, column, "okr.reject.missing", column=headers[column])
        if task["task_id"] in good:
            reject(number, "task_id", "okr.reject.duplicate_task", task=task["task_id"])
        progress = PROGRESS_WORDS.get(normalise(task["progress"]))
        if progress is None:
            reject(number, "progress", "okr.reject.bad_progress", value=task["progress"] or "")
        task["progress"] = progress
        for column in DATE_COLUMNS:
            raw = task[column]
            form = forms.get(column)
            parsed = form.parse(raw) if form and raw else None
            if raw and parsed is None:
                reject(number, column, "okr.reject.bad_date", value=raw)
            task[column] = parsed.date() if parsed else None
        for column in FLAG_COLUMNS:
            raw = task[column]
            task[column] = FLAG_WORDS.get(normalise(raw)) if raw else None
            if raw and task[column] is None:
                reject(number, column, "okr.reject.bad_flag", value=raw)
        items = [i.strip() for i in (task["checklist_items"] or "").split(ITEM_SEPARATOR) if i.strip()]
        task["checklist_items"] = ITEM_SEPARATOR.join(items) or None
        done, total = _checklist(task.pop("checklist_done"), len(items))
        if done is None and record.get("checklist_done"):
            reject(number, "checklist_done", "okr.reject.bad_checklist", value=record["checklist_done"])
        task["checklist_done"], task["checklist_total"] = done, total
        if len(rejects) == failed:
            good[task["task_id"]] = {**task, "source_row": number}
    frame = pd.DataFrame(list(good.values()), columns=[*STORED, "source_row"])
    return frame, rejects


def _checklist(text: str | None, items: int) -> tuple[int | None, int | None]:
    """"2/5" → (2, 5); a bare "2" counts against the items listed; (None, None) if unreadable."""
    if text is None:
        return (0, items) if items else (None, None)
    match = _CHECKLIST.match(text.replace(" ", ""))
    if match:
        done, total = int(match.group(1)), int(match.group(2))
    elif text.isdigit():
        done, total = int(text), items
    else:
        return None, None
    return (done, total) if done <= total else (None, None)


def _classify(con: duckdb.DuckDBPyConnection, preview: PlannerPreview) -> PlannerPreview:
    preview.already_imported = batches.already_imported(con, preview)
    current = con.execute(
        f"SELECT {', '.join(STORED)} FROM okr_tasks WHERE plan_id = ?", [preview.plan_id]).df()
    stored = {row["task_id"]: row for row in current.to_dict("records")}
    preview.to_insert = preview.to_update = preview.unchanged = 0
    for task in preview.tasks.to_dict("records"):
        before = stored.get(task["task_id"])
        if before is None:
            preview.to_insert += 1
        elif any(_differs(task[c], before[c]) for c in _COMPARED):
            preview.to_update += 1
        else:
            preview.unchanged += 1
    return preview


def _differs(new, old) -> bool:
    return _comparable(new) != _comparable(old)


def _comparable(value):
    """A preview's value and a stored one alike: pandas' missing values, timestamps and floats
    read back from DuckDB as None, dates and ints."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def guess_kind(plan_name: str) -> str:
    """"weekly" for a weekly work-plan board (週/周/week in its name), else "okr"."""
    return "weekly" if re.search(r"週|周|week", plan_name, re.IGNORECASE) else "okr"


def commit(con: duckdb.DuckDBPyConnection, preview: PlannerPreview, is_demo: bool = False,
           replace_demo: bool = False) -> int | None:
    """Store the export as one batch of its plan (``kpi.ingest.batches``), in one transaction;
    returns the batch id (None when this very file is already imported or holds no good row)."""
    if not preview.importable:
        return None

    def store_rows(con: duckdb.DuckDBPyConnection, original_file: str) -> int | None:
        _classify(con, preview)  # again: another session may have imported since the preview
        if not preview.importable:
            return None
        batch_id = batches.next_batch_id(con)
        con.execute(
            "INSERT INTO okr_plans (plan_id, plan_name, kind) VALUES (?, ?, ?) ON CONFLICT (plan_id)"
            " DO UPDATE SET plan_name = excluded.plan_name",
            [preview.plan_id, preview.plan_name, guess_kind(preview.plan_name)])
        con.execute("INSERT INTO okr_batches (batch_id, plan_id, header_language, export_date) VALUES (?, ?, ?, ?)",
                    [batch_id, preview.plan_id, preview.language, preview.export_date])
        snapshots = preview.tasks.assign(batch_id=batch_id, plan_id=preview.plan_id)
        columns = ", ".join(["batch_id", "plan_id", "source_row", *STORED])
        with store.registered(con, "_planner_tasks", snapshots):
            con.execute(f"INSERT INTO okr_task_snapshots ({columns}) SELECT {columns} FROM _planner_tasks")
        batches.record_batch(con, batches.BatchRecord(
            batch_id, KIND, preview.file_name, preview.checksum, original_file, KIND, KIND,
            (preview.rows_read, preview.to_insert, preview.to_update, preview.unchanged, preview.rejected),
            preview.sniffed, preview.headers, preview.source_columns, is_demo=is_demo))
        return batch_id

    return batches.write_batch(con, preview, replace_demo, store_rows, lambda copy: copy.write_bytes(preview.data))


def import_path(con: duckdb.DuckDBPyConnection, path: Path, is_demo: bool = False) -> batches.ImportReport:
    """Preview and commit one file (command line, inbox, demo)."""
    preview = read_export(con, path.read_bytes(), path.name)
    return report(preview, commit(con, preview, is_demo))


def report(preview: PlannerPreview, batch_id: int | None) -> batches.ImportReport:
    """What an import did, as every kind of file says it (``batch_id`` None: nothing was stored)."""
    stored = batch_id is not None
    return batches.ImportReport(
        preview.file_name, batch_id, preview.rows_read, preview.to_insert if stored else 0,
        preview.to_update if stored else 0, preview.unchanged + (0 if stored else preview.to_insert + preview.to_update),
        0, preview.rejected, preview.already_imported, tuple(preview.rejects), kind=KIND,
        detail=f"Planner plan {preview.plan_name!r} exported {preview.export_date:%Y-%m-%d}")
