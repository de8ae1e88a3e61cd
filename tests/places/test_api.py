from __future__ import annotations

import json
from typing import Any

import pytest
import shapely
from django.test import Client
from shapely.geometry import shape

from urbis.places.models import City


def test_cities_are_listed_with_pagination(db: Any, client: Client) -> None:
    response = client.get("/api/v1/cities?limit=1")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and len(body["items"]) == 1
    codes = {c["code"] for c in client.get("/api/v1/cities").json()["items"]}
    assert codes == {"barcelona", "paris"}
    assert client.get("/api/v1/cities?country=fr").json()["items"][0]["code"] == "paris"


def test_city_detail_has_counts_and_dated_population(barcelona: City, client: Client) -> None:
    body = client.get("/api/v1/cities/barcelona").json()
    assert body["district_count"] == 10 and body["neighbourhood_count"] == 73
    assert body["population"] == barcelona.population and body["population_date"]
    assert body["time_zone"] == "Europe/Madrid"


@pytest.mark.parametrize(("city", "count"), [("barcelona", 73), ("paris", 80)])
def test_areas_as_geojson_feature_collection(
    db: Any, client: Client, city: str, count: int
) -> None:
    response = client.get(f"/api/v1/cities/{city}/areas?format=geojson&level=neighbourhood")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == count
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and geometry.geom_type in {"Polygon", "MultiPolygon"}
        assert feature["properties"]["parent"]
        # RFC 7946: WGS84 longitude first
        assert -180 <= geometry.bounds[0] <= 180 and -90 <= geometry.bounds[1] <= 90
    union = shapely.union_all([shape(f["geometry"]) for f in collection["features"]])
    assert union.area > 0


def test_geojson_by_accept_header(db: Any, client: Client) -> None:
    response = client.get(
        "/api/v1/cities/paris/areas?level=district", HTTP_ACCEPT="application/geo+json"
    )
    assert len(json.loads(response.content)["features"]) == 20


def test_areas_filter_and_paginate(db: Any, client: Client) -> None:
    body = client.get("/api/v1/cities/barcelona/areas?parent=D01&limit=2").json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert all(item["parent"] == "D01" for item in body["items"])
    found = client.get("/api/v1/cities/barcelona/areas?search=raval").json()
    assert [item["code"] for item in found["items"]] == ["B01"]


def test_errors_are_problem_details(db: Any, client: Client) -> None:
    missing = client.get("/api/v1/cities/atlantis")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    problem = missing.json()
    assert problem["status"] == 404 and problem["title"] == "Not Found"
    assert "atlantis" in problem["detail"] and problem["instance"] == "/api/v1/cities/atlantis"

    invalid = client.get("/api/v1/cities/barcelona/areas?level=street&limit=0")
    assert invalid.status_code == 422
    assert invalid["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in invalid.json()["errors"]}
    assert any("level" in f for f in fields) and any("limit" in f for f in fields)


def test_etag_gives_304_when_unchanged(db: Any, client: Client) -> None:
    first = client.get("/api/v1/cities/paris/areas?level=district")
    etag = first["ETag"]
    assert (
        client.get("/api/v1/cities/paris/areas?level=district", HTTP_IF_NONE_MATCH=etag).status_code
        == 304
    )


def test_unpublished_city_is_hidden_from_anonymous_and_visible_to_its_staff(
    paris: City, make_user: Any, client_for: Any
) -> None:
    City.objects.filter(pk=paris.pk).update(is_published=False)
    anonymous = client_for(None)
    assert anonymous.get("/api/v1/cities/paris").status_code == 404
    assert anonymous.get("/api/v1/cities/paris/areas").status_code == 404
    assert "paris" not in {c["code"] for c in anonymous.get("/api/v1/cities").json()["items"]}
    assert anonymous.get("/cities/paris/").status_code == 404
    member = client_for(make_user(role="member", city=paris))
    assert member.get("/api/v1/cities/paris").status_code == 404
    editor = client_for(make_user(role="editor", city=paris))
    assert editor.get("/api/v1/cities/paris").status_code == 200
    assert editor.get("/cities/paris/").status_code == 200


def test_openapi_document_describes_the_api(db: Any, client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    for route in (
        "/api/v1/cities",
        "/api/v1/cities/{code}",
        "/api/v1/cities/{code}/areas",
        "/api/v1/organisations",
    ):
        assert route in document["paths"], route
    assert client.get("/api/v1/docs").status_code == 200


def test_organisations(barcelona: City, paris: City, client: Client) -> None:
    from urbis.people.services import upsert_organisation

    upsert_organisation(name="Energy Agency", slug="agency", kind="city_department", city=barcelona)
    upsert_organisation(name="Climate NGO", slug="ngo", kind="ngo", city=paris)
    body = client.get("/api/v1/organisations?city=barcelona").json()
    assert body["count"] >= 1
    assert {o["city"] for o in body["items"]} == {"barcelona"}
    assert [o["slug"] for o in client.get("/api/v1/organisations?kind=ngo").json()["items"]] == [
        "ngo"
    ]
    assert client.get("/api/v1/organisations?kind=spaceship").status_code == 422
