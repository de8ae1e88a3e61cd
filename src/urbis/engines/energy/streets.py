"""Street-level aggregation for the Smart Energy Map, with small-cell suppression.

Meters are counted in square cells of the EEA reference grid (ETRS89-LAEA, EPSG:3035,
INSPIRE cell codes such as ``CRS3035RES100mN2051200E3612300``). A cell with fewer than
``min_connections`` distinct meters is left out, as Dutch grid operators do when they
publish small-area consumption (at least 10 connections per published figure), so no
household's consumption can be read off the map.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa
from pyproj import Transformer

from .engines import QueryRunner, make_runner
from .queries import MILLI_WH_PER_KWH, meter_totals_sql

MIN_CONNECTIONS = 10
_TO_LAEA = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
_TO_WGS84 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


def grid_indices(lon: Any, lat: Any, cell_size_m: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Column and row of the EEA reference grid cell of each lon/lat point."""
    x, y = _TO_LAEA.transform(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    cx = np.floor(np.asarray(x) / cell_size_m).astype("int64")
    cy = np.floor(np.asarray(y) / cell_size_m).astype("int64")
    return cx, cy


def cell_code(cx: int, cy: int, cell_size_m: int = 100) -> str:
    """INSPIRE code of a grid cell, e.g. ``CRS3035RES100mN2051200E3612300``."""
    return f"CRS3035RES{cell_size_m}mN{int(cy) * cell_size_m}E{int(cx) * cell_size_m}"


def cell_codes(lon: Any, lat: Any, cell_size_m: int = 100) -> list[str]:
    """INSPIRE code of the grid cell of each lon/lat point."""
    cx, cy = grid_indices(lon, lat, cell_size_m)
    return [cell_code(a, b, cell_size_m) for a, b in zip(cx, cy, strict=True)]


@dataclass
class StreetCells:
    """Published cells as GeoJSON-ready features, plus how much was suppressed."""

    features: list[dict[str, Any]] = field(default_factory=list)
    suppressed_cells: int = 0
    suppressed_connections: int = 0
    cell_size_m: int = 100

    def feature_collection(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": self.features}


def street_cells(
    meters: pl.DataFrame | pa.Table,
    *,
    cell_size_m: int = 100,
    min_connections: int = MIN_CONNECTIONS,
) -> StreetCells:
    """Aggregate per-meter totals to grid cells, dropping cells below ``min_connections``.

    ``meters`` has one row per meter and flow: ``meter_id, flow, lon, lat, kwh``. A cell's
    connections are its distinct meter ids; consumption and production are summed.
    """
    frame = meters if isinstance(meters, pl.DataFrame) else pl.from_arrow(meters)
    assert isinstance(frame, pl.DataFrame)
    frame = frame.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
    if frame.height == 0:
        return StreetCells(cell_size_m=cell_size_m)
    cx, cy = grid_indices(frame["lon"].to_numpy(), frame["lat"].to_numpy(), cell_size_m)
    frame = frame.with_columns(cx=pl.Series(cx), cy=pl.Series(cy))
    cells = frame.group_by("cx", "cy").agg(
        connections=pl.col("meter_id").n_unique(),
        consumption_kwh=pl.col("kwh").filter(pl.col("flow") == "consumption").sum(),
        production_kwh=pl.col("kwh").filter(pl.col("flow") == "production").sum(),
    )
    small = cells.filter(pl.col("connections") < min_connections)
    shown = cells.filter(pl.col("connections") >= min_connections).sort("cy", "cx")
    result = StreetCells(
        suppressed_cells=small.height,
        suppressed_connections=int(small["connections"].sum() or 0),
        cell_size_m=cell_size_m,
    )
    if shown.height == 0:
        return result
    cx, cy = shown["cx"].to_numpy(), shown["cy"].to_numpy()
    # Corners in LAEA metres, counter-clockwise, projected back to lon/lat in one call.
    corner_x = np.stack([cx, cx + 1, cx + 1, cx, cx], axis=1) * cell_size_m
    corner_y = np.stack([cy, cy, cy + 1, cy + 1, cy], axis=1) * cell_size_m
    lon, lat = _TO_WGS84.transform(corner_x.ravel(), corner_y.ravel())
    lon = np.round(np.asarray(lon).reshape(corner_x.shape), 7)
    lat = np.round(np.asarray(lat).reshape(corner_y.shape), 7)
    for i, row in enumerate(shown.iter_rows(named=True)):
        code = cell_code(row["cx"], row["cy"], cell_size_m)
        ring = [[float(a), float(b)] for a, b in zip(lon[i], lat[i], strict=True)]
        consumption = float(row["consumption_kwh"] or 0.0)
        production = float(row["production_kwh"] or 0.0)
        result.features.append(
            {
                "type": "Feature",
                "id": code,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "cell": code,
                    "connections": int(row["connections"]),
                    "consumption_kwh": round(consumption, 3),
                    "production_kwh": round(production, 3),
                    "net_kwh": round(consumption - production, 3),
                },
            }
        )
    return result


def meter_totals(
    data_dir: str | os.PathLike[str],
    city: str,
    year: int,
    *,
    carrier: str = "electricity",
    engine: str | QueryRunner = "duckdb",
) -> pl.DataFrame:
    """Annual kWh per meter and flow with its location, from the store."""
    runner = make_runner(engine)
    raw = runner.run(meter_totals_sql(city, year), data_dir, city, [year], {})
    frame = pl.from_arrow(raw)
    assert isinstance(frame, pl.DataFrame)
    return frame.filter(pl.col("carrier") == carrier).select(
        "meter_id", "flow", "lon", "lat", kwh=pl.col("energy") / float(MILLI_WH_PER_KWH)
    )


def street_cells_for_city(
    data_dir: str | os.PathLike[str],
    city: str,
    year: int,
    *,
    carrier: str = "electricity",
    cell_size_m: int = 100,
    min_connections: int = MIN_CONNECTIONS,
    engine: str | QueryRunner = "duckdb",
) -> StreetCells:
    """:func:`street_cells` over a city's stored readings of one year and carrier."""
    totals = meter_totals(data_dir, city, year, carrier=carrier, engine=engine)
    return street_cells(totals, cell_size_m=cell_size_m, min_connections=min_connections)
