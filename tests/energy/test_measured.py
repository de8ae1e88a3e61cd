"""Measured consumption per postcode: checked, placed (on the city, or by overlay on
neighbourhoods), stored as daily readings through the engine, and labelled on the pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import shapely

from urbis.demo.loader import DATA
from urbis.energy import engine, measured, queries, services
from urbis.energy.models import EnergyUpload
from urbis.engines.energy.store import committed_paths
from urbis.errors import ImportRefused
from urbis.places.models import Area

DATASET = measured.BARCELONA_ELECTRICITY
REPO_FILE = DATA / "barcelona" / "electricity_by_postcode_daily_2019_2020.csv.gz"


def _file(tmp_path: Path, lines: list[str], name: str = "pc.csv") -> Path:
    path = tmp_path / name
    path.write_text("date,postcode,sector,kwh\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _city_row(city: Any, year: int) -> dict[str, Any]:
    engine.forget(city)
    return next(r for r in queries.balance_table(city, level="city", year=year))


def _stored_per_postcode(city: Any) -> dict[str, float]:
    paths = [str(p) for p in committed_paths(engine.data_dir(), city.code)]
    rows = duckdb.sql(
        "SELECT split_part(meter_id, ':', 2) AS pc, sum(kwh) FROM read_parquet(?) "
        "GROUP BY pc", params=[paths]
    ).fetchall() if paths else []
    return dict(rows)


def test_the_repo_file_ingested_on_the_city_equals_its_totals(
    barcelona: Any, energy_dir: Path
) -> None:
    # Totals straight from the bundled file, per postcode and for the city.
    with gzip.open(REPO_FILE, "rt") as handle:
        lines = handle.read().splitlines()[1:]
    per_postcode: dict[str, float] = {}
    for line in lines:
        day, pc, _sector, kwh = line.split(",")
        if day.startswith("2019"):
            per_postcode[pc] = per_postcode.get(pc, 0.0) + float(kwh)
    assert len(per_postcode) == 42
    uploads = measured.ingest(barcelona, REPO_FILE, DATASET, years=[2019])
    assert [u.status for u in uploads] == [EnergyUpload.Status.STORED]
    stored = _stored_per_postcode(barcelona)
    assert stored.keys() == per_postcode.keys()
    for pc, total in per_postcode.items():
        assert stored[pc] == pytest.approx(total, abs=1e-6)
    city = _city_row(barcelona, 2019)
    # 6.944 TWh in 2019 (SOURCE note of the data set); the balance rounds to mWh.
    assert city["consumption_kwh"] == pytest.approx(sum(per_postcode.values()), abs=1.0)
    assert 6.94e9 < city["consumption_kwh"] < 6.95e9
    # Daily readings: in totals, never in the hour-by-hour ratios.
    assert city["self_sufficiency"] is None
    # No neighbourhood gets a share that was not published.
    assert not [r for r in queries.balance_table(barcelona, level="neighbourhood", year=2019)
                if r["consumption_kwh"]]
    # Loading again stores nothing new.
    assert measured.ingest(barcelona, REPO_FILE, DATASET, years=[2019]) == []
    assert measured.provenance(barcelona)[2019] == {"barcelona": ["measured"]}


def test_overlay_placement_keeps_each_postcodes_total(
    barcelona: Any, energy_dir: Path, tmp_path: Path
) -> None:
    geoms = {
        a.code: shapely.from_geojson(json.dumps(a.geometry))
        for a in Area.objects.filter(city=barcelona, code__in=["B01", "B02", "B03"])
    }
    polygons = {
        # A postcode over two whole barris, and one over a single barri.
        "08001": shapely.geometry.mapping(geoms["B01"].union(geoms["B02"])),
        "08002": shapely.geometry.mapping(geoms["B03"]),
    }
    path = _file(tmp_path, [
        "2019-03-01,08001,residential,1000",
        "2019-03-01,08001,services,500",
        "2019-03-02,08001,residential,1100",
        "2019-03-01,08002,industry,200.5",
    ])
    measured.ingest(barcelona, path, DATASET, years=[2019], polygons=polygons)
    stored = _stored_per_postcode(barcelona)
    assert stored == pytest.approx({"08001": 2600.0, "08002": 200.5}, abs=1e-6)
    engine.forget(barcelona)
    rows = {r["code"]: r["consumption_kwh"]
            for r in queries.balance_table(barcelona, level="neighbourhood", year=2019)}
    # 08001 is split between B01 and B02 by surface (in EPSG:3035), nothing elsewhere.
    from pyproj import Transformer
    laea = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
    a1, a2 = (shapely.transform(geoms[c], lambda xy: list(zip(*laea.transform(*xy.T),
                                                             strict=True))).area
              for c in ("B01", "B02"))
    assert rows["B01"] == pytest.approx(2600 * a1 / (a1 + a2), abs=0.5)
    assert rows["B02"] == pytest.approx(2600 * a2 / (a1 + a2), abs=0.5)
    assert rows["B03"] == pytest.approx(200.5, abs=0.01)
    assert sum(v or 0 for v in rows.values()) == pytest.approx(2800.5, abs=0.01)


@pytest.mark.parametrize(
    ("line", "row", "field", "reason"),
    [
        ("2019-03-01,08099,residential,10", 3, "postcode", "unknown postcode '08099'"),
        ("2019-02-30,08001,residential,10", 3, "date", "not a date"),
        ("2019-03-01,08001,residential,-5", 3, "kwh", "not a number of kWh"),
        ("2019-03-01,08001,leisure,5", 3, "sector", "unknown sector 'leisure'"),
    ],
)
def test_a_bad_row_refuses_the_file_and_stores_nothing(
    barcelona: Any, energy_dir: Path, tmp_path: Path,
    line: str, row: int, field: str, reason: str,
) -> None:
    path = _file(tmp_path, ["2019-03-01,08002,residential,10", line])
    with pytest.raises(ImportRefused) as refused:
        measured.ingest(barcelona, path, DATASET, years=[2019])
    (error,) = refused.value.errors
    assert (error.file, error.row, error.field) == ("pc.csv", row, field)
    assert reason in error.reason
    assert engine.stored_files(barcelona) == []
    assert not EnergyUpload.objects.filter(city=barcelona).exists()


def test_a_missing_column_is_named(barcelona: Any, energy_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "pc.csv"
    path.write_text("date,postcode,kwh\n2019-03-01,08001,5\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        measured.read_zone_file(path, DATASET)
    assert [(e.row, e.field) for e in refused.value.errors] == [(1, "sector")]


def test_pages_say_how_each_figure_was_obtained(
    barcelona: Any, energy_dir: Path, tmp_path: Path, client: Any, write_file: Any
) -> None:
    from tests.energy.conftest import readings

    # Measured (a published table, on the city) for 2019 ...
    measured.ingest(barcelona, _file(tmp_path, ["2019-03-01,08001,residential,1000"]),
                    DATASET, years=[2019])
    # ... and modelled demo readings in B07 for 2025.
    demo = write_file("demo.csv", readings(3, 24, pv=False))
    services.ingest_path(barcelona, demo, source=EnergyUpload.Source.DEMO)
    # ... and estimated PV production (pvlib, from installed capacity) in B44.
    services.add_pv_installation(None, Area.objects.get(city=barcelona, code="B44"),
                                 name="Roof", capacity_kwp=100)
    engine.forget(barcelona)

    page = client.get("/cities/barcelona/energy/?level=city&year=2019").content.decode()
    assert 'provenance-measured">measured</span>' in page
    assert "Ajuntament de Barcelona, Open Data BCN" in page
    page = client.get("/cities/barcelona/energy/?level=neighbourhood&year=2025").content.decode()
    assert 'provenance-modelled">modelled</span>' in page
    assert 'provenance-measured' not in page
    assert 'provenance-estimated">estimated</span>' in page
    assert measured.provenance(barcelona)[2025]["B44"] == ["estimated"]
    assert measured.provenance(barcelona)[2025]["barcelona"] == ["estimated", "modelled"]

    page = client.get("/cities/barcelona/energy/areas/barcelona/").content.decode()
    assert 'id="how-obtained-2019"' in page and 'id="how-obtained-2025"' in page
    chunk_2019 = page.split('id="how-obtained-2019"')[1].split("</p>")[0]
    chunk_2025 = page.split('id="how-obtained-2025"')[1].split("</p>")[0]
    assert ">measured<" in chunk_2019 and "modelled" not in chunk_2019
    assert ">modelled<" in chunk_2025 and "measured<" not in chunk_2025
    page = client.get("/cities/barcelona/energy/areas/B07/").content.decode()
    assert 'id="how-obtained-2019"' not in page  # B07 has no 2019 figure at all
    assert ">modelled<" in page.split('id="how-obtained-2025"')[1].split("</p>")[0]
