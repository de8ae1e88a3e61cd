from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from urbis.engines.energy import committed_paths, energy_balance, list_files
from urbis.engines.energy.model import Area
from urbis.engines.energy.pv import pv_profile, store_pv_estimates

from .conftest import square


@pytest.fixture(scope="module")
def barcelona():
    return pv_profile(41.39, 2.17, 2023)


def test_zero_at_night_and_peak_around_solar_noon(barcelona):
    starts, kwh = barcelona
    assert len(kwh) == 8760 and (kwh >= 0).all()
    hours = starts.astype("datetime64[h]").astype("int64") % 24
    assert kwh[(hours >= 20) | (hours <= 3)].max() == 0.0  # UTC night in Barcelona
    midsummer_day = kwh[24 * 171 : 24 * 172]
    assert int(np.argmax(midsummer_day)) in (11, 12)  # solar noon ~11:50 UTC
    assert midsummer_day.max() < 1.0  # never above the 1 kWp rating


def test_plausible_annual_yields(barcelona):
    assert 1300 <= barcelona[1].sum() <= 1700
    paris = pv_profile(48.86, 2.35, 2023)[1].sum()
    assert 900 <= paris <= 1200


def test_estimates_only_where_nothing_is_metered_and_flagged(tmp_path, areas):
    with_pv = [
        a
        if a.code != "N2"
        else Area(
            "N2",
            "neighbourhood",
            "D1",
            geometry=square(2.16, 41.38),
            households=50,
            pv_capacity_kwp=100.0,
        )
        for a in areas
    ]
    results = store_pv_estimates(tmp_path, "bcn", with_pv, 2023)
    assert [r.area_code for r in results] == ["N2"]
    assert 130_000 <= results[0].annual_kwh <= 170_000
    stored = pl.read_parquet(committed_paths(tmp_path, "bcn"))
    assert stored["estimate"].all() and stored.height == 8760
    row = energy_balance(tmp_path, "bcn", with_pv).row("N2", 2023)
    assert row is not None
    assert row.estimated_production_kwh == pytest.approx(row.production_kwh)
    # Running again replaces rather than doubles.
    store_pv_estimates(tmp_path, "bcn", with_pv, 2023)
    assert pl.read_parquet(committed_paths(tmp_path, "bcn")).height == 8760


def _with_pv(areas, code: str, kwp: float) -> list[Area]:
    return [
        Area(a.code, a.level, a.parent_code, a.geometry, a.households, a.floor_area_m2, kwp)
        if a.code == code
        else a
        for a in areas
    ]


def test_estimates_roll_up_apart_from_metered_production(tmp_path, areas):
    """N1 has a metered producer, N2 only an estimate: the district and city count both as
    production but only N2's as estimated, per month and per year, per sector and in all."""
    from urbis.engines.energy import ingest_file

    from .conftest import write_csv
    from .test_balance import HEADER

    metered = [
        "p1;2023-06-01T10:00:00Z;5;kWh;production;residential;electricity;N1;hourly",
        "p1;2023-06-01T11:00:00Z;7;kWh;production;residential;electricity;N1;hourly",
        "h1;2023-06-01T10:00:00Z;4;kWh;consumption;residential;electricity;N2;hourly",
    ]
    data = tmp_path / "d"
    with_pv = _with_pv(areas, "N2", 10.0)
    assert ingest_file(
        write_csv(tmp_path / "m.csv", metered, HEADER), city="bcn", areas=with_pv, data_dir=data
    ).ok
    [estimate] = store_pv_estimates(data, "bcn", with_pv, 2023)
    assert estimate.area_code == "N2"
    balance = energy_balance(data, "bcn", with_pv)
    june = {}
    for code in ("N1", "N2", "D1", "BCN"):
        for sector in ("residential", "all"):
            year = balance.row(code, 2023, sector=sector)
            month = balance.row(code, 2023, sector=sector, month=6)
            assert year is not None and month is not None
            june[code, sector] = month
            expected = 0.0 if code == "N1" else estimate.annual_kwh
            assert year.estimated_production_kwh == pytest.approx(expected, abs=0.01)
            metered_kwh = 12.0 if code != "N2" else 0.0
            assert year.production_kwh == pytest.approx(
                estimate.annual_kwh * (code != "N1") + metered_kwh, abs=0.01
            )
    months = [balance.row("D1", 2023, month=m) for m in range(1, 13)]
    assert sum(r.estimated_production_kwh for r in months if r) == pytest.approx(
        estimate.annual_kwh, abs=0.01
    )
    assert june["N1", "all"].estimated_production_kwh == 0.0


def test_an_unchanged_estimate_is_left_in_place(tmp_path, areas):
    with_pv = _with_pv(areas, "N2", 100.0)
    store_pv_estimates(tmp_path, "bcn", with_pv, 2023)
    first = list_files(tmp_path, "bcn")
    store_pv_estimates(tmp_path, "bcn", with_pv, 2023)
    assert list_files(tmp_path, "bcn") == first  # same record, same time stored
    store_pv_estimates(tmp_path, "bcn", _with_pv(areas, "N2", 50.0), 2023)
    (changed,) = list_files(tmp_path, "bcn")
    assert changed.file_hash != first[0].file_hash
