"""Modelled meter readings for the demo cities (what is real and what is modelled:
docs/DATA.md, "Energy demo").

Real: the city-level annual final energy consumption (``demo/data/<city>/energy_annual.csv``,
latest whole-city row), the neighbourhood boundaries and populations. Modelled: everything
else — where the meters are, how consumption splits between neighbourhoods (by population
share), sectors and carriers, the hourly shapes (BDEW standard load profiles from the engine's
generator), PV production (pvlib, via the engine) and the year-to-year change.

Every year generated is scaled so that its total consumption equals the anchor figure exactly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from pyproj import Transformer

from urbis.engines.energy import pv_profile, sector_profiles

#: Connections per neighbourhood, all within one street block so that street cells reach the
#: publication threshold of 10.
CONNECTIONS = (("residential", 7), ("commercial", 2), ("public", 1))
#: Modelled share of a connection's final energy that is electricity (the rest is gas, read
#: daily). Not a published figure.
ELECTRIC_SHARE = {"residential": 0.40, "commercial": 0.70, "public": 0.60}
CLUSTER_RADIUS_M = 30.0
#: No demo connection averages more than this: with standard-profile peaks and noise up to
#: about five times the mean it stays under the engine's 50 MW plausibility limit.
MAX_MEAN_KW = 8_000.0


@dataclass(frozen=True)
class Anchor:
    year: int
    mwh: float
    source: str


@dataclass(frozen=True)
class Neighbourhood:
    code: str
    lon: float
    lat: float
    population: int
    improvement: float  # modelled fall of consumption from baseline to scoring year
    pv_kwp: float  # metered rooftop PV (0: none)


def anchor(path: Path) -> Anchor | None:
    """The latest whole-city, all-sector, all-carrier figure of ``energy_annual.csv``."""
    if not path.is_file():
        return None
    best: Anchor | None = None
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row.get("area_level"), row.get("sector"), row.get("carrier")) != (
                "city", "all", "all"
            ):
                continue
            year = int(row["year"])
            if best is None or year > best.year:
                best = Anchor(year, float(row["consumption_mwh"]), row.get("source", ""))
    return best


def _profiles(year: int, tz: str) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    # The engine's synthetic generator holds the standard load profiles (BDEW H25/G25).
    # The city's own calendar year: a UTC year would put its last hour into next year.
    return sector_profiles(year, tz, local_year=True)


_TO_LAEA = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
_FROM_LAEA = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


def cell_centre(lon: float, lat: float, size: float = 100.0) -> tuple[float, float]:
    """Centre of the EEA reference-grid cell holding the point: a street block of the demo
    sits there, so its connections fall in one street cell of the map."""
    x, y = _TO_LAEA.transform(lon, lat)
    cx = (np.floor(x / size) + 0.5) * size
    cy = (np.floor(y / size) + 0.5) * size
    out_lon, out_lat = _FROM_LAEA.transform(cx, cy)
    return float(out_lon), float(out_lat)


def _capped(weights: np.ndarray, total: float, cap: float) -> np.ndarray:
    """Scale ``weights`` to sum to ``total`` with no element above ``cap``: the excess of
    capped connections is spread over the others in proportion to their weight."""
    if cap * weights.size < total:
        raise ValueError("too few connections to carry the total under the cap")
    result = weights / weights.sum() * total
    for _ in range(50):
        over = result > cap
        if not over.any():
            break
        excess = (result[over] - cap).sum()
        result[over] = cap
        free = ~over & (result < cap)
        result[free] += excess * result[free] / result[free].sum()
    return result


def _gas_shape(utc: pd.DatetimeIndex, mean_c: float) -> np.ndarray:
    """Daily gas use ∝ heating degrees below 18 °C of a modelled seasonal temperature, plus a
    hot-water base; per UTC hour (flat within the day), summing to 1."""
    doy = utc.day_of_year.to_numpy()
    temperature = mean_c - 8.0 * np.cos(2 * np.pi * (doy - 15) / 365.25)
    shape = np.clip(18.0 - temperature, 0.0, None) + 2.0
    return shape / shape.sum()


def _daily(ts: np.ndarray, values: np.ndarray, tz: str) -> tuple[np.ndarray, np.ndarray]:
    """Sum hourly columns (meters × hours) into the city's days; each day starts at local
    midnight, given in UTC."""
    local = pd.DatetimeIndex(ts).tz_localize("UTC").tz_convert(tz)
    midnights = local.normalize().tz_convert("UTC").tz_localize(None).to_numpy()
    unique, start = np.unique(midnights, return_index=True)
    return unique.astype("datetime64[us]"), np.add.reduceat(values, start, axis=1)


def generate(
    *,
    city: str,
    neighbourhoods: list[Neighbourhood],
    year: int,
    total_kwh: float,
    tz: str,
    mean_temperature_c: float,
    hourly: bool,
    scoring: bool,
    seed: int,
    out_dir: Path,
    layout_seed: int | None = None,
) -> list[Path]:
    """Write the year's readings of every demo meter as Parquet files ready to ingest:
    ``<city>-<year>-electricity.parquet`` (hourly or daily), ``-gas.parquet`` (daily) and
    ``-pv.parquet`` (hourly or daily). Deterministic for given seeds: ``layout_seed`` fixes
    where the meters are and how big they are (keep it across years, so that a meter stays
    the same connection), ``seed`` the year's noise and weather."""
    rng = np.random.default_rng(seed)
    layout = np.random.default_rng(seed if layout_seed is None else layout_seed)
    utc, shapes = _profiles(year, tz)
    ts = utc.tz_localize(None).to_numpy().astype("datetime64[us]")
    hours = ts.size
    gas = _gas_shape(utc, mean_temperature_c)

    ids, sectors, lons, lats, weights, elec_share, codes = [], [], [], [], [], [], []
    for n in neighbourhoods:
        k = 0
        for sector, count in CONNECTIONS:
            for _ in range(count):
                k += 1
                angle = layout.uniform(0, 2 * np.pi)
                dist = CLUSTER_RADIUS_M * np.sqrt(layout.uniform())
                lons.append(n.lon + dist * np.cos(angle) / (111_320.0 * np.cos(np.radians(n.lat))))
                lats.append(n.lat + dist * np.sin(angle) / 111_320.0)
                ids.append(f"{city}-{n.code}-{k:02d}")
                codes.append(n.code)
                sectors.append(sector)
                # Residential demand follows the neighbourhood's (real) population; the rest
                # follows it too, with modelled spread.
                base = max(n.population, 1) / 7.0 if sector == "residential" else (
                    max(n.population, 1) / 7.0 * layout.lognormal(0.3, 0.4)
                )
                factor = (1.0 - n.improvement) if scoring else 1.0
                weights.append(base * factor * layout.lognormal(0.0, 0.15))
                elec_share.append(ELECTRIC_SHARE[sector])
    w = _capped(np.array(weights), total_kwh, MAX_MEAN_KW * hours)
    share = np.array(elec_share)
    elec_total = w * share
    gas_total = w * (1.0 - share)
    sector_arr = np.array(sectors)

    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    elec = np.empty((len(ids), hours))
    for sector in {s for s, _ in CONNECTIONS}:
        rows = sector_arr == sector
        elec[rows] = np.outer(elec_total[rows], shapes[sector])
    noise = rng.gamma(30.0, 1.0 / 30.0, size=elec.shape)
    elec *= noise
    # Noise must not move the annual totals away from the anchor.
    elec *= (elec_total / elec.sum(axis=1))[:, None]
    meta = {"meter_id": np.array(ids), "sector": sector_arr, "lon": np.array(lons),
            "lat": np.array(lats), "area_code": np.array(codes)}
    paths.append(_write(out_dir / f"{city}-{year}-electricity.parquet", ts, elec, meta,
                        flow="consumption", carrier="electricity", hourly=hourly, tz=tz))
    # Only residential connections have a (daily-read) gas meter; the non-electric share of
    # the other connections is added to them so that the city total stays exact.
    has_gas = sector_arr == "residential"
    gas_scale = gas_total.sum() / gas_total[has_gas].sum()
    gas_values = np.outer(gas_total[has_gas] * gas_scale, gas)
    gas_meta = {k: v[has_gas] for k, v in meta.items()}
    gas_meta["meter_id"] = np.char.add(gas_meta["meter_id"], "-gas")
    paths.append(_write(out_dir / f"{city}-{year}-gas.parquet", ts, gas_values, gas_meta,
                        flow="consumption", carrier="gas", hourly=False, tz=tz))

    producers = [n for n in neighbourhoods if n.pv_kwp > 0]
    if producers:
        pv_values = np.empty((len(producers), hours))
        day_factor = np.repeat(rng.beta(4.0, 2.0, hours // 24 + 1) * 1.5, 24)[:hours]
        # One clear-sky profile at the producers' mean position serves the whole city: within
        # ten kilometres sunrise shifts by under a minute, and the solar-position model is the
        # slow part of the demo.
        _starts, unit = pv_profile(
            float(np.mean([n.lat for n in producers])),
            float(np.mean([n.lon for n in producers])),
            year,
            tz=tz,
        )
        for i, n in enumerate(producers):
            pv_values[i] = unit[:hours] * day_factor * n.pv_kwp
        pv_meta = {
            "meter_id": np.array([f"{city}-{n.code}-pv" for n in producers]),
            "sector": np.array(["residential"] * len(producers)),
            "lon": np.array([n.lon for n in producers]),
            "lat": np.array([n.lat for n in producers]),
            "area_code": np.array([n.code for n in producers]),
        }
        paths.append(_write(out_dir / f"{city}-{year}-pv.parquet", ts, pv_values, pv_meta,
                            flow="production", carrier="electricity", hourly=hourly, tz=tz))
    return paths


def _write(
    path: Path, ts: np.ndarray, values: np.ndarray, meta: dict[str, np.ndarray], *, flow: str,
    carrier: str, hourly: bool, tz: str,
) -> Path:
    if not hourly:
        ts, values = _daily(ts, values, tz)
    meters, steps = values.shape
    index = np.repeat(np.arange(meters), steps)
    frame = pl.DataFrame(
        {
            "meter_id": pl.Series(meta["meter_id"]).cast(pl.Categorical).gather(index),
            "timestamp": pl.Series(np.tile(ts, meters)).dt.replace_time_zone("UTC"),
            "value": np.round(values.ravel(), 3),
            "unit": pl.repeat("kWh", meters * steps, eager=True).cast(pl.Categorical),
            "flow": pl.repeat(flow, meters * steps, eager=True).cast(pl.Categorical),
            "sector": pl.Series(meta["sector"]).cast(pl.Categorical).gather(index),
            "carrier": pl.repeat(carrier, meters * steps, eager=True).cast(pl.Categorical),
            "resolution": pl.repeat("hourly" if hourly else "daily", meters * steps,
                                    eager=True).cast(pl.Categorical),
            "area_code": pl.Series(meta["area_code"]).cast(pl.Categorical).gather(index),
            "lon": pl.Series(meta["lon"]).gather(index),
            "lat": pl.Series(meta["lat"]).gather(index),
        }
    )
    tmp = path.with_name(f".{path.name}.part")
    frame.write_parquet(tmp, compression="snappy", row_group_size=1_048_576)
    tmp.replace(path)
    return path
