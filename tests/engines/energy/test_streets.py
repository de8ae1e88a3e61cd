from __future__ import annotations

import numpy as np
import polars as pl
from pyproj import Transformer

from urbis.engines.energy.streets import street_cells

_TO_WGS84 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)


def _meters_in_cell(cell_x: int, cell_y: int, count: int, prefix: str) -> pl.DataFrame:
    """``count`` meters spread inside one 100 m LAEA cell (kept off its borders)."""
    rng = np.random.default_rng(cell_x + cell_y)
    x = cell_x * 100 + rng.uniform(10, 90, count)
    y = cell_y * 100 + rng.uniform(10, 90, count)
    lon, lat = _TO_WGS84.transform(x, y)
    return pl.DataFrame(
        {
            "meter_id": [f"{prefix}{i}" for i in range(count)],
            "flow": "consumption",
            "lon": lon,
            "lat": lat,
            "kwh": 1000.0,
        }
    )


def test_cells_below_ten_connections_are_suppressed():
    big = _meters_in_cell(36123, 20512, 12, "a")
    small = _meters_in_cell(36125, 20512, 9, "b")
    pv = big.head(2).with_columns(
        meter_id=pl.lit("pv-") + pl.col("meter_id"), flow=pl.lit("production"), kwh=pl.lit(500.0)
    )
    cells = street_cells(pl.concat([big, small, pv]))
    assert [f["id"] for f in cells.features] == ["CRS3035RES100mN2051200E3612300"]
    props = cells.features[0]["properties"]
    assert props["connections"] == 14  # 12 consumption meters + 2 PV meters
    assert props["consumption_kwh"] == 12_000 and props["production_kwh"] == 1_000
    assert props["net_kwh"] == 11_000
    assert (cells.suppressed_cells, cells.suppressed_connections) == (1, 9)


def test_exactly_ten_connections_is_shown_and_geometry_is_a_closed_ring():
    cells = street_cells(_meters_in_cell(36000, 20000, 10, "c"))
    assert len(cells.features) == 1
    ring = cells.features[0]["geometry"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    collection = cells.feature_collection()
    assert collection["type"] == "FeatureCollection"
