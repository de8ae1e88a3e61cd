"""The adapter between Django and the pure energy engine (``urbis.engines.energy``).

It turns a city's areas (and PV installations) into the engine's plain ``Area`` list, points
the engine at the data directory and the engine chosen in ``settings.ENERGY_ENGINE``, and keeps
a cache of each city's balance cube on disk. The cache key is the set of committed input files
plus the area figures the balance depends on, so any ingest, removal or area change produces a
new key and the old cube is never served again.

A few things the pages need are not (yet) in the engine's public API; they are here as thin
adapters over the engine's own SQL and runners: street-level cells, the hourly profile of a
week, and the list of years stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from django.conf import settings
from django.db.models import Sum

from urbis.engines.energy import (
    Area,
    AreaIndex,
    EnergyBalance,
    energy_balance,
    list_files,
    make_runner,
)
from urbis.engines.energy.queries import MILLI_WH_PER_KWH, meter_totals_sql
from urbis.places.models import Area as PlaceArea
from urbis.places.models import City

LEVELS = ("street", "neighbourhood", "district", "city")
AREA_LEVELS = ("neighbourhood", "district", "city")
MEASURES = ("consumption", "production", "balance", "self_sufficiency")
#: Street cells: edge length and the smallest number of connections a published cell may hold
#: (Dutch grid operators publish small-consumer data only for groups of at least 10).
CELL_SIZE_M = 500.0
MIN_CONNECTIONS = 10

_lock = threading.Lock()
_memo: dict[tuple[str, str], Any] = {}


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def engine_name() -> str:
    return str(getattr(settings, "ENERGY_ENGINE", "duckdb") or "duckdb")


_runners: dict[str, Any] = {}


def runner() -> Any:
    """One runner per engine per process (a Spark session is expensive to start)."""
    name = engine_name()
    with _lock:
        if name not in _runners:
            _runners[name] = make_runner(name)
        return _runners[name]


def pv_capacity(city: City) -> dict[str, float]:
    """Installed PV capacity (kWp) per area code."""
    rows = (
        PlaceArea.objects.filter(city=city, pv_installations__isnull=False)
        .values("code")
        .annotate(kwp=Sum("pv_installations__capacity_kwp"))
    )
    return {r["code"]: float(r["kwp"]) for r in rows}


def engine_areas(city: City, *, with_geometry: bool = True) -> list[Area]:
    """The city and its areas as the engine's plain ``Area`` records (the city is the root)."""
    capacity = pv_capacity(city)
    result = [Area(city.code, "city", None, name=city.name)]
    fields = ["code", "level", "name", "households", "parent__code"]
    if with_geometry:
        fields.append("geometry")
    for row in PlaceArea.objects.filter(city=city).values(*fields).order_by("level", "code"):
        result.append(
            Area(
                code=row["code"],
                level=row["level"],
                parent_code=row["parent__code"] or city.code,
                geometry=row.get("geometry"),
                households=row["households"],
                pv_capacity_kwp=capacity.get(row["code"]),
                name=row["name"],
            )
        )
    return result


def _areas_signature(city: City) -> str:
    stamp = PlaceArea.objects.filter(city=city).order_by("-updated_at").values_list(
        "updated_at", flat=True
    ).first()
    payload = [str(stamp), PlaceArea.objects.filter(city=city).count(), sorted(
        pv_capacity(city).items()
    )]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def area_index(city: City) -> AreaIndex:
    """The city's ``AreaIndex``, rebuilt only when its areas or PV capacity change."""
    key = (city.code, "index:" + _areas_signature(city))
    with _lock:
        cached = _memo.get(key)
    if cached is None:
        cached = AreaIndex(engine_areas(city))
        with _lock:
            for old in [k for k in _memo if k[0] == city.code and k[1].startswith("index:")]:
                del _memo[old]
            _memo[key] = cached
    return cached


def stored_files(city: City) -> list[Any]:
    return list_files(data_dir(), city.code)


def catalogue_key(city: City) -> str:
    hashes = sorted(f.file_hash for f in stored_files(city))
    return hashlib.sha256(
        json.dumps([hashes, _areas_signature(city)]).encode()
    ).hexdigest()[:20]


def _cache_dir(city: City) -> Path:
    return data_dir() / "energy" / "cache" / f"city={city.code}"


def balance(city: City, *, refresh: bool = False) -> EnergyBalance:
    """The city's balance cube (every level, sector, carrier, year, month), cached on disk."""
    key = catalogue_key(city)
    path = _cache_dir(city) / f"balance-{key}.parquet"
    memo_key = (city.code, "balance:" + key)
    if not refresh:
        with _lock:
            hit = _memo.get(memo_key)
        if hit is not None:
            return hit
        if path.is_file():
            cube = EnergyBalance(pl.read_parquet(path))
            with _lock:
                _memo[memo_key] = cube
            return cube
    cube = energy_balance(data_dir(), city.code, area_index(city), engine=runner())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    cube.to_polars().write_parquet(tmp)
    os.replace(tmp, path)
    for old in path.parent.glob("balance-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
    with _lock:
        for stale in [k for k in _memo if k[0] == city.code and k[1].startswith("balance:")]:
            del _memo[stale]
        _memo[memo_key] = cube
    return cube


def years(city: City) -> list[int]:
    found: set[int] = set()
    for record in stored_files(city):
        found.update(int(y) for y in record.years)
    return sorted(found)


# --- Hourly profile -----------------------------------------------------------------------

_PROFILE_SQL = """
SELECT date_trunc('hour', r.ts) AS hour, r.flow AS flow,
       CAST(sum(CAST(round(r.kwh * 1e6) AS BIGINT)) AS BIGINT) AS energy,
       max(CASE WHEN r.estimate THEN 1 ELSE 0 END) AS estimated
FROM readings r JOIN profile_areas a ON r.area_code = a.area_code
WHERE r.resolution IN ('15min', 'hourly') AND r.carrier = 'electricity'
  AND r.ts >= CAST('{start}' AS TIMESTAMP) AND r.ts < CAST('{end}' AS TIMESTAMP)
GROUP BY date_trunc('hour', r.ts), r.flow
ORDER BY hour, flow
"""


@dataclass(frozen=True)
class HourlyProfile:
    hours: list[str]  # ISO hour starts, UTC
    consumption_kwh: list[float]
    production_kwh: list[float]
    has_estimate: bool


def leaf_codes_below(index: AreaIndex, code: str) -> list[str]:
    return [c for c in index.leaf_codes if code in {a.code for a in index.ancestors(c)}]


def hourly_profile(city: City, area_code: str, week_start: datetime) -> HourlyProfile:
    """Electricity consumption and production of an area, hour by hour, for seven days."""
    index = area_index(city)
    leaves = leaf_codes_below(index, area_code) or [area_code]
    end = week_start + timedelta(days=7)
    sql = _PROFILE_SQL.format(
        start=week_start.strftime("%Y-%m-%d %H:%M:%S"), end=end.strftime("%Y-%m-%d %H:%M:%S")
    )
    table = runner().run(
        sql,
        data_dir(),
        city.code,
        sorted({week_start.year, end.year}),
        {"profile_areas": pa.table({"area_code": pa.array(leaves, pa.string())})},
    )
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    slots = [week_start + timedelta(hours=h) for h in range(7 * 24)]
    cons = dict.fromkeys(slots, 0.0)
    prod = dict.fromkeys(slots, 0.0)
    estimated = False
    for row in frame.iter_rows(named=True):
        hour = row["hour"].replace(tzinfo=None)
        target = cons if row["flow"] == "consumption" else prod
        if hour in target:
            target[hour] = float(row["energy"]) / MILLI_WH_PER_KWH
        estimated = estimated or bool(row["estimated"] and row["flow"] == "production")
    return HourlyProfile(
        hours=[s.strftime("%Y-%m-%dT%H:00Z") for s in slots],
        consumption_kwh=[round(cons[s], 3) for s in slots],
        production_kwh=[round(prod[s], 3) for s in slots],
        has_estimate=estimated,
    )


# --- Street cells ---------------------------------------------------------------------------

_CELL_HOURLY_SQL = """
WITH per_hour AS (
    SELECT m.cell AS cell, date_trunc('hour', r.ts) AS hour,
           sum(CASE WHEN r.flow = 'consumption' THEN CAST(round(r.kwh * 1e6) AS BIGINT)
                    ELSE 0 END) AS c,
           sum(CASE WHEN r.flow = 'production' THEN CAST(round(r.kwh * 1e6) AS BIGINT)
                    ELSE 0 END) AS p
    FROM readings r JOIN meter_cells m ON r.meter_id = m.meter_id
    WHERE r.resolution IN ('15min', 'hourly') AND r.carrier = 'electricity'
      AND year(r.ts) = {year} {month_filter}
    GROUP BY m.cell, date_trunc('hour', r.ts)
)
SELECT cell, CAST(sum(c) AS BIGINT) AS hourly_c, CAST(sum(least(c, p)) AS BIGINT) AS matched
FROM per_hour GROUP BY cell
"""


def _metres(lon: np.ndarray, lat: np.ndarray, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    """Local equirectangular projection; exact enough for city-sized grids."""
    k = 111_320.0
    return lon * k * np.cos(np.radians(lat0)), lat * k


def street_cells(
    city: City, year: int, month: int = 0, *, cell_size_m: float = CELL_SIZE_M
) -> dict[str, Any]:
    """Meters aggregated into square cells; cells with fewer than ``MIN_CONNECTIONS`` meters
    are withheld so that no single household can be singled out.

    Returns ``{"cells": [...], "withheld_meters": n, "cell_size_m": ...}``; each cell has its
    polygon ring (lon/lat), connection count, consumption, production, net and hour-by-hour
    self-sufficiency (electricity, hourly readings).
    """
    key = (city.code, f"cells:{catalogue_key(city)}:{year}:{month}:{cell_size_m}")
    with _lock:
        hit = _memo.get(key)
    if hit is not None:
        return hit
    run = runner()
    table = run.run(meter_totals_sql(city.code, year), data_dir(), city.code, [year], {})
    meters = pl.from_arrow(table)
    assert isinstance(meters, pl.DataFrame)
    meters = meters.with_columns(pl.col("energy").cast(pl.Float64)).filter(
        pl.col("lon").is_not_null() & pl.col("lat").is_not_null()
        & ~pl.col("meter_id").str.starts_with("pv-estimate:")
    )
    result: dict[str, Any] = {"cells": [], "withheld_meters": 0, "cell_size_m": cell_size_m}
    if meters.height == 0:
        return result
    located = meters.group_by("meter_id").agg(pl.col("lon").min(), pl.col("lat").min())
    lon = located["lon"].to_numpy()
    lat = located["lat"].to_numpy()
    lat0 = float(np.median(lat))
    x, y = _metres(lon, lat, lat0)
    ix = np.floor(x / cell_size_m).astype(np.int64)
    iy = np.floor(y / cell_size_m).astype(np.int64)
    cells = located.with_columns(cell=pl.Series([f"{a}_{b}" for a, b in zip(ix, iy, strict=True)]))
    counts = cells.group_by("cell").agg(pl.len().alias("connections"))
    public = counts.filter(pl.col("connections") >= MIN_CONNECTIONS)
    result["withheld_meters"] = int(
        counts.filter(pl.col("connections") < MIN_CONNECTIONS)["connections"].sum() or 0
    )
    if public.height == 0:
        _remember(key, result)
        return result
    meter_cells = cells.join(public.select("cell"), on="cell", how="semi").select(
        "meter_id", "cell"
    )
    energy = meters.join(meter_cells, on="meter_id").group_by("cell").agg(
        consumption=pl.when(pl.col("flow") == "consumption").then(pl.col("energy")).sum(),
        production=pl.when(pl.col("flow") == "production").then(pl.col("energy")).sum(),
    )
    month_filter = f"AND month(r.ts) = {int(month)}" if month else ""
    hourly = pl.from_arrow(
        run.run(
            _CELL_HOURLY_SQL.format(year=int(year), month_filter=month_filter),
            data_dir(),
            city.code,
            [year],
            {"meter_cells": meter_cells.to_arrow().cast(
                pa.schema([("meter_id", pa.string()), ("cell", pa.string())])
            )},
        )
    )
    assert isinstance(hourly, pl.DataFrame)
    if month:
        # Annual meter totals cannot be split by month; monthly cells use hourly sums only.
        monthly = pl.from_arrow(
            run.run(
                _CELL_MONTH_SQL.format(year=int(year), month=int(month)),
                data_dir(), city.code, [year],
                {"meter_cells": meter_cells.to_arrow().cast(
                    pa.schema([("meter_id", pa.string()), ("cell", pa.string())])
                )},
            )
        )
        assert isinstance(monthly, pl.DataFrame)
        energy = monthly
    merged = public.join(energy, on="cell", how="left").join(hourly, on="cell", how="left")
    cos0 = np.cos(np.radians(lat0))
    for row in merged.sort("cell").iter_rows(named=True):
        a, b = (int(v) for v in row["cell"].split("_"))
        x0, y0 = a * cell_size_m, b * cell_size_m
        lon0, lon1 = x0 / (111_320.0 * cos0), (x0 + cell_size_m) / (111_320.0 * cos0)
        la0, la1 = y0 / 111_320.0, (y0 + cell_size_m) / 111_320.0
        cons = float(row["consumption"] or 0) / MILLI_WH_PER_KWH
        prod = float(row["production"] or 0) / MILLI_WH_PER_KWH
        hourly_c = float(row.get("hourly_c") or 0)
        result["cells"].append(
            {
                "code": row["cell"],
                "ring": [[lon0, la0], [lon1, la0], [lon1, la1], [lon0, la1], [lon0, la0]],
                "connections": int(row["connections"]),
                "consumption_kwh": round(cons, 1),
                "production_kwh": round(prod, 1),
                "net_kwh": round(cons - prod, 1),
                "self_sufficiency": (
                    round(float(row.get("matched") or 0) / hourly_c, 4) if hourly_c else None
                ),
            }
        )
    _remember(key, result)
    return result


_CELL_MONTH_SQL = """
SELECT m.cell AS cell,
       CAST(sum(CASE WHEN r.flow = 'consumption' THEN CAST(round(r.kwh * 1e6) AS BIGINT)
                ELSE 0 END) AS BIGINT) AS consumption,
       CAST(sum(CASE WHEN r.flow = 'production' THEN CAST(round(r.kwh * 1e6) AS BIGINT)
                ELSE 0 END) AS BIGINT) AS production
FROM readings r JOIN meter_cells m ON r.meter_id = m.meter_id
WHERE r.resolution IN ('15min', 'hourly', 'daily')
  AND year(r.ts) = {year} AND month(r.ts) = {month}
GROUP BY m.cell
"""


def _remember(key: tuple[str, str], value: Any) -> None:
    with _lock:
        prefix = key[1].split(":", 2)[:2]
        for stale in [
            k for k in _memo
            if k[0] == key[0] and k[1].startswith("cells:") and k[1].split(":", 2)[:2] != prefix
        ]:
            del _memo[stale]
        _memo[key] = value


def forget(city: City) -> None:
    """Drop in-memory caches of a city (after an ingest; the disk cache is keyed anyway)."""
    with _lock:
        for key in [k for k in _memo if k[0] == city.code]:
            del _memo[key]
