"""The demo people are known to the store: listed on load, listed by the migration for older
stores, and removed with the demo tickets in one transaction."""

import pytest

from kpi import store
from kpi.demo import DEMO_CHANNEL_COSTS
from kpi.ingest import importer
from kpi.people import demo
from kpi.people.demo import demo_people_count, demo_roster, load_demo_people
from kpi.service import channels
from tests.conftest import FIXTURES


def test_loading_the_demo_people_lists_all_forty(con, tmp_path):
    load_demo_people(con, tmp_path)
    assert demo_people_count(con) == 40
    assert importer.store_summary(con)["demo_people"] == 40
    assert demo_roster()[0] == ("E1001", "陳怡君") and demo_roster()[-1] == ("E1040", "石承恩")


def test_the_migration_lists_the_demo_people_of_a_store_loaded_before_it(con, tmp_path):
    load_demo_people(con, tmp_path)
    # As a store made before 055: no list yet, and E1002 was renamed by the user since.
    con.execute("DROP TABLE demo_people")
    con.execute("DELETE FROM schema_migrations WHERE name = '055_demo_people.sql'")
    con.execute("UPDATE people SET name = '別人' WHERE employee_id = 'E1002'")
    assert store.migrate(con) == ["055_demo_people.sql"]
    listed = {row[0] for row in con.execute("SELECT employee_id FROM demo_people").fetchall()}
    assert listed == {employee_id for employee_id, _ in demo_roster()} - {"E1002"}


def test_removing_the_demo_data_is_one_transaction(con, tmp_path, monkeypatch):
    importer.import_file(con, FIXTURES / "week41-2009.csv", is_demo=True)
    load_demo_people(con, tmp_path)

    def fail(con):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(demo, "remove_demo_people", fail)
    with pytest.raises(RuntimeError):
        demo.remove_demo_data(con)
    # Nothing went: the demo tickets are back with the people.
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 7
    assert demo_people_count(con) == 40
    monkeypatch.undo()
    assert demo.remove_demo_data(con) == demo.DemoRemoval(batches=1 + 4, people=40)  # the tickets, 4 people files
    assert store.scalar(con, "SELECT count(*) FROM tickets") == 0 and demo_people_count(con) == 0


def test_the_demo_channel_costs_go_with_the_demo_unless_a_user_changed_them(con):
    importer.import_file(con, FIXTURES / "week41-2009.csv", is_demo=True)
    channels.save_costs(con, {**DEMO_CHANNEL_COSTS, "phone": 50.0, "walk_in": 80.0})  # a manager's two
    demo.remove_demo_data(con)
    assert channels.load_costs(con) == {"phone": 50.0, "walk_in": 80.0}


def test_batch_week_is_the_iso_week_of_the_newest_ticket_created(con):
    # week41-2009.csv: tickets created Mon 2009-10-05 .. Tue 2009-10-06, ISO week 41.
    report = importer.import_file(con, FIXTURES / "week41-2009.csv")
    assert importer.batch_week(con, report.batch_id) == "2009-W41"
    assert importer.batch_week(con, 999) is None
