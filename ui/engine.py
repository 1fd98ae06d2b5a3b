"""Where the service pages' KPI queries run: the team's store (default), or Apache Spark when the
server is started with the CLI's settings ($SERVICE_OPS_ENGINE=spark, $SERVICE_OPS_SPARK_SOURCE,
and $SERVICE_OPS_SPARK_REMOTE or _MASTER). Pages that write (uploads, targets, SLA policies …)
always use the store through ``ui.db``."""

from __future__ import annotations

import os

import streamlit as st

from kpi.engine import configured_engine, spark
from kpi.engine import Source
from ui.session import db, t


@st.cache_resource(show_spinner=False)
def _spark(source: str, remote: str | None, master: str | None) -> spark.SparkEngine:
    # One Spark session for the whole server: it takes seconds to start and holds the JVM.
    return spark.SparkEngine(spark.session(master=master, remote=remote), source)


def on_spark() -> bool:
    return configured_engine() == "spark"


def kpi_source() -> Source:
    """What the service KPI queries run on for this script run; on Spark, a page that cannot
    start the session or read the tickets says why in one sentence and stops."""
    if not on_spark():
        return db()
    source = os.environ.get(spark.SOURCE_ENV_VAR)
    try:
        if not source:
            raise spark.SparkUnavailable(f"${spark.SOURCE_ENV_VAR} names no Parquet folder or table")
        with st.spinner(t("service.engine.starting")):
            return _spark(source, os.environ.get(spark.REMOTE_ENV_VAR), os.environ.get(spark.MASTER_ENV_VAR))
    except spark.SparkUnavailable as err:
        st.error(t("service.engine.unavailable", reason=str(err)))
        st.stop()


def engine_caption() -> None:
    """Which engine answered the figures on this page."""
    if on_spark():
        where = os.environ.get(spark.REMOTE_ENV_VAR) or os.environ.get(spark.MASTER_ENV_VAR) or "local[*]"
        st.caption(t("service.engine.spark", source=os.environ.get(spark.SOURCE_ENV_VAR, ""), where=where))
    else:
        st.caption(t("service.engine.duckdb"))
