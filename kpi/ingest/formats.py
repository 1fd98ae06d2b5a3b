"""Canonical ticket fields and the export layouts we recognise (see export-formats.md).

A layout lists, for each canonical field, the headers its product writes. The importer
proposes the mapping of the layout whose headers fit best; the user may correct it and save
it as a named profile, which then wins for exports with the same header.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# kind: how a source cell becomes the canonical value.
#   text, datetime, count (whole number ≥ 0), flag (yes/no), level (severity 1–5 from a
#   level or priority text), minutes (a duration after created_at, e.g. Zendesk first reply).


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = False
    target: str | None = None  # the column it fills when that differs from ``name``


FIELDS: tuple[Field, ...] = (
    Field("ticket_id", "text", required=True),
    Field("subject", "text"),
    Field("department", "text"),
    Field("owner", "text"),
    Field("customer", "text"),
    Field("channel", "text"),
    Field("category", "text"),
    Field("priority", "level"),
    Field("status", "text"),
    Field("created_at", "datetime", required=True),
    Field("first_response_at", "datetime"),
    Field("first_reply_minutes", "minutes", target="first_response_at"),
    Field("standard_due_at", "datetime"),
    Field("first_commitment_at", "datetime"),
    Field("current_commitment_at", "datetime"),
    Field("resolved_at", "datetime"),
    Field("closed_at", "datetime"),
    Field("extension_count", "count"),
    Field("escalation_count", "count"),
    Field("reassignment_count", "count"),
    Field("reopen_count", "count"),
    Field("forwarded_second_line", "flag"),
    Field("satisfaction", "text"),
    Field("source_sla_met", "flag"),
    Field("source_sla_failed", "flag", target="source_sla_met"),   # the same verdict put the other way round
    Field("updated_at", "datetime"),
    # Event logs only: the XES lifecycle transition (start, complete …) or a sub-status.
    Field("transition", "text"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in FIELDS if f.required)

# Status words meaning the ticket is finished, in the products' own words (lower case).
CLOSED_STATUSES = (
    "已關閉", "已結案", "結案", "已完成", "完成", "已解決", "可結案", "closed", "solved", "resolved",
    "done", "completed", "complete", "canceled", "cancelled", "archived", "6", "7", "8",
)
TRUE_WORDS = ("是", "y", "yes", "true", "1", "x", "v", "within sla", "met", "已後送")
FALSE_WORDS = ("否", "n", "no", "false", "0", "sla violated", "breached", "not met")
LEVEL_WORDS = {
    1: ("urgent", "critical", "highest", "emergency", "緊急", "最高"),
    2: ("high", "高"),
    3: ("medium", "normal", "moderate", "中", "普通", "一般"),
    4: ("low", "低"),
    5: ("lowest", "planning", "最低"),
}


@dataclass(frozen=True)
class Layout:
    name: str
    source_system: str
    headers: dict[str, tuple[str, ...]]  # canonical field -> headers the product writes
    event_log: bool = False              # one row per activity: folded into one ticket per case

    def propose(self, columns: list[str]) -> dict[str, str]:
        """Canonical field -> the first of this layout's headers present in ``columns``."""
        by_key = {_layout_key(c): c for c in columns}
        mapping = {}
        for field_name, candidates in self.headers.items():
            for candidate in candidates:
                if _layout_key(candidate) in by_key:
                    mapping[field_name] = by_key[_layout_key(candidate)]
                    break
        return mapping

    @property
    def required(self) -> tuple[str, ...]:
        """Fields a header must have for this layout to be recognised: an event log's activity
        too, so that a ticket export with a "Case ID" and a "Timestamp" stays a ticket export."""
        return (*REQUIRED, "status") if self.event_log else REQUIRED

    def fit(self, columns: list[str]) -> float:
        """Share of this layout's fields found, weighted so the ticket id and created time count most."""
        found = self.propose(columns)
        score = sum(3 if f in REQUIRED else 1 for f in found)
        possible = sum(3 if f in REQUIRED else 1 for f in self.headers)
        return score / possible


LAYOUTS: tuple[Layout, ...] = (
    Layout("econtact", "e-contact+", {
        "ticket_id": ("編號", "服務請求編號", "案件編號"),
        "subject": ("主旨", "主旨/描述", "描述"),
        "department": ("部門",),
        "owner": ("負責人",),
        "customer": ("客戶名稱", "客戶"),
        "channel": ("服務請求來源", "來源", "管道"),
        "category": ("類別", "服務類別", "派工項目"),
        "priority": ("服務請求方法", "等級", "服務等級"),
        "status": ("服務請求狀態", "處理狀態", "狀態"),
        "created_at": ("提出時間", "服務請求時間", "建立時間"),
        "first_response_at": ("首次回應時間",),
        "standard_due_at": ("標準完成時間",),
        "first_commitment_at": ("首次承諾時間",),
        "current_commitment_at": ("預計完成時間",),
        "resolved_at": ("完成時間", "實際完成時間"),
        "closed_at": ("結案時間", "關閉時間"),
        "extension_count": ("延時申請次數", "延時次數"),
        "escalation_count": ("升級次數",),
        "reassignment_count": ("轉派次數",),
        "reopen_count": ("重開次數",),
        "forwarded_second_line": ("後送", "是否後送"),
        "satisfaction": ("滿意度",),
        "updated_at": ("最後更新時間", "更新時間"),
    }),
    # The account's CSV export; then a Zendesk Explore report exported as CSV or Excel, whose
    # columns are Explore's attribute and metric names ("Ticket created - Timestamp", written as
    # 2024-02-05T09:14:33 in the account's time zone; "First reply time (min)").
    Layout("zendesk", "Zendesk", {
        "ticket_id": ("Id", "Ticket ID"), "subject": ("Subject", "Ticket subject"),
        "department": ("Group", "Ticket group"), "owner": ("Assignee", "Assignee name"),
        "customer": ("Organization", "Requester", "Requester organization name", "Requester name"),
        "channel": ("Via", "Ticket channel"), "category": ("Ticket type",),
        "priority": ("Priority", "Ticket priority"), "status": ("Status", "Ticket status"),
        "created_at": ("Created at", "Ticket created - Timestamp", "Ticket created - Date"),
        "first_reply_minutes": ("First reply time in minutes", "First reply time (min)"),
        "standard_due_at": ("Due date", "Ticket due - Timestamp", "Ticket due - Date"),
        "resolved_at": ("Solved at", "Ticket solved - Timestamp", "Ticket solved - Date"), "reopen_count": ("Reopens",),
        "satisfaction": ("Satisfaction Score", "Ticket satisfaction rating"),
        "updated_at": ("Updated at", "Ticket updated - Timestamp"),
    }),
    Layout("freshdesk", "Freshdesk", {
        "ticket_id": ("Ticket ID",), "subject": ("Subject",), "department": ("Group",),
        "owner": ("Agent",), "channel": ("Source",), "category": ("Type",), "priority": ("Priority",),
        "status": ("Status",),
        "created_at": ("Created time",), "first_response_at": ("Initial response time",),
        "standard_due_at": ("Due by Time",), "resolved_at": ("Resolved time",),
        "closed_at": ("Closed time",), "satisfaction": ("Survey results",),
        "source_sla_met": ("Resolution status",), "updated_at": ("Last update time",),
    }),
    # Freshservice (Freshworks' IT service desk) exports Freshdesk's columns in its own capitals
    # ("Ticket Id", "Created Time", "Last Updated Time", "Survey Result"), with ITSM fields beside
    # them (Urgency, Impact, Category, Sub-Category, Item). Listed after Freshdesk: a tie goes to it.
    Layout("freshservice", "Freshservice", {
        "ticket_id": ("Ticket Id",), "subject": ("Subject",), "department": ("Group",), "owner": ("Agent",),
        "customer": ("Requester Name",), "channel": ("Source",), "category": ("Category", "Type"),
        "priority": ("Priority",), "status": ("Status",), "created_at": ("Created Time",),
        "first_response_at": ("Initial Response Time",), "standard_due_at": ("Due by Time",),
        "resolved_at": ("Resolved Time",), "closed_at": ("Closed Time",), "satisfaction": ("Survey Result",),
        "source_sla_met": ("Resolution Status",), "updated_at": ("Last Updated Time",),
    }),
    # The CSV export, or the "Excel" one (a web page: its headers are the column names, "Key" …).
    # Its full export repeats headers (Watchers, Labels, Comment …) and names custom fields
    # "Custom field (…)": JSM's first response is "[CHART] Date of First Response".
    Layout("jira", "Jira Service Management", {
        "ticket_id": ("Issue key", "Key"), "subject": ("Summary",), "owner": ("Assignee",),
        "customer": ("Reporter",), "channel": ("Custom field (Request Type)",),
        "category": ("Custom field (Request Type)", "Issue Type"),
        "priority": ("Priority",), "status": ("Status",), "created_at": ("Created",),
        "first_response_at": ("Custom field ([CHART] Date of First Response)",),
        "standard_due_at": ("Due date",), "resolved_at": ("Resolved",),
        "satisfaction": ("Satisfaction rating", "Custom field (Satisfaction rating)", "Custom field (Satisfaction)"),
        "source_sla_met": ("Custom field (Time to resolution)",), "updated_at": ("Updated",),
    }),
    # Field names as a CSV export writes them, then the labels an Excel export writes instead.
    Layout("servicenow", "ServiceNow", {
        "ticket_id": ("number",), "subject": ("short_description", "Short description"),
        "department": ("assignment_group", "Assignment group"), "owner": ("assigned_to", "Assigned to"),
        "customer": ("caller_id", "Caller"), "channel": ("contact_type", "Contact type"), "category": ("category",),
        "priority": ("priority",), "status": ("incident_state", "state", "Incident state"),
        "created_at": ("opened_at", "Opened"), "resolved_at": ("resolved_at", "Resolved"),
        "closed_at": ("closed_at", "Closed"), "reassignment_count": ("reassignment_count", "Reassignment count"),
        "reopen_count": ("reopen_count", "Reopen count"), "source_sla_met": ("made_sla", "Made SLA"),
        "updated_at": ("sys_updated_on", "sys_updated_at", "Updated"),
    }),
    Layout("osticket", "osTicket", {
        "ticket_id": ("Ticket Number",), "subject": ("Subject",), "department": ("Department",),
        "owner": ("Agent Assigned",), "customer": ("From",), "channel": ("Source",), "category": ("Help Topic",),
        "priority": ("Priority",), "status": ("Current Status",), "created_at": ("Date Created",),
        "standard_due_at": ("SLA Due Date",), "current_commitment_at": ("Due Date",),
        "closed_at": ("Closed Date",), "reopen_count": ("Reopen Count",),
        "updated_at": ("Last Updated",),
    }),
    # HubSpot's ticket export (its property labels as headers; times as "2026-03-01 15:17").
    Layout("hubspot", "HubSpot", {
        "ticket_id": ("Ticket ID",), "subject": ("Ticket name",), "department": ("HubSpot team", "Pipeline"),
        "owner": ("Ticket owner",), "channel": ("Source",), "category": ("Category",), "priority": ("Priority",),
        "status": ("Ticket status",), "created_at": ("Create date",), "closed_at": ("Close date",),
        "updated_at": ("Last modified date", "Last activity date"),
    }),
    # ManageEngine ServiceDesk Plus's request list exported as CSV or Excel.
    Layout("servicedeskplus", "ManageEngine ServiceDesk Plus", {
        "ticket_id": ("Request ID",), "subject": ("Subject",), "department": ("Group", "Site"),
        "owner": ("Technician",), "customer": ("Requester",), "channel": ("Mode",),
        "category": ("Category", "Request Type"), "priority": ("Priority",), "status": ("Request Status", "Status"),
        "created_at": ("Created Time",), "first_response_at": ("Responded Time",),
        "standard_due_at": ("Due By Time",), "resolved_at": ("Resolved Time",), "closed_at": ("Completed Time",),
        "updated_at": ("Last Updated Time",),
    }),
    # A Salesforce case report exported as CSV, with the field labels as its column headers; then
    # the API names that the weekly Data Export service, Data Loader and Workbench write instead
    # (Case.csv: CaseNumber, OwnerId, CreatedDate as 2024-02-05T01:14:00.000Z in UTC …).
    Layout("salesforce", "Salesforce Service Cloud", {
        "ticket_id": ("Case Number", "CaseNumber"), "subject": ("Subject",), "owner": ("Case Owner", "OwnerId"),
        "customer": ("Account Name", "Contact Name", "AccountId"), "channel": ("Case Origin", "Origin"),
        "category": ("Type", "Case Reason", "Reason"), "priority": ("Priority",), "status": ("Status",),
        "created_at": ("Date/Time Opened", "CreatedDate"), "closed_at": ("Date/Time Closed", "ClosedDate"),
        "updated_at": ("Last Modified Date", "LastModifiedDate"), "escalation_count": ("Escalated", "IsEscalated"),
    }),
    # A Zoho Desk report exported as CSV or Excel: a ticket's own fields carry "(Ticket)" where a
    # report joins contacts or accounts ("Status (Ticket)", "Email (Contact)"); times such as
    # "05 Feb 2024 09:14 AM".
    Layout("zohodesk", "Zoho Desk", {
        "ticket_id": ("Ticket Id",), "subject": ("Subject",), "department": ("Department", "Team"),
        "owner": ("Ticket Owner",), "customer": ("Account Name", "Contact Name"),
        "channel": ("Channel", "Channel (Ticket)"), "category": ("Category (Ticket)", "Category", "Ticket Type"),
        "priority": ("Priority (Ticket)", "Priority"), "status": ("Status (Ticket)", "Status"),
        "created_at": ("Created Time (Ticket)",), "standard_due_at": ("Due Date",),
        "closed_at": ("Ticket Closed Time", "Ticket Closed Time (Ticket)"),
        "updated_at": ("Modified Time (Ticket)",),
    }),
    # Dynamics 365 Customer Service's "Export to Excel" of a case view. Its first columns are
    # hidden and named "(Do Not Modify) …"; their Modified On is the case's last change.
    Layout("dynamics365", "Dynamics 365 Customer Service", {
        "ticket_id": ("Case Number",), "subject": ("Case Title",), "department": ("Owning Business Unit",),
        "owner": ("Owner",), "customer": ("Customer",), "channel": ("Origin",),
        "category": ("Subject", "Case Type"), "priority": ("Priority",), "status": ("Status Reason", "Status"),
        "created_at": ("Created On",), "standard_due_at": ("Resolve By",),
        "updated_at": ("Modified On", "(Do Not Modify) Modified On"),
    }),
    # OTRS, Znuny and OTOBO: a ticket search's CSV or Excel result (its default columns: Ticket
    # Number, Age, Created, Closed, FirstLock, FirstResponse, State, Priority, Queue, Owner …,
    # semicolons, every cell quoted), headers in the agent's language (zh-TW: 工單編號, 創建於, 已關閉,
    # 狀態, 優先級, 隊列, 所有者); and a ticket-list statistic (Ticket#, Title, Created, Changed,
    # Close Time, Agent/Owner, SolutionTimeDestinationDate).
    Layout("otrs", "OTRS / Znuny", {
        "ticket_id": ("Ticket Number", "Ticket#", "工單編號"), "subject": ("Subject", "Title", "主題", "標題"),
        "department": ("Queue", "隊列"), "owner": ("Owner", "Agent/Owner", "所有者"),
        "customer": ("Customer Realname", "CustomerID", "Customer User", "客戶真實名稱", "客戶編號"),
        "category": ("Service", "Type", "服務", "類型"), "priority": ("Priority", "優先級"),
        "status": ("State", "狀態"), "created_at": ("Created", "創建於"),
        "first_response_at": ("FirstResponse",), "standard_due_at": ("SolutionTimeDestinationDate",),
        "closed_at": ("Closed", "Close Time", "已關閉"), "updated_at": ("Changed", "修改於"),
    }),
    # GLPI's ticket list exported as CSV (semicolons, every cell quoted, "ID" first): a column of an
    # actor group is named "group - field" ("Assigned to - Technician"); the default list has no
    # solve or close time, so a solved ticket's completion is read from its last update. Headers
    # in the user's language (zh-TW: 標題, 狀態, 開始日期, 優先權, 分配給 - 工程師 …).
    Layout("glpi", "GLPI", {
        "ticket_id": ("ID",), "subject": ("Title", "標題"),
        "department": ("Assigned to - Technician group", "分配給 - 技術人員群組"),
        "owner": ("Assigned to - Technician", "分配給 - 工程師"),
        "customer": ("Requester - Requester", "請求者 - 請求者"), "channel": ("Request source", "請求來源"),
        "category": ("Category", "分類"), "priority": ("Priority", "優先權"), "status": ("Status", "狀態"),
        "created_at": ("Opening date", "開始日期"), "standard_due_at": ("Time to resolve", "解決時間"),
        "resolved_at": ("Resolution date", "決議通過日期"), "closed_at": ("Closing date", "結案日期"),
        "updated_at": ("Last update", "上次更新日期"),
    }),
    # Redmine's issue list exported as CSV, with Created (and Closed) added to its default columns:
    # English exports are ISO-8859-1 with US times ("02/05/2024 09:14 AM"); zh-TW ones Big5, where
    # 完成日期 is the due date, not a completion, and 被分派者 the assignee. Projects are the teams.
    Layout("redmine", "Redmine", {
        "ticket_id": ("#",), "subject": ("Subject", "主旨"), "department": ("Project", "專案"),
        "owner": ("Assignee", "Assigned to", "被分派者"), "customer": ("Author", "作者"),
        "category": ("Category", "Tracker", "分類", "追蹤標籤"), "priority": ("Priority", "優先權"),
        "status": ("Status", "狀態"), "created_at": ("Created", "建立日期"),
        "standard_due_at": ("Due date", "完成日期"), "closed_at": ("Closed", "結束日期"),
        "updated_at": ("Updated", "更新日期"),
    }),
    # Odoo Helpdesk (16–18, model helpdesk.ticket): the list exported as XLSX or CSV (every cell
    # quoted) with the field labels in the user's language, or the field names when "import-compatible"
    # is ticked; times as "2024-02-05 09:14:00" in the user's time zone. The zh_TW translation leaves
    # Ticket IDs Sequence, SLA Deadline and Close date in English; without the ticket number the
    # record's ID serves. The list has no created time until Created on is added. SLA Deadline is the
    # nearest SLA not yet reached: empty once it is met, and while a stage the policy excludes (On
    # Hold) freezes it. Odoo 16 calls the team "Team". Failed SLA Policy (or Has SLA reached late)
    # is the SLA verdict the other way round: True where it failed.
    Layout("odoo", "Odoo Helpdesk", {
        "ticket_id": ("Ticket IDs Sequence", "Ticket IDs", "ticket_ref", "ID", "識別號"),
        "subject": ("Subject", "主題", "name"), "department": ("Helpdesk Team", "Team", "技術支援團隊", "團隊", "team_id"),
        "owner": ("Assigned to", "分派給", "user_id"), "customer": ("Customer", "客戶", "partner_id"),
        "category": ("Type", "類型", "ticket_type_id"), "priority": ("Priority", "優先級"),
        "status": ("Stage", "階段", "stage_id"), "created_at": ("Created on", "建立於", "create_date"),
        "standard_due_at": ("SLA Deadline", "sla_deadline"), "closed_at": ("Close date", "close_date"),
        "source_sla_failed": ("Failed SLA Policy", "Has SLA reached late", "sla_fail", "sla_reached_late"),
        "updated_at": ("Last Updated on", "最後更新於", "write_date"),
    }),
    Layout("zammad", "Zammad", {
        "ticket_id": ("#",), "subject": ("Title",), "department": ("Group",), "owner": ("Owner",),
        "customer": ("Customer",), "channel": ("Create Channel",), "priority": ("Priority",),
        "status": ("State",), "created_at": ("Created At",),
        "first_response_at": ("First Response At",), "standard_due_at": ("Close Escalation At",),
        "closed_at": ("Closed At",), "updated_at": ("Updated At",),
    }),
)
# Process-mining event logs: one row per activity of a case (kpi.ingest.eventlog folds them).
# "ticket_id" is the case, "status" the activity, "created_at" the event's time, "owner" its
# resource and "department" its group.
EVENT_LOG_LAYOUTS: tuple[Layout, ...] = (
    # XES attribute names, as pm4py, ProM and Celonis write a log flattened to CSV.
    Layout("xes", "Event log (XES)", {
        "ticket_id": ("case:concept:name",), "status": ("concept:name",), "created_at": ("time:timestamp",),
        "owner": ("org:resource",), "department": ("org:group", "org:role"),
        "transition": ("lifecycle:transition",), "subject": ("case:description",),
    }, event_log=True),
    # Disco, ProM and Celonis CSV exports and the public logs written with them (the Helpdesk log:
    # Case ID, Activity, Resource, Complete Timestamp, Variant, …, customer, workgroup).
    Layout("eventlog", "Event log", {
        "ticket_id": ("Case ID", "CaseID", "case_id", "Case", "Case Number"),
        "status": ("Activity", "Activity Name", "activity_name", "Event", "Task"),
        "created_at": ("Complete Timestamp", "Timestamp", "End Timestamp", "Start Timestamp", "Event Time",
                       "time"),
        "owner": ("Resource", "User", "Agent", "Performer"),
        "department": ("Group", "Role", "Resource Group", "workgroup", "Department"),
        "transition": ("Lifecycle", "Transition", "Event Type"),
        "customer": ("customer", "Customer"),
    }, event_log=True),
    # BPI Challenge 2013 (Volvo IT incidents and problems, VINST): Status is the activity,
    # Sub Status says more (Wait - User, Resolved, Closed, Cancelled …).
    Layout("bpi2013", "Volvo IT VINST (BPI 2013)", {
        "ticket_id": ("SR Number", "Problem Number"), "status": ("Status", "Problem Status"),
        "created_at": ("Change Date+Time", "Problem Change Date+Time"),
        "owner": ("Owner First Name",), "department": ("Involved ST", "Problem Involved Owner ST"),
        "transition": ("Sub Status", "Problem Sub Status"), "priority": ("SR Latest Impact",),
    }, event_log=True),
    # BPI Challenge 2014 (Rabobank ITIL incident activity): day-first DateStamp, one team per event.
    Layout("bpi2014", "Rabobank ITIL (BPI 2014)", {
        "ticket_id": ("Incident ID",), "status": ("IncidentActivity_Type",), "created_at": ("DateStamp",),
        "department": ("Assignment Group",),
    }, event_log=True),
)
LAYOUTS = LAYOUTS + EVENT_LOG_LAYOUTS
LAYOUT_BY_NAME = {layout.name: layout for layout in LAYOUTS}


# Headers any ticket export may use, in English and zh-TW. For a file no layout fits (an in-house
# system, a report the user laid out) the upload page proposes them for the user to check, and the
# command line refuses the file and names them; a recognised format's fields its own headers leave
# unmapped are filled from them, with a note (propose_with_names).
COMMON_HEADERS: dict[str, tuple[str, ...]] = {
    # The bare "ID" and "Number" last, and no "No.": reports number their lines in a "No." column.
    "ticket_id": ("ticket id", "ticket number", "ticket no", "ticket", "case id", "case number", "case no",
                  "incident id", "incident number", "request id", "request number", "sr number", "sr no",
                  "issue id", "issue key", "案件編號", "案號", "單號", "工單編號", "工單號碼", "服務單號",
                  "服務請求編號", "請求編號", "案件號碼", "編號", "id", "number"),
    "subject": ("subject", "title", "summary", "short description", "主旨", "標題", "摘要", "問題摘要", "案件主旨"),
    "department": ("department", "group", "team", "assignment group", "queue", "部門", "組別", "群組", "處理部門",
                   "負責部門", "處理單位", "單位"),
    "owner": ("owner", "assignee", "assigned to", "agent", "handler", "technician", "負責人", "處理人", "處理人員",
              "承辦人", "經辦人", "客服人員", "指派人員", "處理者"),
    "customer": ("customer", "customer name", "client", "account", "account name", "company", "requester",
                 "客戶", "客戶名稱", "公司", "公司名稱", "申請人", "報案人"),
    "channel": ("channel", "source", "origin", "via", "管道", "來源", "通路", "進線管道", "來源管道"),
    "category": ("category", "type", "ticket type", "issue type", "request type", "類別", "分類", "問題類別",
                 "類型", "案件類別"),
    "priority": ("priority", "severity", "urgency", "level", "優先", "優先順序", "優先等級", "優先權", "緊急程度",
                 "等級", "嚴重度", "嚴重程度"),
    "status": ("status", "state", "ticket status", "case status", "狀態", "處理狀態", "案件狀態"),
    "created_at": ("created", "created at", "created on", "created date", "created time", "creation date",
                   "creation time", "date created", "opened", "opened at", "open date", "opened date",
                   "submitted", "submitted at", "reported", "reported at", "建立時間", "建立日期", "開單時間",
                   "開單日期", "受理時間", "受理日期", "進件時間", "報案時間", "立案時間", "提出時間", "申請時間"),
    "first_response_at": ("first response", "first response at", "first response time", "first responded at",
                          "first reply", "first reply at", "responded at", "首次回應時間", "首次回覆時間",
                          "回應時間", "回覆時間"),
    "standard_due_at": ("due", "due date", "due at", "due by", "sla due", "resolution due", "到期時間", "到期日",
                        "期限", "處理期限", "標準完成時間"),
    "resolved_at": ("resolved", "resolved at", "resolved on", "resolved date", "resolution date", "resolution time",
                    "solved", "solved at", "completed", "completed at", "完成時間", "完成日期", "解決時間",
                    "處理完成時間"),
    "closed_at": ("closed", "closed at", "closed on", "closed date", "date closed", "close date", "結案時間",
                  "結案日期", "關閉時間"),
    "extension_count": ("extensions", "extension count", "延期次數", "延時申請次數", "展延次數"),
    "escalation_count": ("escalations", "escalation count", "升級次數"),
    "reassignment_count": ("reassignments", "reassignment count", "轉派次數", "改派次數"),
    "reopen_count": ("reopens", "reopen count", "reopened count", "重開次數", "重新開啟次數"),
    "satisfaction": ("satisfaction", "csat", "rating", "satisfaction rating", "滿意度", "滿意度評分"),
    "updated_at": ("updated", "updated at", "last updated", "last modified", "modified", "modified at",
                   "更新時間", "最後更新時間", "最後修改時間", "修改時間"),
}


def _loose_key(header: str) -> str:
    """``_layout_key`` without spaces and punctuation: Created_At, created-at and Created At alike."""
    return re.sub(r"[\s_\-./#:：()（）\[\]]+", "", _layout_key(header))


def guess(columns: list[str]) -> dict[str, str]:
    """Canonical field -> the column whose header is one of ``COMMON_HEADERS``' names for it, the
    first such name winning and each column proposed for one field only."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(_loose_key(column), column)
    mapping: dict[str, str] = {}
    for field_name, names in COMMON_HEADERS.items():
        found = (by_key.get(_loose_key(name)) for name in names)
        column = next((c for c in found if c is not None and c not in mapping.values()), None)
        if column is not None:
            mapping[field_name] = column
    return mapping


def propose_with_names(layout: Layout, columns: list[str]) -> dict[str, str]:
    """The layout's mapping, and for the fields it finds no header of, the columns ``guess`` names
    that it left unused: an in-house export may share a product's ticket id and created time
    (案件編號, 建立時間) and call its owner 處理人員. Event logs keep their own columns only."""
    mapping = layout.propose(columns)
    if layout.event_log:
        return mapping
    for field_name, column in guess(columns).items():
        if field_name not in mapping and column not in mapping.values():
            mapping[field_name] = column
    return mapping


def matched_by_name(layout: str | None, mapping: dict[str, str], columns: list[str]) -> tuple[tuple[str, str], ...]:
    """(column, field) pairs of ``mapping`` that came from ``guess``, not from the layout's own headers."""
    own = LAYOUT_BY_NAME[layout].propose(columns) if layout in LAYOUT_BY_NAME else {}
    guessed = guess(columns)
    return tuple((column, name) for name, column in mapping.items()
                 if own.get(name) != column and guessed.get(name) == column)


def recognise(columns: list[str], event_log: bool = False) -> Layout | None:
    """The layout that fits the header best, if it finds at least the fields it requires;
    with ``event_log``, the best event-log layout."""
    candidates = [layout for layout in LAYOUTS if (layout.event_log or not event_log)
                  and all(name in layout.propose(columns) for name in layout.required)]
    return max(candidates, key=lambda layout: layout.fit(columns), default=None)


# How many of a layout's headers a file must have, its ticket id among them, to be told it looks
# like that layout's export when a required one is missing.
NEAR_MISS_FIELDS = 5


def near_miss(columns: list[str]) -> tuple[str, str] | None:
    """The product whose export a header resembles but lacks a required column of, with no column
    of another name for it either (Redmine's default issue list has no created time at all), and
    that column's names ("Created / 建立日期"); None when no layout comes close."""
    best, named = None, guess(columns)
    for layout in LAYOUTS:
        found = layout.propose(columns)
        missing = [name for name in layout.required if name not in found]
        if any(name in named for name in missing):
            continue
        if (missing and not layout.event_log and "ticket_id" in found and len(found) >= NEAR_MISS_FIELDS
                and (best is None or len(found) > best[0])):
            best = (len(found), layout.source_system, ", ".join(" / ".join(layout.headers[name]) for name in missing))
    return best[1:] if best else None


def header_key(columns: list[str]) -> str:
    """A signature of a header (order and case ignored) to find a saved profile for it."""
    joined = "\n".join(sorted(_key(c) for c in columns))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def _key(header: str) -> str:
    return " ".join(header.split()).lower()


# The simplified forms of the characters in the layouts' zh-TW headers, so that an export written
# in simplified Chinese (编号, 负责人, 提出时间 …) is recognised as its traditional twin.
_TRADITIONAL = str.maketrans(
    "编号门负责户称来务请级状态处时间应诺预计际关闭数转开后满项类别标准实结员题单优顺进组问报经办严紧决",
    "編號門負責戶稱來務請級狀態處時間應諾預計際關閉數轉開後滿項類別標準實結員題單優順進組問報經辦嚴緊決")


def _layout_key(header: str) -> str:
    """How a header is compared with a layout's: ``_key``, simplified characters read as traditional."""
    return _key(header).translate(_TRADITIONAL)
