"""Innovation zone pages and the zones' CSV read no outline (issue 16, page speed).

A zone's outline and each roll-out area's geometry are JSON documents decoded on load; the
pages draw their maps from the GeoJSON endpoint and the CSV has no geometry column, yet every
one of them read both. The JSON list and the GeoJSON layer still give the outline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.queries import get_with_queries, reading
from urbis.places.models import City
from urbis.policy import services

from .conftest import square

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone_with_rollout(squareville: City) -> Any:
    squareville.is_published = True
    squareville.save()
    zone = services.save_zone(
        by=None, city=squareville, operator=True, title="Test zone", concept="Car-free streets",
        geometry=square(0.005, 0, 0.015, 0.01), start_date=dt.date(2020, 1, 1))
    services.add_rollout(by=None, zone=zone, city=squareville, area_codes=["A", "B"],
                         done_on=dt.date(2022, 1, 1), operator=True)
    return zone


_read = get_with_queries


def _geometry(sql: list[str]) -> list[str]:
    return reading(sql, "geometry", "boundary")


def test_zone_pages_and_csv_read_no_geometry(zone_with_rollout: Any, client: Client) -> None:
    zone = zone_with_rollout
    for url in (zone.get_absolute_url(), "/cities/squareville/innovation-zones/",
                "/cities/squareville/policy/", "/api/v1/cities/squareville/innovation-zones.csv"):
        response, sql = _read(client, url)
        assert _geometry(sql) == [], url
        assert zone.title in response.content.decode(), url
    page, _ = _read(client, zone.get_absolute_url())
    assert "Area A" in page.content.decode() and "Area B" in page.content.decode()


def test_zone_api_list_still_gives_the_outline_but_not_the_areas(
    zone_with_rollout: Any, client: Client
) -> None:
    response, sql = _read(client, "/api/v1/cities/squareville/innovation-zones")
    [zone] = response.json()
    assert zone["geometry"] == square(0.005, 0, 0.015, 0.01)
    assert zone["rollouts"][0]["areas"] == ["A", "B"]
    # Only the zones' own query selects an outline; the roll-out areas come without theirs.
    assert [q for q in _geometry(sql) if "places_area" in q] == []
    layer, _ = _read(client, "/api/v1/cities/squareville/innovation-zones.geojson")
    assert layer.json()["features"][0]["geometry"] == square(0.005, 0, 0.015, 0.01)
