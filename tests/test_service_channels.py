"""Channel mix: volumes, service level, resolution times and costs per channel, hand-computed over
eight tickets of 2024-W08 (Mon 19 – Sun 25 February) and one carried over from the week before."""

import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from kpi import metrics, store
from kpi.ingest import vocabularies
from kpi.service import channels, periods
from kpi.service.channels import ChannelCostError
from tests.service_tickets import insert_tickets

W08 = periods.iso_week("2024-W08")

# due = current commitment; resolution hours from creation to completion.
TICKETS = [
    # Phone (two words for it): 3 new, 2 done on time; resolved in 2 h, 4 h and (late) 30 h.
    {"ticket_id": "p1", "channel": "電話", "created_at": "2024-02-19 09:00", "current_commitment_at": "2024-02-19 17:00",
     "resolved_at": "2024-02-19 11:00"},
    {"ticket_id": "p2", "channel": "Voice", "created_at": "2024-02-19 10:00", "current_commitment_at": "2024-02-20 10:00",
     "resolved_at": "2024-02-19 14:00"},
    {"ticket_id": "p3", "channel": " phone ", "created_at": "2024-02-20 08:00", "current_commitment_at": "2024-02-20 12:00",
     "resolved_at": "2024-02-21 14:00"},
    # E-mail: 2 new, 1 done on time in 10 h, 1 open; and one carried over from W07, completed in W08
    # after 100 h (completed, not new: no part of the volume or the service level).
    {"ticket_id": "e1", "channel": "Mail", "created_at": "2024-02-21 09:00", "current_commitment_at": "2024-02-23 09:00",
     "resolved_at": "2024-02-21 19:00"},
    {"ticket_id": "e2", "channel": "email", "created_at": "2024-02-22 09:00", "current_commitment_at": "2024-03-01 09:00"},
    {"ticket_id": "e0", "channel": "e-mail", "created_at": "2024-02-16 08:00", "current_commitment_at": "2024-02-17 08:00",
     "resolved_at": "2024-02-20 12:00"},
    # A word the vocabulary lacks, kept under its own name; and a ticket without a channel.
    {"ticket_id": "u1", "channel": "Carrier pigeon", "created_at": "2024-02-23 09:00",
     "current_commitment_at": "2024-02-23 10:00", "resolved_at": "2024-02-23 09:30"},
    {"ticket_id": "n1", "channel": None, "created_at": "2024-02-23 11:00", "current_commitment_at": "2024-02-24 11:00"},
    # Cancelled: left out of every figure, as everywhere in the service KPIs.
    {"ticket_id": "x1", "channel": "phone", "created_at": "2024-02-19 09:00", "state": "cancelled"},
]


@pytest.fixture
def mix(con):
    insert_tickets(con, TICKETS)
    return channels.channel_mix(con, W08, "day", {"phone": 120.0, "email": 40.0, "carrier pigeon": 5.0})


def rows(frame: pd.DataFrame) -> dict:
    """Rows by channel: TOTAL for the total, None for the tickets without a channel."""
    return {("TOTAL" if r.is_total else None if pd.isna(r.channel) else r.channel): r for r in frame.itertuples()}


def test_volume_service_level_and_resolution_per_channel(mix):
    total = rows(mix.total)
    assert list(mix.total["channel"].iloc[:3]) == ["phone", "email", "carrier pigeon"]
    assert mix.total["channel"].isna().tolist() == [False] * 3 + [True] * 2
    phone, email, pigeon, none = (total[key] for key in ("phone", "email", "carrier pigeon", None))
    assert (phone.created, phone.completed, phone.new_on_time) == (3, 3, 2)
    assert phone.service_level == pytest.approx(2 / 3)
    assert (phone.resolution_median, phone.resolution_p90) == pytest.approx((4.0, 4 + 0.8 * 26))   # 2, 4, 30 h
    assert (email.created, email.completed, email.new_on_time, email.service_level) == (2, 2, 1, 0.5)
    assert (email.resolution_median, email.resolution_p90) == pytest.approx((55.0, 10 + 0.9 * 90))  # 10, 100 h
    assert phone.known and email.known and not pigeon.known and not none.known
    assert (pigeon.created, pigeon.service_level, pigeon.resolution_median) == (1, 1.0, 0.5)
    assert (none.created, none.completed, none.new_on_time) == (1, 0, 0)
    everything = total["TOTAL"]
    assert (everything.created, everything.completed, everything.new_on_time) == (7, 6, 4)
    assert everything.service_level == pytest.approx(4 / 7)
    assert [round(r.share, 4) for r in mix.total.itertuples()] == [round(3 / 7, 4), round(2 / 7, 4), round(1 / 7, 4),
                                                                  round(1 / 7, 4), 1.0]


def test_the_total_agrees_with_the_weekly_report(con, mix):
    from kpi.service import report
    weekly = report.weekly_report(con, W08, report.ServiceQuery()).iloc[-1]
    everything = rows(mix.total)["TOTAL"]
    assert (everything.created, everything.service_level) == (weekly["new"], weekly["service_level"])


def test_costs_of_the_mix(mix):
    total = rows(mix.total)
    assert (total["phone"].cost_per_contact, total["phone"].cost, total["phone"].uncosted) == (120.0, 360.0, 0)
    assert total["email"].cost == 80.0 and total["carrier pigeon"].cost == 5.0
    assert math.isnan(total[None].cost) and total[None].uncosted == 1
    assert total["TOTAL"].cost == 445.0 and total["TOTAL"].uncosted == 1
    assert total["TOTAL"].cost_per_contact == pytest.approx(445 / 6)


def test_days_cut_the_week(mix):
    days = mix.by_slice
    assert days[days["is_total"]]["period"].tolist() == [f"2024-02-{day}" for day in range(19, 26)]
    assert days[days["is_total"]]["created"].tolist() == [2, 1, 1, 1, 2, 0, 0]
    monday = rows(days[days["period"] == "2024-02-19"])
    assert (monday["phone"].created, monday["phone"].cost, monday["TOTAL"].cost) == (2, 240.0, 240.0)
    # On the day p3 came in it was not done: done on time is counted within the day it is judged in.
    tuesday = rows(days[days["period"] == "2024-02-20"])
    assert (tuesday["phone"].new_on_time, tuesday["email"].created, tuesday["email"].completed) == (0, 0, 1)
    sunday = days[days["period"] == "2024-02-25"]
    assert sunday["is_total"].tolist() == [True] and math.isnan(sunday["cost"].iloc[0])


@pytest.mark.parametrize("grain, labels, ends", [
    ("week", ["2024-W05", "2024-W06", "2024-W07", "2024-W08", "2024-W09"], ["02-05", "02-12", "02-19", "02-26", "03-01"]),
    ("month", ["2024-02"], ["03-01"]),
    ("day", [f"2024-02-{day:02d}" for day in range(1, 30)], [f"{m}-{d:02d}" for m, d in
                                                             [("02", day) for day in range(2, 30)] + [("03", 1)]]),
])
def test_slices_of_a_month(grain, labels, ends):
    cuts = channels.slices(periods.month("2024-02"), grain)
    assert [channels.slice_label(cut.start, grain) for cut in cuts] == labels
    assert [f"{cut.end:%m-%d}" for cut in cuts] == ends


def test_a_week_by_week_is_one_slice(con):
    insert_tickets(con, TICKETS)
    mix = channels.channel_mix(con, W08, "week", {})
    assert mix.by_slice["period"].unique().tolist() == ["2024-W08"]
    assert mix.by_slice[list(channels.KEYS)].equals(mix.total)
    assert mix.total["cost"].isna().all() and mix.total["uncosted"].tolist() == [3, 2, 1, 1, 7]


def test_an_empty_period_has_its_total_row(con):
    mix = channels.channel_mix(con, W08, "week", {"phone": 1.0})
    assert mix.total[["is_total", "created", "uncosted"]].values.tolist() == [[True, 0, 0]]
    assert math.isnan(mix.total["service_level"].iloc[0])


def test_shift_between_channels():
    moved = channels.shift({"phone": 300, "web": 100, "fax": 10}, {"phone": 120.0, "web": 30.0}, "phone", "web", 0.2)
    # 60 phone contacts go to the web: 300 × 120 + 100 × 30 = 39,000 → 240 × 120 + 160 × 30 = 33,600
    assert (moved.moved, moved.cost_before, moved.cost_after, moved.difference) == (60, 39000, 33600, -5400)
    assert moved.created_after == {"phone": 240, "web": 160, "fax": 10}


@pytest.mark.parametrize("source, target, fraction, key", [
    ("phone", "phone", 0.1, "channels.error.same_channel"),
    ("phone", "web", 1.5, "channels.error.fraction"),
    ("phone", "chat", 0.1, "channels.error.no_cost"),
])
def test_a_shift_that_cannot_be_priced_is_refused(source, target, fraction, key):
    with pytest.raises(ChannelCostError) as refused:
        channels.shift({"phone": 10}, {"phone": 1.0, "web": 2.0}, source, target, fraction)
    assert refused.value.key == key and refused.value.message("zh-TW")


def test_costs_persist_and_blank_means_none(con):
    assert channels.load_costs(con) == {}
    channels.save_costs(con, {"phone": 120, "email": 40.5, "web": None, "chat": math.nan})
    assert channels.load_costs(con) == {"email": 40.5, "phone": 120.0}
    channels.save_costs(con, {"phone": 100})
    assert channels.load_costs(con) == {"phone": 100.0}
    for bad in (-1, math.inf, "12"):
        with pytest.raises(ChannelCostError):
            channels.save_costs(con, {"phone": bad})
    assert channels.load_costs(con) == {"phone": 100.0}


@pytest.mark.parametrize("word, channel", [
    ("Web Form", "web"), ("web_widget", "web"), ("API", "web"), ("Voice", "phone"), ("Chat", "chat"),
    ("SMS", "sms"), ("Portal", "web"), ("self-service", "web"), ("walk-in", "walk_in"), ("LINE", "chat"),
    ("服務專線", None), ("簡訊", "sms"), ("臨櫃", "walk_in"), ("傳真", "fax"), ("Twitter", "social"),
    ("Closed ticket", None),
])
def test_export_words_for_channels(word, channel):
    assert vocabularies.COMMON_CHANNEL.get(vocabularies.normalise(word)) == channel


def test_the_channel_kpis_are_declared_once():
    registered = {key for key in metrics.registry() if key.startswith("channels.")}
    assert registered == {"channels.share", "channels.cost", "channels.cost_per_contact", "channels.shift_difference"}
    assert metrics.get("channels.cost").format(39000.4) == "NT$39,000"


def test_the_channels_command_prints_fixed_keys(db_file):
    con = store.connect(db_file)
    insert_tickets(con, TICKETS)
    channels.save_costs(con, {"phone": 120, "email": 40})
    con.close()
    run = lambda *args: subprocess.run([sys.executable, "-m", "kpi", "channels", "--period", "2024-W08", *args,  # noqa: E731
                                        "--db", str(db_file)], capture_output=True, text=True, timeout=120)
    done = run("--by", "day", "--shift-from", "phone", "--shift-to", "email", "--shift", "0.5", "--format", "json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert list(printed) == ["period", "by", "channels", "slices", "what_if"]
    assert (printed["period"], printed["by"]) == ("2024-W08", "day")
    assert all(list(row) == list(channels.KEYS) for row in printed["channels"] + printed["slices"])
    phone, total = printed["channels"][0], printed["channels"][-1]
    assert (phone["channel"], phone["created"], phone["cost"], phone["resolution_median"]) == ("phone", 3, 360.0, 4.0)
    assert (total["is_total"], total["channel"], total["created"], total["cost"]) == (True, None, 7, 440.0)
    assert printed["what_if"] == {"from": "phone", "to": "email", "fraction": 0.5, "moved": 1.5,
                                  "cost_before": 440.0, "cost_after": 320.0, "difference": -120.0}
    assert len([row for row in printed["slices"] if row["is_total"]]) == 7
    refused = run("--shift-from", "phone", "--shift-to", "chat", "--shift", "0.5")
    assert refused.returncode == 2 and refused.stderr.startswith("error: Enter a cost per contact") and not refused.stdout
    assert run("--shift-from", "phone").stderr == "error: a what-if needs both --shift-from and --shift-to\n"
    assert run("--format", "csv").stdout.splitlines()[0] == ",".join(channels.KEYS)
    # Without a period, the last complete week with tickets, as the page opens.
    default = subprocess.run([sys.executable, "-m", "kpi", "channels", "--db", str(db_file)],
                             capture_output=True, text=True, timeout=120)
    assert json.loads(default.stdout)["period"] == "2024-W08"
