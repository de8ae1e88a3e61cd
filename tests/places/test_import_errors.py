"""Boundary files refused with errors a city's editor can act on (issue 15, security 6)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyogrio
import pytest
import shapely

from tests.places.test_import_areas import feature, shifted, town, write_geojson  # noqa: F401
from urbis.errors import ImportRefused
from urbis.places import services
from urbis.places.geometry import UnreadableFile
from urbis.places.models import Area, City


def test_a_name_field_missing_from_every_feature_is_one_error_for_the_file(
    town: City, tmp_path: Path  # noqa: F811
) -> None:
    features = [feature(f"A{i}", f"Area {i}", shifted(0.02 * i)) for i in range(5)]
    path = write_geojson(tmp_path, features)
    with pytest.raises(ImportRefused) as refused:
        services.import_areas(
            path, city=town, level="district", fields=services.AreaFields(name="NOM")
        )
    [error] = refused.value.errors
    assert (error.file, error.row, error.field) == ("areas.geojson", 0, "NOM")
    assert "no feature has this property" in error.reason and "code, name" in error.reason
    assert not Area.objects.filter(city=town).exists()


def test_a_name_missing_from_some_features_is_still_named_by_row(
    town: City, tmp_path: Path  # noqa: F811
) -> None:
    path = write_geojson(tmp_path, [feature("A1", "Alpha"), feature("A2", None, shifted(0.02))])
    with pytest.raises(ImportRefused) as refused:
        services.import_areas(path, city=town, level="district")
    assert [(e.row, e.field) for e in refused.value.errors] == [(2, "name")]


def _geopackage(path: Path) -> bytes:
    table = pa.table({"code": ["G1"], "name": ["Gamma"],
                      "geometry": [shapely.to_wkb(shapely.box(2.10, 41.38, 2.11, 41.39))]})
    pyogrio.write_arrow(table, path, geometry_name="geometry", geometry_type="Polygon",
                        crs="EPSG:4326")
    return path.read_bytes()


@pytest.mark.parametrize("keep", [0.5, 0.001])
def test_a_truncated_geopackage_is_named_without_gdal_text(
    town: City, tmp_path: Path, keep: float  # noqa: F811
) -> None:
    data = _geopackage(tmp_path / "whole.gpkg")
    cut = tmp_path / "districts.gpkg"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(UnreadableFile) as refused:
        services.import_areas(cut, city=town, level="district")
    message = str(refused.value)
    assert message.startswith("districts.gpkg: cannot be read as a GeoPackage file")
    assert "damaged or incomplete" in message
    for gdal in ("sqlite", "SELECT", "malformed", "driver"):
        assert gdal not in message


def test_an_empty_file_says_empty(town: City, tmp_path: Path) -> None:  # noqa: F811
    empty = tmp_path / "districts.geojson"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match=r"districts.geojson: the file is empty"):
        services.import_areas(empty, city=town, level="district")


def test_the_command_shows_the_clear_message(town: City, tmp_path: Path) -> None:  # noqa: F811
    from django.core.management import call_command
    from django.core.management.base import CommandError

    data = _geopackage(tmp_path / "whole.gpkg")
    cut = tmp_path / "districts.gpkg"
    cut.write_bytes(data[:100])
    with pytest.raises(CommandError, match="districts.gpkg: cannot be read as a GeoPackage"):
        call_command("import-areas", str(cut), "--city", "testtown", "--level", "district")
