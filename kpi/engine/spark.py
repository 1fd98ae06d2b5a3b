"""The KPI SQL on Apache Spark: a local session, a cluster master or Spark Connect.

The tickets come from Parquet (``python -m kpi export-parquet``) or a table in the session's
catalog, seen by the queries as the view ``tickets`` (and their SLA policies' names as
``sla_policies``). Timestamps are local wall-clock times, as in
the store: the session reads and compares them as TIMESTAMP_NTZ, so no time zone shifts them.
Parameters travel as Spark's named parameter markers (``:name``) bound to literal columns.
"""

from __future__ import annotations

import os
import re
import warnings
from datetime import date, datetime
from itertools import chain
from pathlib import Path

import pandas as pd

from kpi import logs
from kpi.engine import render
from kpi.engine.parquet import ticket_columns
from kpi.sql import used_parameters

SOURCE_ENV_VAR = "SERVICE_OPS_SPARK_SOURCE"
REMOTE_ENV_VAR = "SERVICE_OPS_SPARK_REMOTE"
MASTER_ENV_VAR = "SERVICE_OPS_SPARK_MASTER"

_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")

# A location rather than a table name: a URL (s3a://, hdfs://, file://) or a file-system path.
_LOCATION = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|[/\\]|^\.")

# PySpark 4.3 warns on every toPandas that pandas 3 is not yet fully supported; the KPI results
# are plain numbers, strings and timestamps, which the parity test checks cell by cell.
PANDAS_WARNINGS = ("PySpark does not yet fully support pandas", "The copy keyword is deprecated")
for _message in PANDAS_WARNINGS:
    warnings.filterwarnings("ignore", message=_message)
# A Spark Connect server started here ("local[…]") takes the session's settings when it starts;
# the client then tries to set them again on the running session, which Spark refuses harmlessly.
warnings.filterwarnings("ignore", message="Failed to set spark\\.", category=UserWarning)


class SparkUnavailable(Exception):
    """No Spark session could be started, or the tickets could not be read; the message says why."""


def session(master: str | None = None, remote: str | None = None, shuffle_partitions: int | None = None):
    """A Spark session: Spark Connect at ``remote`` (sc://host:15002), else ``master`` (local[*],
    spark://host:7077, yarn …), from the arguments or $SERVICE_OPS_SPARK_REMOTE / _MASTER."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable("PySpark is not installed: pip install -r requirements-spark.txt") from None

    remote = remote or os.environ.get(REMOTE_ENV_VAR)
    master = master or os.environ.get(MASTER_ENV_VAR) or "local[*]"
    builder = SparkSession.builder.appName("service-ops-kpi")
    # A remote of "local[…]" starts a Spark Connect server on this machine, configured like a local session.
    builder = builder.remote(remote) if remote else builder.master(master)
    if not remote or remote.startswith("local"):
        builder = (builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}"))
        if (remote or master).startswith("local"):
            # A local session talks to itself only: never bind beyond loopback.
            builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        if shuffle_partitions:
            builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    try:
        with logs.children_write_to_log():
            spark = builder.getOrCreate()
    except (*errors(), OSError) as err:
        where = f" (Java's own words are in {logs.trace_file()})" if logs.trace_file() else ""
        raise SparkUnavailable(f"cannot start Spark: {first_line(err)}{where}") from None
    if not remote:
        # Failed queries are raised to the caller; Spark's own log would print their JVM trace too.
        spark.sparkContext.setLogLevel("FATAL")
    _query_logs_to_file()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.timestampType", "TIMESTAMP_NTZ")
    spark.conf.set("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
    return spark


# PySpark 4 logs each failed query's message and JVM trace, as JSON, to standard error from these
# loggers before raising it; the caller says it in one line, and the trace belongs in the log file.
_QUERY_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")


def _query_logs_to_file() -> None:
    from pyspark.logger import PySparkLogger  # the class PySpark logs them with: it takes its own keywords

    for name in _QUERY_LOGGERS:
        logs.to_file_only(PySparkLogger.getLogger(name))


# py4j's text for a JVM exception it passes on: the call, then the exception's class and message.
_PY4J_CALL = re.compile(r"^An error occurred while calling [\w.$]+\.?$")
_JAVA_CLASS = re.compile(r"^:?\s*[\w$]+(?:\.[\w$]+)+: ")


def first_line(err: Exception) -> str:
    """The message of a Spark error without the JVM trace that follows it; for a JVM exception
    py4j passes on, the exception's own message rather than py4j's "An error occurred while
    calling o37.parquet"."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    if len(lines) > 1 and _PY4J_CALL.match(lines[0]):
        lines = [_JAVA_CLASS.sub("", lines[1])]
    return (lines or [type(err).__name__])[0]


def errors() -> tuple[type[Exception], ...]:
    """What a Spark call raises for a failure it can describe: PySpark's own errors, and the JVM
    exceptions py4j passes on as they are (a source that is not Parquet, a corrupt file …)."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return PySparkException, Py4JError


def literal(value):
    """``value`` as a Spark literal column for a parameter marker. Timestamps and dates go as
    ISO text: the SQL casts every such parameter to its type."""
    from pyspark.sql import functions as F

    if isinstance(value, list | tuple):
        return F.array(*(literal(item) for item in value))
    if isinstance(value, dict):
        return F.named_struct(*chain.from_iterable((F.lit(key), literal(item)) for key, item in value.items()))
    if isinstance(value, datetime | date):
        return F.lit(value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat())
    return F.lit(value)


_POLICIES_SQL = ("SELECT DISTINCT sla_policy_id AS policy_id, sla_policy AS name FROM tickets"
                 " WHERE sla_policy_id IS NOT NULL")
_NO_POLICIES_SQL = "SELECT CAST(NULL AS INT) AS policy_id, CAST(NULL AS STRING) AS name WHERE false"


def _is_duckdb_file(source: str) -> bool:
    """A store given where its Parquet export was meant: DuckDB's files say "DUCK" at byte 8."""
    try:
        with open(source, "rb") as file:
            return file.read(12)[8:] == b"DUCK"
    except OSError:  # a folder, a URL, a table name
        return False


class SparkEngine:
    """The KPI SQL rendered for Spark, run on ``spark`` over ``source`` (a Parquet location or a
    table name), results collected as pandas frames like DuckDB's."""

    dialect = "spark"

    def __init__(self, spark, source: str):
        self.spark = spark
        try:
            is_location = _LOCATION.search(source) or os.path.exists(source)
            if _is_duckdb_file(source):
                raise SparkUnavailable(f"{source} is a DuckDB database, not Parquet: write its tickets with "
                                       f"python -m kpi export-parquet --db {source} --out DIR, and read DIR")
            tickets = spark.read.parquet(source) if is_location else spark.table(source)
            missing = [name for name in ticket_columns() if name not in tickets.columns]
            if missing:
                raise SparkUnavailable(f"the tickets at {source} lack the column{'s' * (len(missing) > 1)} "
                                       f"{', '.join(missing)}: write them with python -m kpi export-parquet")
            tickets.createOrReplaceTempView("tickets")
            # The ticket lists name each ticket's SLA policy; an export carries the names beside the ids.
            spark.sql(_POLICIES_SQL if "sla_policy" in tickets.columns else _NO_POLICIES_SQL) \
                .createOrReplaceTempView("sla_policies")
        except errors() as err:
            raise SparkUnavailable(f"cannot read the tickets from {source}: {first_line(err)}") from None

    def run(self, sql_template: str, params: dict) -> pd.DataFrame:
        args = {name: literal(value) for name, value in used_parameters(sql_template, params).items()}
        return self.spark.sql(render(sql_template, self.dialect), args=args).toPandas()
