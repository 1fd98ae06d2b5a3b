"""Nothing from a file, a profile or a form becomes SQL text.

Hostile headers, sheet names, cell values, profile names, defaults and scenario names go through
every import path; the store must hold exactly what it held before (previews), or the hostile
text stored verbatim as data (commits), and nothing the SQL asked for may exist afterwards.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from kpi import store
from kpi.ingest import importer
from kpi.ingest.reader import read_frame
from kpi.people import imports as people_imports
from kpi.roi.model import SEED
from kpi.roi.scenarios import list_scenarios, save_scenario
from tests.conftest import FIXTURES


def hostile(leak_path) -> list[str]:
    """Injections aimed at each way a name or value could be pasted into SQL."""
    return [
        f'主旨" AS VARCHAR) AS x FROM _incoming_frame; DELETE FROM ticket_versions; '
        f"COPY (SELECT * FROM ticket_versions) TO '{leak_path}'; CREATE TABLE pwned AS SELECT 1; --",
        "部門'); DELETE FROM ticket_versions; CREATE TABLE pwned AS SELECT 1; --",
        '") FROM staging; DROP TABLE import_batches; --',
        "$path",
        "*",
        "c1",
        "source_row",
    ]


def fingerprint(con) -> dict[str, list[tuple]]:
    """Every row of every stored table, for before/after comparison."""
    tables = [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY table_name").fetchall()]
    return {name: sorted(map(repr, con.execute(f"SELECT * FROM {name}").fetchall())) for name in tables}


@pytest.fixture
def stocked(tmp_path):
    """A file store holding the week-41 tickets, and the path a successful injection would write."""
    con = store.connect(tmp_path / "store.duckdb")
    importer.import_file(con, FIXTURES / "week41-2009.csv")
    yield con, tmp_path / "leaked.csv"
    con.close()


def week41_rows() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((FIXTURES / "week41-2009.csv").read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def with_hostile_columns(names: list[str]) -> tuple[list[str], list[list[str]]]:
    """Week 41 with new ids, its subject and department columns renamed and every hostile name
    added as a column whose cells are hostile too."""
    header, rows = week41_rows()
    header = [names[0] if h == "主旨" else names[1] if h == "部門" else h for h in header] + names[2:]
    rows = [[f"X{r[0]}", *r[1:], *names[2:]] for r in rows]
    return header, rows


def write_csv(path, header, rows, delimiter=","):
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows([header, *rows])


def write_xlsx(path, header, rows, sheet_name):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    for row in [header, *rows]:
        sheet.append(row)
    workbook.save(path)


@pytest.mark.parametrize("kind", ["csv", "tsv", "xlsx"])
def test_hostile_headers_and_cells_never_run(stocked, tmp_path, kind):
    con, leak = stocked
    names = hostile(leak)
    header, rows = with_hostile_columns(names)
    path = tmp_path / f"hostile.{kind if kind != 'tsv' else 'txt'}"
    if kind == "xlsx":
        write_xlsx(path, header, rows, sheet_name="'; DROP TABLE tickets; --")
    else:
        write_csv(path, header, rows, delimiter="\t" if kind == "tsv" else ",")
    before = fingerprint(con)

    source = importer.open_source(con, path)
    assert source.columns == header
    plan = importer.propose_plan(con, source)
    # Map fields onto the hostile columns, give hostile defaults and a hostile source name.
    plan.mapping.update(subject=names[0], department=names[1], customer=names[2], channel=names[3],
                        extension_count=names[4])
    plan.defaults.update(satisfaction="'); DROP TABLE tickets; --")
    plan.source_system = "x'); DROP TABLE tickets; --"
    preview = importer.preview(con, source, plan)
    # The hostile text in a count column is refused as a value, named by its hostile header.
    assert preview.rejected == 7 and preview.to_insert == 0
    assert {(r.row, r.column) for r in preview.rejects} == {(row, names[4]) for row in range(2, 9)}
    assert fingerprint(con) == before and not leak.exists()

    del plan.mapping["extension_count"]
    preview = importer.preview(con, source, plan)
    assert (preview.to_insert, preview.rejected) == (7, 0)
    assert fingerprint(con) == before and not leak.exists()
    importer.commit(con, preview)
    importer.discard(con, source)
    stored = con.execute("SELECT subject, department, customer, channel, source_system FROM tickets"
                         " WHERE ticket_id = 'X200910-001'").fetchall()
    assert stored == [("話機螢幕無顯示", "總經理室-測試環境", names[2], names[3], plan.source_system)]
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(14,)]
    assert not leak.exists()
    assert "pwned" not in fingerprint(con)


def test_hostile_profile_names_and_defaults_are_data(stocked, tmp_path):
    con, leak = stocked
    header, rows = with_hostile_columns(hostile(leak))
    path = tmp_path / "hostile.csv"
    write_csv(path, header, rows)
    source = importer.open_source(con, path)
    plan = importer.propose_plan(con, source)
    name = "p'); DELETE FROM mapping_profiles; DROP TABLE tickets; --"
    importer.save_profile(con, name, source.columns, plan)
    again = importer.propose_plan(con, source, profile=name)
    assert again.profile == name and again.mapping == plan.mapping
    importer.discard(con, source)
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(7,)]


def test_hostile_people_file_is_stored_as_text(stocked):
    con, leak = stocked
    attack = hostile(leak)[0]
    # A skills matrix with a hostile extra column (ignored) and a hostile name (stored as text).
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["員工編號", "姓名", "部門", "職務", "溝通協調能力", attack],
                                  ["E01", attack, attack, "CS", "2", "3"]])
    before = fingerprint(con)
    plan = people_imports.plan_import(con, read_frame(buffer.getvalue().encode("utf-8"), "people.csv"),
                                      people_imports.ImportDefaults("manager", date(2024, 3, 1)))
    assert plan.layout.kind == "matrix" and attack in plan.layout.ignored
    assert fingerprint(con) == before and not leak.exists()
    people_imports.apply_import(con, plan)
    assert con.execute("SELECT name, department FROM people WHERE employee_id = 'E01'").fetchall() == [(attack, attack)]
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(7,)]
    assert not leak.exists()


def test_hostile_roi_scenario_names_and_notes_are_data(stocked):
    con, leak = stocked
    attack = hostile(leak)[1]
    scenario_id = save_scenario(con, None, attack, SEED, attack, {})
    saved = {s.scenario_id: s for s in list_scenarios(con)}[scenario_id]
    assert (saved.name, saved.notes) == (attack.strip(), attack)
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(7,)]
    assert not leak.exists()
