"""Synthetic cities and meter readings for demos, tests and benchmarks.

Consumption profiles are the BDEW standard load profiles, 2025 revision, as shipped by
``demandlib`` (oemof): H25 for households, G25 for commercial and public buildings, a
50/50 blend of G25 and a flat base load for industry. Public EV charging (mobility) uses a
documented evening-peaked shape (below). PV producers follow :func:`.pv.pv_profile` times a
day-by-day weather factor shared by the whole city. Each meter gets its own annual total
(log-normal around the sector's typical figure) and hour-to-hour noise, all vectorised.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import shapely

from .areas import AreaIndex
from .model import Area
from .pv import pv_profile, year_hours

#: Typical annual consumption per connection (kWh), the log-normal medians of the generator.
#: Household 3,000 kWh is close to the EU average household electricity use (Eurostat).
SECTOR_MIX: dict[str, tuple[float, float]] = {  # share of consumption meters, median kWh
    "residential": (0.82, 3_000.0),
    "commercial": (0.10, 25_000.0),
    "public": (0.03, 60_000.0),
    "industry": (0.02, 400_000.0),
    "mobility": (0.03, 15_000.0),
}
# Public charge points: low at night, rising from late afternoon, peak 18–21 h local time.
_EV_SHAPE = np.array(
    [3, 2, 2, 2, 2, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 7, 9, 10, 10, 9, 7, 5, 4], dtype="float64"
)


def synthetic_areas(
    city: str = "synth",
    *,
    centre: tuple[float, float] = (2.17, 41.39),
    districts: int = 4,
    neighbourhoods_per_district: int = 6,
    size_deg: float = 0.01,
) -> list[Area]:
    """A city of square neighbourhoods (``size_deg`` wide) grouped in districts."""
    areas = [Area(city, "city", name=city)]
    per_row = int(np.ceil(np.sqrt(districts * neighbourhoods_per_district)))
    lon0 = centre[0] - per_row * size_deg / 2
    lat0 = centre[1] - per_row * size_deg / 2
    n = 0
    for d in range(districts):
        d_code = f"{city}-D{d + 1}"
        areas.append(Area(d_code, "district", city, name=f"District {d + 1}"))
        for k in range(neighbourhoods_per_district):
            x, y = n % per_row, n // per_row
            box = shapely.box(
                lon0 + x * size_deg,
                lat0 + y * size_deg,
                lon0 + (x + 1) * size_deg,
                lat0 + (y + 1) * size_deg,
            )
            areas.append(
                Area(
                    f"{d_code}-N{k + 1}",
                    "neighbourhood",
                    d_code,
                    geometry=shapely.to_wkb(box),
                    households=1_500,
                    floor_area_m2=120_000.0,
                    name=f"Neighbourhood {d + 1}.{k + 1}",
                )
            )
            n += 1
    return areas


def _points_in(geom: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` uniform random points inside a polygon (vectorised rejection sampling)."""
    xmin, ymin, xmax, ymax = shapely.bounds(geom)
    found: list[np.ndarray] = []
    have = 0
    shapely.prepare(geom)
    while have < count:
        batch = max(64, 2 * (count - have))
        xy = np.column_stack([rng.uniform(xmin, xmax, batch), rng.uniform(ymin, ymax, batch)])
        inside = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]
        found.append(inside)
        have += len(inside)
    return np.concatenate(found)[:count]


def sector_profiles(
    year: int, tz: str, *, local_year: bool = False
) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """Per-sector hourly shapes over the hours of ``year``, each summing to 1: the UTC year
    by default (benchmarks compare UTC balances), the year by the clocks of ``tz`` with
    ``local_year`` (what a city's own data covers)."""
    import warnings

    from demandlib.bdew import G25, H25

    utc = year_hours(year, tz if local_year else "UTC")
    local = utc.tz_convert(tz).tz_localize(None)
    span = pd.date_range(f"{year - 1}-12-31", f"{year + 1}-01-02", freq="h", inclusive="left")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        h25 = H25(span).reindex(local).to_numpy(dtype="float64")
        g25 = G25(span).reindex(local).to_numpy(dtype="float64")
    flat = np.full(len(utc), g25.mean())
    ev = _EV_SHAPE[local.hour.to_numpy()]
    shapes = {
        "residential": h25,
        "commercial": g25,
        "public": g25,
        "industry": 0.5 * g25 + 0.5 * flat,
        "mobility": ev,
    }
    return utc, {k: v / v.sum() for k, v in shapes.items()}


def synth(
    meters: int,
    year: int,
    *,
    out_dir: str | os.PathLike[str],
    city: str = "synth",
    areas: Iterable[Area] | AreaIndex | None = None,
    pv_share: float = 0.2,
    tz: str = "Europe/Madrid",
    seed: int = 0,
    meters_per_file: int = 1_000,
) -> list[Path]:
    """Write ``meters`` hourly meter series for ``year`` as ingestible Parquet files.

    A share ``pv_share`` of the series are PV production meters (rooftop systems of 2–10
    kWp on residential connections); the rest are consumption meters with the sector mix of
    :data:`SECTOR_MIX`. Meters sit at random points inside the leaf areas (given, or from
    :func:`synthetic_areas`) and carry ``lon``/``lat`` rather than an area code, so ingestion
    exercises the spatial join. Files hold ``meters_per_file`` meters each and are named
    ``<city>-<year>-<nnnn>.parquet``; returns their paths.
    """
    index = (
        areas
        if isinstance(areas, AreaIndex)
        else AreaIndex(areas if areas is not None else synthetic_areas(city))
    )
    rng = np.random.default_rng(seed)
    utc, shapes = sector_profiles(year, tz)
    hours = len(utc)
    leaves = [c for c in index.leaf_codes if index.areas[c].geometry is not None]
    centre = shapely.unary_union([index.geometry(c) for c in leaves]).centroid
    _, pv_unit = pv_profile(centre.y, centre.x, year)
    # City-wide weather: a day-by-day factor (mean 1) so PV output varies with the sky.
    day_factor = np.repeat(rng.beta(4.0, 2.0, hours // 24 + 1) * 1.5, 24)[:hours]
    pv_unit = pv_unit * day_factor

    n_pv = int(round(meters * pv_share))
    sectors = np.array(list(SECTOR_MIX))
    shares = np.array([SECTOR_MIX[s][0] for s in sectors])
    kind = np.concatenate(
        [rng.choice(len(sectors), meters - n_pv, p=shares / shares.sum()), np.full(n_pv, -1)]
    )
    where = rng.choice(len(leaves), meters)
    lonlat = np.zeros((meters, 2))
    for i, code in enumerate(leaves):
        sel = np.flatnonzero(where == i)
        if sel.size:
            geom = index.geometry(code)
            assert geom is not None
            lonlat[sel] = _points_in(geom, sel.size, rng)

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ts = utc.tz_localize(None).to_numpy().astype("datetime64[us]")
    paths = []
    for start in range(0, meters, meters_per_file):
        block = np.arange(start, min(start + meters_per_file, meters))
        values = np.empty((block.size, hours), dtype="float64")
        for j, m in enumerate(block):
            if kind[m] < 0:
                kwp = rng.uniform(2.0, 10.0)
                values[j] = pv_unit * kwp
            else:
                sector = sectors[kind[m]]
                annual = SECTOR_MIX[sector][1] * rng.lognormal(0.0, 0.5)
                values[j] = shapes[sector] * annual
        noise = rng.gamma(8.0, 1.0 / 8.0, size=values.shape)  # mean 1, sd ~0.35
        noisy = kind[block] >= 0
        values[noisy] *= noise[noisy]
        values = np.round(values, 4)  # meters report whole Wh fractions, not 17 digits
        flow = np.where(kind[block] < 0, "production", "consumption")
        sector_of = np.where(kind[block] < 0, "residential", sectors[np.maximum(kind[block], 0)])
        # Per-meter attributes once, then joined onto the readings by a small integer: far
        # cheaper than repeating Python strings 8,784 times per meter.
        meters_frame = pl.DataFrame(
            {
                "m": np.arange(block.size, dtype="int32"),
                "meter_id": [f"{city}-{m:07d}" for m in block],
                "flow": flow,
                "sector": sector_of,
                "lon": lonlat[block, 0],
                "lat": lonlat[block, 1],
            }
        )
        frame = (
            pl.DataFrame(
                {
                    "m": np.repeat(np.arange(block.size, dtype="int32"), hours),
                    "timestamp": np.tile(ts, block.size),
                    "value": values.ravel(),
                }
            )
            .join(meters_frame, on="m", how="left", maintain_order="left")
            .select(
                "meter_id",
                pl.col("timestamp").dt.replace_time_zone("UTC"),
                "value",
                unit=pl.lit("kWh"),
                flow="flow",
                sector="sector",
                carrier=pl.lit("electricity"),
                resolution=pl.lit("hourly"),
                lon="lon",
                lat="lat",
            )
        )
        path = out / f"{city}-{year}-{start // meters_per_file:04d}.parquet"
        tmp = path.with_name(f".{path.name}.part")
        frame.write_parquet(tmp, compression="snappy", row_group_size=1_048_576)
        os.replace(tmp, path)
        paths.append(path)
    return paths
