"""Exports read back by others' tools: the per-city zip opens, its Parquet reads in DuckDB,
its GeoPackage with pyogrio, its checksums match; CSV and GeoJSON equal the database."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pyogrio
import pytest
from shapely import wkb
from shapely.geometry import shape

from tests.opendata.test_ogc_core import assert_rfc7946
from urbis.opendata import exports
from urbis.places.models import Area


def content(response: Any) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def bulk(client: Any, barcelona: Any, energy: None, ideas: Any, observations: Any,
         tmp_path: Path) -> Path:
    response = client.get("/cities/barcelona/open-data.zip")
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "barcelona-open-data.zip" in response["Content-Disposition"]
    folder = tmp_path / "zip"
    with zipfile.ZipFile(io.BytesIO(content(response))) as archive:
        assert archive.testzip() is None
        archive.extractall(folder)
    return folder


def test_zip_has_every_layer_readme_and_checksums(bulk: Path) -> None:
    names = {p.name for p in bulk.iterdir()}
    for layer in ("districts", "neighbourhoods", "energy-balance", "street-cells",
                  "pv-installations", "ideas", "indicator-observations"):
        assert {f"{layer}.csv", f"{layer}.parquet", f"{layer}.json"} <= names, layer
    assert {"neighbourhoods.geojson", "neighbourhoods.gpkg", "ideas.gpkg"} <= names
    assert "energy-balance.gpkg" not in names  # a table, not a map layer
    sums = (bulk / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == len(names) - 1
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((bulk / name).read_bytes()).hexdigest() == digest, name
    readme = (bulk / "README.md").read_text()
    assert "## Neighbourhoods (`neighbourhoods`)" in readme
    assert "| `floor_area_m2` | number | m2 |" in readme
    assert "Creative Commons Attribution 4.0" in readme
    assert "licence/CC_BY_4_0" in readme


def test_zip_parquet_reads_in_duckdb(bulk: Path, barcelona: Any) -> None:
    path = bulk / "neighbourhoods.parquet"
    rows = duckdb.execute(
        "SELECT code, population, floor_area_m2, geometry FROM read_parquet(?) ORDER BY code",
        [str(path)],
    ).fetchall()
    stored = {a.code: a for a in Area.objects.filter(city=barcelona, level="neighbourhood")}
    assert [r[0] for r in rows] == sorted(stored)
    for code, population, floor_area, geometry in rows:
        assert population == stored[code].population
        assert floor_area == stored[code].floor_area_m2
        assert wkb.loads(geometry).normalize().equals_exact(
            shape(stored[code].geometry).normalize(), tolerance=1e-6)
    energy = duckdb.execute(
        "SELECT count(*), min(year), max(year) FROM read_parquet(?) "
        "WHERE sector = 'residential' AND month = 0",
        [str(bulk / "energy-balance.parquet")],
    ).fetchall()[0]
    assert energy == (4, 2025, 2025)
    geo = json.loads(duckdb.execute(
        "SELECT decode(value) FROM parquet_kv_metadata(?) WHERE key = 'geo'", [str(path)]
    ).fetchall()[0][0])
    assert geo["primary_column"] == "geometry" and geo["columns"]["geometry"]["encoding"] == "WKB"


def test_zip_geopackage_reads_with_pyogrio(bulk: Path, barcelona: Any) -> None:
    info = pyogrio.read_info(bulk / "neighbourhoods.gpkg")
    assert info["features"] == 73
    assert "4326" in info["crs"]
    meta, table = pyogrio.read_arrow(bulk / "neighbourhoods.gpkg")
    codes = table.column("code").to_pylist()
    assert sorted(codes) == sorted(
        Area.objects.filter(city=barcelona, level="neighbourhood").values_list("code", flat=True)
    )
    _meta, ideas = pyogrio.read_arrow(bulk / "ideas.gpkg")
    assert ideas.num_rows == 1


def test_csv_download_equals_database(client: Any, barcelona: Any) -> None:
    response = client.get("/cities/barcelona/open-data/districts.csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(content(response).decode("utf-8"))))
    stored = {a.code: a for a in Area.objects.filter(city=barcelona, level="district")}
    assert len(rows) == len(stored) == 10
    for row in rows:
        area = stored[row["code"]]
        assert int(row["population"]) == area.population
        assert row["population_date"] == area.population_date.isoformat()
        assert row["geometry_wkt"].startswith(("POLYGON", "MULTIPOLYGON"))


def test_geojson_download_is_rfc7946(client: Any, paris: Any) -> None:
    data = json.loads(content(client.get("/cities/paris/open-data/districts.geojson")))
    assert_rfc7946(data)
    assert len(data["features"]) == 20


def test_unknown_layer_or_format_is_404(client: Any, barcelona: Any) -> None:
    assert client.get("/cities/barcelona/open-data/rivers.csv").status_code == 404
    assert client.get("/cities/barcelona/open-data/pv-installations.gpkg").status_code == 404
    assert client.get("/cities/atlantis/open-data.zip").status_code == 404


def test_zip_is_spooled_to_disk_not_kept_in_memory(barcelona: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(exports, "SPOOL_BYTES", 64 * 1024)
    handle = exports.bulk_zip(barcelona, "http://testserver/")
    try:
        assert handle._rolled  # type: ignore[attr-defined]  # past the limit: a disk file
        with zipfile.ZipFile(handle) as archive:
            assert "README.md" in archive.namelist()
    finally:
        handle.close()


def test_city_page_links_to_open_data(client: Any, barcelona: Any) -> None:
    page = client.get("/cities/barcelona/").content.decode()
    assert "/cities/barcelona/open-data/" in page
    assert "/catalog?city=barcelona" in page
    listing = client.get("/cities/barcelona/open-data/").content.decode()
    assert "/cities/barcelona/open-data.zip" in listing
    assert "/ogc/collections/barcelona-neighbourhoods?f=html" in listing


def test_area_page_links_to_its_feature(client: Any, barcelona: Any) -> None:
    page = client.get("/cities/barcelona/areas/B07/").content.decode()
    assert "/ogc/collections/barcelona-neighbourhoods/items/B07?f=json" in page
    feature = json.loads(content(client.get(
        "/ogc/collections/barcelona-neighbourhoods/items/B07?f=json")))
    assert feature["id"] == "B07"
