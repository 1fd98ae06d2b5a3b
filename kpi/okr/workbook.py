"""Write a workbook laid out like Planner's "Export plan to Excel" (for the demo and the tests).

Plan-name block, a blank row, then the task table with Planner's headers in English or zh-TW.
Dates are written as text in the exporter's locale: month-first for English, year-first for zh-TW.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook

from kpi.okr.planner import COLUMNS

_BLOCK = {"en": ("Plan name", "Plan ID", "Export date"), "zh-TW": ("計劃名稱", "計劃識別碼", "匯出日期")}
_PROGRESS = {"en": {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed"},
             "zh-TW": {"not_started": "未開始", "in_progress": "進行中", "completed": "已完成"}}
_FLAGS = {"en": ("true", "false"), "zh-TW": ("是", "否")}
ORDER = ("task_id", "task_name", "bucket", "progress", "priority", "assigned_to", "created_by", "created_on",
         "start_on", "due_on", "is_recurring", "is_late", "completed_on", "completed_by", "checklist_done",
         "checklist_items", "labels", "description")


def _date_text(value: date | None, lang: str) -> str | None:
    if value is None:
        return None
    return f"{value.month}/{value.day}/{value.year}" if lang == "en" else f"{value.year}/{value.month}/{value.day}"


def planner_workbook(plan_name: str, plan_id: str, export_date: datetime, tasks: list[dict],
                     lang: str = "en") -> bytes:
    """The bytes of an .xlsx export. ``tasks`` use the canonical names (``kpi.okr.planner.COLUMNS``):
    progress as not_started / in_progress / completed, dates as ``date``, flags as bool,
    checklist_items as a list, checklist_done as a count."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tasks" if lang == "en" else "工作"
    for label, value in zip(_BLOCK[lang], (plan_name, plan_id, _date_text(export_date.date(), lang))):
        sheet.append([label, value])
    sheet.append([])
    sheet.append([COLUMNS[name][0 if lang == "en" else 1] for name in ORDER])
    yes, no = _FLAGS[lang]
    for task in tasks:
        items = task.get("checklist_items") or []
        cells = {
            **task,
            "progress": _PROGRESS[lang].get(task["progress"], task["progress"]),  # a bad word as written
            "checklist_done": f"{task.get('checklist_done', 0)}/{len(items)}" if items else None,
            "checklist_items": ";".join(items) or None,
        }
        for name in ("created_on", "start_on", "due_on", "completed_on"):
            cells[name] = _date_text(task.get(name), lang)
        for name in ("is_recurring", "is_late"):
            cells[name] = yes if task.get(name) else no
        sheet.append([cells.get(name) for name in ORDER])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
