"""The weekly report through Spark Connect: ``--spark-remote local[2]`` starts a Connect server on
this machine (the jars ship with pyspark) and the CLI talks to it over gRPC, printing the same JSON
as the store. In a subprocess, so its server is not the classic session of the other Spark tests.
Marked ``spark``; needs Java and pyspark's connect extra (requirements-spark.txt)."""

import shutil
import subprocess
import sys

import pytest

from kpi import store
from kpi.engine.parquet import export_parquet
from kpi.ingest.importer import import_files
from tests.service_tickets import WEEK41

pytest.importorskip("pyspark")
pytest.importorskip("grpc")
pytestmark = [pytest.mark.spark, pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime")]


def test_the_weekly_report_through_spark_connect_is_the_stores(tmp_path):
    con = store.connect(str(tmp_path / "store.duckdb"))
    import_files(con, [WEEK41])
    export_parquet(con, tmp_path / "parquet")
    con.close()

    def weekly(*engine: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kpi", "weekly", "--week", "2009-W41", *engine],
                              capture_output=True, text=True, timeout=600, check=False)

    connected = weekly("--engine", "spark", "--spark-remote", "local[2]", "--spark-source", str(tmp_path / "parquet"))
    assert connected.returncode == 0, connected.stderr[-2000:]
    assert "Traceback" not in connected.stderr
    assert connected.stdout == weekly("--db", str(tmp_path / "store.duckdb")).stdout
    assert '"group": "TOTAL"' in connected.stdout and '"in_play": 7' in connected.stdout
