"""The same query definitions on DuckDB and Spark give identical results."""

from __future__ import annotations

import importlib.util
import os
import shutil

import polars as pl
import pytest

from urbis.engines.energy import (
    Area,
    SparkRunner,
    energy_balance,
    ingest_file,
    make_runner,
    store_pv_estimates,
)
from urbis.engines.energy.queries import meter_totals_sql
from urbis.engines.energy.synth import synth, synthetic_areas

from .conftest import write_csv
from .test_balance import HEADER, READINGS
from .test_store_layout import rewrite_as_before_the_split

pytestmark = [pytest.mark.spark]
# CI must run the engine-equivalence test; elsewhere a missing Spark is only a skip.
_missing = pytest.fail if os.environ.get("CI") == "true" else pytest.skip


@pytest.fixture(scope="module")
def spark_runner():
    if importlib.util.find_spec("pyspark") is None:
        _missing("pyspark is not installed (pip install -e .[spark])")
    if shutil.which("java") is None:
        _missing("Spark needs a Java runtime")
    runner = SparkRunner(master="local[2]")
    yield runner
    runner.stop()


def _same(duck: pl.DataFrame, spark: pl.DataFrame) -> None:
    assert duck.columns == spark.columns
    assert duck.height == spark.height > 0
    assert duck.equals(spark), duck.join(spark, on=duck.columns, how="anti")


def test_balance_identical_on_duckdb_and_spark(tmp_path, areas, spark_runner):
    report = ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER),
        city="bcn",
        areas=areas,
        data_dir=tmp_path / "d",
    )
    assert report.status == "stored"
    duck = energy_balance(tmp_path / "d", "bcn", areas, engine="duckdb").to_polars()
    spark = energy_balance(tmp_path / "d", "bcn", areas, engine=spark_runner).to_polars()
    _same(duck, spark)
    # With modelled PV production for N2 (no metered production there), summed apart.
    with_pv = [
        Area(a.code, a.level, a.parent_code, a.geometry, a.households, a.floor_area_m2, 50.0)
        if a.code == "N2"
        else a
        for a in areas
    ]
    assert store_pv_estimates(tmp_path / "d", "bcn", with_pv, 2024)
    duck = energy_balance(tmp_path / "d", "bcn", with_pv, engine="duckdb").to_polars()
    spark = energy_balance(tmp_path / "d", "bcn", with_pv, engine=spark_runner).to_polars()
    assert duck["estimated_production_kwh"].max() > 0
    _same(duck, spark)


def test_store_written_before_the_split_identical_on_duckdb_and_spark(
    tmp_path, areas, spark_runner
):
    data = tmp_path / "d"
    assert ingest_file(
        write_csv(tmp_path / "r.csv", READINGS, HEADER), city="bcn", areas=areas, data_dir=data
    ).ok
    rewrite_as_before_the_split(data, "bcn")
    duck = energy_balance(data, "bcn", areas, engine="duckdb").to_polars()
    spark = energy_balance(data, "bcn", areas, engine=spark_runner).to_polars()
    assert duck["coarse_consumption_kwh"].max() > 0
    _same(duck, spark)


def test_local_time_balance_identical_on_duckdb_and_spark(tmp_path, areas, spark_runner):
    from .test_balance import BOUNDARY

    data = tmp_path / "d"
    lines = READINGS + BOUNDARY
    assert ingest_file(
        write_csv(tmp_path / "r.csv", lines, HEADER), city="bcn", areas=areas, data_dir=data
    ).ok
    for years in (None, [2024]):
        duck = energy_balance(data, "bcn", areas, years=years, tz="Europe/Madrid").to_polars()
        spark = energy_balance(
            data, "bcn", areas, years=years, tz="Europe/Madrid", engine=spark_runner
        ).to_polars()
        assert 7 in set(duck["month"])
        _same(duck, spark)


def test_synthetic_city_identical_on_duckdb_and_spark(tmp_path, spark_runner):
    areas = synthetic_areas("syn", districts=2, neighbourhoods_per_district=3)
    for path in synth(
        60, 2023, out_dir=tmp_path / "in", city="syn", areas=areas, meters_per_file=30
    ):
        assert ingest_file(path, city="syn", areas=areas, data_dir=tmp_path / "d").ok
    duck = energy_balance(tmp_path / "d", "syn", areas, engine="duckdb").to_polars()
    spark = energy_balance(tmp_path / "d", "syn", areas, engine=spark_runner).to_polars()
    _same(duck, spark)
    sql = meter_totals_sql("syn", 2023)
    duck_totals = pl.from_arrow(make_runner("duckdb").run(sql, tmp_path / "d", "syn", [2023], {}))
    spark_totals = pl.from_arrow(spark_runner.run(sql, tmp_path / "d", "syn", [2023], {}))
    assert isinstance(duck_totals, pl.DataFrame) and isinstance(spark_totals, pl.DataFrame)
    _same(duck_totals, spark_totals)
