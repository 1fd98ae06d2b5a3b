"""The service KPIs, declared once: pages, the CLI, exports and the help panel read these.

Keys are ``service.<column>``, where <column> is the name the queries, the CLI and exports use.
Period rule (service-kpis.md): a period is [start, end); done on time means done ≤ due (the due
minute itself counts); "not yet due" means due ≥ end; a ticket without any due time is never late.
"""

from __future__ import annotations

from kpi.metrics import Measure, Metric
from kpi.service.populations import outcome_in

PREFIX = "service."
_IN_PLAY = "tickets in play: open at the period's start or created in it"
_IN_PLAY_ZH = "執行中的服務請求：期初未完成或本期新增"
_DONE = "tickets completed in the period"
_DONE_ZH = "本期完成的服務請求"
_NEW_ZH = "本期提出的服務請求"
_OPEN_ZH = "期末仍未完成"


def _outcome(name: str) -> Measure:
    """Tickets in play whose outcome at the period's end is ``name`` (kpi.service.populations)."""
    return Measure(name, "in_play", outcome_in(name))


# The measures, each declared once over one population (kpi.service.populations); a count KPI
# names one, a ratio KPI two, and the queries (kpi.service.semantic) are built from them.
IN_PLAY = Measure("in_play", "in_play")
NEW = Measure("new", "in_play", "NOT is_carried_over")
ON_TIME = _outcome("on_time")
DONE = Measure("done", "in_play", outcome_in("on_time", "late_done"))
NEW_ON_TIME = Measure("new_on_time", "in_play", f"{outcome_in('on_time')} AND NOT is_carried_over")
COMPLETED = Measure("completed", "completed")
CREATED = Measure("new", "created")
ANSWERED = Measure("answered", "created", "first_response_at IS NOT NULL")
# Decided = answered, or unanswered past the limit by the period's end.
DECIDED = Measure("decided", "created", "first_response_at IS NOT NULL OR first_response_due_at < period_end")
FORWARDED = Measure("forwarded", "created", "forwarded_second_line")


def _kept(name: str, deadline: str) -> Measure:
    """Completed tickets done by ``deadline`` (one without that deadline counts as kept)."""
    return Measure(name, "completed", f"completed_at <= coalesce({deadline}, completed_at)")


def _open(condition: str | None = None) -> Measure:
    return Measure("open", "open_at_end", condition)


def _count(column: str, zh: str, en: str, description_zh: str, description_en: str, filters: str,
           filters_zh: str, measure: Measure) -> Metric:
    return Metric(PREFIX + column, zh, en, description_zh, description_en, "count of tickets", None, filters, "count", 0,
                  numerator_zh="服務請求件數", filters_zh=filters_zh, measure=measure)


def _ratio(column: str, zh: str, en: str, description_zh: str, description_en: str,
           numerator: str, denominator: str, filters: str, numerator_zh: str, denominator_zh: str,
           filters_zh: str, measure: Measure, over: Measure) -> Metric:
    return Metric(PREFIX + column, zh, en, description_zh, description_en, numerator, denominator, filters, "ratio", 1,
                  numerator_zh=numerator_zh, denominator_zh=denominator_zh, filters_zh=filters_zh,
                  measure=measure, over=over)


WEEKLY_METRICS = (
    _count("carried_over", "前期遺留", "Carried over",
           "期初仍未完成的服務請求（期初前提出、期初前未完成）。",
           "Tickets still open at the period's start (created before it, not completed before it).",
           "created < start and not completed before start", "提出時間 < 期初，且期初前未完成",
           Measure("carried_over", "in_play", "is_carried_over")),
    _count("new", "本期新增", "New", "本期提出的服務請求。", "Tickets created in the period.",
           "start ≤ created < end", "期初 ≤ 提出時間 < 期末", NEW),
    _count("in_play", "執行總數", "In play", "前期遺留 + 本期新增。", "Carried over + new.", _IN_PLAY, _IN_PLAY_ZH, IN_PLAY),
    _count("on_time", "準時完成", "Done on time",
           "本期完成，且完成時間不晚於到期時間（剛好在到期那一分鐘也算準時）。",
           "Completed in the period at or before the due time (the due minute itself counts as on time).",
           _IN_PLAY + "; start ≤ completed < end and completed ≤ due",
           _IN_PLAY_ZH + "；期初 ≤ 完成時間 < 期末，且完成時間 ≤ 到期時間", ON_TIME),
    _count("open_not_due", "未完成", "Open, not due",
           "期末仍未完成，且尚未到期（到期時間 ≥ 期末）。",
           "Still open at the period's end and not yet due (due ≥ end).",
           _IN_PLAY + "; not completed before end and due ≥ end", _IN_PLAY_ZH + "；期末前未完成，且到期時間 ≥ 期末",
           _outcome("open_not_due")),
    _count("late_done", "升級完成", "Done late",
           "本期完成，但晚於到期時間。", "Completed in the period after the due time.",
           _IN_PLAY + "; start ≤ completed < end and completed > due",
           _IN_PLAY_ZH + "；期初 ≤ 完成時間 < 期末，且完成時間 > 到期時間", _outcome("late_done")),
    _count("overdue_open_0", "逾期未升級", "Overdue, not escalated",
           "期末仍未完成、已逾期，且沒有升級紀錄（原報表沒有這一欄，加上後每列加總等於執行總數）。",
           "Open and overdue at the period's end with no escalation (a column the seed lacks, so each row adds up to in play).",
           _IN_PLAY + "; open at end, due < end, 0 escalations", _IN_PLAY_ZH + "；期末未完成、到期時間 < 期末、未升級",
           _outcome("overdue_open_0")),
    _count("overdue_open_1", "升級一次", "Overdue, escalated once",
           "期末仍未完成、已逾期，升級一次。", "Open and overdue at the period's end, escalated once.",
           _IN_PLAY + "; open at end, due < end, 1 escalation", _IN_PLAY_ZH + "；期末未完成、到期時間 < 期末、升級 1 次",
           _outcome("overdue_open_1")),
    _count("overdue_open_2", "升級二次", "Overdue, escalated twice",
           "期末仍未完成、已逾期，升級二次。", "Open and overdue at the period's end, escalated twice.",
           _IN_PLAY + "; open at end, due < end, 2 escalations", _IN_PLAY_ZH + "；期末未完成、到期時間 < 期末、升級 2 次",
           _outcome("overdue_open_2")),
    _count("overdue_open_3plus", "三次以上", "Overdue, escalated 3+",
           "期末仍未完成、已逾期，升級三次以上。", "Open and overdue at the period's end, escalated three times or more.",
           _IN_PLAY + "; open at end, due < end, 3 or more escalations",
           _IN_PLAY_ZH + "；期末未完成、到期時間 < 期末、升級 3 次以上", _outcome("overdue_open_3plus")),
    _ratio("completion_rate", "完成率", "Completion rate",
           "執行中的服務請求有多少已在本期完成（準時或逾期）。", "Share of the tickets in play completed in the period, on time or late.",
           "done on time + done late", "in play", _IN_PLAY, "準時完成 + 升級完成", "執行總數", _IN_PLAY_ZH, DONE, IN_PLAY),
    Metric(PREFIX + "avg_escalations", "平均升級次數", "Average escalations",
           "執行中的服務請求平均升級幾次。", "Escalations per ticket in play.",
           "sum of escalation counts", "in play", _IN_PLAY, "number", 2,
           numerator_zh="升級次數合計", denominator_zh="執行總數", filters_zh=_IN_PLAY_ZH,
           measure=Measure("escalations", "in_play", summed="escalation_count"), over=IN_PLAY),
    _ratio("total_service_level", "總服務水準", "Total service level",
           "執行中的服務請求有多少在本期準時完成（含前期遺留）。", "Share of the tickets in play done on time in the period, carried-over ones included.",
           "done on time", "in play", _IN_PLAY, "準時完成", "執行總數", _IN_PLAY_ZH, ON_TIME, IN_PLAY),
    _ratio("service_level", "服務水準", "Service level",
           "本期新增的服務請求有多少在本期準時完成。", "Share of the period's new tickets done on time within it.",
           "new tickets done on time", "new", "tickets created in the period", "本期新增且準時完成", "本期新增",
           _NEW_ZH, NEW_ON_TIME, NEW),
)

COMMITMENT_METRICS = (
    _ratio("commitment_achievement", "承諾達成率", "Commitment achievement",
           "最後承諾完成數 / 全部完成數：在預計完成時間前完成的比例。",
           "Completed by the final commitment (預計完成時間) out of all completed.",
           "completed ≤ current commitment", "completed", _DONE, "完成時間 ≤ 預計完成時間", "全部完成數", _DONE_ZH,
           _kept("kept_commitment", "current_commitment_at"), COMPLETED),
    _ratio("first_commitment_achievement", "一次承諾達成率", "First-commitment achievement",
           "一次承諾完成數 / 全部完成數：在首次承諾時間前完成的比例。",
           "Completed by the first commitment (首次承諾時間) out of all completed.",
           "completed ≤ first commitment", "completed", _DONE, "完成時間 ≤ 首次承諾時間", "全部完成數", _DONE_ZH,
           _kept("kept_first_commitment", "first_commitment_at"), COMPLETED),
    _ratio("standard_achievement", "標準達成率", "Standard achievement",
           "標準時間內完成數 / 全部完成數：在標準完成時間前完成的比例。",
           "Completed by the standard completion time (標準完成時間) out of all completed.",
           "completed ≤ standard completion time", "completed", _DONE, "完成時間 ≤ 標準完成時間", "全部完成數", _DONE_ZH,
           _kept("kept_standard_time", "standard_due_at"), COMPLETED),
)

OTHER_METRICS = (
    _count("completed", "全部完成數", "Completed", "本期完成的服務請求數。", "Tickets completed in the period.", _DONE, _DONE_ZH,
           COMPLETED),
    _ratio("first_response_compliance", "首次回應達成率", "First-response compliance",
           "本期新增、已回應或已過回應時限的服務請求中，在等級的首次回應時限內回應的比例。",
           "Of the period's new tickets answered or past their first-response limit, the share answered within the level's limit.",
           "first response ≤ first-response due", "new tickets answered or past their first-response due",
           "tickets created in the period with a first-response limit",
           "首次回應時間 ≤ 首次回應期限", "本期新增、已回應或已過回應期限的件數", "本期新增、且有首次回應時限的服務請求",
           Measure("answered_in_time", "created", "first_response_at <= first_response_due_at"), DECIDED),
    _ratio("forward_rate", "後送率", "Second-line forward rate",
           "本期新增的服務請求中，後送二線處理的比例。", "Share of the period's new tickets forwarded to second line.",
           "new tickets forwarded to second line", "new", "tickets created in the period",
           "本期新增且後送二線的件數", "本期新增", _NEW_ZH, FORWARDED, CREATED),
    _count("backlog", "未結案件", "Open backlog", "期末仍未完成的服務請求，依等級與已開啟天數分組。",
           "Tickets open at the period's end, by level and age in days.", "not completed before the period's end",
           "期末前未完成", _open()),
)

# Tickets open at the period's end that need attention: the alert lists, one per KPI.
ALERT_METRICS = (
    _count("unassigned", "未分配", "Unassigned", "仍未完成且沒有負責人。", "Open with no owner.", "open at the period's end", _OPEN_ZH,
           _open("coalesce(owner, '') = ''")),
    _count("being_escalated", "升級中", "Being escalated", "仍未完成且已升級（主管已介入）。",
           "Open and escalated at least once (a supervisor stepped in).", "open at the period's end, escalations ≥ 1",
           _OPEN_ZH + "，升級次數 ≥ 1", _open("escalation_count >= 1")),
    _count("escalated_many", "升級多次", "Escalated many times", "仍未完成且升級兩次以上。",
           "Open and escalated twice or more.", "open at the period's end, escalations ≥ 2", _OPEN_ZH + "，升級次數 ≥ 2",
           _open("escalation_count >= 2")),
    _count("overdue_many", "逾期多次", "Overdue many times", "仍未完成、已逾期，且承諾已延時或升級兩次以上。",
           "Open, overdue, and its commitment already moved twice or more (extensions + escalations ≥ 2).",
           "open and overdue at the period's end, extensions + escalations ≥ 2",
           "期末仍未完成且已逾期，延時次數 + 升級次數 ≥ 2",
           _open("due_at < period_end AND extension_count + escalation_count >= 2")),
    _count("due_soon", "24 小時內到期", "Due within 24 h", "仍未完成，將在 24 小時內到期。",
           "Open and due within the next 24 hours.", "open at the period's end, end ≤ due < end + 24 h",
           _OPEN_ZH + "，期末 ≤ 到期時間 < 期末 + 24 小時",
           _open("due_at >= period_end AND due_at < period_end + INTERVAL 24 HOUR")),
)

# key, zh-TW label suffix, English name, zh-TW formula name, the share of tickets it speaks of
_STATISTICS = (("median", "中位數", "median", "中位數", "一半", "Half the"),
               ("p90", " P90", "90th percentile", "第 90 百分位數", "九成", "Nine in ten"))


def _durations(name: str, zh: str, en: str, done_zh: str, done_en: str, end: str, end_zh: str, filters: str,
               filters_zh: str) -> tuple[Metric, ...]:
    """The median and the 90th percentile, in hours, of the time from creation to ``end``."""
    return tuple(
        Metric(PREFIX + f"{name}_{stat}", zh + stat_zh, f"{en}, {stat_en}", f"{share_zh}的服務請求在這段時間內{done_zh}。",
               f"{share_en} tickets {done_en} within this time of their creation.", f"{stat_en} of ({end} − created)", None,
               filters, "hours", 1, numerator_zh=f"（{end_zh} − 提出時間）的{formula_zh}", filters_zh=filters_zh)
        for stat, stat_zh, stat_en, formula_zh, share_zh, share_en in _STATISTICS)


# Time figures (kpi/service/durations.py): percentiles in hours from creation, per group and in total.
DURATION_METRICS = (
    *_durations("first_response", "首次回應", "First response", "得到首次回應", "had their first response",
                "first response", "首次回應時間", "tickets created in the period and answered", "本期新增且已回應的服務請求"),
    *_durations("resolution", "完成時間", "Resolution", "完成", "were completed", "completed", "完成時間",
                "tickets completed in the period (not before their creation)", "本期完成的服務請求（完成時間不早於提出時間）"),
)

METRICS = WEEKLY_METRICS + COMMITMENT_METRICS + OTHER_METRICS + ALERT_METRICS + DURATION_METRICS

WEEKLY_COLUMNS = tuple(metric.key.removeprefix(PREFIX) for metric in WEEKLY_METRICS)
COMMITMENT_COLUMNS = tuple(metric.key.removeprefix(PREFIX) for metric in COMMITMENT_METRICS)
DURATION_COLUMNS = tuple(metric.key.removeprefix(PREFIX) for metric in DURATION_METRICS)
ALERTS = tuple(metric.key.removeprefix(PREFIX) for metric in ALERT_METRICS)

# Distributions of the tickets in play by how often their commitment moved.
DISTRIBUTIONS = ("escalation", "extension")
BUCKETS = ("0", "1", "2", "3+")


def distribution_measures(counted: str) -> tuple[Measure, ...]:
    """The tickets in play, and those whose ``counted`` count (escalation, extension) is 0, 1, 2, 3+."""
    return (IN_PLAY, *(Measure(bucket, "in_play", f"least({counted}_count, 3) = {n}") for n, bucket in enumerate(BUCKETS)))
