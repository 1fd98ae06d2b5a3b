"""What the products' status and priority words mean: one ticket lifecycle, Levels 1–5.

Every export names its statuses and priorities in its own words. Each known layout brings its
maps (layered over the common words, so a layout only states where it differs: Zammad's
"3 high" is Level 2, not 3); a saved profile adds the user's own assignments on top. Words are
compared trimmed and lower-cased. A word found in no map is *unknown*: the preview lists it with
its count for the user to assign, and meanwhile the state follows the row's dates and the level
stays empty. Nothing here ever rejects a row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from kpi.sql import WHITESPACE_CLASS

# The lifecycle every ticket is read into, in order. Open states count as backlog, done states
# are completions, cancelled tickets (cancelled, deleted, merged) are kept but left out of KPIs.
STATES = ("new", "open", "pending", "on_hold", "resolved", "closed", "cancelled")
OPEN_STATES = ("new", "open", "pending", "on_hold")
# Rows a report adds below or between its rows ("Total", "Grand Total", "Subtotal", "Summary",
# 合計…): a label alone in its cell (SUMMARY_LABEL), or leading it (SUMMARY_START).
SUMMARY_LABEL = r"(?i)^((grand|report|sub)\s*-?\s*)?(totals?|summary)\s*:?$|^(合計|總計|小計|總和|总计|合计|小计)$"
SUMMARY_START = r"(?i)^((grand|report|sub)\s*-?\s*)?(totals?|summary)\b|^(合計|總計|小計|總和|总计|合计|小计)"
DONE_STATES = ("resolved", "closed")
# A long numeric id as Excel saves it after opening the export (202408040439 → 2.02408E+11): the
# digits are lost, and every id of the same magnitude becomes the same one.
EXCEL_SCIENTIFIC = r"[0-9](\.[0-9]+)?E\+[0-9]{1,3}"
# What an owner or group cell says when nobody holds the ticket (ServiceDesk Plus, Jira …): the
# ticket is unassigned, not held by someone of that name. Compared in lower case.
NOBODY = ("not assigned", "unassigned", "未指派", "未分派")
# A Salesforce queue's record id (key prefix 00G, 15 or 18 characters) where an export by API name
# gives the owner's id (OwnerId): the case waits in the queue, held by no one yet.
QUEUE_ID = r"00G[0-9A-Za-z]{12}([0-9A-Za-z]{3})?"
# GLPI lists every technician (or group) assigned to a ticket in one cell, joined by "<br>" (GLPI
# 10's CSV) or a line break (GLPI 11): the ticket's owner is the first one named.
SEVERAL_PEOPLE = ("<br", "\n")
FIRST_PERSON = r"^(?:\s*(?:<br\s*/?>|\n))*\s*(.*?)\s*(?:<br\s*/?>|\n|$)"
LEVELS = (1, 2, 3, 4, 5)

COMMON_STATUS: dict[str, str] = {
    # English, as Zendesk, Freshdesk, Jira, ServiceNow, osTicket and Zammad write them.
    "new": "new", "to do": "new", "todo": "new", "open": "open", "reopened": "open",
    "in progress": "open", "work in progress": "open", "active": "open", "assigned": "open",
    "escalated": "open", "waiting for support": "open", "investigating": "open",
    "pending": "pending", "waiting for customer": "pending", "waiting on customer": "pending",
    "awaiting customer": "pending", "awaiting customer response": "pending", "pending reminder": "pending",
    "pending close": "pending", "pending customer response": "pending", "awaiting user info": "pending",
    "awaiting evidence": "pending",
    "customer responded": "open", "in review": "open", "under review": "open",
    "hold": "on_hold", "on hold": "on_hold", "on-hold": "on_hold", "waiting on third party": "on_hold",
    "awaiting vendor": "on_hold",
    # Salesforce's default case statuses (New, Working, Escalated, Closed) and Dynamics 365's
    # status reasons (In Progress, On Hold, Waiting for Details, Researching, Problem Solved,
    # Information Provided, Cancelled, Merged).
    "working": "open", "researching": "open", "waiting for details": "pending",
    "problem solved": "resolved", "information provided": "resolved",
    # HubSpot's ticket pipeline stages; "awaiting info" as Freshservice and others write it.
    "waiting on contact": "pending", "waiting on us": "open", "awaiting info": "pending",
    "solved": "resolved", "resolved": "resolved", "done": "resolved", "completed": "resolved",
    "complete": "resolved", "fixed": "resolved",
    "closed": "closed", "archived": "closed",
    # OTRS, Znuny and OTOBO: their closed and pending states, in English and as OTRS's zh-TW names them.
    "closed successful": "closed", "closed unsuccessful": "closed", "pending auto close+": "pending",
    "pending auto close-": "pending", "成功關閉": "closed", "失敗關閉": "closed", "掛起提醒": "pending",
    "掛起自動關閉+": "pending", "掛起自動關閉-": "pending", "已合併": "cancelled",
    "cancelled": "cancelled", "canceled": "cancelled", "deleted": "cancelled", "merged": "cancelled",
    "removed": "cancelled", "declined": "cancelled", "won't do": "cancelled", "rejected": "cancelled",
    "duplicate": "cancelled", "spam": "cancelled",
    # Event-log activities, as public process-mining logs name them: the Helpdesk log (Insert ticket,
    # Take in charge ticket, Wait, Resolve ticket, Closed, RESOLVED, VERIFIED, INVALID), Volvo IT's
    # (BPI 2013: Accepted / Queued / Completed with the sub-statuses Awaiting Assignment,
    # Wait - User, In Call …) and Rabobank's (BPI 2014: Open, Reopen, Closed).
    "insert ticket": "new", "assign seriousness": "new", "awaiting assignment": "new",
    "take in charge ticket": "open", "accepted": "open", "queued": "open", "reopen": "open",
    "wait": "pending", "wait - user": "pending", "wait - customer": "pending",
    "wait - vendor": "on_hold", "wait - implementation": "on_hold",
    "resolve ticket": "resolved", "resolve": "resolved", "in call": "resolved",
    "close": "closed", "close ticket": "closed", "verified": "closed",
    "invalid": "cancelled",
    # zh-TW, as e-contact+ and Taiwanese helpdesks write them.
    "新建": "new", "新案件": "new", "新進": "new", "待受理": "new", "未處理": "new", "未分配": "new",
    "處理中": "open", "受理中": "open", "待處理": "open", "已派工": "open", "重新開啟": "open", "已升級": "open",
    "升級中": "open",
    "進行中": "open", "已受理": "open", "已指派": "open",
    "待回覆": "pending", "等待客戶": "pending", "待客戶回覆": "pending", "待確認": "pending",
    "暫停": "on_hold", "擱置": "on_hold", "保留": "on_hold", "等待廠商": "on_hold",
    "已完成": "resolved", "完成": "resolved", "已解決": "resolved", "可結案": "resolved", "已處理": "resolved",
    # Dispatched repairs, as 1999 hotlines and field-service desks track them (派工, 搶修, 完工).
    "待派工": "new", "派工中": "open", "維修中": "open", "搶修中": "open", "待料": "on_hold",
    "完工": "resolved", "已完工": "resolved",
    "已關閉": "closed", "關閉": "closed", "已結案": "closed", "結案": "closed",
    "已取消": "cancelled", "取消": "cancelled", "作廢": "cancelled", "已刪除": "cancelled", "撤銷": "cancelled",
    "已撤銷": "cancelled",
    # The same in simplified Chinese, where the characters differ.
    "未处理": "new", "处理中": "open", "待处理": "open", "重新开启": "open",
    "已升级": "open", "升级中": "open", "进行中": "open", "待回复": "pending", "等待客户": "pending", "待客户回复": "pending",
    "待确认": "pending", "暂停": "on_hold", "搁置": "on_hold", "等待厂商": "on_hold", "已解决": "resolved",
    "已处理": "resolved", "可结案": "resolved", "已关闭": "closed", "关闭": "closed", "已结案": "closed",
    "结案": "closed", "作废": "cancelled", "已删除": "cancelled", "撤销": "cancelled", "已撤销": "cancelled",
}

LAYOUT_STATUS: dict[str, dict[str, str]] = {
    # ServiceNow incident_state values, as labels and as the numbers an unlabelled export writes.
    "servicenow": {"1": "new", "2": "open", "3": "on_hold", "6": "resolved", "7": "closed", "8": "cancelled",
                   "awaiting problem": "on_hold", "awaiting change": "on_hold"},
    "jira": {"waiting for approval": "pending"},
    # GLPI's six statuses, in English and zh-TW (新的 … 結案; its "Pending" is 待決定).
    "glpi": {"processing (assigned)": "open", "processing (planned)": "open", "新的": "new",
             "處理中(已分配)": "open", "處理中(已計劃)": "open", "處理中（已分配）": "open", "處理中（已計劃）": "open",
             "待決定": "pending"},
    # Redmine's default statuses (Feedback waits on the reporter; Rejected is closed unworked), zh-TW.
    "redmine": {"feedback": "pending", "新建立": "new", "實作中": "open", "已回應": "pending", "已結束": "closed",
                "已拒絕": "cancelled"},
    # Odoo Helpdesk's default stages in zh-TW (新增, 進行中, 擱置中, 已解決, 已取消); the English ones
    # (New, In Progress, On Hold, Solved, Canceled) are common words.
    "odoo": {"新增": "new", "擱置中": "on_hold"},
}

COMMON_PRIORITY: dict[str, int] = {
    # Zendesk Urgent/High/Normal/Low, Freshdesk and osTicket alike.
    "urgent": 1, "emergency": 1, "critical": 1, "high": 2, "normal": 3, "medium": 3, "moderate": 3,
    "low": 4, "planning": 5,
    # Jira's default scheme (Highest…Lowest) and its older one (Blocker…Trivial).
    "highest": 1, "blocker": 1, "major": 3, "minor": 4, "lowest": 5, "trivial": 5,
    # OTRS, Znuny and OTOBO name five priorities (1 very low … 5 very high), in zh-TW 非常低 … 非常高.
    "very high": 1, "very low": 5,
    # zh-TW.
    "緊急": 1, "最高": 1, "特急": 1, "非常高": 1, "高": 2, "急": 2, "中": 3, "普通": 3, "一般": 3, "正常": 3,
    "低": 4, "最低": 5, "非常低": 5,
    "紧急": 1,
}

LAYOUT_PRIORITY: dict[str, dict[str, int]] = {
    # Jira's older scheme: Critical sits below Blocker.
    "jira": {"critical": 2},
    # Zammad numbers its priorities upwards: "1 low" is the least urgent.
    "zammad": {"1 low": 4, "2 normal": 3, "3 high": 2},
    # Volvo IT's impact: Major is the worst.
    "bpi2013": {"major": 1},
    # GLPI: Major sits above Very high (5); zh-TW 主要, 非常高 … 非常低.
    "glpi": {"major": 1, "主要": 1},
    # Redmine: Immediate sits above Urgent, both Level 1; in zh-TW Urgent is 速 and Immediate 急.
    "redmine": {"immediate": 1, "速": 1, "急": 1},
    # Odoo Helpdesk's stars: Urgent (緊急 in zh-TW; the zh_TW translation leaves the others in English),
    # High, Medium and Low priority. Before Odoo 16 the starless default was "All", read as low too.
    "odoo": {"high priority": 2, "medium priority": 3, "low priority": 4, "all": 4},
}

# XES lifecycle transitions say how far one activity got, not where the case stands: a "start"
# (or schedule, suspend …) event marks a step begun, so only an activity's "complete" event, or
# an event with no transition, moves a case's state. Never looked up in the status words.
XES_TRANSITIONS = ("schedule", "assign", "reassign", "start", "suspend", "resume", "autoskip", "manualskip",
                   "withdraw", "ate_abort", "pi_abort", "complete")

# "Level 3", "3", "P2", "Sev 1", "Severity 2", "1 - Critical", "Priority 4": the number is the level.
LEVEL_NUMBER = re.compile(r"^(level|lvl|l|p|priority|sev|severity|s)?\s*[-:.]?\s*([1-5])(\s|\b|-|$)")


def normalise(word: str | None) -> str | None:
    """How words are compared: trimmed, lower-cased, inner spaces folded."""
    if word is None:
        return None
    folded = " ".join(str(word).split()).lower()
    return folded or None


def status_map(layout: str | None, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Word → state: the common words, the layout's own, then the user's assignments."""
    return {**COMMON_STATUS, **LAYOUT_STATUS.get(layout or "", {}),
            **{normalise(k): v for k, v in (overrides or {}).items()}}


def priority_map(layout: str | None, overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Word → level: the common words, the layout's own, then the user's assignments."""
    return {**COMMON_PRIORITY, **LAYOUT_PRIORITY.get(layout or "", {}),
            **{normalise(k): int(v) for k, v in (overrides or {}).items()}}


def levels_of(priorities: Sequence[str | None], words: Mapping[str, int]) -> list[int | None]:
    """The level each of a file's priority texts gives, or None. A known word gives its level; a
    text that starts with a number gives the number ("P2", "Sev 1", "1 - Critical"), unless the
    file numbers its priorities upwards, the most urgent last, as OTRS and Znuny do (1 very low …
    5 very high, 1-非常低 … 5-非常高) and Zammad (1 low … 3 high): then the word after each number
    gives the level. A file whose numbered words are all one number is read by the word where the
    two are two levels or more apart (5 very high), by the number otherwise."""
    texts = [normalise(p) for p in priorities]
    numbered = {text: (int(match.group(2)), words.get(text[match.end(2):].strip(" -:.")))
                for text in texts if text is not None and text not in words
                and (match := LEVEL_NUMBER.match(text)) is not None}
    named = [pair for pair in numbered.values() if pair[1] is not None]
    upwards = sum((a - c) * (b - d) < 0 for i, (a, b) in enumerate(named) for c, d in named[:i])
    downwards = sum((a - c) * (b - d) > 0 for i, (a, b) in enumerate(named) for c, d in named[:i])

    def level(number: int, word_level: int | None) -> int:
        if word_level is None:
            return number
        if upwards or downwards:
            return word_level if upwards > downwards else number
        return word_level if abs(number - word_level) >= 2 else number

    return [None if text is None else words[text] if text in words
            else level(*numbered[text]) if text in numbered else None for text in texts]


def state_sql(word_sql: str) -> str:
    """SQL: the state a normalised status word maps to (``$status_words`` / ``$status_states``), or NULL."""
    return f"MAP($status_words, $status_states)[{word_sql}]"


def normalise_sql(text_sql: str) -> str:
    """SQL twin of ``normalise``: the same whitespace folded (ideographic spaces, line ends …)."""
    return f"nullif(lower(trim(regexp_replace({text_sql}, '{WHITESPACE_CLASS}+', ' ', 'g'), ' ')), '')"


def leading_number(priority: str | None) -> int | None:
    """The number a priority text starts with ("5 very high", "P2", "Sev 1"), or None."""
    match = LEVEL_NUMBER.match(normalise(priority) or "")
    return int(match.group(2)) if match else None


def overruled(priority: str | None, level: int | None) -> bool:
    """Whether ``level`` is not the number ``priority`` starts with: the words decided it (OTRS's
    5 very high is Level 1), or the user did."""
    return leading_number(priority) not in (None, level)


def number_sql(priority_sql: str) -> str:
    """SQL twin of ``leading_number`` (the pattern is ours and holds no quote)."""
    return f"TRY_CAST(nullif(regexp_extract({normalise_sql(priority_sql)}, '{LEVEL_NUMBER.pattern}', 2), '') AS INTEGER)"


def parameters(statuses: Mapping[str, str]) -> dict[str, list]:
    """The status map as the SQL parameters ``state_sql`` reads (event logs' activities)."""
    return {"status_words": list(statuses), "status_states": list(statuses.values())}

# The channels a ticket can come through, and the words exports name them with (Zendesk's via
# types and CSV "Via" labels, Freshdesk and osTicket "Source", ServiceNow contact_type, Zammad's
# create channel, Jira's request channel, e-contact+ 服務請求來源). Messaging apps (LINE, WhatsApp,
# Messenger) are chat; public posts are social. System origins (a rule, a closed ticket's
# follow-up, ticket sharing) are no customer channel and stay unknown, shown under their own word.
CHANNELS = ("phone", "email", "web", "chat", "sms", "fax", "walk_in", "social")

COMMON_CHANNEL: dict[str, str] = {
    **dict.fromkeys((
        "phone", "telephone", "tel", "voice", "call", "phone call", "phone call (inbound)",
        "phone call (outbound)", "phone_call_inbound", "phone_call_outbound", "inbound call", "outbound call",
        "voicemail", "ivr", "電話", "電話進線", "來電", "市話", "手機", "客服專線", "專線", "語音"), "phone"),
    **dict.fromkeys((
        "email", "e-mail", "mail", "inbound email", "outbound email", "電子郵件", "郵件", "電郵", "信件"), "email"),
    # Forms and integrations: the customer typed the request into a page, an app or another system.
    **dict.fromkeys((
        "web", "web form", "webform", "web_form", "form", "portal", "customer portal", "anonymous portal",
        "self-service", "self service", "help center", "helpcenter", "help_center", "website",
        "web widget", "web_widget", "feedback widget", "feedback tab", "api", "web service", "web_service",
        "mobile", "mobile app", "mobile_sdk", "app", "網站", "網頁", "官網", "網路", "線上表單", "表單",
        "入口網站", "app 報修"), "web"),
    **dict.fromkeys((
        "chat", "live chat", "chat transcript", "messaging", "native_messaging", "bot", "chatbot",
        "virtual agent", "virtual_agent", "line", "whatsapp", "messenger", "facebook messenger", "wechat",
        "telegram", "viber", "ms teams", "instagram dm", "線上客服", "線上文字客服", "即時通訊", "線上對話",
        "文字客服", "聊天", "智能客服", "line 官方帳號", "line官方帳號"), "chat"),
    **dict.fromkeys(("sms", "text", "text message", "簡訊"), "sms"),
    **dict.fromkeys(("fax", "傳真"), "fax"),
    **dict.fromkeys((
        "walk-in", "walk in", "walkin", "in person", "in-person", "counter", "front desk", "臨櫃", "櫃台",
        "櫃檯", "現場", "親臨", "臨櫃服務"), "walk_in"),
    **dict.fromkeys((
        "social", "social media", "twitter", "x", "facebook", "facebook post", "facebook_post", "instagram",
        "forum", "community", "社群", "社群媒體", "臉書"), "social"),
}


def channel_parameters() -> dict[str, list]:
    """The channel words as a SQL parameter: a list of (word, channel) structs."""
    return {"channel_words": [{"word": word, "channel": channel} for word, channel in COMMON_CHANNEL.items()]}
