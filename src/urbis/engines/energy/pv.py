"""Modelled PV production with pvlib, for areas with known capacity but no production meter.

Model (no weather data can be downloaded here, so this is a *climatological* estimate):

1. Clear-sky irradiance: pvlib Ineichen/Perez model with pvlib's monthly Linke turbidity
   climatology for the location, at mid-hour solar positions.
2. Plane of array: Hay–Davies transposition onto a south-facing module (tilt 35° default).
3. Clouds: plane-of-array irradiance times a constant clear-sky index ``k`` — by default from
   :func:`default_clear_sky_index`, a coarse latitude rule tuned so that annual yields land
   near the long-term PVGIS yields usually reported for European cities (about 1,450–1,550
   kWh/kWp in Barcelona, 1,050–1,150 in Paris, ~1,000 in Berlin). It carries no day-to-day
   weather: the hourly shape is a clear day's, scaled.
4. Module temperature: Faiman model with a monthly-free 15 °C ambient and 1 m/s wind.
5. DC power: PVWatts with −0.4 %/K; system losses 14 % (PVWatts' default) cover inverter,
   wiring, soiling and mismatch.

Every value this produces is stored with ``estimate = true``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pvlib

from . import store
from .areas import AreaIndex
from .model import ESTIMATE_SOURCE_PREFIX, Area, StoredFile

_LAT_POINTS = (35.0, 40.0, 48.0, 60.0)
_K_POINTS = (0.85, 0.80, 0.61, 0.58)


def year_hours(year: int, tz: str = "UTC") -> pd.DatetimeIndex:
    """The hour starts (UTC) of calendar ``year`` as the clocks of ``tz`` count it: in
    Europe/Madrid the year starts at 23:00 UTC on 31 December."""
    return pd.date_range(
        f"{year}-01-01", f"{year + 1}-01-01", freq="h", tz=tz, inclusive="left"
    ).tz_convert("UTC")


def default_clear_sky_index(lat: float) -> float:
    """Annual-mean ratio of real to clear-sky plane-of-array irradiance (coarse, by latitude)."""
    return float(np.interp(abs(lat), _LAT_POINTS, _K_POINTS))


def pv_profile(
    lat: float,
    lon: float,
    year: int,
    *,
    tilt: float = 35.0,
    azimuth: float = 180.0,
    clear_sky_index: float | None = None,
    system_losses: float = 0.14,
    tz: str = "UTC",
) -> tuple[np.ndarray, np.ndarray]:
    """Hourly AC energy of a 1 kWp system over ``year`` as the clocks of ``tz`` count it:
    ``(hour starts UTC as datetime64[us], kWh/kWp)``."""
    starts = year_hours(year, tz)
    mid = starts + pd.Timedelta(minutes=30)
    site = pvlib.location.Location(lat, lon)
    sky = site.get_clearsky(mid, model="ineichen")
    sun = site.get_solarposition(mid)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt,
        azimuth,
        sun["apparent_zenith"],
        sun["azimuth"],
        sky["dni"],
        sky["ghi"],
        sky["dhi"],
        dni_extra=pvlib.irradiance.get_extra_radiation(mid),
        model="haydavies",
    )
    k = default_clear_sky_index(lat) if clear_sky_index is None else clear_sky_index
    irradiance = poa["poa_global"].fillna(0.0).to_numpy() * k
    cell = pvlib.temperature.faiman(irradiance, 15.0, 1.0)
    dc_kw = pvlib.pvsystem.pvwatts_dc(irradiance, cell, 1.0, -0.004)
    kwh = np.clip(np.asarray(dc_kw, dtype="float64") * (1.0 - system_losses), 0.0, None)
    kwh[np.asarray(sun["apparent_zenith"]) >= 90.0] = 0.0  # sun below horizon: nothing
    return starts.tz_localize(None).to_numpy().astype("datetime64[us]"), kwh


@dataclass(frozen=True)
class PvEstimate:
    """What :func:`store_pv_estimates` wrote: per area, the capacity and the annual estimate."""

    area_code: str
    capacity_kwp: float
    annual_kwh: float
    specific_yield_kwh_per_kwp: float


def _metered_production_areas(
    data_dir: str | os.PathLike[str], city: str, first: pd.Timestamp, last: pd.Timestamp
) -> set[str]:
    """Areas with metered production in the hours from ``first`` to ``last`` (UTC)."""
    measured = store.committed_paths(data_dir, city, sorted({first.year, last.year}))
    if not measured:
        return set()
    con = duckdb.connect()
    try:
        files = [p.as_posix() for p in measured]
        rows = con.execute(
            "SELECT DISTINCT area_code FROM read_parquet(?) "
            "WHERE flow = 'production' AND NOT estimate AND ts >= ? AND ts <= ?",
            [files, *(t.tz_localize(None).to_pydatetime() for t in (first, last))],
        ).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def estimate_year(record: StoredFile) -> int | None:
    """The calendar year (by the city's clock) that a stored PV estimate covers."""
    return store.generated_year(record, ESTIMATE_SOURCE_PREFIX)


def store_pv_estimates(
    data_dir: str | os.PathLike[str],
    city: str,
    areas: AreaIndex | Iterable[Area],
    year: int,
    *,
    sector: str = "residential",
    tilt: float = 35.0,
    azimuth: float = 180.0,
    tz: str = "UTC",
) -> list[PvEstimate]:
    """Estimate hourly PV production for every area with ``pv_capacity_kwp`` and no metered
    production in ``year`` (in itself or any area below it) and store it as readings with
    ``estimate = true`` under meter id ``pv-estimate:<area>``. ``year`` is the city's
    calendar year, by the clocks of ``tz``. Re-running replaces the previous estimates of
    that year."""
    index = areas if isinstance(areas, AreaIndex) else AreaIndex(areas)
    hours = year_hours(year, tz)
    metered = _metered_production_areas(data_dir, city, hours[0], hours[-1])
    covered = {a.code for code in metered if code in index for a in index.ancestors(code)}
    targets = [
        a
        for a in index.areas.values()
        if a.pv_capacity_kwp and a.code not in covered and a.geometry is not None
    ]
    source = f"{ESTIMATE_SOURCE_PREFIX}-{year}"
    if not targets:
        store.replace_estimates(data_dir, city, source, "", None)
        return []
    frames, results = [], []
    for area in targets:
        geom = index.geometry(area.code)
        assert geom is not None
        centre = geom.representative_point()
        starts, kwh_per_kwp = pv_profile(
            centre.y, centre.x, year, tilt=tilt, azimuth=azimuth, tz=tz
        )
        capacity = float(area.pv_capacity_kwp or 0.0)
        kwh = kwh_per_kwp * capacity
        results.append(PvEstimate(area.code, capacity, float(kwh.sum()), float(kwh_per_kwp.sum())))
        frames.append(
            pl.DataFrame(
                {
                    "meter_id": f"pv-estimate:{area.code}",
                    "flow": "production",
                    "sector": sector,
                    "carrier": "electricity",
                    "resolution": "hourly",
                    "area_code": area.code,
                    "lon": centre.x,
                    "lat": centre.y,
                    "ts": starts,
                    "kwh": kwh,
                    "estimate": True,
                }
            )
        )
    rows = pl.concat(frames).with_columns(year=pl.col("ts").dt.year())
    key = json.dumps(
        [[r.area_code, r.capacity_kwp] for r in results] + [year, tilt, azimuth, sector, tz]
    )
    file_hash = hashlib.sha256(f"{ESTIMATE_SOURCE_PREFIX}:{key}".encode()).hexdigest()
    store.replace_estimates(data_dir, city, source, file_hash, rows)
    return results
