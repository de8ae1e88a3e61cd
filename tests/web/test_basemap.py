"""Every map has something under its figures: a vector base map read from a PMTiles file
that Urbis serves itself by byte ranges, or, with none configured, the outlines and names of
the places around the figures (issue 16)."""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import Any

import pytest
from django.test import Client


def _tiles(
    z: int, west: float, south: float, east: float, north: float
) -> list[tuple[int, int, int]]:
    def xy(lon: float, lat: float) -> tuple[int, int]:
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        return x, y

    x0, y0 = xy(west, north)
    x1, y1 = xy(east, south)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def write_pmtiles(path: Path) -> Path:
    """A small real PMTiles archive over south-west Europe: land everywhere, water in the
    north-east quarter of each tile, zooms 0-6 (MapLibre over-zooms beyond)."""
    import mapbox_vector_tile
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    land = "POLYGON ((0 0, 4096 0, 4096 4096, 0 4096, 0 0))"
    water = "POLYGON ((2048 0, 4096 0, 4096 2048, 2048 2048, 2048 0))"
    tile = gzip.compress(mapbox_vector_tile.encode([
        {"name": "earth", "features": [{"geometry": land, "properties": {"kind": "earth"}}]},
        {"name": "water", "features": [{"geometry": water, "properties": {"kind": "ocean"}}]},
    ], default_options={"y_coord_down": True}))
    with path.open("wb") as handle:
        writer = Writer(handle)
        ids = sorted(zxy_to_tileid(*t) for z in range(7) for t in _tiles(z, -10, 35, 30, 60))
        for tile_id in ids:
            writer.write_tile(tile_id, tile)
        writer.finalize(
            {"tile_type": TileType.MVT, "tile_compression": Compression.GZIP, "min_zoom": 0,
             "max_zoom": 6, "min_lon_e7": -100_000_000, "min_lat_e7": 350_000_000,
             "max_lon_e7": 300_000_000, "max_lat_e7": 600_000_000, "center_zoom": 3,
             "center_lon_e7": 20_000_000, "center_lat_e7": 410_000_000},
            {"vector_layers": [{"id": "earth", "fields": {}}, {"id": "water", "fields": {}}]},
        )
    return path


@pytest.fixture
def basemap_file(settings: Any, tmp_path: Path) -> Path:
    path = write_pmtiles(tmp_path / "region.pmtiles")
    settings.BASEMAP_PMTILES = str(path)
    return path


@pytest.mark.django_db
def test_basemap_file_is_served_by_byte_ranges(basemap_file: Path) -> None:
    data = basemap_file.read_bytes()
    client = Client()
    head = client.get("/basemap.pmtiles", headers={"Range": "bytes=0-126"})
    assert head.status_code == 206
    assert head.content == data[:127]
    assert head["Content-Range"] == f"bytes 0-126/{len(data)}"
    assert head.content[:7] == b"PMTiles"
    tail = client.get("/basemap.pmtiles", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    past = client.get("/basemap.pmtiles", headers={"Range": f"bytes={len(data)}-"})
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(data)}"
    whole = client.get("/basemap.pmtiles")
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == data  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_no_basemap_file_no_scripts(settings: Any) -> None:
    settings.BASEMAP_PMTILES = ""
    client = Client()
    assert client.get("/basemap.pmtiles").status_code == 404
    assert b"maplibre" not in client.get("/").content


@pytest.mark.django_db
def test_configured_basemap_loads_its_scripts(basemap_file: Path) -> None:
    page = Client().get("/").content.decode()
    assert "vendor/maplibre/maplibre-gl-csp.js" in page
    assert 'data-pmtiles="/basemap.pmtiles"' in page


def _csp_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_vector_basemap_draws_under_the_city_map(page: Any, live_server: Any, basemap_file: Path,
                                                 tmp_path: Path) -> None:
    from urbis.demo import loader

    for _label, step in loader.place_steps():
        step()
    errors = _csp_errors(page)
    ranges: list[str] = []
    page.on("request", lambda r: ranges.append(r.headers.get("range", ""))
            if r.url.endswith("/basemap.pmtiles") else None)
    page.goto(f"{live_server.url}/cities/barcelona/")
    page.wait_for_selector("#map[data-loaded]")
    page.wait_for_selector("#map[data-basemap='vector']", timeout=30_000)
    assert int(page.get_attribute("#map", "data-basemap-features") or 0) > 0
    assert any(r.startswith("bytes=") for r in ranges)
    # The figures stay on top and reachable: the same 73 neighbourhoods as without a base map.
    assert page.locator("#map path.leaflet-interactive").count() == 73
    assert page.locator("#map canvas.maplibregl-canvas").count() == 1
    page.screenshot(path=str(tmp_path / "city-vector.png"))
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_map_without_basemap_shows_each_city_sized_and_named(
    page: Any, live_server: Any, settings: Any
) -> None:
    from urbis.demo import loader
    from urbis.places.models import City

    settings.BASEMAP_PMTILES = ""
    for _label, step in loader.place_steps():
        step()
    errors = _csp_errors(page)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#map[data-loaded]")
    cities = {c.code: c for c in City.objects.exclude(boundary=None)}
    markers = page.locator("#map [data-marker]")
    assert markers.count() == len(cities) >= 2
    # A circle's size follows the population: the larger city has the larger circle.
    sizes = {m.get_attribute("data-marker"): m.bounding_box()["width"] for m in markers.all()}
    big, small = sorted(cities.values(), key=lambda c: c.population or 0, reverse=True)[:2]
    assert sizes[big.code] > sizes[small.code]
    # Each city's name is on the map, as text.
    labels = page.locator("#map .map-label-city").all_inner_texts()
    assert sorted(labels) == sorted(c.name for c in cities.values())
    # Fitted to the cities: every marker is inside the map's box.
    box = page.locator("#map").bounding_box()
    for marker in markers.all():
        m = marker.bounding_box()
        assert box["x"] <= m["x"] and m["x"] + m["width"] <= box["x"] + box["width"]
        assert box["y"] <= m["y"] and m["y"] + m["height"] <= box["y"] + box["height"]
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_city_and_area_maps_name_the_places_without_basemap(
    page: Any, live_server: Any, settings: Any
) -> None:
    from urbis.demo import loader

    settings.BASEMAP_PMTILES = ""
    for _label, step in loader.place_steps():
        step()
    page.goto(f"{live_server.url}/cities/barcelona/?level=district")
    page.wait_for_selector("#map[data-loaded]")
    names = page.locator("#map .map-label").all_inner_texts()
    assert "Eixample" in names and 8 <= len(names) <= 10
    # No name covers another.
    boxes = [b for b in (s.bounding_box() for s in page.locator("#map .map-label span").all()) if b]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                     or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1)
            assert apart, (a, b)
    # More neighbourhood names appear as one zooms in.
    page.goto(f"{live_server.url}/cities/barcelona/")
    page.wait_for_selector("#map[data-loaded]")
    before = page.locator("#map .map-label").count()
    page.locator("#map .leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    assert page.locator("#map .map-label").count() > before > 0
    # An area's page draws its neighbours' outlines and names around it.
    page.goto(f"{live_server.url}/cities/barcelona/areas/B01/")
    page.wait_for_selector("#map[data-context-loaded]")
    assert int(page.get_attribute("#map", "data-context-loaded") or 0) == 73
    assert page.locator("#map .map-label-context").count() > 0
    assert page.locator("#map path.leaflet-interactive").count() == 1
