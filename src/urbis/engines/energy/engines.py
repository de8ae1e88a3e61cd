"""Two thin runners for the same SQL: DuckDB (default, one machine) and Spark (cluster).

A runner registers the store's committed Parquet files as ``readings`` (and those of
modelled readings again as ``estimated_readings``) plus any small Arrow tables, runs one SQL
text and returns an Arrow table.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from .model import EnergyEngineError
from .store import committed_paths, readings_root

ENGINES = ("duckdb", "spark")

#: The store as the queries see it: every committed file, and only the files of modelled
#: readings (``estimates=True``), which the balance sums apart.
_STORE_VIEWS: dict[str, bool | None] = {"readings": None, "estimated_readings": True}


class QueryRunner(Protocol):
    name: str

    def run(
        self,
        sql: str,
        data_dir: str | os.PathLike[str],
        city: str,
        years: list[int] | None,
        tables: Mapping[str, pa.Table],
    ) -> pa.Table: ...


class DuckDBRunner:
    """Runs queries in an in-process DuckDB.

    ``memory_limit`` (e.g. ``"1GB"``) and ``temp_dir`` let aggregations larger than memory
    spill to disk; ``threads`` defaults to all cores.
    """

    name = "duckdb"

    def __init__(
        self,
        memory_limit: str | None = None,
        temp_dir: str | os.PathLike[str] | None = None,
        threads: int | None = None,
    ):
        self.memory_limit = memory_limit
        self.temp_dir = temp_dir
        self.threads = threads

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")
        if self.memory_limit:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
        if self.temp_dir:
            con.execute(f"SET temp_directory = '{Path(self.temp_dir).as_posix()}'")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        # Insertion order is irrelevant for our grouped output; dropping it saves memory.
        con.execute("SET preserve_insertion_order = false")
        return con

    def run(
        self,
        sql: str,
        data_dir: str | os.PathLike[str],
        city: str,
        years: list[int] | None,
        tables: Mapping[str, pa.Table],
    ) -> pa.Table:
        con = self.connect()
        try:
            for name, estimates in _STORE_VIEWS.items():
                paths = committed_paths(data_dir, city, years, estimates=estimates)
                if paths:
                    files = [p.as_posix() for p in paths]
                    con.register(name, con.read_parquet(files, hive_partitioning=True))
                else:
                    con.register(name, _empty_readings())
            for name, table in tables.items():
                con.register(name, table)
            return con.sql(sql).to_arrow_table()
        finally:
            con.close()


def _empty_readings() -> pa.Table:
    from .model import STORE_SCHEMA

    schema = STORE_SCHEMA.append(pa.field("city", pa.string())).append(pa.field("year", pa.int64()))
    return schema.empty_table()


class SparkRunner:
    """Runs queries on Apache Spark (``local[*]`` unless a ``master`` URL is given).

    The session is created on first use and kept, so start-up is paid once per runner.
    """

    name = "spark"

    def __init__(self, master: str = "local[*]", config: Mapping[str, str] | None = None):
        self.master = master
        self.config = dict(config or {})
        self._session: Any = None

    def session(self) -> Any:
        if self._session is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError as exc:  # pragma: no cover - depends on the optional extra
                raise EnergyEngineError(
                    "the Spark engine needs pyspark: pip install urbis[spark]"
                ) from exc
            builder = (
                SparkSession.builder.master(self.master)
                .appName("urbis-energy")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "8")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            )
            for key, value in self.config.items():
                builder = builder.config(key, value)
            self._session = builder.getOrCreate()
        return self._session

    def stop(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None

    def run(
        self,
        sql: str,
        data_dir: str | os.PathLike[str],
        city: str,
        years: list[int] | None,
        tables: Mapping[str, pa.Table],
    ) -> pa.Table:
        spark = self.session()
        for name, estimates in _STORE_VIEWS.items():
            paths = committed_paths(data_dir, city, years, estimates=estimates)
            if paths:
                reader = spark.read.option("basePath", readings_root(data_dir).as_posix())
                frame = reader.parquet(*[p.as_posix() for p in paths])
            else:
                empty = _empty_readings()
                frame = spark.createDataFrame([], schema=_spark_schema(empty))
            frame.createOrReplaceTempView(name)
        for name, table in tables.items():
            small = spark.createDataFrame(table.to_pylist(), schema=_spark_schema(table))
            small.createOrReplaceTempView(name)
        result = spark.sql(sql)
        return _collect_arrow(result)


def _spark_schema(table: pa.Table) -> str:
    kinds = {
        pa.string(): "string",
        pa.int64(): "bigint",
        pa.float64(): "double",
        pa.bool_(): "boolean",
        pa.timestamp("us"): "timestamp",
    }
    parts = []
    for field in table.schema:
        if field.type not in kinds:
            raise EnergyEngineError(f"cannot pass column type {field.type} to Spark")
        parts.append(f"{field.name} {kinds[field.type]}")
    return ", ".join(parts)


def _collect_arrow(frame: Any) -> pa.Table:
    if hasattr(frame, "toArrow"):  # Spark >= 4.0
        return frame.toArrow()
    return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)


def make_runner(engine: str | QueryRunner = "duckdb", **options: Any) -> QueryRunner:
    """A runner by name (``"duckdb"`` or ``"spark"``); a runner object is passed through."""
    if not isinstance(engine, str):
        return engine
    if engine == "duckdb":
        return DuckDBRunner(**options)
    if engine == "spark":
        return SparkRunner(**options)
    raise EnergyEngineError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
