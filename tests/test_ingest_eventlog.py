"""Event logs: recognised by their headers, folded into one ticket per case, re-folded when a later
slice of the same log comes, and undone with their events.

Expected values are worked out by hand from the fixtures (rows as a spreadsheet numbers them).
"""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from kpi import store
from kpi.ingest import formats, importer
from kpi.service import report
from kpi.service.periods import iso_week
from kpi.service.populations import ServiceQuery
from tests.conftest import FIXTURES
from tests.test_service_report import rows_by_group

ROOT = Path(__file__).resolve().parents[1]
DISCO, LATER, XES = FIXTURES / "eventlog-disco.csv", FIXTURES / "eventlog-disco-later.csv", FIXTURES / "eventlog-xes.csv"
CASE_COLUMNS = ("ticket_id, subject, owner, department, status, state, created_at, completed_at, closed_at,"
                " updated_at, reassignment_count, reopen_count")


def d(day: str, time: str) -> datetime:
    return datetime.fromisoformat(f"2024-{day} {time}")


# Disco log, one row per case. Case 1 has a duplicated event row; Case 2 is reopened after
# "Closed" and completed again; Case 3 changes resource twice and group once; Case 4 is reopened
# and still open; Case 5 waits (pending); Case 6 was created the week before; Case 7's last
# activity ("Resolve SW anomaly") maps to no state, so it neither reopens it nor stops it being closed.
DISCO_CASES = [
    ("Case 1", "Insert ticket", "Value 2", "Group A", "Closed", "closed", d("03-04", "09:00"), d("03-05", "15:00"),
     d("03-06", "09:00"), d("03-06", "09:00"), 1, 0),
    ("Case 2", "Insert ticket", "Value 3", "Group A", "Closed", "closed", d("03-04", "11:00"), d("03-07", "16:00"),
     d("03-08", "09:00"), d("03-08", "09:00"), 1, 1),
    ("Case 3", "Insert ticket", "Value 4", "Group B", "Take in charge ticket", "open", d("03-05", "08:00"), None,
     None, d("03-07", "14:00"), 3, 0),
    ("Case 4", "Insert ticket", "Value 2", "Group A", "Take in charge ticket", "open", d("03-06", "09:00"), None,
     None, d("03-08", "09:00"), 1, 1),
    ("Case 5", "Insert ticket", "Value 3", "Group A", "Wait", "pending", d("03-07", "09:00"), None, None,
     d("03-07", "10:00"), 0, 0),
    ("Case 6", "Insert ticket", "Value 1", "Group A", "Closed", "closed", d("02-28", "09:00"), d("03-05", "11:00"),
     d("03-06", "10:00"), d("03-06", "10:00"), 0, 0),
    ("Case 7", "Assign seriousness", "Value 5", "Group A", "Resolve SW anomaly", "closed", d("03-08", "09:00"),
     d("03-09", "10:00"), d("03-09", "11:00"), d("03-10", "12:00"), 2, 0),
]


def cases(con, where: str = "") -> list[tuple]:
    return con.execute(f"SELECT {CASE_COLUMNS} FROM tickets {where} ORDER BY ticket_id").fetchall()


def events(con) -> list[tuple]:
    return con.execute("SELECT batch_id, count(*) FROM ticket_events GROUP BY batch_id ORDER BY batch_id").fetchall()


@pytest.mark.parametrize(("header", "layout"), [
    ("Case ID,Activity,Resource,Complete Timestamp,Variant,Variant index", "eventlog"),
    ("case_id,activity,timestamp,resource", "eventlog"),
    ("case:concept:name,concept:name,time:timestamp,org:resource,org:group,lifecycle:transition", "xes"),
    ("SR Number;Change Date+Time;Nr;Status;Sub Status;Involved ST Function Div;Involved Org line 3;Involved ST;"
     "SR Latest Impact;Product;Country;Owner Country;Owner First Name", "bpi2013"),
    ("Incident ID;DateStamp;IncidentActivity_Number;IncidentActivity_Type;Assignment Group;KM number;"
     "Interaction ID", "bpi2014"),
    # A case id and a time but no activity: not an event log.
    ("Case ID,Subject,Timestamp", None),
    ("Id,Subject,Status,Created at,Assignee", "zendesk"),
])
def test_event_logs_are_recognised_by_their_header(header, layout):
    recognised = formats.recognise(header.replace(";", ",").split(","))
    assert (recognised.name if recognised else None) == layout
    assert recognised is None or recognised.event_log == (layout in ("eventlog", "xes", "bpi2013", "bpi2014"))


def test_a_disco_log_becomes_one_ticket_per_case(con):
    result = importer.import_file(con, DISCO)
    # 33 event rows: 2 rejected, 31 folded into 7 cases (the other 24 count as superseded).
    assert (result.rows_read, result.inserted, result.superseded, result.rejected) == (33, 7, 24, 2)
    assert [(r.row, r.column, r.key) for r in result.rejects] == [
        (14, "Case ID", "reject.empty_required"), (31, "Complete Timestamp", "reject.bad_date")]
    assert cases(con) == DISCO_CASES
    # Each ticket points at the file row of its case's last event; the duplicated row is stored once.
    assert con.execute("SELECT source_row FROM tickets WHERE ticket_id = 'Case 7'").fetchall() == [(34,)]
    assert events(con) == [(1, 30)]
    summary = importer.store_summary(con)
    assert (summary["tickets"], summary["open"]) == (7, 3)
    assert con.execute("SELECT customer, source_system FROM tickets WHERE ticket_id = 'Case 6'").fetchall() == [
        ("Customer 3", "Event log")]


def test_the_preview_lists_every_activity_with_its_state(con):
    source = importer.open_source(con, DISCO)
    plan = importer.propose_plan(con, source)
    assert plan.event_log and plan.options()["event_log"] is True
    quality = importer.preview(con, source, plan).quality
    # Two events carry a word that maps to no state: rows 30 and 34.
    assert (quality.counts["unknown_status"], quality.examples["unknown_status"]) == (2, [30, 34])
    assert quality.statuses == [
        ("Take in charge ticket", 9, "open"), ("Closed", 6, "closed"), ("Insert ticket", 6, "new"),
        ("Resolve ticket", 5, "resolved"), ("Wait", 2, "pending"), ("Assign seriousness", 1, "new"),
        ("Create SW anomaly", 1, None), ("Resolve SW anomaly", 1, None)]


def test_the_activity_map_is_editable_like_statuses(con):
    source = importer.open_source(con, DISCO)
    plan = importer.propose_plan(con, source)
    plan.status_map["Resolve SW anomaly"] = "open"
    importer.commit(con, importer.preview(con, source, plan))
    # Case 7 is now open again after its closure: reopened once, not completed.
    assert cases(con, "WHERE ticket_id = 'Case 7'")[0][4:] == (
        "Resolve SW anomaly", "open", d("03-08", "09:00"), None, None, d("03-10", "12:00"), 2, 1)


def test_the_weekly_table_counts_cases(con):
    importer.import_file(con, DISCO)
    table = report.weekly_report(con, iso_week("2024-W10"), ServiceQuery(by="owner"))
    # No level, so no deadline: every completion is on time and every open case is not yet due.
    # carried over, new, in play, on time, open not due, late done, overdue 0/1/2/3+, completion
    # rate, average escalations, total service level, service level (new done on time / new; none
    # without new cases).
    rows = {group: tuple(None if v != v else v for v in row) for group, row in rows_by_group(table, "TOTAL").items()}
    assert rows == {
        "Value 1": (1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1.0, 0.0, 1.0, None),       # Case 6
        "Value 2": (0, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0.5, 0.0, 0.5, 0.5),        # Case 1 done, Case 4 open
        "Value 3": (0, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0.5, 0.0, 0.5, 0.5),        # Case 2 done, Case 5 pending
        "Value 4": (0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0),        # Case 3
        "Value 5": (0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1.0, 0.0, 1.0, 1.0),        # Case 7
        "TOTAL": (1, 6, 7, 4, 3, 0, 0, 0, 0, 0, 0.571, 0.0, 0.571, 0.5),
    }


def test_a_later_slice_updates_its_cases_and_undo_restores_them(con):
    importer.import_file(con, DISCO)
    later = importer.import_file(con, LATER)
    # 8 rows: two repeat stored events; Case 4 and Case 5 get new versions, Case 8 is new.
    assert (later.rows_read, later.inserted, later.updated, later.unchanged, later.superseded) == (8, 1, 2, 0, 5)
    assert cases(con, "WHERE ticket_id IN ('Case 4', 'Case 5', 'Case 8')") == [
        ("Case 4", "Insert ticket", "Value 2", "Group A", "Closed", "closed", d("03-06", "09:00"),
         d("03-12", "10:00"), d("03-13", "09:00"), d("03-13", "09:00"), 1, 1),
        ("Case 5", "Insert ticket", "Value 6", "Group A", "Resolve ticket", "resolved", d("03-07", "09:00"),
         d("03-11", "12:00"), None, d("03-11", "12:00"), 1, 0),
        ("Case 8", "Insert ticket", "Value 1", "Group A", "Take in charge ticket", "open", d("03-12", "08:00"), None,
         None, d("03-12", "09:00"), 0, 0),
    ]
    assert events(con) == [(1, 30), (2, 6)]
    assert importer.store_summary(con)["open"] == 2  # Case 3 and Case 8

    assert importer.undo_batch(con, later.batch_id) == 3
    assert cases(con) == DISCO_CASES
    assert events(con) == [(1, 30)]


def test_a_slice_stored_after_the_preview_is_folded_in_on_commit(con):
    earlier = importer.open_source(con, DISCO)
    earlier_preview = importer.preview(con, earlier, importer.propose_plan(con, earlier))
    importer.import_file(con, LATER)  # meanwhile, e.g. in another browser session
    importer.commit(con, earlier_preview)
    # Case 4 holds both slices' events: created at its first event, reopened once, completed.
    assert cases(con, "WHERE ticket_id = 'Case 4'") == [
        ("Case 4", "Insert ticket", "Value 2", "Group A", "Closed", "closed", d("03-06", "09:00"),
         d("03-12", "10:00"), d("03-13", "09:00"), d("03-13", "09:00"), 1, 1)]
    assert events(con) == [(1, 8), (2, 28)]  # the two events both slices hold are stored once, first come


def test_an_xes_log_uses_complete_events_and_converts_offsets(con):
    result = importer.import_file(con, XES)
    assert (result.rows_read, result.inserted, result.rejected) == (16, 3, 0)
    # +01:00 times are stored in Asia/Taipei (+08:00). A "start" event carries no state: INC-1
    # closes when "Close" completes, INC-2 reopens when "Reopen" completes, and INC-3 only
    # started to "Resolve", so it is open.
    assert cases(con) == [
        ("INC-1", "Register", "R2", "G2", "Close", "closed", d("03-05", "16:00"), d("03-05", "20:30"),
         d("03-05", "20:30"), d("03-05", "20:30"), 1, 0),
        ("INC-2", "Register", "R4", "G2", "Resolve", "resolved", d("03-06", "15:00"), d("03-07", "19:00"), None,
         d("03-07", "19:00"), 2, 1),
        ("INC-3", "Register", "R5", "G1", "Resolve", "open", d("03-09", "01:30"), None, None,
         d("03-09", "02:00"), 1, 0),
    ]


VINST = """SR Number;Change Date+Time;Nr;Status;Sub Status;Involved ST Function Div;Involved Org line 3;Involved ST;SR Latest Impact;Product;Country;Owner Country;Owner First Name
1-364285768;2010-03-31T15:59:42+01:00;1;Accepted;In Progress;V3_2;Org line A2;V5 3rd;Medium;PROD582;fr;France;Frederic
1-364285768;2010-03-31T16:00:56+01:00;2;Queued;Awaiting Assignment;V3_2;Org line A2;V30;Medium;PROD582;fr;France;Frederic
1-364285768;2010-04-06T15:58:22+02:00;3;Accepted;Wait - User;V3_2;Org line A2;V30;Medium;PROD582;fr;France;Anne Claire
1-364285768;2010-04-07T09:12:01+02:00;4;Completed;Resolved;V3_2;Org line A2;V30;Medium;PROD582;fr;France;Anne Claire
1-364285768;2010-04-09T09:12:01+02:00;5;Completed;Closed;V3_2;Org line A2;V30;Medium;PROD582;fr;France;Anne Claire
1-467153946;2010-04-08T11:00:00+02:00;1;Accepted;In Progress;A2_4;Org line C;G97;Major;PROD97;sk;Sweden;Elaine
1-467153946;2010-04-08T12:30:00+02:00;2;Completed;Cancelled;A2_4;Org line C;G97;Major;PROD97;sk;Sweden;Elaine
"""


def test_a_vinst_log_reads_its_sub_status(con, tmp_path):
    path = tmp_path / "VINST cases incidents.csv"
    path.write_text(VINST, encoding="cp1252")
    result = importer.import_file(con, path)
    assert (result.inserted, result.rejected) == (2, 0)
    rows = con.execute("SELECT ticket_id, owner, department, level, status, state, completed_at, closed_at,"
                       " reassignment_count FROM tickets ORDER BY ticket_id").fetchall()
    # Completed/Resolved completes the first incident; Completed/Cancelled cancels the second.
    assert rows == [
        ("1-364285768", "Anne Claire", "V30", 3, "Completed", "closed", datetime(2010, 4, 7, 15, 12, 1),
         datetime(2010, 4, 9, 15, 12, 1), 2),
        ("1-467153946", "Elaine", "G97", 1, "Completed", "cancelled", None, None, 0),
    ]


def test_a_rabobank_log_reads_day_first_dates_and_reopens(con, tmp_path):
    path = tmp_path / "Detail_Incident_Activity.csv"
    path.write_text(
        "Incident ID;DateStamp;IncidentActivity_Number;IncidentActivity_Type;Assignment Group;KM number;Interaction ID\n"
        "IM0000004;07-01-2013 08:17:17;001A3689763;Reassignment;TEAM0001;KM0000553;SD0000007\n"
        "IM0000004;04-11-2013 13:41:30;001A5852941;Reassignment;TEAM0002;KM0000553;SD0000007\n"
        "IM0000004;05-11-2013 09:00:00;001A5852950;Closed;TEAM0003;KM0000553;SD0000007\n"
        "IM0000004;13-11-2013 10:00:00;001A5852960;Reopen;TEAM0003;KM0000553;SD0000007\n", encoding="utf-8")
    importer.import_file(con, path)
    assert con.execute("SELECT department, state, created_at, completed_at, reassignment_count, reopen_count"
                       " FROM tickets").fetchall() == [
        ("TEAM0003", "open", datetime(2013, 1, 7, 8, 17, 17), None, 2, 1)]


AUDIT = "Id,Subject,Status,Created at,Assignee\n1,Printer,Open,2024-03-04 09:00,Ann\n1,Printer,Solved,2024-03-05 10:00,Bob\n"


def test_any_file_can_be_marked_as_an_event_log_and_a_profile_keeps_it(con, tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(AUDIT, encoding="utf-8")
    source = importer.open_source(con, path)
    plan = importer.propose_plan(con, source)
    assert plan.layout == "zendesk" and not plan.event_log
    importer.save_profile(con, "audit trail", source.columns, importer.ImportPlan(
        "audit trail", plan.source_system, plan.mapping, plan.date_formats, event_log=True))
    plan = importer.propose_plan(con, source)
    assert (plan.profile, plan.event_log) == ("audit trail", True)
    importer.commit(con, importer.preview(con, source, plan))
    # Created at the first row, completed at the first "Solved", owned by the last assignee.
    assert cases(con) == [("1", "Printer", "Bob", None, "Solved", "resolved", d("03-04", "09:00"),
                           d("03-05", "10:00"), None, d("03-05", "10:00"), 1, 0)]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "kpi", "import", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_the_command_line_recognises_an_event_log_and_forces_one(tmp_path):
    db = tmp_path / "store.duckdb"
    recognised = run_cli(DISCO, "--db", db)
    assert recognised.returncode == 0
    assert "eventlog-disco.csv: 33 rows read, 7 inserted, 0 updated, 0 unchanged, 24 superseded, 2 rejected (batch 1)" \
        in recognised.stdout
    audit = tmp_path / "audit.csv"
    audit.write_text(AUDIT, encoding="utf-8")
    forced = run_cli(audit, "--db", db, "--event-log")
    assert forced.returncode == 0
    assert "audit.csv: 2 rows read, 1 inserted, 0 updated, 0 unchanged, 1 superseded, 0 rejected (batch 2)" \
        in forced.stdout
    con = store.connect(db)
    assert con.execute("SELECT created_at, state FROM tickets WHERE ticket_id = '1'").fetchall() == [
        (d("03-04", "09:00"), "resolved")]
    con.close()
