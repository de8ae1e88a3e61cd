"""Shared fixtures: a tiny city with two neighbourhoods as unit squares around Barcelona."""

from __future__ import annotations

import pytest
import shapely

from urbis.engines.energy import Area

HEADER = "meter_id;timestamp;value;unit;flow;sector;carrier;area_code"


def square(lon: float, lat: float, size: float = 0.01) -> bytes:
    return shapely.to_wkb(shapely.box(lon, lat, lon + size, lat + size))


@pytest.fixture
def areas() -> list[Area]:
    return [
        Area("BCN", "city"),
        Area("D1", "district", "BCN"),
        Area(
            "N1",
            "neighbourhood",
            "D1",
            geometry=square(2.15, 41.38),
            households=100,
            floor_area_m2=8000.0,
        ),
        Area("N2", "neighbourhood", "D1", geometry=square(2.16, 41.38), households=50),
    ]


def write_csv(path, lines: list[str], header: str = HEADER, delimiter: str = ";") -> str:
    text = "\n".join([header.replace(";", delimiter), *lines]) + "\n"
    path.write_text(text)
    return str(path)
