"""Where the KPI SQL runs: the DuckDB store or Apache Spark, behind one ``run(sql, params)``.

The KPI queries are written once, in DuckDB's dialect with ``$name`` parameters, preferring the
standard SQL forms. An engine owns its connection, renders that SQL for its dialect (SQLGlot,
``render``) and binds the parameters its own way: DuckDB natively, Spark as named parameter
markers (``kpi.engine.spark``). Nothing a user typed ever becomes SQL text on either.
"""

from __future__ import annotations

import functools
import os
from typing import Protocol

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from kpi.sql import used_parameters

ENGINES = ("duckdb", "spark")
ENGINE_ENV_VAR = "SERVICE_OPS_ENGINE"


class Engine(Protocol):
    dialect: str

    def run(self, sql_template: str, params: dict) -> pd.DataFrame:
        """The result of ``sql_template`` (DuckDB dialect, ``$name`` parameters) with ``params``."""


def _exact_percentile(node: exp.Expression) -> exp.Expression:
    """DuckDB's quantile_cont as Spark's exact ``percentile``: SQLGlot writes PERCENTILE_CONT(x, p),
    which Spark refuses, and turns the WITHIN GROUP form into the approximate PERCENTILE_APPROX."""
    if isinstance(node, exp.PercentileCont) and not isinstance(node.parent, exp.WithinGroup):
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.expression])
    return node


def _without_materialization_hint(node: exp.Expression) -> exp.Expression:
    """A CTE without DuckDB's ``[NOT] MATERIALIZED``: Spark has no such clause and plans CTEs itself."""
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    return node


@functools.lru_cache(maxsize=128)
def render(sql_template: str, dialect: str) -> str:
    """``sql_template`` in ``dialect``: as written for DuckDB, transpiled by SQLGlot otherwise
    (refusing what it cannot express rather than dropping it)."""
    if dialect == "duckdb":
        return sql_template
    [tree] = sqlglot.parse(sql_template, read="duckdb")
    if dialect == "spark":
        tree = tree.transform(_exact_percentile).transform(_without_materialization_hint)
    return tree.sql(dialect, pretty=True, unsupported_level=sqlglot.ErrorLevel.RAISE)


class DuckDBEngine:
    """The store itself: the SQL as written, parameters bound by DuckDB."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def run(self, sql_template: str, params: dict) -> pd.DataFrame:
        return self.con.execute(sql_template, used_parameters(sql_template, params)).df()


# What a query function runs on: the store's connection, or an engine (DuckDB, Spark).
Source = duckdb.DuckDBPyConnection | Engine


def engine_of(target: Source) -> Engine:
    """The engine behind what a caller holds: a store connection, or an engine already."""
    return DuckDBEngine(target) if isinstance(target, duckdb.DuckDBPyConnection) else target


def configured_engine() -> str:
    """The engine the app and the CLI use unless told otherwise ($SERVICE_OPS_ENGINE, default duckdb)."""
    return os.environ.get(ENGINE_ENV_VAR, "duckdb")
