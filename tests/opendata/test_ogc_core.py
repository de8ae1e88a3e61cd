"""OGC API – Features Part 1: the abstract test suite's requirements for the Core, GeoJSON and
HTML conformance classes (OGC 17-069r4, Annex A), each test named after its requirement; and
the features compared with what the database holds."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import shapely
from geojson_pydantic import Feature, FeatureCollection
from shapely.geometry import shape

from urbis.places.models import Area

BASE = "/ogc"
NBH = f"{BASE}/collections/barcelona-neighbourhoods"
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"


def get(client: Any, url: str, **headers: Any) -> Any:
    response = client.get(url, **headers)
    return response


def body(response: Any) -> Any:
    return json.loads(response.content)


def rels(links: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        found.setdefault(link["rel"], []).append(link)
    return found


def assert_rfc7946(data: dict[str, Any]) -> None:
    """Valid RFC 7946 GeoJSON (schema via geojson-pydantic), polygons wound by the right-hand
    rule, no coordinate with more than 7 decimals."""
    if data["type"] == "FeatureCollection":
        FeatureCollection.model_validate(data)
        features = data["features"]
    else:
        Feature.model_validate(data)
        features = [data]
    for feature in features:
        geometry = feature["geometry"]
        if geometry is None:
            continue
        geom = shape(geometry)
        polygons = list(getattr(geom, "geoms", [geom])) if geom.geom_type != "Point" else []
        for polygon in polygons:
            assert polygon.exterior.is_ccw, feature["id"]
            assert all(not ring.is_ccw for ring in polygon.interiors), feature["id"]
        text = json.dumps(geometry["coordinates"])
        for number in text.replace("[", " ").replace("]", " ").replace(",", " ").split():
            exponent = Decimal(number).as_tuple().exponent
            assert isinstance(exponent, int) and -exponent <= 7, number


# --- Core ------------------------------------------------------------------------------------


def test_req_core_root_op_and_root_success(client: Any, barcelona: Any) -> None:
    response = get(client, f"{BASE}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    links = rels(body(response)["links"])
    assert "service-desc" in links or "service-doc" in links
    assert links["conformance"][0]["href"].endswith("/ogc/conformance")
    assert links["data"][0]["href"].endswith("/ogc/collections")


def test_req_core_api_definition_op_and_success(client: Any, barcelona: Any) -> None:
    from openapi_spec_validator import validate

    response = get(client, f"{BASE}/api")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = body(response)
    validate(document)  # a valid OpenAPI 3.0 document
    assert "/collections/barcelona-neighbourhoods/items" in document["paths"]
    params = document["paths"]["/collections/barcelona-neighbourhoods/items"]["get"]["parameters"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in params}
    assert {"limit", "offset", "bbox", "population", "code"} <= names


def test_req_core_conformance_op_and_success(client: Any, barcelona: Any) -> None:
    data = body(get(client, f"{BASE}/conformance"))
    assert CORE in data["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in data["conformsTo"]
    assert "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text" in data["conformsTo"]


def test_req_core_query_param_unknown(client: Any, barcelona: Any) -> None:
    response = get(client, f"{NBH}/items?colour=red")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert body(response)["parameter"] == "colour"


@pytest.mark.parametrize("query", ["limit=0", "limit=ten", "offset=-1", "bbox=1,2,3",
                                   "bbox=2,41,a,42", "bbox=2,42,3,41", "bbox=200,41,201,42",
                                   "datetime=yesterday", "population=many", "f=pdf",
                                   "datetime=9999-12-31T23:00:00-02:00",
                                   "crs=EPSG:3857", "filter=population>>1",
                                   "filter=colour='red'", "filter=population='many'",
                                   "filter-lang=cql2-json&filter=population>1"])
def test_req_core_query_param_invalid(client: Any, barcelona: Any, query: str) -> None:
    response = get(client, f"{NBH}/items?{query}")
    assert response.status_code == 400, query
    problem = body(response)
    assert problem["status"] == 400 and problem["detail"]


def test_unknown_collection_and_feature_are_404(client: Any, barcelona: Any) -> None:
    for url in (f"{BASE}/collections/atlantis-neighbourhoods",
                f"{BASE}/collections/barcelona-rivers/items",
                f"{NBH}/items/B99"):
        response = get(client, url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"


def test_req_core_fc_md_op_success_links_items_extent(client: Any, barcelona: Any,
                                                      paris: Any) -> None:
    data = body(get(client, f"{BASE}/collections"))
    assert "self" in rels(data["links"])
    ids = {c["id"] for c in data["collections"]}
    assert {"barcelona-districts", "barcelona-neighbourhoods", "paris-districts",
            "paris-neighbourhoods", "barcelona-ideas", "barcelona-indicator-observations",
            "barcelona-pv-installations"} <= ids
    for c in data["collections"]:
        items = [x for x in c["links"] if x["rel"] == "items"]
        assert any(x["type"] == "application/geo+json" for x in items), c["id"]
        assert c["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
    nbh = next(c for c in data["collections"] if c["id"] == "barcelona-neighbourhoods")
    minx, miny, maxx, maxy = nbh["extent"]["spatial"]["bbox"][0]
    assert 2.0 < minx < maxx < 2.3 and 41.3 < miny < maxy < 41.5


def test_req_core_sfc_md_op_and_success(client: Any, barcelona: Any) -> None:
    listed = next(c for c in body(get(client, f"{BASE}/collections"))["collections"]
                  if c["id"] == "barcelona-neighbourhoods")
    single = body(get(client, NBH))
    assert single == listed


def test_req_core_fc_op_and_fc_response(client: Any, barcelona: Any) -> None:
    response = get(client, f"{NBH}/items")
    assert response.status_code == 200
    data = body(response)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 10  # the default limit


def test_req_core_fc_limit_definition_and_response(client: Any, barcelona: Any) -> None:
    for limit in (1, 5, 73, 500):
        data = body(get(client, f"{NBH}/items?limit={limit}"))
        assert data["numberReturned"] == len(data["features"]) == min(limit, 73)
    # Above the maximum the server lowers the limit instead of refusing it.
    assert get(client, f"{NBH}/items?limit=1000000").status_code == 200


def test_req_core_fc_links_and_paging(client: Any, barcelona: Any) -> None:
    seen: list[str] = []
    url: str | None = f"{NBH}/items?limit=30"
    pages = 0
    while url:
        data = body(get(client, url))
        links = rels(data["links"])
        assert links["self"][0]["type"] == "application/geo+json"
        assert any(x["type"] == "text/html" for x in links["alternate"])
        assert data["numberMatched"] == 73
        seen += [f["id"] for f in data["features"]]
        pages += 1
        url = links["next"][0]["href"].replace("http://testserver", "") if "next" in links \
            else None
        if pages > 1:
            assert "prev" in links
    assert pages == 3
    assert seen == sorted(Area.objects.filter(city=barcelona, level="neighbourhood")
                          .values_list("code", flat=True))


def test_req_core_fc_bbox_definition_and_response(client: Any, barcelona: Any) -> None:
    box = (2.16, 41.385, 2.17, 41.395)
    data = body(get(client, f"{NBH}/items?limit=100&bbox={','.join(map(str, box))}"))
    returned = {f["id"] for f in data["features"]}
    query = shapely.box(*box)
    expected = {
        a.code for a in Area.objects.filter(city=barcelona, level="neighbourhood")
        if shape(a.geometry).intersects(query)
    }
    assert returned == expected and 0 < len(expected) < 73
    # Six numbers (with heights) mean the same box.
    six = f"{box[0]},{box[1]},0,{box[2]},{box[3]},100"
    assert {f["id"] for f in body(get(client, f"{NBH}/items?limit=100&bbox={six}"))["features"]} \
        == expected


def test_req_core_fc_time_definition_and_response(client: Any, barcelona: Any,
                                                  observations: dict[str, Any]) -> None:
    url = f"{BASE}/collections/barcelona-indicator-observations/items"
    ids = lambda q: {f["id"] for f in body(get(client, f"{url}?{q}"))["features"]}  # noqa: E731
    city, area = str(observations["city"].pk), str(observations["area"].pk)
    assert ids("datetime=2024-12-31") == {area}
    assert ids("datetime=2023-01-01T00:00:00Z/2023-12-31T23:59:59Z") == {city}
    assert ids("datetime=../2024-01-01") == {city}
    assert ids("datetime=2024-06-01/..") == {area}
    # A collection without time refuses datetime.
    assert get(client, f"{NBH}/items?datetime=2024-01-01").status_code == 400


def test_req_core_fc_timestamp_numbermatched_numberreturned(client: Any, barcelona: Any) -> None:
    data = body(get(client, f"{NBH}/items?limit=7&offset=70"))
    assert data["timeStamp"].endswith("Z")
    assert data["numberMatched"] == 73 and data["numberReturned"] == 3


def test_req_core_f_op_and_f_success(client: Any, barcelona: Any) -> None:
    response = get(client, f"{NBH}/items/B07")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = body(response)
    assert feature["id"] == "B07"
    links = rels(feature["links"])
    assert {"self", "alternate", "collection"} <= set(links)


def test_features_equal_the_database(client: Any, barcelona: Any) -> None:
    data = body(get(client, f"{NBH}/items?limit=100"))
    by_code = {a.code: a for a in Area.objects.filter(city=barcelona, level="neighbourhood")}
    assert len(data["features"]) == len(by_code) == 73
    for feature in data["features"]:
        area = by_code[feature["id"]]
        p = feature["properties"]
        assert p["name"] == area.name and p["population"] == area.population
        assert p["households"] == area.households and p["floor_area_m2"] == area.floor_area_m2
        assert p["parent"] == area.parent.code
        # Same shape as stored (only winding and the 8th decimal may differ).
        assert shape(feature["geometry"]).equals_exact(
            shapely.orient_polygons(shape(area.geometry)), tolerance=1e-7
        )


def test_property_filter_named_like_a_link_argument(client: Any, barcelona: Any) -> None:
    """Found by schemathesis: a filter on the field ``name`` broke the paging links (500)."""
    data = body(get(client, f"{NBH}/items?name=el%20Raval"))
    assert [f["id"] for f in data["features"]] == ["B01"]
    assert "name=el+Raval" in rels(data["links"])["self"][0]["href"]


def test_property_filter_equality(client: Any, barcelona: Any) -> None:
    data = body(get(client, f"{NBH}/items?parent=D01&limit=100"))
    expected = set(Area.objects.filter(city=barcelona, parent__code="D01")
                   .values_list("code", flat=True))
    assert {f["id"] for f in data["features"]} == expected and data["numberMatched"] == len(
        expected)


# --- GeoJSON ---------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["barcelona-neighbourhoods", "barcelona-districts",
                                        "paris-districts", "paris-neighbourhoods"])
def test_req_geojson_definition_and_content(client: Any, barcelona: Any, paris: Any,
                                            collection: str) -> None:
    response = get(client, f"{BASE}/collections/{collection}/items?limit=200")
    assert response["Content-Type"] == "application/geo+json"
    data = body(response)
    assert_rfc7946(data)
    assert data["features"] and all(f["geometry"]["type"] in ("Polygon", "MultiPolygon")
                                    for f in data["features"])


def test_req_geojson_winding_is_repaired_not_copied(client: Any, barcelona: Any) -> None:
    """An area stored clockwise is served counter-clockwise (RFC 7946 3.1.6)."""
    area = Area.objects.get(city=barcelona, code="B07")
    geom = shape(area.geometry)
    area.geometry = shapely.geometry.mapping(shapely.orient_polygons(geom, exterior_cw=True))
    area.save()
    feature = body(get(client, f"{NBH}/items/B07"))
    assert_rfc7946(feature)


def test_geojson_points_of_ideas(client: Any, barcelona: Any, ideas: dict[str, Any]) -> None:
    data = body(get(client, f"{BASE}/collections/barcelona-ideas/items"))
    assert_rfc7946(data)
    assert [f["id"] for f in data["features"]] == [str(ideas["shown"].pk)]
    assert data["features"][0]["geometry"]["coordinates"] == [2.1651235, 41.3931235]
    assert "author" not in data["features"][0]["properties"]


# --- HTML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/conformance", "/collections", "/api",
                                  "/collections/barcelona-neighbourhoods",
                                  "/collections/barcelona-neighbourhoods/items",
                                  "/collections/barcelona-neighbourhoods/items/B07"])
def test_req_html_definition_and_content(client: Any, barcelona: Any, path: str) -> None:
    by_param = get(client, f"{BASE}{path}?f=html")
    by_accept = get(client, f"{BASE}{path}", HTTP_ACCEPT="text/html,application/xhtml+xml")
    for response in (by_param, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert b"<main" in response.content


def test_html_items_page_lists_properties_without_decoding_geometry(
    client: Any, barcelona: Any, monkeypatch: Any
) -> None:
    """The HTML items page is a table of ids and properties: decoding each boundary into
    nested lists only cost it time and garbage collections (docs/PERFORMANCE.md)."""
    from urbis.opendata.registry import Row

    def refuse(row: Row) -> None:
        raise AssertionError(f"geometry of {row.id} decoded for an HTML table")

    monkeypatch.setattr(Row, "geometry", property(refuse))
    response = get(client, f"{NBH}/items?f=html&limit=5")
    assert response.status_code == 200
    page = response.content.decode()
    first = sorted(Area.objects.filter(city__code="barcelona", level="neighbourhood")
                   .values_list("code", "name"))[0]
    assert f">{first[0]}</a>" in page and first[1] in page


def test_features_follow_a_changed_area(client: Any, barcelona: Any) -> None:
    """Rows are kept between requests; a change to an area (save or the services' bulk
    updates, which set updated_at) is served at once."""
    assert body(get(client, f"{NBH}/items/B07"))["properties"]["population"] is not None
    area = Area.objects.get(city=barcelona, code="B07")
    area.population = 12345
    area.save()
    assert body(get(client, f"{NBH}/items/B07"))["properties"]["population"] == 12345
