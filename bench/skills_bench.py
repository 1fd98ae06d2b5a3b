"""Skills benchmark: 5,000 people × 30 competencies, skills matrix and gap computation.

Builds a store (a temporary DuckDB file) with 3 roles that each require all 30 competencies,
a self rating for every person × competency, manager ratings for 70% of them (10% also with an
older one) and certificates for 5%: about 277,000 pieces of evidence. Then times, warm, the
queries the skills-matrix and team pages run over everyone:

- matrix: ``skills.skill_matrix`` (derivation rule, levels, requirements, gaps; 150,000 cells)
- pivot: the matrix as a people × competencies table (``records.wide_levels``)
- gaps: ``development.team_shortage`` (sum of gaps per competency)

Target: matrix + pivot + gaps ≤ 300 ms. Usage: python bench/skills_bench.py [--people N] [--runs R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi import store  # noqa: E402
from kpi.people import development, records, skills  # noqa: E402

COMPETENCIES = 30
ROLES = 3
AS_OF = date(2026, 6, 30)
TARGET_MS = 300


def build(con, people: int) -> int:
    """Fill the store with the benchmark's model and evidence (deterministic: hash-based); returns evidence rows."""
    con.execute("DELETE FROM role_requirements; DELETE FROM learning_items; DELETE FROM competencies; DELETE FROM roles")
    con.execute("INSERT INTO roles SELECT 'R' || r, 'Role ' || r, 'Role ' || r, NULL, NULL FROM range(1, $n + 1) t(r)",
                {"n": ROLES})
    con.execute("INSERT INTO competencies SELECT 'c' || lpad(CAST(c AS VARCHAR), 2, '0'), 'Skill ' || c, 'Skill ' || c,"
                " NULL, NULL FROM range(1, $n + 1) t(c)", {"n": COMPETENCIES})
    con.execute("INSERT INTO role_requirements SELECT r.role_id, c.competency_id, row_number() OVER"
                " (PARTITION BY r.role_id ORDER BY c.competency_id), 1 + hash(r.role_id || c.competency_id) % 3,"
                " hash(c.competency_id) % 5 = 0 FROM roles r CROSS JOIN competencies c")
    con.execute("INSERT INTO people SELECT 'E' || p, 'Person ' || p, 'Dept ' || (p % 20), 'R' || (1 + p % $roles), NULL"
                " FROM range($n) t(p)", {"n": people, "roles": ROLES})
    con.execute("""
        INSERT INTO assessments
        SELECT employee_id, competency_id, CASE tag WHEN 'self' THEN 'self' ELSE 'manager' END,
               DATE '2026-01-01' + CAST(h % 150 AS INTEGER) - CASE tag WHEN 'old' THEN 365 ELSE 0 END,
               CAST(h % 4 AS INTEGER), NULL, NULL
        FROM (SELECT p.employee_id, c.competency_id, s.tag, hash(p.employee_id || c.competency_id || s.tag) AS h
              FROM people p CROSS JOIN competencies c CROSS JOIN (VALUES ('self'), ('manager'), ('old')) s(tag))
        WHERE tag = 'self' OR (tag = 'manager' AND h % 10 < 7) OR (tag = 'old' AND h % 10 = 0)
    """)
    con.execute("""
        INSERT INTO certificates
        SELECT p.employee_id, 'Cert ' || c.competency_id, 'Issuer', c.competency_id,
               1 + CAST(hash(p.employee_id || c.competency_id || 'cert') % 3 AS INTEGER),
               DATE '2025-01-01', DATE '2025-01-01' + CAST(hash(p.employee_id || c.competency_id) % 900 AS INTEGER), NULL
        FROM people p CROSS JOIN competencies c
        WHERE hash(p.employee_id || c.competency_id || 'cert') % 20 = 0
    """)
    return store.scalar(con, "SELECT count(*) FROM competency_evidence")


def timed(function, runs: int) -> tuple[float, float, object]:
    """Fastest and median wall time in ms over ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="skills-bench-") as folder:
        con = store.connect(Path(folder) / "bench.duckdb")
        started = time.perf_counter()
        evidence = build(con, args.people)
        print(f"store: {args.people:,} people × {COMPETENCIES} competencies, {evidence:,} pieces of evidence "
              f"(built in {time.perf_counter() - started:.1f} s)")
        matrix = partial(skills.skill_matrix, con, AS_OF, "en")
        matrix()  # warm-up: the first query plans and loads the tables
        matrix_min, matrix_median, long = timed(matrix, args.runs)
        pivot_min, pivot_median, wide = timed(partial(records.wide_levels, long), args.runs)
        gaps_min, gaps_median, shortage = timed(partial(development.team_shortage, con, AS_OF, "en"), args.runs)
        total_min = matrix_min + pivot_min + gaps_min
        total_median = matrix_median + pivot_median + gaps_median
        print(f"matrix (derivation, levels, gaps; {len(long):,} cells): min {matrix_min:.0f} ms, median {matrix_median:.0f} ms")
        print(f"pivot to {wide.shape[0]:,} × {wide.shape[1]} table:        min {pivot_min:.0f} ms, median {pivot_median:.0f} ms")
        print(f"team shortage ({len(shortage)} competencies, total gap {shortage['total_gap'].sum():,}): "
              f"min {gaps_min:.0f} ms, median {gaps_median:.0f} ms")
        verdict = "ok" if total_median <= TARGET_MS else "OVER TARGET"
        print(f"matrix + pivot + gaps: min {total_min:.0f} ms, median {total_median:.0f} ms "
              f"(target ≤ {TARGET_MS} ms: {verdict})")
        con.close()


if __name__ == "__main__":
    main()
