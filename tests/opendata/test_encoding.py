"""The fast paths of the items response: geometries prepared with NumPy and each feature
encoded once per row give what the per-coordinate code gave."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from urbis.opendata.geo import DECIMALS, clean
from urbis.opendata.registry import Row

BOUNDARIES = Path(__file__).resolve().parents[2] / "src" / "urbis" / "demo" / "boundaries"


def _rounded(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), DECIMALS)
    return [_rounded(c) for c in coords]


def test_boundaries_are_wound_and_rounded_as_one_coordinate_at_a_time_would() -> None:
    for path in (BOUNDARIES / "barcelona" / "barris.geojson",
                 BOUNDARIES / "paris" / "quartiers.geojson"):
        for feature in json.loads(path.read_text())["features"]:
            expected = mapping(shapely.orient_polygons(shape(feature["geometry"]),
                                                       exterior_cw=False))
            geometry, _ = clean(feature["geometry"])
            assert geometry["type"] == expected["type"]
            assert geometry["coordinates"] == _rounded(expected["coordinates"])


def test_a_multipolygon_keeps_its_parts_and_holes() -> None:
    outer = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]  # clockwise: must be turned
    hole = [(0.2, 0.2), (0.4, 0.2), (0.4, 0.4), (0.2, 0.4), (0.2, 0.2)]
    far = [(5, 5), (6, 5), (6, 6), (5, 5)]
    geometry, bbox = clean({"type": "MultiPolygon",
                            "coordinates": [[outer, hole], [far]]})
    assert len(geometry["coordinates"]) == 2 and len(geometry["coordinates"][0]) == 2
    assert shapely.is_ccw(shapely.linearrings(geometry["coordinates"][0][0]))
    assert not shapely.is_ccw(shapely.linearrings(geometry["coordinates"][0][1]))
    assert bbox == (0.0, 0.0, 6.0, 6.0)


def test_a_feature_is_encoded_once_and_as_geojson() -> None:
    geometry, bbox = clean({"type": "Polygon",
                            "coordinates": [[(0, 0), (1, 0), (1, 1), (0, 0)]]})
    row = Row(id="a", properties={"name": "Sants", "date": dt.date(2024, 5, 1), "n": 3},
              geometry=geometry, bbox=bbox)
    text = row.feature_json()
    assert json.loads(text) == {
        "type": "Feature", "id": "a", "geometry": geometry,
        "properties": {"name": "Sants", "date": "2024-05-01", "n": 3}, "bbox": list(bbox)}
    assert row.feature_json() is text
    point = Row(id="p", properties={}, geometry={"type": "Point", "coordinates": [1, 2]},
                bbox=(1, 2, 1, 2))
    assert "bbox" not in json.loads(point.feature_json())
    assert Row(id="t", properties={"x": 1}).shape() is None


def test_the_check_for_changed_areas_reads_an_index_only(barcelona: Any) -> None:
    """places' layers ask on every request whether a city's areas changed; the open-data
    migration's index answers that without reading the boundaries."""
    from django.db import connection
    from django.db.models import Count, Max
    from django.test.utils import CaptureQueriesContext

    from urbis.places.models import Area

    with CaptureQueriesContext(connection) as queries:
        Area.objects.filter(city=barcelona, level="neighbourhood").aggregate(
            stamp=Max("updated_at"), n=Count("pk"))
    sql = queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "COVERING INDEX area_version" in plan, plan
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                           ["area_version"])
            assert "(city_id, level, updated_at)" in cursor.fetchone()[0]
