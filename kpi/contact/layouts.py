"""The interval reports that phone platforms export, as data: which header each vendor writes for
each canonical field, and which denominator its service level uses.

Only data and one formula live here; reading the files into the store is the shared import
pipeline's job. A header written with ``{seconds}`` stands for the threshold the report was run
with (Amazon Connect writes "Service level 15 seconds" for a 15-second threshold).

Where a name comes from is said beside each layout. Names that no source found while writing this
could confirm (they are what these products are generally known to write) are listed in the
layout's ``unconfirmed``, so an importer can treat them as hints rather than as certain matches.

``interval_date`` is for reports that write the date once per row beside a time of day or a
time range ("08:00-08:30", "8:00 AM-8:30 AM"), as Avaya CMS interval reports do; ``interval_start``
then holds the time. ``interval_end`` (Cisco's "Interval End Time", TaskRouter's ``end_time``) gives
the interval's length together with its start.

Headers are matched after normalising case, spacing, punctuation, camelCase and units written in
brackets ("ASA (s)", "Service Level %"), so each layout lists words, not spellings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CANONICAL_FIELDS = (
    "interval_start", "interval_date", "interval_end", "interval_minutes", "queue", "offered", "answered", "abandoned",
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
    milliseconds: frozenset[str] = field(default_factory=frozenset)   # durations given in ms
    default_threshold_seconds: float | None = None   # the platform's own default, where it has one


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
    # Cisco Unified CCX, Contact Service Queue Activity Report by Interval and Contact Service
    # Queue Service Level report, exported from Cisco Unified Intelligence Center (CUIC) as CSV.
    # Field names and the four service levels: "Cisco Unified CCX Historical Reports User Guide",
    # chapter "Descriptions of Historical Reports" ("Percentage of Service Level Met — Only
    # Handled" ÷ handled; "— Without Abandon" ÷ (presented − abandoned within service level);
    # "— Positive Abandon"; "— Negative Abandon" ÷ presented). Exported headers as CUIC writes
    # them: public scripts that read these CSVs use "Interval Start Time", "Interval End Time",
    # "CSQ Name", "Calls Presented", "Calls Handled", "Calls Abandoned", "Avg Queue Time",
    # "Avg Handle Time", "Service Level (sec)", "Calls Handled < Service Level", "Calls Abandoned
    # < Service Level", and the service-level columns "Only Handled", "With No Abandoned Calls",
    # "With Abandoned Calls Counted Positively", "With Abandoned Calls Counted Negatively".
    # The basis is CUIC's "without abandon" one: ÷ (presented − abandoned within service level).
    IntervalLayout(
        "cisco_uccx", "Cisco Unified CCX CSQ activity by interval",
        {
            "interval_start": ("Interval Start Time",),
            "interval_end": ("Interval End Time",),
            "queue": ("CSQ Name",),
            "offered": ("Calls Presented",),
            "answered": ("Calls Handled",),
            "abandoned": ("Calls Abandoned",),
            "abandoned_short": ("Calls Abandoned < Service Level",),
            "answered_within_threshold": ("Calls Handled < Service Level",),
            "service_level_pct": ("With No Abandoned Calls", "Percentage of Service Level Met - Without Abandon",
                                  "Service Level"),
            "threshold_seconds": ("Service Level (sec)",),
            "asa_seconds": ("Avg Queue Time", "Avg Speed of Answer"),
            "handle_seconds": ("Avg Handle Time",),
        },
        "offered_minus_short_abandons",
    ),
    # Webex Contact Center, Queue Statistics (developer.webex.com, "Queue Statistics" API, fields
    # of OutQueueStatistics): intervalStartTime, queueName, totalOfferedTasks,
    # totalAcceptedTasks, totalAbandonedTasks, averageEnqueuedTime and averageHandledTime "in
    # milli seconds", serviceLevelThresholdPercentage "based on how many contacts out of the total
    # handled have met the service level" (÷ handled).
    IntervalLayout(
        "webex_cc", "Webex Contact Center queue statistics",
        {
            "interval_start": ("intervalStartTime",),
            "queue": ("queueName",),
            "offered": ("totalOfferedTasks",),
            "answered": ("totalAcceptedTasks",),
            "abandoned": ("totalAbandonedTasks",),
            "service_level_pct": ("serviceLevelThresholdPercentage",),
            "asa_seconds": ("averageEnqueuedTime",),
            "handle_seconds": ("averageHandledTime",),
        },
        "answered",
        milliseconds=frozenset({"asa_seconds", "handle_seconds"}),
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
    # Twilio Flex: TaskRouter TaskQueue cumulative statistics (API reference, "TaskQueue
    # Statistics": start_time, end_time, tasks_entered, reservations_accepted, tasks_canceled,
    # avg_task_acceptance_time in seconds) and Flex Insights queue reports (end-user guide,
    # "Track Abandoned Conversations": "Abandoned Conversations", offered = "Conversations
    # including Abandoned"; "SLA Metrics": SLA Threshold 60 s by default, and calls abandoned
    # under the Short Abandoned Threshold (5 s) "do not negatively impact SLA", so SLA =
    # "Segments within SLA" ÷ "Segments Subject to SLA", i.e. ÷ (offered − short abandons)).
    IntervalLayout(
        "twilio_flex", "Twilio Flex TaskRouter / Flex Insights queue statistics",
        {
            "interval_start": ("start_time",),
            "interval_end": ("end_time",),
            "queue": ("task_queue_friendly_name", "task_queue_sid", "Queue"),
            "offered": ("tasks_entered", "Conversations including Abandoned", "Segments including Abandoned"),
            "answered": ("reservations_accepted",),
            "abandoned": ("tasks_canceled", "Abandoned Conversations", "Abandoned Segments"),
            "abandoned_short": ("Short Abandoned Conversations",),
            "answered_within_threshold": ("Segments within SLA",),
            "service_level_pct": ("SLA", "SLA %"),
            "asa_seconds": ("avg_task_acceptance_time",),
        },
        "offered_minus_short_abandons",
        unconfirmed=frozenset({"abandoned_short"}),
        default_threshold_seconds=60.0,
    ),
    # A generic report with Traditional Chinese headers, as Taiwanese call centres write them
    # in their own Excel interval sheets (the list: 時段, 進線數, 接通數, 放棄數,
    # 15秒內接通數, 平均處理時間, 上線人數), with the synonyms such sheets use.
    IntervalLayout(
        "generic_zh_tw", "通用中文時段報表",
        {
            "interval_start": ("時段", "時間區間", "開始時間", "時段開始", "區間", "時間"),
            "interval_date": ("日期",),
            "interval_end": ("結束時間", "時段結束"),
            "interval_minutes": ("時段長度", "區間分鐘數", "時段分鐘數"),
            "queue": ("群組", "技能群組", "佇列", "技能", "組別", "服務群組"),
            "offered": ("進線數", "進線量", "來電數", "總進線數", "進線通數"),
            "answered": ("接通數", "接聽數", "應答數", "接通量", "接通通數"),
            "abandoned": ("放棄數", "放棄通數", "放棄量", "掛斷數"),
            "abandoned_short": ("短放棄數", "{seconds}秒內放棄數"),
            "answered_within_threshold": ("{seconds}秒內接通數", "{seconds}秒內接聽數", "{seconds}秒內應答數"),
            "service_level_pct": ("服務水準", "服務水平", "服務水準率"),
            "threshold_seconds": ("服務水準秒數", "服務水準門檻"),
            "asa_seconds": ("平均應答時間", "平均等候時間", "平均等待時間", "平均應答速度"),
            "talk_seconds": ("平均通話時間", "平均通話時長"),
            "hold_seconds": ("平均保留時間",),
            "acw_seconds": ("平均話後處理時間", "平均後處理時間"),
            "handle_seconds": ("平均處理時間", "平均處理時長"),
            "agents_staffed": ("上線人數", "在線人數", "值機人數", "排班人數"),
            "ready_seconds": ("就緒時間",),
            "not_ready_seconds": ("未就緒時間",),
        },
        "offered",
    ),
    # A generic report with plain English headers (a WFM tool's or a spreadsheet's own interval
    # sheet): the words contact centres use for each field; service level over offered calls.
    IntervalLayout(
        "generic_en", "Generic interval report",
        {
            "interval_start": ("Interval Start", "Interval", "Start Time", "Start", "Period", "Time Interval",
                               "Date Time", "Timestamp", "Time"),
            "interval_date": ("Date", "Day"),
            "interval_end": ("Interval End", "End Time", "End"),
            "interval_minutes": ("Interval Length", "Interval Minutes", "Length", "Minutes"),
            "queue": ("Queue", "Queue Name", "Skill", "Split", "Group", "Skill Group", "Service", "Campaign"),
            "offered": ("Offered", "Calls Offered", "Contacts Offered", "Incoming", "Incoming Calls", "Inbound Calls",
                        "Calls Received", "Received", "Presented", "Calls", "Volume"),
            "answered": ("Answered", "Calls Answered", "Handled", "Calls Handled", "Contacts Handled", "Accepted"),
            "abandoned": ("Abandoned", "Calls Abandoned", "Abandons", "Abandoned Calls"),
            "abandoned_short": ("Short Abandons", "Short Abandoned", "Abandoned in {seconds} Seconds",
                                "Abandoned Within {seconds} Seconds"),
            "answered_within_threshold": ("Answered in {seconds} Seconds", "Answered Within {seconds} Seconds",
                                          "Answered Within {seconds}s", "Answered in SL", "Answered Within Threshold"),
            "service_level_pct": ("Service Level", "SL", "Service Level {seconds} Seconds", "SLA"),
            "threshold_seconds": ("Service Level Threshold", "SL Threshold", "Threshold"),
            "asa_seconds": ("ASA", "Average Speed of Answer", "Avg Speed of Answer", "Avg Speed Answer",
                            "Average Wait Time", "Avg Wait Time", "Avg Queue Time"),
            "talk_seconds": ("Avg Talk Time", "Average Talk Time", "Talk Time"),
            "hold_seconds": ("Avg Hold Time", "Average Hold Time", "Hold Time"),
            "acw_seconds": ("Avg ACW", "Average ACW", "ACW", "Avg Wrap Up Time", "Wrap Up Time", "After Call Work"),
            "handle_seconds": ("AHT", "Average Handle Time", "Avg Handle Time", "Handle Time", "Avg Handling Time"),
            "agents_staffed": ("Agents Staffed", "Staffed Agents", "Agents", "Staffed", "Agents Logged In",
                               "Logged In Agents", "Headcount"),
            "ready_seconds": ("Ready Time", "Available Time", "Idle Time"),
            "not_ready_seconds": ("Not Ready Time", "Unavailable Time", "Aux Time"),
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
