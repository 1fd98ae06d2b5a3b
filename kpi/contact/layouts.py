"""The interval reports that phone platforms export, as data: which header each vendor writes for
each canonical field, and which denominator its service level uses.

Only data and one formula live here; reading the files into the store is the shared import
pipeline's job. A header written with ``{seconds}`` stands for the threshold the report was run
with (Amazon Connect writes "Service level 15 seconds" for a 15-second threshold).

Where a name comes from is said beside each layout. Names that no source found while writing this
could confirm (they are what these products are generally known to write) are listed in the
layout's ``unconfirmed``, so an importer can treat them as hints rather than as certain matches.

``interval_date`` is for reports that write the date once per row beside a time of day or a
time range ("08:00-08:30"), as Avaya CMS interval reports do; ``interval_start`` then holds the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CANONICAL_FIELDS = (
    "interval_start", "interval_date", "interval_minutes", "queue", "offered", "answered", "abandoned",
    "abandoned_short", "answered_within_threshold", "service_level_pct", "threshold_seconds",
    "asa_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "handle_seconds",
    "agents_staffed", "ready_seconds", "not_ready_seconds",
)

# What a platform's service level divides by. The formula shown to users lives in
# kpi/locales/contact.toml under contact.sl_basis.<basis>.
SERVICE_LEVEL_BASES = ("offered", "answered", "offered_minus_short_abandons")


@dataclass(frozen=True)
class IntervalLayout:
    key: str
    name: str
    headers: dict[str, tuple[str, ...]]          # canonical field → header names, preferred first
    service_level_basis: str
    unconfirmed: frozenset[str] = field(default_factory=frozenset)


LAYOUTS: tuple[IntervalLayout, ...] = (
    # Amazon Connect historical metrics report (queue metrics, 15/30-minute intervals). Metric
    # names are the UI names in the Administrator Guide's "Historical metrics definitions" and
    # the API reference's HistoricalMetric list (CONTACTS_QUEUED → "Contacts queued",
    # CONTACTS_HANDLED → "Contacts handled", CONTACTS_ABANDONED → "Contacts abandoned",
    # QUEUE_ANSWER_TIME → "Average queue answer time", AVG_HOLD_TIME → "Average customer hold
    # time", AFTER_CONTACT_WORK_TIME → "After contact work time", "Average handle time",
    # "Contacts answered in X seconds", "Contacts abandoned in X seconds", "Service level X").
    # Service level X = contacts answered within X ÷ contacts queued (offered).
    IntervalLayout(
        "amazon_connect", "Amazon Connect historical metrics",
        {
            "interval_start": ("StartInterval", "Interval"),
            "queue": ("Queue",),
            "offered": ("Contacts queued",),
            "answered": ("Contacts handled",),
            "abandoned": ("Contacts abandoned",),
            "abandoned_short": ("Contacts abandoned in {seconds} seconds",),
            "answered_within_threshold": ("Contacts answered in {seconds} seconds",),
            "service_level_pct": ("Service level {seconds} seconds",),
            "asa_seconds": ("Average queue answer time",),
            "talk_seconds": ("Average agent interaction time",),
            "hold_seconds": ("Average customer hold time",),
            "acw_seconds": ("Average after contact work time", "After contact work time"),
            "handle_seconds": ("Average handle time",),
            "agents_staffed": ("Agents staffed",),
            "ready_seconds": ("Agent idle time",),
            "not_ready_seconds": ("Non-Productive Time",),
        },
        "offered",
        unconfirmed=frozenset({"interval_start", "agents_staffed"}),
    ),
    # Genesys Cloud CX, Performance > Queues Performance (detail view by interval) exported to
    # CSV. Offered, Answered, Abandoned, Answer %, Abandon %, Service Level %, ASA, Average
    # Handle, ACW: the "Metric definitions" and "available columns in performance views" help
    # articles. Service Level % counts answered within the target over offered (answered +
    # abandoned), with an option to leave short abandons out.
    IntervalLayout(
        "genesys_cloud", "Genesys Cloud queue performance",
        {
            "interval_start": ("Interval Start", "Interval"),
            "queue": ("Queue Name", "Queue"),
            "offered": ("Offer", "Offered"),
            "answered": ("Answer", "Answered"),
            "abandoned": ("Abandon", "Abandoned"),
            "abandoned_short": ("Short Abandon",),
            "service_level_pct": ("Service Level %", "Service Level"),
            "asa_seconds": ("ASA",),
            "talk_seconds": ("Avg Talk", "Average Talk"),
            "hold_seconds": ("Avg Hold", "Average Hold"),
            "acw_seconds": ("Avg ACW", "Average ACW"),
            "handle_seconds": ("AHT", "Avg Handle", "Average Handle"),
            "agents_staffed": ("On Queue", "Active agents"),
        },
        "offered",
        unconfirmed=frozenset({"interval_start", "abandoned_short", "talk_seconds", "hold_seconds",
                               "agents_staffed"}),
    ),
    # Cisco Unified CCX, "Contact Service Queue Activity Report (by Interval)" and "Contact Service
    # Queue Service Level" report (Historical Reports User Guide, chapter "Descriptions of
    # Historical Reports"): Calls Presented, Calls Handled, Calls Abandoned, Avg Speed of Answer,
    # Avg Handle Time, Service Level (sec), Calls Handled < Service Level, Calls Abandoned <
    # Service Level, and four service levels: "Percentage of Service Level Met" only handled
    # (÷ handled), without abandon (÷ presented − abandoned within), positive abandon, negative
    # abandon (÷ presented). Webex Contact Center's queue statistics API (intervalStartTime,
    # queueName, totalOfferedTasks, totalAcceptedTasks, totalAbandonedTasks, averageEnqueuedTime,
    # averageHandledTime, serviceLevelThresholdPercentage) is accepted as the same layout.
    IntervalLayout(
        "cisco_uccx", "Cisco Unified CCX / Webex Contact Center CSQ activity by interval",
        {
            "interval_start": ("Interval Start Time", "intervalStartTime"),
            "queue": ("CSQ Name", "queueName"),
            "offered": ("Calls Presented", "totalOfferedTasks"),
            "answered": ("Calls Handled", "totalAcceptedTasks"),
            "abandoned": ("Calls Abandoned", "totalAbandonedTasks"),
            "abandoned_short": ("Calls Abandoned < Service Level",),
            "answered_within_threshold": ("Calls Handled < Service Level",),
            "service_level_pct": ("Percentage of Service Level Met - Without Abandon",
                                  "serviceLevelThresholdPercentage"),
            "threshold_seconds": ("Service Level (sec)",),
            "asa_seconds": ("Avg Speed of Answer", "Avg Queue Time", "averageEnqueuedTime"),
            "handle_seconds": ("Avg Handle Time", "averageHandledTime"),
        },
        "offered_minus_short_abandons",
        unconfirmed=frozenset({"interval_start"}),
    ),
    # Avaya CMS split/skill interval report (CMS and BCMS user guides; BCMS "report heading
    # comparison" maps BCMS AVG STAFF → CMS Avg Pos Stf and % IN SERV LEVL → % Within Service
    # Level). ACD Calls are answered calls; Avg Speed Ans and Serv Levl count completed
    # (answered) calls only, "abandoned calls are not counted".
    IntervalLayout(
        "avaya_cms", "Avaya CMS split/skill interval",
        {
            "interval_start": ("Time", "TIME/DAY"),
            "interval_date": ("Date",),
            "queue": ("Split/Skill", "Split", "Skill"),
            "offered": ("Calls Offered",),
            "answered": ("ACD Calls", "Num ACD Calls"),
            "abandoned": ("Aband Calls", "Num Calls Aband"),
            "service_level_pct": ("% Within Service Level", "% Ans Calls within Service Level",
                                  "% IN SERV LEVL", "Serv Levl"),
            "asa_seconds": ("Avg Speed Ans", "AVG SPEED ANS"),
            "talk_seconds": ("Avg ACD Time", "Avg Talk Time"),
            "acw_seconds": ("Avg ACW Time", "Avg After Call"),
            "agents_staffed": ("Avg Pos Staff", "Avg Pos Stf", "AVG STAFF", "Avg Num Pos"),
        },
        "answered",
        unconfirmed=frozenset({"queue", "offered", "interval_date"}),
    ),
    # Twilio Flex Insights, a queue report exported from Analytics Portal. "Abandoned
    # Conversations" is a built-in metric in the "Track Abandoned Conversations" guide; the other
    # names are Flex Insights' built-in metric and attribute names as generally known.
    IntervalLayout(
        "twilio_flex", "Twilio Flex Insights queue report",
        {
            "interval_start": ("Date", "Hour"),
            "queue": ("Queue",),
            "offered": ("Conversations",),
            "answered": ("Handled Conversations",),
            "abandoned": ("Abandoned Conversations",),
            "abandoned_short": ("Short Abandoned Conversations",),
            "service_level_pct": ("Service Level",),
            "asa_seconds": ("Avg Speed of Answer",),
            "talk_seconds": ("Avg Talk Time",),
            "hold_seconds": ("Avg Hold Time",),
            "acw_seconds": ("Avg Wrap Up Time",),
            "handle_seconds": ("Avg Handling Time",),
        },
        "offered",
        unconfirmed=frozenset(CANONICAL_FIELDS) - {"abandoned"},
    ),
    # A generic report with Traditional Chinese headers, as Taiwanese call centres write them
    # in their own Excel interval sheets (the list: 時段, 進線數, 接通數, 放棄數,
    # 15秒內接通數, 平均處理時間, 上線人數).
    IntervalLayout(
        "generic_zh_tw", "通用中文時段報表",
        {
            "interval_start": ("時段", "時間區間", "開始時間"),
            "interval_date": ("日期",),
            "interval_minutes": ("時段長度", "區間分鐘數"),
            "queue": ("群組", "技能群組", "佇列"),
            "offered": ("進線數", "進線量"),
            "answered": ("接通數", "接聽數"),
            "abandoned": ("放棄數", "放棄通數"),
            "abandoned_short": ("短放棄數",),
            "answered_within_threshold": ("{seconds}秒內接通數",),
            "service_level_pct": ("服務水準", "服務水準%"),
            "threshold_seconds": ("服務水準秒數",),
            "asa_seconds": ("平均應答時間", "平均等候時間"),
            "talk_seconds": ("平均通話時間",),
            "hold_seconds": ("平均保留時間",),
            "acw_seconds": ("平均話後處理時間",),
            "handle_seconds": ("平均處理時間",),
            "agents_staffed": ("上線人數",),
            "ready_seconds": ("就緒時間",),
            "not_ready_seconds": ("未就緒時間",),
        },
        "offered",
    ),
)


def service_level(answered_within: float, offered: float, answered: float, abandoned_short: float,
                  basis: str) -> float | None:
    """Share of calls answered within the threshold, over the denominator ``basis`` names:
    offered, answered, or offered minus the calls abandoned before the short-abandon threshold.
    None when that denominator is 0 (no calls: no service level, rather than 0% or 100%)."""
    denominators = {"offered": offered, "answered": answered,
                    "offered_minus_short_abandons": offered - abandoned_short}
    if basis not in denominators:
        raise ValueError(f"unknown service-level basis {basis!r}; one of {', '.join(SERVICE_LEVEL_BASES)}")
    denominator = denominators[basis]
    return answered_within / denominator if denominator > 0 else None
