"""SLA policies by condition: matching, order, stages, the 1999 preset, and the policy each ticket records."""

from datetime import datetime

import duckdb
import pandas as pd
import pytest

from kpi import store
from kpi.ingest import formats
from kpi.ingest.importer import import_files
from kpi.service import policies, settings
from kpi.service.deadlines import fill_missing_deadlines
from kpi.service.settings import SettingsError
from tests.service_tickets import FIXTURES, insert_tickets

CALENDAR_2024_02 = FIXTURES / "office-calendar-2024-02.csv"  # Lunar New Year 2/8-2/14 off, Sat 2/17 worked
HOTLINE_ITEMS = 18


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def policy(name: str, *, category=None, department=None, channel=None, level=None, first_action="response",
           first=(None, None), completion=(None, None)) -> dict:
    return {"name": name, "category": category, "department": department, "channel": channel, "level": level,
            "first_action": first_action, "first_action_value": first[0], "first_action_unit": first[1],
            "completion_value": completion[0], "completion_unit": completion[1]}


def with_fallbacks(con, *rules: dict) -> pd.DataFrame:
    """``rules`` first, then the stored per-level policies, as the editor would hand them over."""
    return pd.concat([pd.DataFrame(rules), policies.load_policies(con)], ignore_index=True).drop(columns="position")


RULES = (
    policy("Street lights", category="路燈故障處理", first_action="inspection", first=(48, "hours")),
    policy("IT desk", department="IT", first=(30, "minutes"), completion=(2, "business_days")),
    policy("Phone", channel="Phone", first=(15, "minutes"), completion=(0, "end_of_business_day")),
    policy("Urgent complaints", category="complaint", level=1, first=(10, "minutes"), completion=(4, "hours")),
)
DEADLINES = """SELECT t.ticket_id, p.name, t.first_response_due_at, t.standard_due_at, t.current_commitment_at
               FROM tickets t LEFT JOIN sla_policies p ON p.policy_id = t.sla_policy_id ORDER BY t.ticket_id"""


def test_each_condition_picks_its_policy_and_the_rest_fall_back_to_the_level(con):
    insert_tickets(con, [
        # category, trimmed: inspected within 48 h; no completion stage, so no standard time
        {"ticket_id": "1-category", "category": " 路燈故障處理 ", "level": 3, "created_at": "2024-02-07 09:00"},
        # department, any case: 30 min, then 2 business days from Fri = Tue
        {"ticket_id": "2-department", "department": "it", "channel": "email", "level": 2,
         "created_at": "2024-02-02 16:00"},
        # channel: 15 min, by the end of the same business day
        {"ticket_id": "3-channel", "channel": "PHONE", "level": 5, "created_at": "2024-02-07 10:00"},
        # category and level both hold
        {"ticket_id": "4-both", "category": "Complaint", "level": 1, "channel": "web", "created_at": "2024-02-07 10:00"},
        # same category, another level: falls through to Level 2 (1 h, 5 business days)
        {"ticket_id": "5-level", "category": "complaint", "level": 2, "channel": "web", "created_at": "2024-02-07 10:00"},
        # nothing but a level: Level 1 (1 h, 3 business days, Wed -> Mon)
        {"ticket_id": "6-level", "department": "Sales", "channel": "email", "level": 1, "created_at": "2024-02-07 10:00"},
    ])
    settings.save_settings(con, policies=with_fallbacks(con, *RULES))
    assert con.execute(DEADLINES).fetchall() == [
        ("1-category", "Street lights", at("2024-02-09 09:00"), None, None),
        ("2-department", "IT desk", at("2024-02-02 16:30"), at("2024-02-06 16:00"), at("2024-02-06 16:00")),
        ("3-channel", "Phone", at("2024-02-07 10:15"), at("2024-02-08 00:00"), at("2024-02-08 00:00")),
        ("4-both", "Urgent complaints", at("2024-02-07 10:10"), at("2024-02-07 14:00"), at("2024-02-07 14:00")),
        ("5-level", "Level 2", at("2024-02-07 11:00"), at("2024-02-14 10:00"), at("2024-02-14 10:00")),
        ("6-level", "Level 1", at("2024-02-07 11:00"), at("2024-02-12 10:00"), at("2024-02-12 10:00")),
    ]


def test_the_first_matching_policy_wins(con):
    # the IT department's phone ticket meets both the IT and the phone policy
    insert_tickets(con, [{"ticket_id": "t", "department": "IT", "channel": "phone", "created_at": "2024-02-02 16:00"}])
    it_first = with_fallbacks(con, RULES[1], RULES[2])
    settings.save_settings(con, policies=it_first)
    assert con.execute(DEADLINES).fetchall()[0][1:3] == ("IT desk", at("2024-02-02 16:30"))
    phone_first = policies.load_policies(con)
    phone_first.loc[phone_first["name"] == "Phone", "position"] = 0   # moved to the top, renumbered on save
    settings.save_settings(con, policies=phone_first)
    assert policies.load_policies(con)["name"].tolist()[:2] == ["Phone", "IT desk"]
    assert con.execute(DEADLINES).fetchall()[0][1:3] == ("Phone", at("2024-02-02 16:15"))


def test_a_ticket_no_policy_matches_gets_no_deadline(con):
    insert_tickets(con, [{"ticket_id": "t", "level": None, "category": "other", "created_at": "2024-02-07 10:00"}])
    settings.save_settings(con, policies=with_fallbacks(con, RULES[0]))
    assert con.execute(DEADLINES).fetchall() == [("t", None, None, None, None)]


def test_saving_keeps_the_ids_of_policies_kept_and_relinks_the_tickets(con):
    insert_tickets(con, [{"ticket_id": "t", "level": 3, "category": "路燈故障處理", "created_at": "2024-02-07 09:00"}])
    fill_missing_deadlines(con)
    assert store.scalar(con, "SELECT sla_policy_id FROM tickets") == 3   # the migrated Level 3 policy
    settings.save_settings(con, policies=with_fallbacks(con, RULES[0]))
    stored = policies.load_policies(con)
    assert stored[["name", "policy_id"]].values.tolist() == [
        ["Street lights", 6], ["Level 1", 1], ["Level 2", 2], ["Level 3", 3], ["Level 4", 4], ["Level 5", 5]]
    assert store.scalar(con, "SELECT sla_policy_id FROM tickets") == 6


def test_the_1999_preset_lists_every_dispatch_item_then_the_levels(con):
    preset = policies.preset_policies(con, "hotline_1999", "en")
    items = preset.iloc[:HOTLINE_ITEMS]
    assert len(preset) == HOTLINE_ITEMS + 5
    assert preset["level"].iloc[HOTLINE_ITEMS:].tolist() == [1, 2, 3, 4, 5]
    assert items["level"].isna().all() and items["department"].isna().all()
    assert items.loc[0, ["name", "category", "first_action", "first_action_value", "first_action_unit"]].tolist() == [
        "Noise from people and animals", "人與動物噪音", "on_site", 30, "minutes"]
    assert items.loc[1, ["category", "first_action_value", "first_action_unit"]].tolist() == ["違規停車處理", 40, "minutes"]
    two_stages = items[items["first_action_value"].notna() & items["completion_value"].notna()]
    assert two_stages[["category", "first_action", "first_action_value", "first_action_unit", "completion_value",
                       "completion_unit"]].values.tolist() == [
        ["交通號誌不亮申報修復", "inspection", 6, "hours", 12, "calendar_days"]]
    # the one item whose only stage is the finished job: dredging done within 24 h
    assert items.loc[items["first_action_value"].isna(), ["category", "completion_value", "completion_unit"]].values.tolist() == [
        ["雨水下水道側溝清淤", 24, "hours"]]
    assert sorted(items["first_action_value"].dropna().astype(int).unique()) == [1, 2, 4, 6, 24, 30, 40, 48]
    zh = policies.preset_policies(con, "hotline_1999", "zh-TW")
    assert zh["name"].iloc[:HOTLINE_ITEMS].tolist() == items["category"].tolist()


def test_traffic_light_out_is_inspected_in_6_hours_and_repaired_in_12_calendar_days(con):
    settings.save_settings(con, policies=policies.preset_policies(con, "hotline_1999", "en"),
                           calendar=settings.merge_office_calendar(con, CALENDAR_2024_02.read_bytes()))
    insert_tickets(con, [
        {"ticket_id": "light", "category": "交通號誌不亮申報修復", "level": 3, "created_at": "2024-02-07 09:00"},
        {"ticket_id": "noise", "category": "人與動物噪音", "level": 3, "created_at": "2024-02-10 23:50"},
    ])
    fill_missing_deadlines(con)
    # Lunar New Year (2/8-2/14) does not stop a round-the-clock clock: 12 days after 2/7 is 2/19
    assert con.execute(DEADLINES).fetchall() == [
        ("light", "Traffic light out", at("2024-02-07 15:00"), at("2024-02-19 09:00"), at("2024-02-19 09:00")),
        ("noise", "Noise from people and animals", at("2024-02-11 00:20"), None, None),
    ]


def test_import_records_the_category_and_the_policy(con, tmp_path):
    settings.save_settings(con, policies=policies.preset_policies(con, "hotline_1999", "zh-TW"))
    export = tmp_path / "1999.csv"
    export.write_text("編號,主旨,部門,派工項目,服務請求方法,提出時間\n"
                      "A1,號誌不亮,交工處,交通號誌不亮申報修復,Level 3,2024-02-07 09:00\n"
                      "A2,印表機,資訊室,,Level 2,2024-02-07 09:00\n", encoding="utf-8")
    [report] = import_files(con, [export])
    assert report.inserted == 2
    assert con.execute(DEADLINES.replace("p.name", "t.category, p.name")).fetchall() == [
        ("A1", "交通號誌不亮申報修復", "交通號誌不亮申報修復", at("2024-02-07 15:00"), at("2024-02-19 09:00"),
         at("2024-02-19 09:00")),
        ("A2", None, "Level 2", at("2024-02-07 10:00"), at("2024-02-14 09:00"), at("2024-02-14 09:00")),
    ]
    # the hotline item's policy dropped: A1 falls back to Level 3 (1 h... 3 h, 10 business days)
    kept = policies.load_policies(con)
    settings.save_settings(con, policies=kept[kept["category"] != "交通號誌不亮申報修復"])
    assert con.execute(DEADLINES).fetchall()[0] == (
        "A1", "Level 3", at("2024-02-07 12:00"), at("2024-02-21 09:00"), at("2024-02-21 09:00"))


def test_migration_turns_the_level_limits_into_fallback_policies(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    for sql_file in sorted(store.SCHEMA_DIR.glob("*.sql")):
        if sql_file.name < "050":
            con.execute(sql_file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (name) VALUES (?)", [sql_file.name])
    con.execute("UPDATE sla_policy SET resolution_value = 2, resolution_unit = 'calendar_days' WHERE level = 2")
    insert_tickets(con, [{"ticket_id": "t", "level": 2, "created_at": "2024-02-07 10:00"}])
    store.migrate(con)
    migrated = policies.load_policies(con)
    assert migrated[["position", "name", "level", "policy_id"]].values.tolist() == [
        [level, f"Level {level}", level, level] for level in (1, 2, 3, 4, 5)]
    assert migrated.loc[1, ["first_action", "first_action_value", "first_action_unit", "completion_value",
                            "completion_unit"]].tolist() == ["response", 1, "hours", 2, "calendar_days"]
    assert store.first_row(con, "SELECT category, sla_policy_id FROM tickets") == (None, 2)


@pytest.mark.parametrize(("change", "key", "values"), [
    ({"first_action_value": None, "first_action_unit": None, "completion_value": None, "completion_unit": ""},
     "service.error.policy_no_stage", {}),
    ({"completion_value": -1}, "service.error.policy_completion_value", {}),
    ({"first_action_value": 1.5}, "service.error.policy_first_action_value", {}),
    ({"first_action_unit": None}, "service.error.policy_first_action_unit", {}),
    ({"completion_unit": "weeks"}, "service.error.policy_completion_unit", {}),
    ({"completion_value": None}, "service.error.policy_completion_value", {}),
    ({"level": 7}, "service.error.policy_level", {}),
    ({"first_action": "call back"}, "service.error.policy_first_action", {}),
    ({"name": "  "}, "service.error.policy_name", {"name": ""}),
])
def test_a_bad_policy_is_refused_naming_it(con, change, key, values):
    bad = policy("Phone", channel="Phone", first=(15, "minutes"), completion=(1, "business_days")) | change
    with pytest.raises(SettingsError) as raised:
        settings.save_settings(con, policies=with_fallbacks(con, RULES[0], bad))
    assert raised.value.key == key
    assert raised.value.values == {"position": 2, "name": "Phone"} | values
    assert len(policies.load_policies(con)) == 5


def test_blank_rows_are_dropped_and_the_order_is_renumbered():
    edited = pd.DataFrame([
        policy("b", first=(1, "hours")) | {"position": 7},
        {"name": None, "first_action": "response"},              # the editor's new, untouched row
        policy("c", first=(2, "hours")) | {"position": None},    # added without an order: goes last
        policy("a", first=(3, "hours")) | {"position": 2},
    ])
    valid = policies.validate_policies(edited)
    assert valid[["position", "name"]].values.tolist() == [[1, "a"], [2, "b"], [3, "c"]]


@pytest.mark.parametrize(("layout", "columns", "column"), [
    ("econtact", ["編號", "提出時間", "派工項目"], "派工項目"),
    ("econtact", ["編號", "提出時間", "服務類別"], "服務類別"),
    ("zendesk", ["Id", "Created at", "Ticket type"], "Ticket type"),
    ("freshdesk", ["Ticket ID", "Created time", "Type"], "Type"),
    ("freshservice", ["Ticket Id", "Created Time", "Type", "Category"], "Category"),
    ("jira", ["Issue key", "Created", "Issue Type"], "Issue Type"),
    ("jira", ["Issue key", "Created", "Issue Type", "Custom field (Request Type)"], "Custom field (Request Type)"),
    ("servicenow", ["number", "opened_at", "category"], "category"),
    ("osticket", ["Ticket Number", "Date Created", "Help Topic"], "Help Topic"),
])
def test_each_layout_maps_its_category_column(layout, columns, column):
    assert formats.LAYOUT_BY_NAME[layout].propose(columns)["category"] == column
