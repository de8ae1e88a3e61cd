from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from urbis.engines.energy import committed_paths, energy_balance
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
