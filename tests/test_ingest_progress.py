"""Import progress: the phases an import tells, the CLI's lines, and chunked writing."""

import io

from kpi.ingest import importer
from kpi.ingest.cli import ProgressLines
from kpi.ingest.progress import overall
from tests.conftest import FIXTURES

WEEK41 = FIXTURES / "week41-2009.csv"  # 1,371 bytes, seven valid tickets


def test_an_import_tells_each_phase_from_start_to_end(con):
    heard = []
    importer.import_file(con, WEEK41, progress=lambda *call: heard.append(call))
    assert heard == [
        ("read", 0, 1371), ("stage", 0, 1371),  # checksummed while staged
        ("read", 1371, 1371), ("stage", 1371, 1371),
        ("check", 0, 7), ("check", 7, 7),
        ("sort", 0, 7), ("sort", 7, 7),
        ("write", 0, 7), ("write", 7, 7),
    ]


def test_writing_in_chunks_tells_each_chunk_and_stores_the_same_versions(con, monkeypatch, tmp_path):
    whole = importer.import_file(con, WEEK41)
    expected = con.execute("SELECT * EXCLUDE (batch_id) FROM ticket_versions ORDER BY source_row").fetchall()
    importer.undo_batch(con, whole.batch_id)
    monkeypatch.setattr(importer, "WRITE_CHUNK_ROWS", 3)  # file rows 2-4, 5-7, 8
    heard = []
    copy = tmp_path / "again.csv"  # another name and a trailing line: not the same file as the undone one
    copy.write_bytes(WEEK41.read_bytes() + b"\n")
    importer.import_file(con, copy, progress=lambda *call: heard.append(call))
    assert [call for call in heard if call[0] == "write"] == [("write", 0, 7), ("write", 3, 7), ("write", 6, 7),
                                                             ("write", 7, 7)]
    assert con.execute("SELECT * EXCLUDE (batch_id) FROM ticket_versions WHERE is_current"
                       " ORDER BY source_row").fetchall() == expected


def test_overall_share_counts_each_phase_for_its_share_of_the_time():
    assert overall("read", 0, 100) == 0
    assert overall("stage", 50, 100) == 0.175  # reading 0.1, half of loading's 0.15
    assert overall("check", 3, 10) == 0.385    # 0.25, and 3/10 of checking's 0.45
    assert overall("write", 7, 7) == 1
    assert overall("sort", 0, 0) == 0.75  # nothing to sort: that phase is done


def test_cli_prints_nothing_for_a_quick_import_then_a_line_per_phase_and_every_two_seconds():
    now = [0.0]
    out = io.StringIO()
    lines = ProgressLines("big.csv", clock=lambda: now[0], out=out)
    lines("read", 0, 1000)
    now[0] = 2.9
    lines("read", 500, 1000)                # under 3 s: quiet
    now[0] = 3.0
    lines("read", 600, 1000)                # first line
    now[0] = 4.0
    lines("read", 700, 1000)                # same phase within 2 s: skipped
    lines("read", 1000, 1000)               # a phase's end is always told
    lines("stage", 0, 1000)                 # a new phase is told
    assert out.getvalue().splitlines() == [
        "big.csv: reading and checksumming 600/1,000 (6% of the import)",
        "big.csv: reading and checksumming 1,000/1,000 (10% of the import)",
        "big.csv: loading 0/1,000 (10% of the import)",
    ]
