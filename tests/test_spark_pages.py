"""The weekly review page with its KPI queries on Spark (SERVICE_OPS_ENGINE=spark): the store is
empty, the week-41 tickets live only in a Parquet export, and the page shows the seed table, the
engine that answered, the alerts and the tickets behind a cell. Marked ``spark``; needs Java."""

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import store
from kpi.engine import ENGINE_ENV_VAR
from kpi.engine.parquet import export_parquet
from kpi.ingest.importer import import_files
from kpi.service.periods import iso_week
from tests.service_tickets import WEEK41

pytest.importorskip("pyspark")
from kpi.engine import spark as spark_engine  # noqa: E402

pytestmark = [pytest.mark.spark, pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime"),
              *(pytest.mark.filterwarnings(f"ignore:{message}") for message in spark_engine.PANDAS_WARNINGS)]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def on_spark(tmp_path, db_file, monkeypatch):
    """An empty store for the app, and the week-41 tickets as Parquet for Spark."""
    exported = store.connect(str(tmp_path / "elsewhere.duckdb"))
    import_files(exported, [WEEK41])
    export_parquet(exported, tmp_path / "parquet")
    exported.close()
    store.connect(str(db_file)).close()
    monkeypatch.setenv(ENGINE_ENV_VAR, "spark")
    monkeypatch.setenv(spark_engine.SOURCE_ENV_VAR, str(tmp_path / "parquet"))
    monkeypatch.setenv(spark_engine.MASTER_ENV_VAR, "local[2]")
    st.cache_data.clear()
    yield tmp_path / "parquet"
    st.cache_data.clear()
    st.cache_resource.clear()


def weekly_page(**state) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "weekly.py"), default_timeout=180)
    app.session_state["lang"] = "en"
    app.query_params["week"] = "2009-W41"
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def test_the_weekly_page_runs_its_kpis_on_spark(on_spark):
    week = iso_week("2009-W41")
    app = weekly_page(**{"service.drill": {
        "period": {"kind": week.kind, "start": week.start, "end": week.end}, "title": "陳小明 · Done late",
        "cell": {"group": "陳小明", "all_groups": False, "column": "late_done"}}})
    assert not app.exception and not app.error
    assert f"Figures from Apache Spark (local[2]), reading {on_spark}" in [c.value for c in app.caption]
    # The seed table, total first: 7 new, 3 on time, 3 late, 1 overdue; 85.7% completion, 42.9% service level
    total = app.dataframe(key="weekly_table").value.values.tolist()[0]
    assert total[:4] == ["Total", "0", "7", "7"] and total[-4:] == ["✓ 85.7%", "✓ 0.00", "✕ 42.9%", "✕ 42.9%"]
    # The tickets behind a cell come from Spark too, with their SLA policy's name.
    listed = app.dataframe[-1].value
    assert listed["Ticket"].tolist() == ["200910-006"] and listed["SLA policy"].tolist() == ["Level 1"]


def test_a_missing_source_is_one_sentence_on_the_page(on_spark, monkeypatch):
    monkeypatch.setenv(spark_engine.SOURCE_ENV_VAR, str(on_spark.parent / "nowhere"))
    app = weekly_page()
    assert not app.exception
    [error] = app.error
    assert error.value.startswith("The figures cannot be computed on Spark: cannot read the tickets from")
    assert "\tat " not in error.value and "Traceback" not in error.value
