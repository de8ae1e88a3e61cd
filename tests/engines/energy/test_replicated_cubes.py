"""A city made of N replicated cube sets (bench/energy_scale.py's million-meter city) has
exactly N times the balance of one set, in integer mWh, from the merged cube and from the
file cubes alike, on DuckDB and on Spark."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from urbis.engines.energy import energy_balance, ingest_file, list_files
from urbis.engines.energy.store import cubes_root, merged_cubes
from urbis.engines.energy.synth import synth, synthetic_areas

from .test_cube import spark_runner  # noqa: F401  (the module's Spark session fixture)

ROOT = Path(__file__).resolve().parents[3]
COPIES = 3


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_energy_scale", ROOT / "bench" / "energy_scale.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_energy_scale", module)
    spec.loader.exec_module(module)
    return module


scale = _bench()


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """One 20-meter city (two files of 10 meters, with PV) and its three replicas."""
    work = tmp_path_factory.mktemp("replicated")
    areas = synthetic_areas("syn", districts=2, neighbourhoods_per_district=2)
    single = work / "single"
    for path in synth(
        20, 2023, out_dir=work / "in", city="syn", areas=areas, meters_per_file=10, seed=3
    ):
        assert ingest_file(path, city="syn", areas=areas, data_dir=single).ok
    replicated = work / "replicated"
    deliveries = scale.replicate_cube_sets(single, replicated, "syn", COPIES)
    return areas, single, replicated, deliveries


def test_replicas_are_new_files_of_the_same_cubes(stores):
    _, single, replicated, deliveries = stores
    originals = list_files(single, "syn")
    copies = list_files(replicated, "syn")
    assert [len(d) for d in deliveries] == [len(originals)] * COPIES
    assert len({r.file_hash for r in copies}) == COPIES * len(originals)
    assert not {r.file_hash for r in copies} & {r.file_hash for r in originals}
    found = scale._deliveries(replicated, "syn")
    assert [sorted(d) for d in found] == [sorted(d) for d in deliveries]


def test_replicated_balance_is_exactly_n_times_the_single_one(stores):
    areas, single, replicated, _ = stores
    small = scale.raw_sums(single, "syn", areas, tz="Europe/Madrid")
    big = scale.raw_sums(replicated, "syn", areas, tz="Europe/Madrid")
    assert big.height == small.height > 0
    assert small["hourly_production"].sum() > 0 and small["matched"].sum() > 0
    assert scale.scaled_difference(big, small, COPIES).height == 0
    # The check can fail: the wrong multiple is caught row by row.
    assert scale.scaled_difference(big, small, COPIES - 1).height > 0
    # In kWh, as the pages show it.
    one = energy_balance(single, "syn", areas).to_polars()
    many = energy_balance(replicated, "syn", areas).to_polars()
    city = (pl.col("level") == "city") & (pl.col("sector") == "all") & (pl.col("month") == 0)
    assert many.filter(city)["consumption_kwh"].sum() == pytest.approx(
        COPIES * one.filter(city)["consumption_kwh"].sum(), rel=1e-12
    )


def test_merged_cube_committed_delivery_by_delivery_is_the_stores_own(stores, tmp_path):
    areas, single, replicated, _ = stores
    own = pq.read_table(merged_cubes(replicated, "syn", [2023])[0])
    copy = tmp_path / "copy"
    shutil.copytree(replicated, copy)
    shutil.rmtree(cubes_root(copy))
    by_hash = {r.file_hash: r for r in list_files(copy, "syn")}
    committed: list = []
    for hashes in scale._deliveries(copy, "syn"):
        seconds, _ = scale.commit_cubes(copy, "syn", 2023, committed, [by_hash[h] for h in hashes])
        assert len(seconds) == len(hashes)
    (built,) = merged_cubes(copy, "syn", [2023])  # found at its key, not rebuilt
    assert len(list(built.parent.glob("merged-*.parquet"))) == 1
    assert pq.read_table(built).equals(own)
    # One set's merged cube added to itself by doubling gives the same sums and parts.
    one = pq.read_table(merged_cubes(single, "syn", [2023])[0])
    assert scale.repeated_sum(one, COPIES).equals(own)
    assert not scale.repeated_sum(one, COPIES - 1).equals(own)
    # ... and the file cubes without the merged cube give the same balance.
    runner = scale._file_cubes_runner(None, tmp_path / "tmp")
    from_files = energy_balance(replicated, "syn", areas, engine=runner).to_polars()
    assert from_files.equals(energy_balance(replicated, "syn", areas).to_polars())


@pytest.mark.spark
def test_replicated_balance_on_spark(stores, spark_runner):  # noqa: F811
    areas, single, replicated, _ = stores
    small = scale.raw_sums(single, "syn", areas, engine=spark_runner, tz="Europe/Madrid")
    big = scale.raw_sums(replicated, "syn", areas, engine=spark_runner, tz="Europe/Madrid")
    assert scale.scaled_difference(big, small, COPIES).height == 0
    duck = scale.raw_sums(replicated, "syn", areas, tz="Europe/Madrid")
    assert big.sort(big.columns[:6]).equals(duck.sort(duck.columns[:6]))
