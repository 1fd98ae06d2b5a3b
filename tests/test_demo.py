"""The demo-data generator: deterministic, in e-contact+ layout, and as realistic as promised."""

import datetime as dt
import hashlib
import re

import numpy as np
import pandas as pd
import pytest

from kpi import demo, demo_cli, store
from kpi.cli import main
from kpi.ingest import importer
from kpi.service import channels
from kpi.service.periods import iso_week
from tests.conftest import FIXTURES

AS_OF = pd.Timestamp(demo.DEMO_END)
OPEN_STATUSES = {demo.STATUS_IN_PROGRESS, demo.STATUS_ESCALATING, demo.STATUS_UNASSIGNED}
TIME_COLUMNS = ("提出時間", "首次回應時間", "標準完成時間", "首次承諾時間", "預計完成時間", "完成時間", "最後更新時間")


def times(export: pd.DataFrame) -> dict[str, pd.Series]:
    return {column: pd.to_datetime(export[column], format="%Y-%m-%d %H:%M") for column in TIME_COLUMNS}


@pytest.fixture(scope="module")
def demo_year() -> pd.DataFrame:
    """The demo's final state: every request as it stands at the end of the demo year."""
    return demo.generate_econtact_export(demo.DEMO_REQUESTS, demo.DEMO_SEED, demo.DEMO_START, demo.DEMO_END)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list:
    return demo.write_demo_exports(tmp_path_factory.mktemp("demo"))


def business_days_later(moment: dt.datetime, days: int) -> dt.datetime:
    """The rule stepped day by day: a weekend moment first moves to Monday, then count Mon–Fri."""
    while moment.weekday() >= 5:
        moment += dt.timedelta(days=1)
    while days:
        moment += dt.timedelta(days=1)
        days -= moment.weekday() < 5
    return moment


def test_business_days_reproduce_the_seed_screenshots():
    moments = np.array(["2012-02-24T17:20", "2012-08-07T17:17", "2024-01-06T10:00"], dtype="datetime64[m]")
    # Fri 24 Feb + 14: 27 Feb–2 Mar (5), 5–9 Mar (10), 12–15 Mar (14) → Thu 15 Mar, same clock.
    # Tue 7 Aug + 21: 8–10 Aug (3), three full weeks (18), 3–5 Sep (21) → Wed 5 Sep.
    # Sat 6 Jan 2024 counts from Mon 8 Jan: + 3 → Thu 11 Jan.
    expected = np.array(["2012-03-15T17:20", "2012-09-05T17:17", "2024-01-11T10:00"], dtype="datetime64[m]")
    np.testing.assert_array_equal(demo.add_business_days(moments, np.array([14, 21, 3])), expected)


def test_standard_time_is_created_plus_the_levels_business_days_on_every_row():
    export = demo.generate_econtact_export(2_000, 11, dt.date(2026, 1, 1), dt.date(2026, 7, 1))
    levels = export["服務請求方法"].str.removeprefix("Level ").astype(int)
    created, standard = times(export)["提出時間"], times(export)["標準完成時間"]
    expected = [
        business_days_later(moment.to_pydatetime(), demo.LEVEL_BUSINESS_DAYS[level - 1])
        for moment, level in zip(created, levels, strict=True)
    ]
    assert standard.dt.to_pydatetime().tolist() == expected
    # The sample holds weekend requests too, so the Monday rule is exercised.
    assert (created.dt.day_of_week >= 5).sum() > 10


def test_same_seed_writes_identical_bytes_and_another_seed_does_not(tmp_path):
    def checksum(seed: int, name: str) -> str:
        export = demo.generate_econtact_export(3_000, seed, dt.date(2026, 1, 1), dt.date(2026, 4, 1))
        return hashlib.sha256(demo.write_export_csv(export, tmp_path / name).read_bytes()).hexdigest()

    assert checksum(5, "a.csv") == checksum(5, "b.csv")
    assert checksum(5, "a.csv") != checksum(6, "c.csv")


def test_export_has_the_econtact_header_and_is_utf8_with_bom(tmp_path):
    export = demo.generate_econtact_export(50, 1, dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert tuple(export.columns) == demo.COLUMNS
    first_line = demo.write_export_csv(export, tmp_path / "x.csv").read_bytes().split(b"\r\n")[0]
    assert first_line == b"\xef\xbb\xbf" + ",".join(demo.COLUMNS).encode()


def test_big5_export_holds_the_same_text(tmp_path):
    export = demo.generate_econtact_export(500, 2, dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    utf8 = demo.write_export_csv(export, tmp_path / "utf8.csv").read_bytes().decode("utf-8-sig")
    assert demo.write_export_csv(export, tmp_path / "big5.csv", encoding="big5").read_bytes().decode("big5") == utf8


def test_level_counts_follow_the_mix_skewed_to_levels_3_to_5():
    export = demo.generate_econtact_export(10_000, 3, dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    counts = export["服務請求方法"].value_counts()
    # Expected 10,000 × (5, 10, 25, 30, 30)% = 500, 1000, 2500, 3000, 3000; allow ± 4 binomial
    # standard deviations √(n·p·(1−p)) = 22, 30, 43, 46, 46.
    for level, low, high in ((1, 413, 587), (2, 880, 1120), (3, 2327, 2673), (4, 2816, 3184), (5, 2816, 3184)):
        assert low <= counts[f"Level {level}"] <= high


def test_owners_are_realistic_and_every_text_fits_big5():
    departments = pd.Series([department for _, department in demo.DEMO_OWNERS]).value_counts()
    assert len(departments) == 5 and departments.between(4, 8).all()
    names = [name for name, _ in demo.DEMO_OWNERS]
    assert len(set(names)) == len(names) == 30
    texts = [*names, *departments.index, *demo.CUSTOMERS, *demo.CHANNELS, *demo.STATUSES, *demo.FORWARDED,
             *(subject for subjects in demo.SUBJECTS_BY_LEVEL for subject in subjects), *demo.COLUMNS]
    for text in texts:
        text.encode("big5")  # raises if Excel on a zh-TW machine could not save it as Big5


def test_ids_number_the_requests_of_each_month(demo_year):
    created = times(demo_year)["提出時間"]
    assert demo_year["編號"].is_unique
    assert demo_year["編號"].str.fullmatch(r"\d{6}-\d{4}").all()
    assert (demo_year["編號"].str[:6] == created.dt.strftime("%Y%m")).all()
    number = demo_year["編號"].str[7:].astype(int)
    per_month = number.groupby(demo_year["編號"].str[:6])
    assert (per_month.min() == 1).all() and (per_month.max() == per_month.count()).all()


def test_demo_year_has_the_promised_mix(demo_year):
    t = times(demo_year)
    done = t["完成時間"].notna()
    on_time = t["完成時間"][done] <= t["預計完成時間"][done]
    owner_rates = on_time.groupby(demo_year.loc[done, "負責人"]).mean()
    assert len(demo_year) == 20_000
    assert 0.03 <= (~done).mean() <= 0.05  # still open at the end of the range
    assert 0.02 <= (demo_year["後送"] == "是").mean() <= 0.04
    assert 0.80 <= on_time.mean() <= 0.90  # service level, varying per owner:
    assert owner_rates.min() < 0.78 and owner_rates.max() > 0.90
    assert 1 <= demo_year["負責人"].isna().sum() <= 20
    assert (t["提出時間"].dt.day_of_week < 5).mean() > 0.9
    assert t["提出時間"].dt.hour.between(8, 17).mean() > 0.75
    escalations = demo_year["升級次數"].clip(upper=3).value_counts(normalize=True)
    assert escalations[0] > 0.8 and escalations[1] > escalations[2] > escalations[3] > 0
    assert escalations[3] < 0.03
    assert set(demo_year["延時申請次數"]) == {0, 1, 2, 3}


def test_every_demo_row_is_consistent(demo_year):
    t = times(demo_year)
    due, first, done = t["預計完成時間"], t["首次承諾時間"], t["完成時間"].notna()
    is_open = demo_year["服務請求狀態"].isin(OPEN_STATUSES)
    escalated = demo_year["升級次數"] > 0
    assert (is_open == ~done).all()
    assert ((due == first) == (demo_year["延時申請次數"] == 0)).all()  # only extensions move it
    assert (due >= first).all()
    assert (t["完成時間"][done] > t["提出時間"][done]).all()
    # Escalated only when the commitment was broken: completed late, or open past it.
    late = (done & (t["完成時間"] > due)) | (~done & (due < AS_OF))
    assert not (escalated & ~late).any()
    assert (demo_year["負責人"].isna() == (demo_year["服務請求狀態"] == demo.STATUS_UNASSIGNED)).all()
    escalating = demo_year["服務請求狀態"] == demo.STATUS_ESCALATING
    assert (escalating == (is_open & escalated & demo_year["負責人"].notna())).all()
    assert (t["最後更新時間"] >= t["提出時間"]).all() and (t["最後更新時間"] < AS_OF).all()
    assert (t["最後更新時間"][done] >= t["完成時間"][done]).all()


def test_demo_exports_are_quarterly_and_repeat_open_requests_with_new_values(demo_files):
    assert [path.name for path in demo_files] == [
        "econtact-requests_20251124-20260222.csv",
        "econtact-requests_20260223-20260524.csv",
        "econtact-requests_20260525-20260823.csv",
        "econtact-requests_20260824-20261122.csv",
    ]
    assert all(path.read_bytes().startswith(b"\xef\xbb\xbf") for path in demo_files)
    first, second = (pd.read_csv(path, dtype=str, encoding="utf-8-sig") for path in demo_files[:2])
    open_then = first[first["服務請求狀態"].isin(OPEN_STATUSES)].set_index("編號")
    again = second.set_index("編號").loc[second["編號"].isin(open_then.index).to_numpy()]
    assert len(again) == len(open_then) > 100  # every open request comes back, updated
    assert (again["最後更新時間"] > open_then.loc[again.index, "最後更新時間"]).all()
    assert (again["服務請求狀態"] != open_then.loc[again.index, "服務請求狀態"]).sum() > 100
    # A quarter's export holds only what changed in the quarter (23 Feb–24 May 2026).
    updated = pd.to_datetime(second["最後更新時間"])
    assert updated.between("2026-02-23", "2026-05-25", inclusive="left").all()


def test_demo_exports_in_order_add_up_to_the_final_state(demo_files, demo_year):
    exports = pd.concat([pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
                         for path in demo_files])  # fmt: skip
    final = exports.drop_duplicates("編號", keep="last").sort_values("編號", ignore_index=True)
    expected = demo_year.fillna("").astype(str).sort_values("編號", ignore_index=True)
    pd.testing.assert_frame_equal(final, expected, check_dtype=False)


def test_demo_exports_are_reproducible(demo_files, tmp_path):
    again = demo.write_demo_exports(tmp_path)
    assert [path.read_bytes() for path in again] == [path.read_bytes() for path in demo_files]


@pytest.fixture
def small_demo(monkeypatch, tmp_path):
    """The demo command on 2,000 requests, writing into a temporary folder."""
    monkeypatch.setattr(demo, "DEMO_REQUESTS", 2_000)
    monkeypatch.setattr(demo_cli, "DEMO_DIR", tmp_path / "demo")
    return demo.generate_econtact_export(2_000, demo.DEMO_SEED, demo.DEMO_START, demo.DEMO_END)


def test_demo_command_imports_the_exports_as_demo_batches_once(small_demo, db_file, capsys):
    assert main(["demo", "--db", str(db_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("econtact-requests_20251124-20260222.csv: ")
    assert lines[4] == "channel costs: 6 channels at NT$12-41 a contact"  # with the tickets
    assert lines[5].startswith("people.csv: 40 rows imported, 0 refused")  # then the demo people
    assert " 0 rejected" in lines[0]
    assert int(re.search(r"(\d+) updated", lines[1])[1]) > 0  # the second export repeats open requests
    con = store.connect(db_file)
    stored = con.execute("SELECT count(*), count(*) FILTER (is_open) FROM tickets").fetchone()
    batches = con.execute("SELECT count(*), bool_and(is_demo) FROM import_batches").fetchone()
    con.close()
    still_open = small_demo["服務請求狀態"].isin(OPEN_STATUSES).sum()
    assert stored == (2_000, still_open)
    # 首次回應時間 maps to first_response_at: every response of the export is stored.
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(first_response_at) FROM tickets") == small_demo["首次回應時間"].notna().sum()
    # Every status word of the demo is known, so no import asks the user to assign one.
    assert dict(con.execute("SELECT DISTINCT status, state FROM tickets").fetchall()) == {
        "處理中": "open", "升級中": "open", "未分配": "new", "可結案": "resolved", "已關閉": "closed"}
    con.close()
    # four ticket exports, four people files, two of phone intervals and 41 Planner exports
    assert batches == (4 + 4 + 2 + 41, True)
    assert ("phone-intervals_2.csv: 1632 rows read, 1632 inserted, 0 updated, 0 unchanged,"
            " 0 superseded, 0 rejected (batch 10)") in lines
    assert lines[-1] == "check-in groups set for 8 people of 客服一部"  # the demo Planner plans come last

    # Each demo channel has a cost: the mix of 2026-W47 costs its new tickets at those, counted by hand.
    week = small_demo[small_demo["提出時間"].between("2026-11-16", "2026-11-23")]
    by_word = dict(zip(demo.CHANNELS, ("phone", "email", "web", "chat", "sms", "fax"), strict=True))
    expected = sum(demo.DEMO_CHANNEL_COSTS[by_word[word]] for word in week["服務請求來源"])
    con = store.connect(db_file)
    mix = channels.channel_mix(con, iso_week("2026-W47"), "week", channels.load_costs(con))
    con.close()
    total = mix.total[mix.total["is_total"]].iloc[0]
    assert (total["created"], total["cost"], total["uncosted"]) == (len(week), pytest.approx(expected), 0)

    # `make run` calls it with --if-empty every time: a filled store is left alone.
    assert main(["demo", "--if-empty", "--db", str(db_file)]) == 0
    assert capsys.readouterr().out == ("demo: the store already holds 2000 tickets; nothing imported\n"
                                       "demo: the store already holds 40 people; nothing imported\n"
                                       "demo: the store already holds 3264 intervals; nothing imported\n"
                                       "demo: the store already holds 2 okr_plans; nothing imported\n")
    con = store.connect(db_file)
    assert store.scalar(con, "SELECT count(*) FROM import_batches") == 4 + 4 + 2 + 41  # unchanged by the second run
    con.close()


def test_the_demo_costs_never_join_a_users_own_tickets_or_costs(small_demo, db_file, capsys):
    con = store.connect(db_file)
    importer.import_file(con, FIXTURES / "week41-2009.csv")  # a user's own export, no costs entered
    con.close()
    assert main(["demo", "--if-empty", "--db", str(db_file)]) == 0   # as `make run` does
    con = store.connect(db_file)
    assert channels.load_costs(con) == {}
    channels.save_costs(con, {"walk_in": 80.0})
    demo_cli._demo_tickets(con)   # `make demo` into a store holding a cost of the user's
    assert channels.load_costs(con) == {"walk_in": 80.0}
    con.close()


def test_first_responses_are_mostly_within_the_levels_limit_and_some_late(demo_year):
    t = times(demo_year)
    levels = demo_year["服務請求方法"].str.removeprefix("Level ").astype(int)
    waited = t["首次回應時間"] - t["提出時間"]
    answered = t["首次回應時間"].notna()
    # Only requests of the last week (waiting to be taken, or late) are still unanswered at its end.
    assert (~answered).sum() < 10 and (t["提出時間"][~answered] > AS_OF - pd.Timedelta(days=7)).all()
    assert (waited[answered] > pd.Timedelta(0)).all()
    # Levels 1–3 have limits in hours (seed levels: 1 h, 1 h, 3 h): 85–90% within, the rest late.
    for level, limit in ((1, 1), (2, 1), (3, 3)):
        within = (waited[answered & (levels == level)] <= pd.Timedelta(hours=limit)).mean()
        assert 0.83 < within < 0.92, (level, within)
    # The unassigned (no owner yet) have no response unless they were answered before being taken.
    assert demo_year.loc[demo_year["服務請求狀態"] == demo.STATUS_UNASSIGNED, "首次回應時間"].notna().sum() < 10
