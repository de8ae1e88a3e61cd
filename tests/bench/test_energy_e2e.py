"""bench/energy_e2e.py compares Urbis's energy pipeline with the same pipeline in pandas;
these tests run both paths on a small city so that the comparison cannot drift: the same
figures in every balance row, and the same rows refused for the same fields."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "urbis_bench_energy_e2e", ROOT / "bench" / "energy_e2e.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


E2E = _bench()
METERS = 20
# A year of 20 meters through both pipelines, five times: about 10 CPU-seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 meters x one year, as the bench generates them (one Parquet file), and the areas."""
    work = tmp_path_factory.mktemp("e2e")
    E2E.step_synth(argparse.Namespace(work=str(work), meters=METERS, year=2023))
    return work


def _both(work: Path, inputs: list[Path]) -> tuple[Any, Any]:
    areas = E2E.read_areas(work)
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    balance, _ = E2E.urbis_path(inputs, data, areas)
    table, _ = E2E.pandas_path(inputs, areas)
    return E2E.urbis_table(balance), table


def test_both_paths_give_the_same_figures_in_every_row(city: Path) -> None:
    inputs = E2E.input_files(city)
    assert len(inputs) == 1
    urbis, pandas = _both(city, inputs)
    assert E2E.compare(urbis, pandas) == []
    # Every level is there, with the sectors, 'all', the months and the year.
    assert set(urbis["level"]) == {"city", "district", "neighbourhood"}
    assert {"all", "residential"} <= set(urbis["sector"])
    assert set(urbis["month"]) == set(range(13))
    figures = E2E.city_figures(urbis)
    assert figures == E2E.city_figures(pandas)
    assert figures["consumption_mwh"] > 0 and figures["matched_mwh"] > 0
    assert figures["hours"] == 8760


def test_the_comparison_sees_one_milliwatt_hour(city: Path) -> None:
    inputs = E2E.input_files(city)
    _, pandas = _both(city, inputs)
    changed = pandas.copy()
    changed.loc[changed.index[7], "matched_mwh"] += 1
    assert len(E2E.compare(pandas, changed)) == 1
    assert E2E.compare(pandas, changed.iloc[1:]) != []


def _rewrite(source: Path, target: Path, edit: Any) -> None:
    frame = pl.read_parquet(source).with_row_index("_i")
    edit(frame).drop("_i").write_parquet(target)


def test_both_paths_refuse_the_same_rows_for_the_same_fields(
    city: Path, tmp_path: Path
) -> None:
    """One bad reading of each kind the bench's pandas side checks for; both pipelines must
    refuse the file and name the same (file, row, field), rows counted from 1."""
    source = E2E.input_files(city)[0]
    work = tmp_path
    (work / "input").mkdir()
    shutil.copy(city / "input" / "areas.json", work / "input" / "areas.json")
    bad = work / "input" / source.name
    i = pl.col("_i")

    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(
            value=pl.when(i == 4)
            .then(-1.0)
            .when(i == 599)
            .then(1e9)  # beyond 50 MW in one hour
            .otherwise(pl.col("value")),
            timestamp=pl.when(i == 101)
            .then(pl.col("timestamp").shift(1))  # the same hour as the row before
            .when(i == 499)
            .then(pl.col("timestamp") + timedelta(minutes=30))
            .otherwise(pl.col("timestamp")),
            sector=pl.when(i == 299).then(pl.lit("farming")).otherwise(pl.col("sector")),
            unit=pl.when(i == 699).then(pl.lit("GWh")).otherwise(pl.col("unit")),
            lon=pl.when(i == 399).then(0.0).otherwise(pl.col("lon")),
            lat=pl.when(i == 399).then(0.0).when(i == 799).then(95.0).otherwise(pl.col("lat")),
            resolution=pl.when(i == 899).then(pl.lit("weekly")).otherwise(pl.col("resolution")),
            meter_id=pl.when(i == 999).then(pl.lit("")).otherwise(pl.col("meter_id")),
        )

    _rewrite(source, bad, edit)
    expected = {
        (bad.name, 5, "value"),
        (bad.name, 102, "timestamp"),
        (bad.name, 300, "sector"),
        (bad.name, 400, "lon"),
        (bad.name, 500, "timestamp"),
        (bad.name, 600, "value"),
        (bad.name, 700, "unit"),
        (bad.name, 800, "lat"),
        (bad.name, 900, "resolution"),
        (bad.name, 1000, "meter_id"),
    }
    refused = {}
    for name, run in (
        ("urbis", lambda: E2E.urbis_path([bad], work / "data", E2E.read_areas(work))),
        ("pandas", lambda: E2E.pandas_path([bad], E2E.read_areas(work))),
    ):
        with pytest.raises(E2E.Refused) as caught:
            run()
        refused[name] = {(f, r, field) for f, r, field, _ in caught.value.errors}
    assert refused["urbis"] == expected
    assert refused["pandas"] == expected


def test_a_reading_repeated_in_a_later_file_is_refused_by_both(
    city: Path, tmp_path: Path
) -> None:
    """Urbis refuses it as already stored by the first file, pandas (reading every file in
    one frame) as a duplicate: the same row of the second file either way."""
    source = E2E.input_files(city)[0]
    work = tmp_path
    (work / "input").mkdir()
    shutil.copy(city / "input" / "areas.json", work / "input" / "areas.json")
    frame = pl.read_parquet(source)
    meters = frame["meter_id"].unique().sort()
    first = frame.filter(pl.col("meter_id").is_in(meters[:10].to_list()))
    second = frame.filter(pl.col("meter_id").is_in(meters[10:].to_list()))
    second = pl.concat([second, first.slice(1234, 1)])
    a, b = work / "input" / "a.parquet", work / "input" / "b.parquet"
    first.write_parquet(a)
    second.write_parquet(b)
    expected = {("b.parquet", second.height, "timestamp")}
    with pytest.raises(E2E.Refused) as caught:
        E2E.urbis_path([a, b], work / "data", E2E.read_areas(work))
    assert {(f, r, field) for f, r, field, _ in caught.value.errors} == expected
    with pytest.raises(E2E.Refused) as caught:
        E2E.pandas_path([a, b], E2E.read_areas(work))
    assert {(f, r, field) for f, r, field, _ in caught.value.errors} == expected
