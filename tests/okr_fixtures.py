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


WEEKLY_PEOPLE = [("E1", "王小明", "客服部", None, "張經理", "strong"), ("E2", "林美華", "客服部", None, "張經理", "average"),
                 ("E3", "陳新人", "客服部", None, "張經理", "new")]


def seed_people(con) -> None:
    con.executemany("INSERT INTO people (employee_id, name, department, role_id, manager) VALUES (?, ?, ?, ?, ?)",
                    [row[:5] for row in WEEKLY_PEOPLE])
    con.executemany("INSERT INTO people_checkin_groups VALUES (?, ?)", [(row[0], row[5]) for row in WEEKLY_PEOPLE])


def weekly_exports() -> list[bytes]:
    """Three daily exports (Mon, Tue, Fri of the week of 2026-11-02) of one zh-TW weekly plan."""
    def task(task_id, person, due, progress="not_started", done=None, completed=None):
        return dict(task_id=task_id, task_name=f"工作 {task_id}", bucket="本週", progress=progress,
                    assigned_to=person, due_on=due, completed_on=completed, checklist_done=done or 0,
                    checklist_items=["準備", "完成"] if task_id == "W-1" else [])
    fri, thu = date(2026, 11, 6), date(2026, 11, 5)
    days = [
        (datetime(2026, 11, 2), [task("W-1", "王小明", fri, "in_progress"), task("W-2", "林美華", fri),
                                 task("W-3", "陳新人;林美華", thu)]),
        (datetime(2026, 11, 3), [task("W-1", "王小明", fri, "in_progress", 1), task("W-2", "林美華", fri, "in_progress"),
                                 task("W-3", "陳新人;林美華", thu)]),
        (datetime(2026, 11, 6), [task("W-1", "王小明", fri, "completed", 2, thu),
                                 task("W-2", "林美華", fri, "in_progress"),
                                 task("W-3", "陳新人;林美華", thu, "completed", completed=fri)]),
    ]
    return [planner_workbook("每週工作計畫與進度追蹤", "W1", day, tasks, "zh-TW") for day, tasks in days]
