"""Business calendar, SLA policy and the deadlines derived from them."""

from datetime import date, datetime

import pandas as pd
import pytest

from kpi import store
from kpi.service import policies, settings
from kpi.service.deadlines import fill_missing_deadlines, sample_deadlines
from kpi.service.settings import SettingsError
from tests.service_tickets import FIXTURES, insert_tickets

CALENDAR_2024_02 = FIXTURES / "office-calendar-2024-02.csv"  # Lunar New Year 2/8-2/14 off, Sat 2/17 worked, 2/28 off

# The 18 requests of the seed's screenshot (提出時間, 首次承諾時間, level) plus its Level 4 example:
# every first commitment is created + 10/14/21 business days (Mon-Fri) at the same clock time.
SEED_REQUESTS = [
    ("2012-07-10 10:30", "2012-07-24 10:30", 3), ("2012-08-01 13:06", "2012-08-15 13:06", 3),
    ("2012-08-01 16:39", "2012-08-15 16:39", 3), ("2012-08-03 15:31", "2012-08-17 15:31", 3),
    ("2012-08-03 16:25", "2012-08-17 16:25", 3), ("2012-08-03 16:44", "2012-08-23 16:44", 4),
    ("2012-08-03 17:53", "2012-08-23 17:53", 4), ("2012-08-06 16:42", "2012-08-20 16:42", 3),
    ("2012-08-06 18:10", "2012-08-20 18:10", 3), ("2012-08-07 17:17", "2012-09-05 17:17", 5),
    ("2012-08-07 17:31", "2012-08-21 17:31", 3), ("2012-08-08 10:03", "2012-08-22 10:03", 3),
    ("2012-08-08 13:03", "2012-08-22 13:03", 3), ("2012-07-23 13:19", "2012-08-06 13:19", 3),
    ("2012-07-23 17:49", "2012-08-21 17:49", 5), ("2012-07-24 17:53", "2012-08-07 17:53", 3),
    ("2012-07-25 11:16", "2012-08-14 11:16", 4), ("2012-07-25 15:29", "2012-08-08 15:29", 3),
    ("2012-07-26 09:46", "2012-08-09 09:46", 3), ("2012-02-24 17:20", "2012-03-15 17:20", 4),
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("created", "committed", "level"), SEED_REQUESTS)
def test_seed_requests_follow_created_plus_business_days(con, created, committed, level):
    assert sample_deadlines(con, at(created), level)[1] == at(committed)


def test_default_first_response_limits(con):
    created = at("2009-10-09 16:00")  # a Friday
    assert [sample_deadlines(con, created, level)[0] for level in (1, 2, 3, 4, 5)] == [
        at("2009-10-09 17:00"), at("2009-10-09 17:00"), at("2009-10-09 19:00"),
        at("2009-10-10 00:00"),   # same day: by the end of Friday
        at("2009-10-13 00:00"),   # next day: by the end of Monday
    ]


def test_office_calendar_keeps_only_the_exceptions_to_mon_fri():
    days = settings.parse_office_calendar(CALENDAR_2024_02.read_bytes())
    assert days.values.tolist() == [
        [date(2024, 2, 8), False, "春節"], [date(2024, 2, 9), False, "除夕"], [date(2024, 2, 12), False, "春節"],
        [date(2024, 2, 13), False, "春節"], [date(2024, 2, 14), False, "春節補假"], [date(2024, 2, 17), True, "補行上班"],
        [date(2024, 2, 28), False, "和平紀念日"],
    ]


def test_office_calendar_in_big5_reads_the_same():
    data = CALENDAR_2024_02.read_bytes()
    big5 = data.decode("utf-8-sig").encode("cp950")
    pd.testing.assert_frame_equal(settings.parse_office_calendar(big5), settings.parse_office_calendar(data))


@pytest.mark.parametrize(("text", "key"), [
    ("日期,是否放假\n20240101,2\n", "service.error.calendar_columns"),
    ("西元日期,是否放假\n2024-01-01,2\n", "service.error.calendar_date"),
    ("西元日期,是否放假\n20240101,1\n", "service.error.calendar_flag"),
    ("西元日期,是否放假\n20240101,2\n20240101,0\n", "service.error.calendar_duplicate"),
    ("西元日期,是否放假\n", "service.error.calendar_empty"),
])
def test_bad_office_calendars_name_the_problem(text, key):
    with pytest.raises(SettingsError) as raised:
        settings.parse_office_calendar(text.encode())
    assert raised.value.key == key


def test_holidays_and_a_make_up_saturday_move_the_deadline(con):
    insert_tickets(con, [
        # Wed 2024-02-07 10:00, Level 1 = 3 business days, no deadline in the export
        {"ticket_id": "derived", "level": 1, "created_at": "2024-02-07 10:00"},
        # the export's own standard time stays as it is
        {"ticket_id": "exported", "level": 1, "created_at": "2024-02-07 10:00", "standard_due_at": "2024-02-20 10:00",
         "current_commitment_at": "2024-02-21 10:00"},
    ])
    fill_missing_deadlines(con)
    deadlines = "SELECT ticket_id, standard_due_at, first_commitment_at, current_commitment_at FROM tickets ORDER BY ticket_id"
    # Mon-Fri: Thu 2/8 (1), Fri 2/9 (2), Mon 2/12 (3)
    assert con.execute(deadlines).fetchall() == [
        ("derived", at("2024-02-12 10:00"), at("2024-02-12 10:00"), at("2024-02-12 10:00")),
        ("exported", at("2024-02-20 10:00"), at("2024-02-20 10:00"), at("2024-02-21 10:00")),
    ]
    version = store.data_version(con)
    settings.save_settings(con, calendar=settings.merge_office_calendar(con, CALENDAR_2024_02.read_bytes()))
    # 2/8-2/14 off: Thu 2/15 (1), Fri 2/16 (2), make-up Sat 2/17 (3)
    assert con.execute(deadlines).fetchall() == [
        ("derived", at("2024-02-17 10:00"), at("2024-02-17 10:00"), at("2024-02-17 10:00")),
        ("exported", at("2024-02-20 10:00"), at("2024-02-20 10:00"), at("2024-02-21 10:00")),
    ]
    assert store.data_version(con) == version + 1


def test_policy_change_rederives_only_what_the_app_derived(con):
    insert_tickets(con, [{"ticket_id": "t", "level": 2, "created_at": "2009-10-05 09:00",
                          "first_commitment_at": "2009-10-20 09:00"}])
    fill_missing_deadlines(con)
    edited = policies.load_policies(con)
    edited.loc[edited["level"] == 2, ["completion_value", "completion_unit"]] = [2, "calendar_days"]
    settings.save_settings(con, policies=edited)
    row = store.first_row(con, "SELECT standard_due_at, first_commitment_at, current_commitment_at, first_response_due_at FROM tickets")
    # standard 2 calendar days later; the export's first commitment kept; current follows first
    assert row == (at("2009-10-07 09:00"), at("2009-10-20 09:00"), at("2009-10-20 09:00"), at("2009-10-05 10:00"))


def test_edited_calendar_with_a_repeated_date_is_refused(con):
    edited = pd.DataFrame({"day": [date(2024, 2, 8), date(2024, 2, 8)], "is_working_day": [False, True], "note": [None, None]})
    with pytest.raises(SettingsError) as raised:
        settings.save_settings(con, calendar=edited)
    assert raised.value.values == {"day": "2024-02-08"}


def test_preview_compares_saved_and_edited_settings_without_saving(con):
    edited_calendar = settings.parse_office_calendar(CALENDAR_2024_02.read_bytes())
    ticket = settings.SampleTicket(at("2024-02-07 10:00"), level=1)
    preview = settings.preview_deadlines(con, ticket, policies.load_policies(con), edited_calendar)
    assert preview.values.tolist() == [
        ["saved", "Level 1", at("2024-02-07 11:00"), at("2024-02-12 10:00")],
        ["edited", "Level 1", at("2024-02-07 11:00"), at("2024-02-17 10:00")],
    ]
    assert settings.load_calendar(con).empty


def test_preview_names_the_policy_the_edits_would_apply(con):
    edited = policies.preset_policies(con, "hotline_1999", "en")
    ticket = settings.SampleTicket(at("2024-02-07 09:00"), level=4, category="交通號誌不亮申報修復")
    preview = settings.preview_deadlines(con, ticket, edited, settings.load_calendar(con))
    assert preview.values.tolist() == [
        ["saved", "Level 4", at("2024-02-08 00:00"), at("2024-02-27 09:00")],
        ["edited", "Traffic light out", at("2024-02-07 15:00"), at("2024-02-19 09:00")],
    ]
    assert len(policies.load_policies(con)) == 5
