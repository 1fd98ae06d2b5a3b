"""Deterministic demo data: e-contact+ style service-request exports with zh-TW headers.

One generator serves the demo (``python -m kpi demo``: 20,000 requests over a year, written as
four quarterly exports) and the benchmarks (a million rows in a few seconds), so every step is
vectorised with numpy and the text columns are assembled as Arrow buffers, never row by row.

How a request lives here, in the words of ``service-kpis.md``:

- 提出時間 falls mostly on weekdays in office hours. 標準完成時間 = created + the level's
  business days (Level 1–5: 3, 5, 10, 14, 21), Mon–Fri, same clock time; a request created at
  the weekend counts from the next Monday. The demo knows no public holidays.
- 首次回應時間 (first response) comes minutes to hours after the request, slower for lower
  levels; about 90% fall within the level's first-response limit (seed levels: 1 h, 1 h, 3 h,
  the end of the day, the end of the next business day) and the rest are late. A request that
  waits days to be taken is answered only once taken. Drawn from a random stream of its
  own, so adding them changed no other column of the demo.
- 首次承諾時間 is the standard time, edited at creation for about 7% of requests (1–2
  business days earlier, or 1–5 later).
- Each extension (延時申請次數, 0–3) is asked one business day before the commitment it moves
  and moves it 2–7 business days. 預計完成時間 is the commitment after the extensions asked so far.
- Escalations (升級次數) do not move the commitment: when it passes with the request still open,
  a supervisor steps in (for 4 requests in 5), and again every 2 business days while it stays
  open, so escalations come with lateness.
- Each owner completes by the commitment at an own rate between 72% and 95%; requests forwarded
  to second line (後送, written "是"/"否", about 3%) less often.
- A completed request waits for the customer's sign-off as 可結案, then is 已關閉.

An export is the state at one moment: a request completed after it shows as open (處理中; 升級中
once escalated; 未分配, with no owner, before anyone took it) and its 最後更新時間 is the time of
its latest event before that moment.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from kpi.store import PROJECT_ROOT

COLUMNS = (
    "編號", "主旨", "部門", "負責人", "客戶名稱", "服務請求方法", "提出時間", "首次回應時間", "標準完成時間",
    "首次承諾時間", "預計完成時間", "完成時間", "延時申請次數", "升級次數", "後送",
    "服務請求狀態", "服務請求來源", "最後更新時間",
)  # fmt: skip

LEVEL_BUSINESS_DAYS = (3, 5, 10, 14, 21)  # 結案天數 of Level 1..5

DEMO_OWNERS: list[tuple[str, str]] = [
    ("陳怡君", "客服一部"), ("林志明", "客服一部"), ("黃淑芬", "客服一部"), ("張家豪", "客服一部"),
    ("李雅婷", "客服一部"), ("王建宏", "客服一部"), ("吳佩珊", "客服一部"),
    ("劉俊傑", "客服二部"), ("蔡宜蓁", "客服二部"), ("楊宗翰", "客服二部"), ("許雅雯", "客服二部"),
    ("鄭志偉", "客服二部"), ("謝佳穎", "客服二部"),
    ("郭建志", "系統服務部"), ("洪詩涵", "系統服務部"), ("曾冠宇", "系統服務部"), ("邱淑惠", "系統服務部"),
    ("廖承翰", "系統服務部"), ("賴怡萱", "系統服務部"), ("周明哲", "系統服務部"), ("徐嘉玲", "系統服務部"),
    ("蘇柏宏", "維修中心"), ("葉美玲", "維修中心"), ("莊家銘", "維修中心"), ("江宛婷", "維修中心"),
    ("呂俊宏", "維修中心"),
    ("何欣怡", "網路維運部"), ("羅志豪", "網路維運部"), ("高雅琪", "網路維運部"), ("潘冠廷", "網路維運部"),
]  # fmt: skip

SUBJECTS_BY_LEVEL = (
    ("系統全面停機", "總機無法撥入", "客服系統無法登入", "資料庫連線中斷",
     "機房斷電告警", "客戶嚴重客訴", "全區網路中斷", "伺服器當機"),
    ("部分分機無聲", "報表服務中斷", "單一據點網路不通", "錄音系統部分失效",
     "IVR 部分選項異常", "簡訊發送延遲", "列印伺服器異常", "郵件伺服器延遲"),
    ("話機螢幕無顯示", "外撥無法撥號", "錄音檔無法播放", "報表匯出錯誤",
     "耳機麥克風雜音", "來電顯示錯誤", "印表機卡紙", "帳號權限異常"),
    ("密碼重設", "新增分機設定", "軟體更新安裝", "桌面環境調整",
     "報表格式修改", "電子郵件設定", "通訊錄更新", "設備移機"),
    ("功能操作諮詢", "報價詢問", "合約續約諮詢", "教育訓練安排",
     "系統使用說明", "帳單內容詢問", "新功能需求", "保固範圍詢問"),
)  # fmt: skip

CUSTOMERS = tuple(
    f"{city}{name}{trade}股份有限公司"
    for trade in ("科技", "電子", "物流", "建設", "食品", "電信")
    for name in ("信達", "安和", "弘遠", "瑞豐", "啟明", "嘉禾", "恆通", "立群", "崇德", "光華")
    for city in ("台北", "新北", "桃園", "新竹", "台中", "台南", "高雄", "基隆")
)

CHANNELS = ("電話", "Email", "網站", "線上客服", "簡訊", "傳真")
FORWARDED = ("否", "是")  # 後送 as e-contact+ writes a yes/no field
STATUS_IN_PROGRESS, STATUS_ESCALATING, STATUS_UNASSIGNED = "處理中", "升級中", "未分配"
STATUS_READY_TO_CLOSE, STATUS_CLOSED = "可結案", "已關閉"
STATUSES = (STATUS_IN_PROGRESS, STATUS_ESCALATING, STATUS_UNASSIGNED, STATUS_READY_TO_CLOSE, STATUS_CLOSED)

# The demo: a fixed seed and a fixed year, so every machine imports the same tickets. The year
# ends on Sunday 2026-11-22 so that, around the time the demo was made (2026-11-24), the pages'
# default "last complete week" (2026-11-16..22) is the demo's last week and shows data.
DEMO_SEED = 20251124
DEMO_REQUESTS = 20_000
DEMO_START = dt.date(2025, 11, 24)  # a Monday
DEMO_END = dt.date(2026, 11, 23)  # exclusive: 52 weeks
DEMO_EXPORT_WEEKS = 13  # one export a quarter, as a team that reports quarterly pulls them
DEMO_DIR = PROJECT_ROOT / "data" / "demo"
# The demo's cost per contact of each channel (NT$, kpi.service.channels): the phone page's default
# agent-hour (NT$350) times a typical handle time, phone 6 min, e-mail 5, web form 4, chat 3 (two
# chats at once), SMS 2, fax 7, so the channel mix page shows the cost of the mix and the what-if.
DEMO_CHANNEL_COSTS = {"phone": 35.0, "email": 29.0, "web": 23.0, "chat": 18.0, "sms": 12.0, "fax": 41.0}

_LEVEL_SHARE = (0.05, 0.10, 0.25, 0.30, 0.30)
_CHANNEL_SHARE = (0.40, 0.25, 0.15, 0.12, 0.04, 0.04)
_FORWARD_SHARE_BY_LEVEL = (0.06, 0.05, 0.04, 0.02, 0.01)
_EXTENSION_COUNT_SHARE = (0.84, 0.11, 0.04, 0.01)
_ESCALATE_EVERY_BUSINESS_DAYS = 2
# Minutes from the request to the first response, per level: typical (mean), and when late (at least).
_RESPONSE_MINUTES = (15, 15, 40, 90, 180)
_LATE_RESPONSE_SHARE = 0.10
_LATE_RESPONSE_MINUTES = (90, 100, 300, 24 * 60, 48 * 60)
# Requests per hour of the day (0..23): office hours with a lunch dip, a thin evening and night.
_HOURLY_REQUESTS = (1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 9, 14, 15, 13, 7, 11, 14, 13, 12, 9, 5, 3, 2, 2, 1.5, 1)
_OFFICE_HOURS = tuple(weight if 8 <= hour < 18 else 0 for hour, weight in enumerate(_HOURLY_REQUESTS))
_WEEKDAY_REQUESTS = (1, 1, 1, 1, 0.95, 0.08, 0.04)  # Mon..Sun
_CLOCK_TEXTS = np.frombuffer(
    "".join(f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60)).encode(), np.uint8
).reshape(-1, 5)  # "00:00" .. "23:59" as ASCII codes, indexed by minute of the day


def add_business_days(moments: np.ndarray, days: np.ndarray | int) -> np.ndarray:
    """``moments`` (datetime64[m]) plus ``days`` business days (Mon–Fri) at the same clock time.

    A moment at the weekend counts from the next Monday: Saturday 10:00 + 3 → Thursday 10:00.
    """
    day = moments.astype("datetime64[D]")
    return np.busday_offset(day, days, roll="forward").astype("datetime64[m]") + (moments - day)


@dataclass(frozen=True)
class _Requests:
    """Every request's whole life, decided up front; an export shows it as it stands at one moment."""

    ids: pa.Array
    created_at: np.ndarray
    level: np.ndarray  # 1..5
    subject: np.ndarray  # index into the flattened SUBJECTS_BY_LEVEL
    owner: np.ndarray  # index into DEMO_OWNERS
    customer: np.ndarray
    channel: np.ndarray
    forwarded_second_line: np.ndarray
    assigned_at: np.ndarray
    first_response_at: np.ndarray
    standard_due_at: np.ndarray
    commitments: np.ndarray  # (n, 4): the commitment after 0, 1, 2, 3 extensions
    extension_asked_at: np.ndarray  # (n, 3): NaT where that extension is never asked
    final_commitment_at: np.ndarray
    escalated_when_late: np.ndarray
    completed_at: np.ndarray
    closed_at: np.ndarray


def generate_econtact_export(n_requests: int, seed: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    """``n_requests`` requests created from ``start`` (inclusive) to ``end`` (exclusive), exported
    as they stand at ``end`` 00:00: one row per request, the columns of ``COLUMNS``, dates as text
    ``YYYY-MM-DD HH:MM`` (empty when missing). The same arguments give the same rows."""
    requests = _plan_requests(n_requests, seed, start, end)
    return _export_as_of(requests, _midnight(end))


def write_export_csv(export: pd.DataFrame, path: Path, encoding: str = "utf-8-sig") -> Path:
    """Write an export as Excel on a zh-TW Windows machine saves it: CRLF lines, no quotes (no
    demo text holds a comma, quote or line break; the writer refuses one that does), UTF-8 with
    BOM by default, or e.g. ``"cp950"`` for Big5."""
    table = pa.Table.from_pandas(export, preserve_index=False)
    options = pa_csv.WriteOptions(quoting_style="none", quoting_header="none", eol="\r\n")
    path = Path(path)
    with path.open("wb") as out:
        if encoding == "utf-8-sig":
            out.write(b"\xef\xbb\xbf")
            pa_csv.write_csv(table, out, options)
        else:
            buffer = io.BytesIO()
            pa_csv.write_csv(table, buffer, options)
            out.write(buffer.getvalue().decode("utf-8").encode(encoding))
    return path


def write_demo_exports(directory: Path = DEMO_DIR) -> list[Path]:
    """Write the demo year as four quarterly exports; returns their paths in import order.

    Each export holds what changed during its quarter (created, assigned, extended, escalated,
    completed or closed in it), as users pull "updated in period" exports: a request still open
    at a quarter's end appears again, with new values, in a later export.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    requests = _plan_requests(DEMO_REQUESTS, DEMO_SEED, DEMO_START, DEMO_END)
    paths = []
    period_start = DEMO_START
    while period_start < DEMO_END:
        period_end = min(period_start + dt.timedelta(weeks=DEMO_EXPORT_WEEKS), DEMO_END)
        export = _export_as_of(requests, _midnight(period_end), changed_since=_midnight(period_start))
        last_day = period_end - dt.timedelta(days=1)
        name = f"econtact-requests_{period_start:%Y%m%d}-{last_day:%Y%m%d}.csv"
        paths.append(write_export_csv(export, directory / name))
        period_start = period_end
    return paths


def _plan_requests(n: int, seed: int, start: dt.date, end: dt.date) -> _Requests:
    rng = np.random.default_rng(seed)
    created_at = np.sort(_created_times(rng, n, start, end))
    level = rng.choice(5, size=n, p=_LEVEL_SHARE) + 1
    owner_on_time_rate = rng.uniform(0.72, 0.95, len(DEMO_OWNERS))
    owner = rng.choice(len(DEMO_OWNERS), size=n, p=_normalised(rng.uniform(0.6, 1.4, len(DEMO_OWNERS))))
    # A few customers file most requests.
    customer = rng.choice(len(CUSTOMERS), size=n, p=_normalised(1 / np.arange(1, len(CUSTOMERS) + 1) ** 0.8))
    subject = (level - 1) * len(SUBJECTS_BY_LEVEL[0]) + rng.integers(0, len(SUBJECTS_BY_LEVEL[0]), n)
    channel = rng.choice(len(CHANNELS), size=n, p=_CHANNEL_SHARE)
    forwarded = rng.random(n) < np.take(_FORWARD_SHARE_BY_LEVEL, level - 1)

    # Most requests are taken within the hour; one in fifty waits for 1–3 business days.
    waits_days = rng.random(n) < 0.02
    assigned_at = np.where(
        waits_days,
        add_business_days(created_at, rng.integers(1, 4, n)),
        created_at + _minutes(rng.exponential(25, n) + 1),
    )

    first_response_at = _first_responses(np.random.default_rng([seed, 1]), created_at, level, waits_days, assigned_at)
    standard_due_at = add_business_days(created_at, np.take(LEVEL_BUSINESS_DAYS, level - 1))
    edit = rng.random(n)
    commitment_edit_days = np.select([edit < 0.02, edit < 0.07], [-rng.integers(1, 3, n), rng.integers(1, 6, n)], 0)
    commitments = np.empty((n, 4), dtype="datetime64[m]")
    commitments[:, 0] = add_business_days(standard_due_at, commitment_edit_days)
    extension_asked_at = np.full((n, 3), np.datetime64("NaT"), dtype="datetime64[m]")
    extension_count = rng.choice(4, size=n, p=_EXTENSION_COUNT_SHARE)
    for k in range(1, 4):
        previous = commitments[:, k - 1]
        asked = extension_count >= k
        asked_at = np.maximum(add_business_days(previous, -1), assigned_at + _minutes(30))
        extension_asked_at[:, k - 1] = np.where(asked, asked_at, np.datetime64("NaT"))
        commitments[:, k] = np.where(asked, add_business_days(previous, rng.integers(2, 8, n)), previous)
    final_commitment_at = commitments[np.arange(n), extension_count]

    on_time = rng.random(n) < owner_on_time_rate[owner] - 0.15 * forwarded
    # Work ends after the request was taken and after the last extension was asked for.
    last_extension_asked_at = extension_asked_at[np.arange(n), np.maximum(extension_count - 1, 0)]
    earliest = np.fmax(assigned_at, last_extension_asked_at) + _minutes(10)
    completed_at = np.where(
        on_time,
        _completion_by(rng, earliest, final_commitment_at),
        _completion_late(rng, final_commitment_at),
    )
    signed_off_at_once = rng.random(n) < 0.55
    closed_at = np.where(
        signed_off_at_once,
        completed_at + _minutes(rng.integers(5, 60, n)),
        add_business_days(completed_at, rng.integers(1, 4, n)),
    )
    return _Requests(
        ids=_ticket_ids(created_at),
        created_at=created_at,
        level=level,
        subject=subject,
        owner=owner,
        customer=customer,
        channel=channel,
        forwarded_second_line=forwarded,
        assigned_at=assigned_at,
        first_response_at=first_response_at,
        standard_due_at=standard_due_at,
        commitments=commitments,
        extension_asked_at=extension_asked_at,
        final_commitment_at=final_commitment_at,
        escalated_when_late=rng.random(n) < 0.8,
        completed_at=completed_at,
        closed_at=closed_at,
    )


def _first_responses(rng: np.random.Generator, created_at: np.ndarray, level: np.ndarray, waits_days: np.ndarray,
                     assigned_at: np.ndarray) -> np.ndarray:
    """The first response: minutes after the request, one in ten well past the level's limit;
    a request left waiting for days is answered when someone takes it."""
    n = len(level)
    late = rng.random(n) < _LATE_RESPONSE_SHARE
    typical = rng.exponential(np.take(_RESPONSE_MINUTES, level - 1), n) + 1
    delay = np.where(late, np.take(_LATE_RESPONSE_MINUTES, level - 1) * rng.uniform(1, 2, n), typical)
    return np.where(waits_days, assigned_at + _minutes(rng.exponential(20, n) + 1), created_at + _minutes(delay))


def _created_times(rng: np.random.Generator, n: int, start: dt.date, end: dt.date) -> np.ndarray:
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"))
    weekday = (days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    year_fraction = (days - days[0]).astype("float64") / 365.25
    # A mild yearly swing so trend charts have a shape.
    weights = np.take(_WEEKDAY_REQUESTS, weekday) * (1 + 0.15 * np.sin(2 * np.pi * year_fraction))
    day = rng.choice(days, size=n, p=_normalised(weights))
    return day.astype("datetime64[m]") + _clock_times(rng, n, _HOURLY_REQUESTS)


def _completion_by(rng: np.random.Generator, earliest: np.ndarray, due: np.ndarray) -> np.ndarray:
    """An office-hours moment between ``earliest`` and ``due``, early days more likely."""
    n = len(due)
    first_day = earliest.astype("datetime64[D]")
    span = np.maximum(np.busday_count(first_day, due.astype("datetime64[D]")), 0)
    days_after = np.floor(rng.random(n) ** 1.7 * (span + 1)).astype("int64")
    moment = _office_time_on(rng, np.busday_offset(first_day, days_after, roll="forward"))
    moment = np.where(moment > due, due - _minutes(rng.integers(0, 120, n)), moment)
    return np.maximum(moment, earliest)


def _completion_late(rng: np.random.Generator, due: np.ndarray) -> np.ndarray:
    """An office-hours moment after ``due``: mostly within days, one in thirty 6–15 business days late."""
    n = len(due)
    days_late = np.where(rng.random(n) < 0.03, rng.integers(6, 16, n), rng.geometric(0.45, n) - 1)
    moment = _office_time_on(rng, np.busday_offset(due.astype("datetime64[D]"), days_late, roll="forward"))
    return np.where(moment > due, moment, due + _minutes(rng.integers(10, 360, n)))


def _export_as_of(
    requests: _Requests, as_of: np.datetime64, changed_since: np.datetime64 | None = None
) -> pd.DataFrame:
    """The export taken at ``as_of``; with ``changed_since``, only requests updated since then."""
    r = requests
    asked = r.extension_asked_at < as_of
    extension_count = asked.sum(axis=1)
    escalation_count, last_escalation_at = _escalations(r, np.minimum(r.completed_at, as_of))
    completed = r.completed_at < as_of
    closed = r.closed_at < as_of
    assigned = r.assigned_at < as_of
    responded = r.first_response_at < as_of
    not_yet = np.datetime64("NaT")
    updated_at = np.fmax.reduce([
        r.created_at,
        np.where(assigned, r.assigned_at, not_yet),
        np.where(responded, r.first_response_at, not_yet),
        np.fmax.reduce(np.where(asked, r.extension_asked_at, not_yet), axis=1),
        last_escalation_at,
        np.where(completed, r.completed_at, not_yet),
        np.where(closed, r.closed_at, not_yet),
    ])  # fmt: skip
    keep = r.created_at < as_of
    if changed_since is not None:
        keep &= updated_at >= changed_since
    rows = np.flatnonzero(keep)
    status = np.select(
        [closed, completed, ~assigned, escalation_count > 0],
        [STATUSES.index(s) for s in (STATUS_CLOSED, STATUS_READY_TO_CLOSE, STATUS_UNASSIGNED, STATUS_ESCALATING)],
        STATUSES.index(STATUS_IN_PROGRESS),
    )
    owner = _texts([name for name, _ in DEMO_OWNERS], r.owner[rows])
    columns = {
        "編號": r.ids.take(rows),
        "主旨": _texts([s for subjects in SUBJECTS_BY_LEVEL for s in subjects], r.subject[rows]),
        "部門": _texts([department for _, department in DEMO_OWNERS], r.owner[rows]),
        "負責人": pc.if_else(assigned[rows], owner, pa.scalar(None, pa.large_string())),
        "客戶名稱": _texts(CUSTOMERS, r.customer[rows]),
        "服務請求方法": _texts([f"Level {level}" for level in range(1, 6)], r.level[rows] - 1),
        "提出時間": _format_minutes(r.created_at[rows]),
        "首次回應時間": _format_minutes(np.where(responded, r.first_response_at, not_yet)[rows]),
        "標準完成時間": _format_minutes(r.standard_due_at[rows]),
        "首次承諾時間": _format_minutes(r.commitments[rows, 0]),
        "預計完成時間": _format_minutes(r.commitments[rows, extension_count[rows]]),
        "完成時間": _format_minutes(np.where(completed, r.completed_at, not_yet)[rows]),
        "延時申請次數": pa.array(extension_count[rows]),
        "升級次數": pa.array(escalation_count[rows]),
        "後送": _texts(FORWARDED, r.forwarded_second_line[rows].astype("int64")),
        "服務請求狀態": _texts(STATUSES, status[rows]),
        "服務請求來源": _texts(CHANNELS, r.channel[rows]),
        "最後更新時間": _format_minutes(updated_at[rows]),
    }
    return pa.table(columns).to_pandas()


def _escalations(requests: _Requests, until: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How often each request was escalated before ``until``, and when last (NaT if never).

    The supervisor steps in when the commitment passes and again every few business days, at
    the commitment's clock time, while the request is still open.
    """
    due = requests.final_commitment_at
    due_day, until_day = due.astype("datetime64[D]"), until.astype("datetime64[D]")
    # Business-day marks due, due + 1, due + 2 … lying before `until`.
    marks = np.busday_count(due_day, until_day) + (np.is_busday(until_day) & (until - until_day > due - due_day))
    count = np.where(marks > 0, (marks - 1) // _ESCALATE_EVERY_BUSINESS_DAYS + 1, 0)
    count = np.where(requests.escalated_when_late, count, 0)
    last_at = add_business_days(due, np.maximum(count - 1, 0) * _ESCALATE_EVERY_BUSINESS_DAYS)
    return count, np.where(count > 0, last_at, np.datetime64("NaT"))


def _ticket_ids(created_at: np.ndarray) -> pa.Array:
    """``YYYYMM-NNNN``: the creation month and the request's number within it (wider past 9999)."""
    month = created_at.astype("datetime64[M]")
    number = np.arange(len(month)) - np.searchsorted(month, month) + 1  # created_at is sorted
    width = max(4, len(str(number.max(initial=0))))
    year_month = month.astype("int64")
    yyyymm = (1970 + year_month // 12) * 100 + year_month % 12 + 1
    return _ascii_strings([_digits(yyyymm, 6), b"-", _digits(number, width)])


def _format_minutes(moments: np.ndarray) -> pa.Array:
    """datetime64[m] as ``YYYY-MM-DD HH:MM`` text; NaT as null.

    Looks each part up in a small table of its texts (the dates spanned, the 1,440 clock times):
    a gather per row instead of arithmetic per character.
    """
    missing = np.isnat(moments)
    minutes = np.where(missing, 0, moments.astype("int64"))
    day_number, minute_of_day = np.divmod(minutes, 24 * 60)
    first_day = day_number[~missing].min(initial=0)
    last_day = day_number[~missing].max(initial=0)
    dates = np.arange(np.datetime64(int(first_day), "D"), np.datetime64(int(last_day) + 1, "D"))
    date_texts = np.frombuffer("".join(f"{day} " for day in dates.astype(str)).encode(), np.uint8)
    date_chars = date_texts.reshape(-1, 11)[np.where(missing, 0, day_number - first_day)]
    return _ascii_strings([date_chars, _CLOCK_TEXTS[minute_of_day]], missing)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as an (n, width) array of ASCII codes."""
    powers = 10 ** np.arange(width - 1, -1, -1)
    return (values[:, None] // powers % 10 + ord("0")).astype(np.uint8)


def _ascii_strings(parts: list[np.ndarray | bytes], missing: np.ndarray | None = None) -> pa.Array:
    """Glue fixed-width (n, w) ASCII code arrays and literal separators into one Arrow string per
    row: building the buffers directly is ~20× faster than formatting a million strings."""
    n = len(next(part for part in parts if isinstance(part, np.ndarray)))
    chars = np.hstack([
        part if isinstance(part, np.ndarray) else np.broadcast_to(np.frombuffer(part, np.uint8), (n, len(part)))
        for part in parts
    ])  # fmt: skip
    width = chars.shape[1]
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    validity = None
    if missing is not None and missing.any():
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
    null_count = 0 if validity is None else int(missing.sum())
    buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))]
    return pa.Array.from_buffers(pa.large_string(), n, buffers, null_count=null_count)


def _texts(values: tuple[str, ...] | list[str], indices: np.ndarray) -> pa.Array:
    return pa.array(values, pa.large_string()).take(indices)


def _office_time_on(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[m]") + _clock_times(rng, len(days), _OFFICE_HOURS)


def _clock_times(rng: np.random.Generator, n: int, hourly_weights: tuple[float, ...]) -> np.ndarray:
    hour = rng.choice(24, size=n, p=_normalised(np.asarray(hourly_weights, dtype="float64")))
    return _minutes(hour * 60 + rng.integers(0, 60, n))


def _minutes(values: np.ndarray | int | float) -> np.ndarray:
    return np.asarray(values).astype("int64").astype("timedelta64[m]")


def _normalised(weights: np.ndarray) -> np.ndarray:
    return weights / weights.sum()


def _midnight(day: dt.date) -> np.datetime64:
    return np.datetime64(day, "m")
