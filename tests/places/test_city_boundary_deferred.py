"""A city's boundary (a GeoJSON document of hundreds of kilobytes) is loaded only when asked for
(issue 16, page speed).

``City.objects`` and the base manager (a city reached from another row) defer it; the readers that
draw it ask with ``with_boundary()``."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.queries import get_with_queries, reading
from urbis.places.models import Area, City


def _boundary_queries(client: Client, url: str) -> list[str]:
    return reading(get_with_queries(client, url)[1], "boundary")


def test_cities_come_without_their_boundary_unless_asked(barcelona: City) -> None:
    assert City.objects.get(pk=barcelona.pk).get_deferred_fields() == {"boundary"}
    assert City.objects.filter(pk=barcelona.pk).first().get_deferred_fields() == {"boundary"}
    # Reached from another row, lazily or by prefetch: the base manager.
    area = Area.objects.filter(city=barcelona).first()
    assert area is not None and area.city.get_deferred_fields() == {"boundary"}
    prefetched = Area.objects.filter(city=barcelona).prefetch_related("city").first()
    assert prefetched is not None and prefetched.city.get_deferred_fields() == {"boundary"}

    full = City.objects.with_boundary().get(pk=barcelona.pk)
    assert full.get_deferred_fields() == set()
    assert full.boundary["type"] in {"Polygon", "MultiPolygon"}
    # Lifts only the boundary: other deferrals and only() stay as the caller asked.
    assert City.objects.defer("bbox").with_boundary().get(pk=barcelona.pk).get_deferred_fields() \
        == {"bbox"}
    narrow = City.objects.only("code").with_boundary().get(pk=barcelona.pk)
    assert "boundary" not in narrow.get_deferred_fields()
    assert "name" in narrow.get_deferred_fields()


def test_a_deferred_boundary_still_reads_and_saves(barcelona: City) -> None:
    city = City.objects.get(pk=barcelona.pk)
    assert city.boundary is not None  # one more query, but the value is there
    city = City.objects.get(pk=barcelona.pk)
    city.name = "Barcelona (renamed)"
    city.save()
    stored = City.objects.with_boundary().get(pk=barcelona.pk)
    assert stored.name == "Barcelona (renamed)" and stored.boundary is not None


def test_refresh_reads_a_boundary_in_hand_again(barcelona: City) -> None:
    city = City.objects.with_boundary().get(pk=barcelona.pk)
    square = {"type": "Polygon", "coordinates": [[[2, 41], [2.1, 41], [2.1, 41.1], [2, 41]]]}
    City.objects.filter(pk=city.pk).update(boundary=square, name="Barcelona (moved)")
    city.refresh_from_db()
    assert city.boundary == square and city.name == "Barcelona (moved)"
    # Deferred in hand, it stays deferred (and is read when used).
    lazy = City.objects.get(pk=barcelona.pk)
    lazy.refresh_from_db()
    assert lazy.get_deferred_fields() == {"boundary"} and lazy.boundary == square


def test_cities_map_still_draws_boundaries(barcelona: City, paris: City, client: Client) -> None:
    # The one page reader of the boundary asks for it: one query, every city with its outline
    # (not one more query per city to fetch a deferred boundary).
    assert len(_boundary_queries(client, "/cities.geojson")) == 1
    response = client.get("/cities.geojson")
    features = response.json()["features"]
    assert any(f["properties"]["code"] == "barcelona" and f["geometry"] for f in features)


@pytest.fixture
def demo(barcelona: City, paris: City) -> None:
    from urbis.demo import loader

    steps = dict(loader.quick_steps())
    for name, step in steps.items():
        if name.startswith(("organisations", "strategy:", "engagement:")) or name.endswith(
                ("strategy", "indicator observations")):
            step()


def test_action_network_and_organisation_list_load_no_city_boundary(
    demo: None, client: Client
) -> None:
    from urbis.strategy.models import Action

    # An action with citizen ideas behind it: its flags list them with their process's city.
    action = Action.objects.filter(ideas__isnull=False, strategy__is_published=True).first()
    assert action is not None
    assert _boundary_queries(client, action.get_absolute_url()) == []
    assert _boundary_queries(client, "/network/") == []
    assert _boundary_queries(client, "/api/v1/organisations") == []


def test_reading_the_deferred_boundary_keeps_changes_not_yet_saved(db: None) -> None:
    """``city.boundary`` on a city read without it loaded every column and overwrote the
    fields changed in hand (``add-city --time-zone`` on an existing city stored UTC again)."""
    City.objects.create(code="lisboa", name="Lisboa", country="PT")
    city = City.objects.get(code="lisboa")
    city.time_zone = "Europe/Lisbon"
    city.name = "Lisboa (changed)"
    assert city.boundary is None
    assert (city.time_zone, city.name) == ("Europe/Lisbon", "Lisboa (changed)")
    city.full_clean()
    city.save()
    assert City.objects.get(code="lisboa").time_zone == "Europe/Lisbon"


def test_only_reads_the_fields_named_the_boundary_included(barcelona: City) -> None:
    city = City.objects.only("code", "boundary").get(pk=barcelona.pk)
    assert {"code", "boundary"}.isdisjoint(city.get_deferred_fields())
    assert "name" in city.get_deferred_fields()
    assert "boundary" in City.objects.only("code").get(pk=barcelona.pk).get_deferred_fields()
