"""Demo Planner exports for the demo company (fixed seed), imported like a user's files.

- "2026 Q4 公司OKR" (convention A), exported on 2026-10-30 and on the demo's last day: the first
  bucket holds the company's objectives, then one bucket per department and one per person of
  客服一部; department and person objectives are labelled with the company objective they serve.
  Scores are written in the KRs (``0.6``, ``60%``, ``6/10``); a few KRs lack a number or a date
  so the flags show.
- "客服一部 每週工作計畫與進度追蹤", a quarter (13 weeks) of weekly plans for 客服一部, exported
  Monday, Wednesday and Friday of each week, so progress updates and late tasks show.
- Check-in groups for 客服一部: the new hire "new", then strong and average by turns.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb

from kpi.demo import DEMO_DIR, DEMO_END, DEMO_OWNERS
from kpi.okr import planner, weekly
from kpi.okr.workbook import planner_workbook
from kpi.people.demo import MANAGERS, NEW_HIRES

DEMO_OKR_SEED = 13
TEAM = "客服一部"
WEEKS = 13
LAST_DAY = DEMO_END - dt.timedelta(days=1)
QUARTER_END = dt.date(2026, 12, 31)
COMPANY = {
    "營收成長": ["新簽約客戶 12 家", "續約率 90%", "加值服務營收 NT$3,000 萬"],
    "顧客滿意": ["滿意度 4.5 分", "首次解決率 80%", "客訴件數減少 30%"],
    "服務效率": ["85% 來電 15 秒內接聽", "Level 3 案件 10 個工作天內結案", "延時申請減少 20%", "知識庫文章 50 篇"],
}
DEPARTMENT_GOALS = {"客服一部": "顧客滿意", "客服二部": "顧客滿意", "系統服務部": "營收成長", "維修中心": "服務效率",
                    "網路維運部": "服務效率"}
WEEKLY_WORK = ("回覆客戶待辦案件", "整理 FAQ", "追蹤延時案件", "客戶滿意度電訪", "知識庫文章撰寫", "新人帶領")


def _scored(rng: random.Random, text: str, progress: float) -> str:
    """A KR with its score written in one of the seed's forms (or, now and then, none)."""
    score = min(max(rng.gauss(progress, 0.15), 0.0), 1.0)
    form = rng.choice(("decimal", "percent", "fraction", "decimal", "none"))
    if form == "none":
        return text
    if form == "percent":
        return f"{text} — {round(score * 100)}%"
    if form == "fraction":
        return f"{text} — {round(score * 10)}/10"
    return f"{text} — {score:.1f}"


def okr_tasks(rng: random.Random, progress: float) -> list[dict]:
    tasks = [dict(task_id=f"CO-{n}", task_name=name, bucket="公司OKR", progress="in_progress", due_on=QUARTER_END,
                  labels=name, checklist_items=[_scored(rng, kr, progress) for kr in krs],
                  checklist_done=rng.randint(0, len(krs)))
             for n, (name, krs) in enumerate(COMPANY.items(), start=1)]
    for n, (department, goal) in enumerate(DEPARTMENT_GOALS.items(), start=1):
        krs = [f"{department} {kr}" for kr in rng.sample(COMPANY[goal], k=rng.choice((2, 3, 3)))]
        tasks.append(dict(task_id=f"DE-{n}", task_name=f"{department}：支援{goal}", bucket=department,
                          progress="in_progress", due_on=QUARTER_END if n % 4 else None, labels=goal,
                          assigned_to=MANAGERS[department],
                          checklist_items=[_scored(rng, kr, progress) for kr in krs], checklist_done=1))
    for n, (name, _department) in enumerate([o for o in DEMO_OWNERS if o[1] == TEAM], start=1):
        goal = DEPARTMENT_GOALS[TEAM]
        krs = ["結案 Level 3 案件 40 件", "滿意度 4.6 分", "撰寫 FAQ 5 篇", "考取證照"][: rng.choice((3, 3, 4, 2))]
        tasks.append(dict(task_id=f"PE-{n}", task_name=f"{name} 的個人目標", bucket=name, progress="in_progress",
                          due_on=QUARTER_END, assigned_to=name, labels=goal if n % 5 else None,
                          checklist_items=[_scored(rng, kr, progress) for kr in krs], checklist_done=1))
    return tasks


def weekly_tasks(rng: random.Random, first_monday: dt.date, export_day: dt.date) -> list[dict]:
    """Every task planned so far, as its state on ``export_day``."""
    tasks = []
    people = [*(name for name, department in DEMO_OWNERS if department == TEAM), NEW_HIRES[TEAM]]
    for week in range(WEEKS):
        monday = first_monday + dt.timedelta(weeks=week)
        if monday > export_day:
            break
        for p, person in enumerate(people):
            for k in range(3):
                due = monday + dt.timedelta(days=rng.randint(1, 4))
                finish = due + dt.timedelta(days=rng.choice((-2, -1, 0, 0, 1, 3)))
                start = monday + dt.timedelta(days=rng.randint(0, 2))
                progress = ("completed" if finish <= export_day else
                            "in_progress" if start <= export_day else "not_started")
                tasks.append(dict(task_id=f"W{week:02d}-{p:02d}-{k}", task_name=rng.choice(WEEKLY_WORK),
                                  bucket=f"第 {week + 1} 週", progress=progress, assigned_to=person,
                                  start_on=monday, due_on=due,
                                  completed_on=finish if progress == "completed" else None,
                                  is_late=progress != "completed" and due < export_day))
    return tasks


def write_demo_plans(directory: Path) -> list[Path]:
    """Write the demo Planner exports (fixed seed) in import order."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for day, progress in ((dt.date(2026, 10, 30), 0.3), (LAST_DAY, 0.55)):
        path = directory / f"company-okr-{day:%Y%m%d}.xlsx"
        path.write_bytes(planner_workbook("2026 Q4 公司OKR", "DEMO-OKR-2026Q4", dt.datetime.combine(day, dt.time()),
                                          okr_tasks(random.Random(DEMO_OKR_SEED), progress), "zh-TW"))
        paths.append(path)
    first_monday = LAST_DAY - dt.timedelta(days=LAST_DAY.weekday(), weeks=WEEKS - 1)
    for week in range(WEEKS):
        for offset in (0, 2, 4):
            day = first_monday + dt.timedelta(weeks=week, days=offset)
            if day > LAST_DAY:
                continue
            path = directory / f"weekly-{day:%Y%m%d}.xlsx"
            tasks = weekly_tasks(random.Random(DEMO_OKR_SEED), first_monday, day)
            path.write_bytes(planner_workbook(f"{TEAM} 每週工作計畫與進度追蹤", "DEMO-WEEKLY", dt.datetime.combine(
                day, dt.time()), tasks, "zh-TW"))
            paths.append(path)
    return paths


def load_demo_okr(con: duckdb.DuckDBPyConnection, directory: Path = DEMO_DIR / "planner") -> list[str]:
    """Write and import the demo Planner exports, and set 客服一部's check-in groups."""
    summaries = [planner.import_path(con, path, is_demo=True).summary() for path in write_demo_plans(directory)]
    ids = dict(con.execute("SELECT name, employee_id FROM people").fetchall())
    team = [name for name, department in DEMO_OWNERS if department == TEAM]
    groups = {ids[name]: ("strong", "average")[n % 2] for n, name in enumerate(team) if name in ids}
    if NEW_HIRES[TEAM] in ids:
        groups[ids[NEW_HIRES[TEAM]]] = "new"
    weekly.save_checkin_groups(con, groups)
    return [*summaries[:2], f"… {len(summaries) - 2} weekly plan exports", summaries[-1],
            f"check-in groups set for {len(groups)} people of {TEAM}"]
