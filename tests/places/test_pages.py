from __future__ import annotations

from typing import Any

from django.test import Client

from urbis.places.models import City


def test_home_lists_both_cities(db: Any, client: Client) -> None:
    page = client.get("/").content.decode()
    assert "Barcelona" in page and "Paris" in page and 'id="main"' in page


def test_city_page_has_map_and_table_of_neighbourhoods(barcelona: City, client: Client) -> None:
    response = client.get("/cities/barcelona/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        'data-geojson="/api/v1/cities/barcelona/areas?format=geojson&amp;level=neighbourhood"'
        in page
    )
    assert page.count('href="/cities/barcelona/areas/B') >= 73
    assert "el Raval" in page


def test_city_page_at_district_level(db: Any, client: Client) -> None:
    page = client.get("/cities/paris/?level=district").content.decode()
    assert "Louvre" in page and "Population density by District" in page


def test_area_page_shows_no_data_rather_than_a_guess(db: Any, client: Client) -> None:
    page = client.get("/cities/paris/areas/7510501/").content.decode()
    assert "Saint-Victor" in page and "no data" in page
    district = client.get("/cities/paris/areas/75105/").content.decode()
    assert "Saint-Victor" in district  # lists its quartiers


def test_unknown_area_is_404(db: Any, client: Client) -> None:
    assert client.get("/cities/paris/areas/nowhere/").status_code == 404


def test_pages_switch_language(db: Any, client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


def test_data_sources_page_names_publishers(db: Any, client: Client) -> None:
    page = client.get("/data-sources/").content.decode()
    assert "CartoBCN" in page and "ODbL" in page


def test_city_page_query_count_does_not_grow_with_areas(
    db: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    # 73 neighbourhoods, each linking to itself and its district: a fixed handful of queries.
    with django_assert_max_num_queries(12):
        assert client.get("/cities/barcelona/").status_code == 200
