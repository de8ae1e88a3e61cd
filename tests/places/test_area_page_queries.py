"""The area pages' cost does not grow with what they link to (issue 16, page speed).

A district page lists its neighbourhoods; each link needs the neighbourhood's city. Loaded one
by one, each link cost a query that also decoded the city's boundary (a large GeoJSON
document), so a Barcelona district page ran one query more per neighbourhood."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.queries import get_with_queries
from urbis.places.models import Area, City


def _page_queries(client: Client, url: str) -> list[str]:
    return get_with_queries(client, url)[1]


def test_district_page_costs_no_more_queries_than_a_neighbourhood_page(
    barcelona: City, client: Client
) -> None:
    district = Area.objects.get(city=barcelona, code="D02")  # l'Eixample: 6 neighbourhoods
    assert district.children.count() >= 6
    neighbourhood = district.children.order_by("code").first()
    assert neighbourhood is not None
    district_page = _page_queries(client, district.get_absolute_url())
    neighbourhood_page = _page_queries(client, neighbourhood.get_absolute_url())
    # One query lists the neighbourhoods, whatever their number.
    assert len(district_page) <= len(neighbourhood_page) + 1


def test_area_pages_load_no_boundary_or_geometry(
    barcelona: City, paris: City, client: Client
) -> None:
    # The map draws the boundary from its own GeoJSON address; the page itself needs none.
    for url in ("/cities/barcelona/areas/D02/", "/cities/paris/areas/75105/",
                "/cities/paris/areas/7510501/"):
        for sql in _page_queries(client, url):
            assert '"boundary"' not in sql and '"geometry"' not in sql, (url, sql)


def test_district_page_query_count_is_pinned(
    barcelona: City, client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        page = client.get("/cities/barcelona/areas/D02/").content.decode()
    # Every neighbourhood is still linked, under its city's address.
    for child in Area.objects.filter(city=barcelona, parent__code="D02"):
        assert f'href="/cities/barcelona/areas/{child.code}/"' in page
