from __future__ import annotations

import polars as pl

from urbis.engines.energy import AreaIndex, energy_balance, ingest_file
from urbis.engines.energy.synth import synth, synthetic_areas


def test_synthetic_city_ingests_and_balances(tmp_path):
    areas = synthetic_areas("syn", districts=2, neighbourhoods_per_district=2)
    paths = synth(
        40,
        2023,
        out_dir=tmp_path / "in",
        city="syn",
        areas=areas,
        meters_per_file=25,
        pv_share=0.25,
    )
    assert len(paths) == 2
    frame = pl.read_parquet(paths)
    assert frame.height == 40 * 8760
    assert frame["meter_id"].n_unique() == 40
    assert (frame.filter(pl.col("flow") == "production")["meter_id"].n_unique()) == 10
    assert (frame["value"] >= 0).all()
    index = AreaIndex(areas)
    for path in paths:
        report = ingest_file(path, city="syn", areas=index, data_dir=tmp_path / "d")
        assert report.status == "stored", report.errors[:3]
    row = energy_balance(tmp_path / "d", "syn", index).row("syn", 2023)
    assert row is not None and row.hours == 8760
    assert row.production_kwh > 0 and row.consumption_kwh > row.production_kwh
    assert 0 < row.self_sufficiency < 1  # type: ignore[operator]
