"""Two thin runners for the same SQL: DuckDB (default, one machine) and Spark (cluster).

A runner registers the store's committed Parquet files as the views of
:data:`STORE_VIEWS` (all readings; hour-by-hour ones; coarse ones; modelled ones) and of
:data:`CUBE_VIEWS` (the city's merged hourly cube; the cubes of the modelled files), each
only if the SQL names it, plus any small Arrow tables, runs one SQL text and returns an
Arrow table.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from .cube import empty_cube, empty_merged_cube
from .model import COARSE_RESOLUTIONS, HOURLY_RESOLUTIONS, EnergyEngineError
from .store import committed_cubes, committed_parts, cubes_root, merged_cubes, readings_root

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class StoreView:
    """One table the queries read: parts of committed files, by kind, of every file or only
    of those of modelled readings. Parts stored before hourly and coarse readings were
    split (``mixed``) are filtered to ``resolutions`` row by row."""

    kinds: tuple[str, ...]
    resolutions: tuple[str, ...] | None
    modelled_only: bool = False


#: The store as the queries see it.
STORE_VIEWS: dict[str, StoreView] = {
    "readings": StoreView(("hourly", "coarse", "mixed"), None),
    "hourly_readings": StoreView(("hourly", "mixed"), HOURLY_RESOLUTIONS),
    "coarse_readings": StoreView(("coarse", "mixed"), COARSE_RESOLUTIONS),
    "estimated_readings": StoreView(("hourly", "mixed"), HOURLY_RESOLUTIONS, modelled_only=True),
}


#: The cubes as the queries see them: the city's merged cube of every file (one part per
#: year, with a ``parts`` column), or the file cubes of the modelled files only.
CUBE_VIEWS: dict[str, bool] = {"cube": False, "estimated_cube": True}


@dataclass(frozen=True)
class _ViewFiles:
    whole: list[str]  # parts read as they are
    filtered: list[str]  # mixed parts, read through the view's resolution filter
    empty: pa.Table  # what the view is when it has no file
    base: Path  # the folder whose hive partitions (city=, year=) the paths are under


def _named(sql: str | None, name: str) -> bool:
    return sql is None or re.search(rf"\b{name}\b", sql) is not None


def _view_files(
    data_dir: str | os.PathLike[str], city: str, years: list[int] | None, sql: str | None
) -> dict[str, _ViewFiles]:
    """The files behind each view of :data:`STORE_VIEWS` and :data:`CUBE_VIEWS` that ``sql``
    names, or of all of them without ``sql`` (missing cubes are built first)."""
    files = {}
    for name, modelled_only in CUBE_VIEWS.items():
        if not _named(sql, name):
            continue
        if modelled_only:
            paths = committed_cubes(data_dir, city, years, estimates=True)
            files[name] = _ViewFiles(
                [p.as_posix() for p in paths], [], empty_cube(), readings_root(data_dir)
            )
        else:
            paths = merged_cubes(data_dir, city, years)
            files[name] = _ViewFiles(
                [p.as_posix() for p in paths], [], empty_merged_cube(), cubes_root(data_dir)
            )
    wanted = [name for name in STORE_VIEWS if _named(sql, name)]
    if not wanted:
        return files
    every = committed_parts(data_dir, city, years)
    modelled = committed_parts(data_dir, city, years, estimates=True)
    for name in wanted:
        view = STORE_VIEWS[name]
        whole, filtered = [], []
        for path, kind in modelled if view.modelled_only else every:
            if kind not in view.kinds:
                continue
            if kind == "mixed" and view.resolutions is not None:
                filtered.append(path.as_posix())
            else:
                whole.append(path.as_posix())
        files[name] = _ViewFiles(whole, filtered, _empty_readings(), readings_root(data_dir))
    return files


def _resolution_filter(view: StoreView) -> str:
    assert view.resolutions is not None  # only views with a filter get mixed parts filtered
    return "resolution IN (" + ", ".join(f"'{r}'" for r in view.resolutions) + ")"


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
        con = self.prepare(data_dir, city, years, tables, sql)
        try:
            return con.sql(sql).to_arrow_table()
        finally:
            con.close()

    def prepare(
        self,
        data_dir: str | os.PathLike[str],
        city: str,
        years: list[int] | None,
        tables: Mapping[str, pa.Table],
        sql: str | None = None,
    ) -> duckdb.DuckDBPyConnection:
        """A new connection with the store's views (those ``sql`` names, or all) and
        ``tables`` registered (the caller closes it)."""
        con = self.connect()
        for name, files in _view_files(data_dir, city, years, sql).items():
            relations = []
            if files.whole:
                relations.append(con.read_parquet(files.whole, hive_partitioning=True))
            if files.filtered:
                relation = con.read_parquet(files.filtered, hive_partitioning=True)
                relations.append(relation.filter(_resolution_filter(STORE_VIEWS[name])))
            if not relations:
                con.register(name, files.empty)
                continue
            combined = relations[0]
            for relation in relations[1:]:
                combined = combined.union(relation)  # UNION ALL
            con.register(name, combined)
        for name, table in tables.items():
            con.register(name, table)
        return con


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
        for name, files in _view_files(data_dir, city, years, sql).items():
            reader = spark.read.option("basePath", files.base.as_posix())
            frames = []
            if files.whole:
                frames.append(reader.parquet(*files.whole))
            if files.filtered:
                frames.append(
                    reader.parquet(*files.filtered).where(_resolution_filter(STORE_VIEWS[name]))
                )
            if frames:
                frame = frames[0]
                for other in frames[1:]:
                    frame = frame.unionByName(other)
            else:
                frame = spark.createDataFrame([], schema=_spark_schema(files.empty))
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
