"""Phone numbers, e-mail addresses and ID numbers in ticket subjects and customers are masked;
ids, dates, amounts and counts are not."""

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import access, store
from kpi.privacy import mask_frame, mask_text
from kpi.service.periods import iso_week
from tests.service_tickets import insert_tickets
from tests.test_access_pages import AUTH

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("text", "masked"), [
    ("王小明 0912-345-678 反映路燈不亮", "王小明 0912-***-678 反映路燈不亮"),
    ("來電 0912345678 請回撥", "來電 0912***678 請回撥"),
    ("+886 912 345 678 陳先生", "+886 912 *** 678 陳先生"),
    ("手機0933-123-456/市話(02)2345-6789", "手機0933-***-456/市話(02)****-*789"),
    ("(02)2345-6789 分機 123", "(02)****-*789 分機 123"),
    ("電話：02-23456789", "電話：02-*****789"),
    ("台中 04-2345-6789", "台中 04-****-*789"),
    ("訂位專線 0223456789", "訂位專線 02*****789"),
    ("客戶 email: wang.xm@gmail.com", "客戶 email: w***@gmail.com"),
    ("請寄到lin_mei@example.com.tw謝謝", "請寄到l***@example.com.tw謝謝"),
    ("身分證 A123456789 補件", "身分證 A12****789 補件"),
    ("身分證A223456789補件", "身分證A22****789補件"),
    ("居留證號 F812345678 更新", "居留證號 F81****678 更新"),
])
def test_personal_data_is_masked(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "工單 200910-006 延期", "SR-20240208-0012 重新開啟", "2024-02-08 13:20 來電", "2024/02/08 到場",
    "退款 NT$1,200 已處理", "第 3 次升級，共 12 件", "營業時間 09:00-17:30", "案號 A12345 已結案",
    "發票號碼 AB12345678", "王小明反映路燈不亮",
])
def test_ids_dates_amounts_and_counts_stay(text):
    assert mask_text(text) == text


def test_mask_frame_masks_subject_and_customer_only():
    frame = pd.DataFrame({
        "ticket_id": ["0912345678", "T-2"],
        "subject": ["王小明 0912-345-678 反映路燈不亮", None],
        "customer": ["wang.xm@gmail.com", "A123456789"],
        "escalations": [3, 0],
    })
    masked = mask_frame(frame)
    assert masked["ticket_id"].tolist() == ["0912345678", "T-2"]
    assert masked["subject"].tolist()[0] == "王小明 0912-***-678 反映路燈不亮"
    assert pd.isna(masked["subject"].tolist()[1])
    assert masked["customer"].tolist() == ["w***@gmail.com", "A12****789"]
    assert masked["escalations"].tolist() == [3, 0]
    assert frame["subject"].tolist()[0] == "王小明 0912-345-678 反映路燈不亮"   # the original is untouched
    assert mask_frame(frame.drop(columns=["subject", "customer"])).equals(frame.drop(columns=["subject", "customer"]))


@pytest.fixture
def ticket_with_phone(db_file):
    st.cache_data.clear()
    con = store.connect(db_file)
    insert_tickets(con, [{"ticket_id": "T-1", "subject": "王小明 0912-345-678 反映路燈不亮", "status": "處理中",
                          "created_at": "2009-10-06 09:00", "current_commitment_at": "2009-10-09 09:00"}])
    con.close()
    return db_file


def drill_subjects(monkeypatch, tmp_path, email: str | None = None) -> list[str]:
    """The subjects in the weekly drill-down as ``email`` sees them (signed in); without, sign-in is off."""
    app = AppTest.from_file(str(ROOT / "pages" / "weekly.py"), default_timeout=30)
    if email:
        roles = tmp_path / "roles.toml"
        roles.write_text('"vera@example.com" = ["viewer", "manager", "hr", "executive"]\n"ada@example.com" = "admin"\n',
                         encoding="utf-8")
        monkeypatch.setenv(access.ROLES_ENV_VAR, str(roles))
        app.secrets, app.user = {"auth": AUTH}, {"is_logged_in": True, "email": email, "name": "Test User"}
    app.session_state["lang"] = "en"
    app.query_params["week"] = "2009-W41"
    week = iso_week("2009-W41")
    app.session_state["service.drill"] = {
        "period": {"kind": week.kind, "start": week.start, "end": week.end}, "title": "Total · In play",
        "cell": {"group": None, "all_groups": True, "column": "in_play"}}
    app.run()
    assert not app.exception
    return app.dataframe[-1].value["Subject"].tolist()


def test_ticket_lists_mask_personal_data_for_every_role_but_admin(ticket_with_phone, monkeypatch, tmp_path):
    assert drill_subjects(monkeypatch, tmp_path, "vera@example.com") == ["王小明 0912-***-678 反映路燈不亮"]
    assert drill_subjects(monkeypatch, tmp_path, "ada@example.com") == ["王小明 0912-345-678 反映路燈不亮"]


def test_a_single_local_user_without_sign_in_sees_everything(ticket_with_phone, monkeypatch, tmp_path):
    assert drill_subjects(monkeypatch, tmp_path) == ["王小明 0912-345-678 反映路燈不亮"]
