"""The boundary importer: real files in, and every kind of bad file refused whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyogrio
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from urbis.errors import ImportRefused
from urbis.places import services
from urbis.places.geometry import UnreadableFile
from urbis.places.models import Area, City

SQUARE = [[[2.10, 41.38], [2.11, 41.38], [2.11, 41.39], [2.10, 41.39], [2.10, 41.38]]]
# A bow-tie: the ring crosses itself, so the polygon is invalid.
BOW_TIE = [[[2.10, 41.38], [2.11, 41.39], [2.11, 41.38], [2.10, 41.39], [2.10, 41.38]]]


def feature(code: Any, name: Any, coordinates: Any = SQUARE, **extra: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, **extra},
        "geometry": {"type": "Polygon", "coordinates": coordinates} if coordinates else None,
    }


def write_geojson(
    tmp_path: Path, features: list[dict[str, Any]], name: str = "areas.geojson"
) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def town(db: Any) -> City:
    return services.upsert_city(code="testtown", name="Test Town", country="es")


def shifted(dx: float) -> list[list[list[float]]]:
    return [[[x + dx, y] for x, y in SQUARE[0]]]


def test_imports_a_geojson_file_and_computes_geodesic_area(town: City, tmp_path: Path) -> None:
    path = write_geojson(tmp_path, [feature("A1", "Alpha"), feature("A2", "Beta", shifted(0.02))])
    result = services.import_areas(path, city=town, level="district")
    assert (result.created, result.updated) == (2, 0)
    alpha = Area.objects.get(city=town, code="A1")
    assert alpha.name == "Alpha" and alpha.level == "district"
    # 0.01° × 0.01° at 41.4° N ≈ 1,113 m × 835 m
    assert alpha.area_m2 == pytest.approx(928_000, rel=0.02)
    assert alpha.bbox == [2.10, 41.38, 2.11, 41.39]
    town.refresh_from_db()
    assert town.boundary["type"] in {"Polygon", "MultiPolygon"}


def test_reimport_updates_in_place_and_never_duplicates(town: City, tmp_path: Path) -> None:
    services.import_areas(
        write_geojson(tmp_path, [feature("A1", "Alpha")]), city=town, level="district"
    )
    first_pk = Area.objects.get(city=town, code="A1").pk
    result = services.import_areas(
        write_geojson(tmp_path, [feature("A1", "Alpha renamed")], "again.geojson"),
        city=town,
        level="district",
    )
    assert (result.created, result.updated) == (0, 1)
    assert Area.objects.filter(city=town).count() == 1
    area = Area.objects.get(city=town, code="A1")
    assert area.pk == first_pk and area.name == "Alpha renamed"


def test_neighbourhoods_attach_to_their_district(town: City, tmp_path: Path) -> None:
    services.import_areas(
        write_geojson(tmp_path, [feature("1", "North")]),
        city=town,
        level="district",
        fields=services.AreaFields(code_prefix="D"),
    )
    path = write_geojson(tmp_path, [feature("7", "Harbour", district=1)], "n.geojson")
    services.import_areas(
        path,
        city=town,
        level="neighbourhood",
        fields=services.AreaFields(code_prefix="N", parent="district", parent_prefix="D"),
    )
    assert Area.objects.get(city=town, code="N7").parent.code == "D1"


def test_reads_geopackage_and_shapefile_and_reprojects_to_wgs84(town: City, tmp_path: Path) -> None:
    import pyarrow as pa
    from pyproj import Transformer

    # The same square, written in ETRS89 / UTM 31N as a city GIS department would export it.
    to_utm = Transformer.from_crs(4326, 25831, always_xy=True)
    utm = shapely.transform(shapely.Polygon(SQUARE[0]), lambda xy: _apply(to_utm, xy))
    table = pa.table({"code": ["G1"], "name": ["Gamma"], "geometry": [shapely.to_wkb(utm)]})
    for suffix in ("gpkg", "shp"):
        path = tmp_path / f"areas.{suffix}"
        pyogrio.write_arrow(
            table,
            path,
            geometry_name="geometry",
            geometry_type="Polygon",
            crs="EPSG:25831",
            encoding="UTF-8",
        )
        services.import_areas(path, city=town, level="district")
        area = Area.objects.get(city=town, code="G1")
        minx, miny, maxx, maxy = area.bbox
        assert minx == pytest.approx(2.10, abs=1e-6) and maxy == pytest.approx(41.39, abs=1e-6)


def _apply(transformer: Any, coords: Any) -> Any:
    import numpy as np

    x, y = transformer.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


BAD_CASES = [
    (
        "missing code",
        [feature("A1", "Alpha"), feature(None, "Beta", shifted(0.02))],
        2,
        "code",
        "empty",
    ),
    ("missing name", [feature("A1", "Alpha"), feature("A2", "", shifted(0.02))], 2, "name", "name"),
    (
        "duplicate code",
        [feature("A1", "Alpha"), feature("A1", "Again", shifted(0.02))],
        2,
        "code",
        "duplicate code 'A1' (also row 1)",
    ),
    (
        "invalid geometry",
        [feature("A1", "Alpha"), feature("A2", "Bow tie", BOW_TIE)],
        2,
        "geometry",
        "Self-intersection",
    ),
    (
        "no geometry",
        [feature("A1", "Alpha"), feature("A2", "Nowhere", None)],
        2,
        "geometry",
        "missing or empty",
    ),
]


@pytest.mark.parametrize(
    ("label", "features", "row", "field", "reason"), BAD_CASES, ids=[case[0] for case in BAD_CASES]
)
def test_a_bad_feature_refuses_the_whole_file(
    town: City,
    tmp_path: Path,
    label: str,
    features: list[dict[str, Any]],
    row: int,
    field: str,
    reason: str,
) -> None:
    # Something stored before must survive the refused import untouched.
    services.import_areas(
        write_geojson(tmp_path, [feature("OLD", "Old", shifted(0.1))], "old.geojson"),
        city=town,
        level="district",
    )
    before = list(Area.objects.filter(city=town).values("code", "name", "geometry"))
    path = write_geojson(tmp_path, features)
    with pytest.raises(ImportRefused) as refused:
        services.import_areas(path, city=town, level="district")
    error = refused.value.errors[0]
    assert (error.file, error.row, error.field) == ("areas.geojson", row, field)
    assert reason in error.reason
    assert list(Area.objects.filter(city=town).values("code", "name", "geometry")) == before


def test_a_point_is_not_a_boundary(town: City, tmp_path: Path) -> None:
    point = {
        "type": "Feature",
        "properties": {"code": "P", "name": "Point"},
        "geometry": {"type": "Point", "coordinates": [2.1, 41.4]},
    }
    with pytest.raises(ImportRefused, match="Polygon or MultiPolygon, not a Point"):
        services.import_areas(write_geojson(tmp_path, [point]), city=town, level="district")
    assert not Area.objects.filter(city=town).exists()


def test_unknown_parent_is_refused(town: City, tmp_path: Path) -> None:
    path = write_geojson(tmp_path, [feature("7", "Harbour", district=99)])
    with pytest.raises(ImportRefused) as refused:
        services.import_areas(
            path,
            city=town,
            level="neighbourhood",
            fields=services.AreaFields(parent="district", parent_prefix="D"),
        )
    assert refused.value.errors[0].field == "district"
    assert "no area 'D99'" in refused.value.errors[0].reason
    assert not Area.objects.filter(city=town).exists()


def test_a_code_cannot_change_level(town: City, tmp_path: Path) -> None:
    services.import_areas(
        write_geojson(tmp_path, [feature("A1", "Alpha")]), city=town, level="district"
    )
    with pytest.raises(ImportRefused, match="already used by a district"):
        services.import_areas(
            write_geojson(tmp_path, [feature("A1", "Alpha")], "n.geojson"),
            city=town,
            level="neighbourhood",
        )


def test_unreadable_and_unsupported_files(town: City, tmp_path: Path) -> None:
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ not json")
    with pytest.raises(UnreadableFile, match="broken.geojson"):
        services.import_areas(broken, city=town, level="district")
    table = tmp_path / "areas.csv"
    table.write_text("code,name\nA1,Alpha\n")
    with pytest.raises(UnreadableFile, match="unsupported format"):
        services.import_areas(table, city=town, level="district")
    with pytest.raises(UnreadableFile, match="no such file"):
        services.import_areas(tmp_path / "missing.geojson", city=town, level="district")


def test_command_reports_row_errors_and_stores_nothing(town: City, tmp_path: Path) -> None:
    path = write_geojson(tmp_path, [feature("A1", "Alpha"), feature("A1", "Again", shifted(0.02))])
    with pytest.raises(CommandError, match=r"areas.geojson, row 2, field 'code': duplicate code"):
        call_command("import-areas", str(path), "--city", "testtown", "--level", "district")
    assert not Area.objects.filter(city=town).exists()


def test_command_imports(town: City, tmp_path: Path, capsys: Any) -> None:
    path = write_geojson(tmp_path, [feature("A1", "Alpha")])
    call_command("import-areas", str(path), "--city", "testtown", "--level", "district")
    assert "district level: 1 area created" in capsys.readouterr().out


def test_real_barcelona_and_paris_are_complete(barcelona: City, paris: City) -> None:
    assert barcelona.areas.filter(level="district").count() == 10
    assert barcelona.areas.filter(level="neighbourhood").count() == 73
    assert paris.areas.filter(level="district").count() == 20
    assert paris.areas.filter(level="neighbourhood").count() == 80
    assert not barcelona.areas.filter(level="neighbourhood", parent__isnull=True).exists()
    assert not paris.areas.filter(level="neighbourhood", parent__isnull=True).exists()
