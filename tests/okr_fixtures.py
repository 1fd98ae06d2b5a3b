"""Planner export workbooks for the OKR tests, with the plan-name block, in English and zh-TW.

Hand-computed expectations are written beside each test that uses them.
"""

from datetime import date, datetime

from kpi.okr.workbook import planner_workbook

Q4_END = date(2026, 12, 31)


def okr_tasks_en() -> list[dict]:
    """Convention A: tasks are objectives, checklist items their KRs. The last row is rejected."""
    return [
        dict(task_id="C1", task_name="Grow recurring revenue", bucket="Company", progress="in_progress",
             due_on=Q4_END, labels="Revenue", checklist_done=1,
             checklist_items=["New customers 12 → 0.6", "Renewal rate 70%", "Upsell 6/10"]),
        dict(task_id="C2", task_name="Delight customers", bucket="Company", progress="in_progress", due_on=Q4_END,
             labels="CX", checklist_items=["CSAT 95%", "NPS 9/10", "First-contact resolution 0.95"]),
        dict(task_id="D1", task_name="Faster service", bucket="Customer Service Dept", progress="in_progress",
             due_on=Q4_END, labels="CX",
             checklist_items=["Answer 85% of calls in 15 s 0.2", "Backlog under 50 by 2026/12/15 0.3",
                              "Reopen rate", "Training"]),
        dict(task_id="D2", task_name="Tidy knowledge base", bucket="Customer Service Dept", progress="not_started",
             checklist_done=1, checklist_items=["FAQ articles 0.5", "Review 2 SOPs"]),
        dict(task_id="P1", task_name="Grow as a mentor", bucket="Amy Chen", progress="in_progress",
             due_on=date(2026, 11, 30), description="Supports Delight customers", checklist_done=3,
             checklist_items=["Coach 2 new hires", "Publish 3 FAQs", "Mentor sessions", "Shadowing", "Lunch talks",
                              "Certification"]),
        dict(task_id="X1", task_name="Broken row", bucket="Amy Chen", progress="Blocked"),
    ]


def okr_workbook_en(export_date: datetime = datetime(2026, 10, 20), tasks: list[dict] | None = None) -> bytes:
    return planner_workbook("2026 Q4 Company OKR", "PLAN-A", export_date, tasks or okr_tasks_en(), "en")


def okr_workbook_zh() -> bytes:
    """Convention B (a task is a KR labelled with its objective), zh-TW headers and words."""
    return planner_workbook("2026 Q4 部門OKR", "PLAN-B", datetime(2026, 10, 21), [
        dict(task_id="K1", task_name="新簽約 8 家 0.5", bucket="公司", progress="in_progress", due_on=Q4_END,
             labels="O: 營收成長"),
        dict(task_id="K2", task_name="續約率 80%", bucket="公司", progress="in_progress", due_on=Q4_END,
             labels="O: 營收成長"),
        dict(task_id="K3", task_name="導入 CRM", bucket="公司", progress="in_progress", labels="O: 營收成長",
             checklist_done=2, checklist_items=["需求", "選型", "建置", "上線"]),
        dict(task_id="K4", task_name="客服滿意度 0.95", bucket="客服部", progress="completed",
             due_on=date(2026, 11, 30), completed_on=date(2026, 11, 2), labels="O: 顧客滿意;營收成長"),
    ], "zh-TW")
