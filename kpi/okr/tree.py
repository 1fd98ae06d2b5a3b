"""The OKR tree: company → department → person, from the buckets of the OKR plans.

Conventions (per plan, ``okr_plans.convention``):

- **A** (default): a task is an objective; its checklist items are its key results (KRs).
- **B**: a task is a KR, labelled with its objective: a label or a description line "O: …" names
  it, else the task's first label does.

Scores (0–1, the seed's scale):

- A KR's score is the number written in it: ``0.6``, ``60%`` or ``6/10`` (the last one in the text,
  after dates are taken out; percentages above 100% count as 1). Without one, a B-convention KR
  takes its task's checklist completion (completed / total items). Planner's export does not say
  which checklist items are done, so an A-convention KR without a number has no score.
- An objective's score is the mean of its KRs' scores; an A-convention objective none of whose KRs
  has a number takes its checklist completion instead.

Status, after the seed (the best score for an ambitious OKR is about 0.6–0.7):
``target_too_low`` ≥ 0.9; ``at_risk`` below 0.4 once more than two thirds of the period have passed
("late in the period"); ``best`` 0.6–0.7; ``normal`` otherwise; ``unscored`` without a score.

Flags: objectives with fewer than 3 or more than 5 KRs (``too_few_krs``, ``too_many_krs``); KRs
without a number (``no_number``) or a date (``no_date``: none in its text, and no due date on its
task); department and person objectives aligned to no objective of a higher tier
(``not_aligned``). An objective is aligned when it shares a label with a higher-tier objective, or
names one (its name or Task ID) in a label or in its description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from kpi.okr.planner import ITEM_SEPARATOR, normalise

TIERS = ("company", "department", "person")
STATUSES = ("target_too_low", "best", "normal", "at_risk", "unscored")
SYMBOLS = {"target_too_low": "▲", "best": "★", "normal": "●", "at_risk": "⚠", "unscored": "○"}
LATE_FRACTION = 2 / 3
AT_RISK_BELOW = 0.4
BEST = (0.6, 0.7)
TOO_LOW_FROM = 0.9
KR_RANGE = (3, 5)

_DATES = re.compile(
    r"\d{4}\s*[/\-.年]\s*\d{1,2}(?:\s*[/\-.月]\s*\d{1,2}\s*日?)?月?"
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月底|[年季月]底"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\bQ[1-4]\b|\bH[12]\b",
    re.IGNORECASE)
_SCORES = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*/\s*(?P<den>\d+(?:\.\d+)?)(?![\d/])"
    r"|(?P<pct>\d+(?:\.\d+)?)\s*%"
    r"|(?<![\d.])(?P<dec>0?\.\d+|1\.0+)(?![\d.%/])")
_OBJECTIVE_TAG = re.compile(r"^\s*O\s*[:：]\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_DEPARTMENT_WORDS = re.compile(r"部|處|中心|組|課|室|dept|department|team|unit|division", re.IGNORECASE)


def score_in(text: str | None) -> float | None:
    """The score written in a KR's text (the last ``0.6``, ``60%`` or ``6/10``), or None."""
    if not text:
        return None
    score = None
    for match in _SCORES.finditer(_DATES.sub(" ", text)):
        if match["num"] is not None:
            numerator, denominator = float(match["num"]), float(match["den"])
            if 0 < denominator and numerator <= denominator:
                score = numerator / denominator
        elif match["pct"] is not None:
            score = min(float(match["pct"]) / 100, 1.0)
        else:
            score = float(match["dec"])
    return None if score is None else round(score, 4)


def has_date(text: str | None) -> bool:
    return bool(text and _DATES.search(text))


# ---- periods -----------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$", re.IGNORECASE)


@dataclass(frozen=True)
class OkrPeriod:
    label: str
    start: date
    end: date  # exclusive

    def elapsed(self, as_of: date) -> float:
        """The share of the period gone by on ``as_of`` (0 before it, 1 after it)."""
        span = (self.end - self.start).days
        return min(max((as_of - self.start).days / span, 0.0), 1.0)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def period(label: str) -> OkrPeriod:
    """``2026-Q4``, ``2026-H2`` or ``2026``; ValueError for anything else."""
    match = _PERIOD.match(label.strip())
    if not match:
        raise ValueError(label)
    year, part = int(match[1]), (match[2] or "").upper()
    if part.startswith("Q"):
        first_month, months = 3 * int(part[1]) - 2, 3
    elif part.startswith("H"):
        first_month, months = 6 * int(part[1]) - 5, 6
    else:
        first_month, months = 1, 12
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = date(year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return OkrPeriod(f"{year}-{part}" if part else str(year), start, end)


def period_of(day: date) -> OkrPeriod:
    return period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")


# ---- buckets → tiers ----------------------------------------------------------------------------

def bucket_mapping(con: duckdb.DuckDBPyConnection, plan_id: str) -> pd.DataFrame:
    """Each bucket of a plan with its tier and owner: the saved mapping, else the defaults (the
    plan's first bucket is the company; a bucket named like a department in the people data, or
    with 部/處/中心/組/team … in its name, is a department; any other bucket is a person)."""
    buckets = [row[0] for row in con.execute(
        "SELECT bucket FROM okr_tasks WHERE plan_id = ? AND bucket IS NOT NULL"
        " GROUP BY bucket ORDER BY min(source_row)", [plan_id]).fetchall()]
    saved = {row[0]: (row[1], row[2]) for row in con.execute(
        "SELECT bucket, tier, owner FROM okr_buckets WHERE plan_id = ?", [plan_id]).fetchall()}
    departments = {normalise(r[0]) for r in con.execute(
        "SELECT DISTINCT department FROM people WHERE department IS NOT NULL").fetchall()}
    rows = []
    for position, bucket in enumerate(buckets):
        if bucket in saved:
            tier, owner = saved[bucket]
        elif position == 0:
            tier, owner = "company", bucket
        elif normalise(bucket) in departments or _DEPARTMENT_WORDS.search(bucket):
            tier, owner = "department", bucket
        else:
            tier, owner = "person", bucket
        rows.append({"bucket": bucket, "tier": tier, "owner": owner or bucket})
    return pd.DataFrame(rows, columns=["bucket", "tier", "owner"])


def save_bucket_mapping(con: duckdb.DuckDBPyConnection, plan_id: str, mapping: pd.DataFrame) -> None:
    from kpi import store

    with store.transaction(con):
        con.execute("DELETE FROM okr_buckets WHERE plan_id = ?", [plan_id])
        for row in mapping.to_dict("records"):
            if row["tier"] not in TIERS:
                raise ValueError(row["tier"])
            con.execute("INSERT INTO okr_buckets VALUES (?, ?, ?, ?)",
                        [plan_id, row["bucket"], row["tier"], (row.get("owner") or "").strip() or None])
        store.bump_data_version(con)


def set_convention(con: duckdb.DuckDBPyConnection, plan_id: str, convention: str, kind: str) -> None:
    from kpi import store

    with store.transaction(con):
        con.execute("UPDATE okr_plans SET convention = ?, kind = ? WHERE plan_id = ?", [convention, kind, plan_id])
        store.bump_data_version(con)


def plans(con: duckdb.DuckDBPyConnection, kind: str | None = None) -> pd.DataFrame:
    return con.execute(
        "SELECT p.plan_id, p.plan_name, p.kind, p.convention, c.export_date FROM okr_plans p"
        " JOIN (SELECT plan_id, max(export_date) AS export_date FROM okr_exports GROUP BY plan_id) c USING (plan_id) WHERE ? IS NULL OR p.kind = ? ORDER BY p.plan_name",
        [kind, kind]).df()


# ---- the tree ----------------------------------------------------------------------------------

@dataclass
class KeyResult:
    name: str
    score: float | None
    score_from: str | None          # "number", "checklist" or None
    due: date | None
    flags: list[str] = field(default_factory=list)


@dataclass
class Objective:
    name: str
    plan: str
    bucket: str
    tier: str
    owner: str
    task_id: str
    due: date | None
    labels: set[str]
    text: str                       # description(s), searched for references to parents
    key_results: list[KeyResult] = field(default_factory=list)
    score: float | None = None
    status: str = "unscored"
    flags: list[str] = field(default_factory=list)
    aligned_to: list[str] = field(default_factory=list)


def _date(value) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "hour") else value


def _labels(text) -> set[str]:
    return {part.strip() for part in str(text or "").split(ITEM_SEPARATOR) if part.strip()}


def _objectives_a(task: dict, where: dict) -> Objective:
    due = _date(task["due_on"])
    objective = Objective(task["task_name"], **where, task_id=task["task_id"], due=due,
                          labels=_labels(task["labels"]), text=str(task["description"] or ""))
    for item in _labels_in_order(task["checklist_items"]):
        score = score_in(item)
        objective.key_results.append(KeyResult(item, score, "number" if score is not None else None,
                                               due, _kr_flags(score, has_date(item) or due is not None)))
    scores = [kr.score for kr in objective.key_results if kr.score is not None]
    if scores:
        objective.score = sum(scores) / len(scores)
    elif task["checklist_total"]:
        objective.score = task["checklist_done"] / task["checklist_total"]
    return objective


def _labels_in_order(text) -> list[str]:
    return [part.strip() for part in str(text or "").split(ITEM_SEPARATOR) if part.strip()]


def _kr_flags(score: float | None, dated: bool) -> list[str]:
    return (["no_number"] if score is None else []) + ([] if dated else ["no_date"])


def _objective_name_b(task: dict) -> tuple[str | None, set[str]]:
    """A B-convention KR's objective and the labels that are not its name."""
    labels = _labels_in_order(task["labels"])
    for text in [*labels, str(task["description"] or "")]:
        tagged = _OBJECTIVE_TAG.search(text)
        if tagged:
            return tagged[1].strip(), {lab for lab in labels if lab != text}
    return (labels[0], set(labels[1:])) if labels else (None, set())


def _objectives_b(tasks: list[dict], where_of) -> list[Objective]:
    grouped: dict[tuple, Objective] = {}
    for task in tasks:
        name, labels = _objective_name_b(task)
        where = where_of(task)
        key = (where["bucket"], name)
        if key not in grouped:
            grouped[key] = Objective(name or "—", **where, task_id=task["task_id"], due=None, labels=set(), text="")
        objective = grouped[key]
        objective.labels |= labels
        objective.text += "\n" + str(task["description"] or "")
        due = _date(task["due_on"])
        objective.due = max(filter(None, [objective.due, due]), default=None)
        text = f"{task['task_name']} {task['description'] or ''}"
        score, source = score_in(task["task_name"]), "number"
        if score is None:
            score = score_in(task["description"])
        if score is None and task["checklist_total"]:
            score, source = task["checklist_done"] / task["checklist_total"], "checklist"
        flags = ([] if score_in(text) is not None else ["no_number"]) + \
                ([] if due is not None or has_date(text) else ["no_date"])
        objective.key_results.append(KeyResult(task["task_name"], score, source if score is not None else None,
                                               due, flags))
    for objective in grouped.values():
        scores = [kr.score for kr in objective.key_results if kr.score is not None]
        objective.score = sum(scores) / len(scores) if scores else None
    return list(grouped.values())


def _status(score: float | None, late: bool) -> str:
    if score is None:
        return "unscored"
    if score >= TOO_LOW_FROM:
        return "target_too_low"
    if late and score < AT_RISK_BELOW:
        return "at_risk"
    if BEST[0] <= score <= BEST[1]:
        return "best"
    return "normal"


def _aligned(child: Objective, parent: Objective) -> bool:
    return bool(child.labels & parent.labels) or parent.name in child.labels \
        or parent.name in child.text or parent.task_id in child.text


def build_tree(con: duckdb.DuckDBPyConnection, okr_period: OkrPeriod, as_of: date) -> list[Objective]:
    """Every objective of the OKR plans whose date (due date, else start, else the export date)
    falls in the period, scored, flagged and ordered company → department → person."""
    objectives: list[Objective] = []
    for plan in plans(con, "okr").to_dict("records"):
        tiers = {row["bucket"]: row for row in bucket_mapping(con, plan["plan_id"]).to_dict("records")}
        frame = con.execute("SELECT * FROM okr_tasks WHERE plan_id = ? ORDER BY source_row", [plan["plan_id"]]).df()
        tasks = frame.astype(object).where(frame.notna(), None).to_dict("records")

        def where_of(task: dict, plan=plan, tiers=tiers) -> dict:
            mapped = tiers.get(task["bucket"], {"tier": "person", "owner": task["bucket"] or "—"})
            return {"plan": plan["plan_name"], "bucket": task["bucket"] or "—", "tier": mapped["tier"],
                    "owner": mapped["owner"]}

        found = ([_objectives_a(task, where_of(task)) for task in tasks] if plan["convention"] == "A"
                 else _objectives_b(tasks, where_of))
        fallback = _date(plan["export_date"])
        start_of = {t["task_id"]: _date(t["start_on"]) for t in tasks}
        objectives += [o for o in found if okr_period.contains(o.due or start_of.get(o.task_id) or fallback)]
    late = okr_period.elapsed(as_of) > LATE_FRACTION
    for objective in objectives:
        count = len(objective.key_results)
        objective.flags = (["too_few_krs"] if count < KR_RANGE[0] else []) + \
                          (["too_many_krs"] if count > KR_RANGE[1] else [])
        if objective.tier != "company":
            higher = TIERS[:TIERS.index(objective.tier)]
            objective.aligned_to = [p.task_id for p in objectives if p.tier in higher and _aligned(objective, p)]
            if not objective.aligned_to:
                objective.flags.append("not_aligned")
        objective.status = _status(objective.score, late)
    objectives.sort(key=lambda o: TIERS.index(o.tier))  # stable: the plan's own order within a tier
    return objectives


def as_json(objectives: list[Objective], okr_period: OkrPeriod, as_of: date) -> dict:
    """The tree with the keys documented in docs/okr.md (``python -m kpi okr --format json``)."""
    def rounded(value):
        return None if value is None else round(value, 3)

    return {
        "period": okr_period.label,
        "as_of": as_of.isoformat(),
        "objectives": [{
            "objective": o.name, "task_id": o.task_id, "plan": o.plan, "bucket": o.bucket, "tier": o.tier,
            "owner": o.owner, "score": rounded(o.score), "status": o.status, "flags": o.flags,
            "aligned_to": o.aligned_to,
            "key_results": [{"key_result": kr.name, "score": rounded(kr.score), "score_from": kr.score_from,
                             "due": kr.due.isoformat() if kr.due else None, "flags": kr.flags}
                            for kr in o.key_results],
        } for o in objectives],
    }


def tree_rows(objectives: list[Objective]) -> pd.DataFrame:
    """One row per objective and KR, in tree order, for an indented table."""
    rows = []
    for o in objectives:
        rows.append({"level": "objective", "tier": o.tier, "owner": o.owner, "name": o.name, "score": o.score,
                     "status": o.status, "flags": o.flags, "id": o.task_id, "parent": ""})
        rows += [{"level": "key_result", "tier": o.tier, "owner": o.owner, "name": kr.name, "score": kr.score,
                  "status": "unscored" if kr.score is None else "", "flags": kr.flags,
                  "id": f"{o.task_id}/{i}", "parent": o.task_id} for i, kr in enumerate(o.key_results)]
    return pd.DataFrame(rows, columns=["level", "tier", "owner", "name", "score", "status", "flags", "id",
                                       "parent"])
