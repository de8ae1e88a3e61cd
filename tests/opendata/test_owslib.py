"""OWSLib, the OGC client library QGIS-style Python tools use, reads /ogc/ from a live server:
landing page, conformance, collections, items with bbox and paging, single items, CQL2 filter.
What it reads equals what the database holds."""

from __future__ import annotations

from typing import Any

import pytest
import shapely
from shapely.geometry import shape


@pytest.fixture
def places() -> None:
    """Transactional tests empty the database when they end; put the demo cities back."""
    from urbis.demo import loader
    from urbis.places.models import City

    if not City.objects.filter(code="barcelona").exists():
        for _label, step in loader.place_steps():
            step()


@pytest.mark.django_db(transaction=True)
def test_owslib_reads_landing_collections_items_bbox_and_pages(
    live_server: Any, places: None
) -> None:
    from owslib.ogcapi.features import Features

    from urbis.places.models import Area

    api = Features(f"{live_server.url}/ogc/")
    assert any(link["rel"] == "data" for link in api.links)
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in \
        api.conformance()["conformsTo"]
    ids = {c["id"] for c in api.collections()["collections"]}
    assert {"barcelona-neighbourhoods", "paris-districts"} <= ids
    assert api.collection("paris-districts")["title"].startswith("Paris")
    assert "population" in api.collection_queryables("barcelona-neighbourhoods")["properties"]

    stored = {a.code: a for a in Area.objects.filter(city__code="barcelona",
                                                      level="neighbourhood")}
    # Every page through OWSLib, 20 at a time: all 73 neighbourhoods once, equal to the DB.
    seen: dict[str, Any] = {}
    for offset in range(0, 80, 20):
        page = api.collection_items("barcelona-neighbourhoods", limit=20, offset=offset)
        assert page["numberMatched"] == 73
        for feature in page["features"]:
            assert feature["id"] not in seen
            seen[feature["id"]] = feature
    assert set(seen) == set(stored)
    for code, feature in seen.items():
        assert feature["properties"]["population"] == stored[code].population
        assert shape(feature["geometry"]).equals_exact(
            shapely.orient_polygons(shape(stored[code].geometry)), tolerance=1e-7)

    box = [2.16, 41.385, 2.17, 41.395]
    hits = api.collection_items("barcelona-neighbourhoods", bbox=box, limit=100)
    expected = {c for c, a in stored.items() if shape(a.geometry).intersects(shapely.box(*box))}
    assert {f["id"] for f in hits["features"]} == expected

    one = api.collection_item("barcelona-neighbourhoods", "B07")
    assert one["properties"]["name"] == stored["B07"].name

    filtered = api.collection_items("barcelona-neighbourhoods", limit=100,
                                    filter="parent='D02' AND population > 0")
    assert {f["id"] for f in filtered["features"]} == {
        c for c, a in stored.items() if a.parent.code == "D02" and (a.population or 0) > 0}
