"""What a small items request costs: the queries it makes, and what a layer keeps between
requests. Profiling a 10-feature page of a 5,000-area city found two costs that these pin:
reading the city row walked its boundary on SQLite, and the kept boundaries made each full
garbage collection take a second."""

from __future__ import annotations

import gc
import json
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from urbis.opendata import provider
from urbis.opendata.registry import Hints, Row


def _tracked_below(root: Any) -> int:
    """How many objects the garbage collector tracks that ``root`` keeps alive (itself
    included), not counting shared objects reached through a module or a type."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or not gc.is_tracked(obj) or isinstance(obj, type):
            continue
        seen.add(id(obj))
        stack.extend(gc.get_referents(obj))
    return len(seen)


def test_kept_rows_hold_no_coordinate_lists(barcelona: Any) -> None:
    """A row keeps its geometry as text: the garbage collector has a handful of objects per
    kept row to walk, not one list per vertex."""
    c = provider.get_collection("barcelona-neighbourhoods")
    rows = list(c.layer.rows(c.city, Hints()))
    vertices = sum(len(ring) for r in rows for ring in _rings(r.geometry))
    assert vertices > 10_000  # the real boundaries: the test would see the lists
    for r in rows[:3]:
        r.feature_json()
        r.shape()
    per_row = max(_tracked_below(r) for r in rows)
    assert per_row <= 12, per_row


def _rings(geometry: dict[str, Any]) -> list[list[Any]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def test_row_from_a_mapping_and_from_text_are_the_same_feature() -> None:
    from urbis.opendata.geo import clean, clean_json

    source = {"type": "Polygon", "coordinates": [[(0, 0), (0, 1), (1, 1), (0, 0)]]}
    mapping, bbox = clean(source)
    encoded, bbox2 = clean_json(source)
    a = Row(id="a", properties={"n": 1}, geometry=mapping, bbox=bbox)
    b = Row(id="a", properties={"n": 1}, geometry=encoded, bbox=bbox2)
    assert a == b and a.feature_json() == b.feature_json()
    assert a.geometry == json.loads(json.dumps(mapping)) and a.geometry_type == "Polygon"
    assert b.shape().equals(a.shape())
    assert json.loads(a.feature_json())["geometry"] == a.geometry


def test_items_read_neither_boundary_nor_columns_stored_after_it(client: Any,
                                                                 barcelona: Any) -> None:
    """On SQLite a row's columns are stored in order and the city's boundary (megabytes for a
    large city) comes before bbox, time_zone and code: reading any of them walks the
    boundary. An items page reads none of them, in two queries (city, areas' change check)."""
    client.get("/ogc/collections/barcelona-neighbourhoods/items?limit=2")  # rows kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/ogc/collections/barcelona-neighbourhoods/items?limit=10")
    assert response.status_code == 200
    assert len(response.json()["features"]) == 10
    city_queries = [q["sql"] for q in queries if '"places_city"' in q["sql"]]
    assert len(city_queries) == 1, city_queries
    select = city_queries[0].split(" FROM ")[0]
    for column in ("boundary", "bbox", "time_zone"):
        assert f'"{column}"' not in select, select
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_collection_still_shows_the_city_extent(client: Any, barcelona: Any) -> None:
    data = client.get("/ogc/collections/barcelona-neighbourhoods?f=json").json()
    assert data["extent"]["spatial"]["bbox"] == [list(barcelona.bbox)]


def test_unpublished_city_has_no_collection(client: Any, barcelona: Any) -> None:
    barcelona.is_published = False
    barcelona.save()
    response = client.get("/ogc/collections/barcelona-neighbourhoods/items")
    assert response.status_code == 404
