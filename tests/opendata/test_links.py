"""Every page that shows a published layer links to that layer's OGC API collection and its
catalogue entry, and both links answer. The pages are found from the registry (each layer's
``page(city)``), so a new layer whose page lacks the links fails here."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest

from urbis.opendata import links
from urbis.opendata.registry import city_layers

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(barcelona: Any) -> Any:
    from urbis.policy import services

    return services.save_zone(by=None, city=barcelona, operator=True, title="Superilla",
                              concept="Car-free streets", area_codes=["B07"],
                              start_date=dt.date(2024, 1, 1))


def _hrefs(html: str) -> set[str]:
    return {unescape(h) for h in re.findall(r'href="([^"]+)"', html)}


def test_every_layer_page_links_to_its_collection_and_catalogue_entry(
    client: Any, barcelona: Any, energy: None, ideas: Any, observations: Any, zone: Any
) -> None:
    layers = city_layers(barcelona)
    # Every kind of layer is published here, so none escapes the check.
    assert {layer.id for layer in layers} >= {
        "districts", "neighbourhoods", "energy-balance", "street-cells", "pv-installations",
        "ideas", "indicator-observations", "innovation-zones"}
    checked = 0
    for layer in layers:
        page = layer.page(barcelona)
        assert page, layer.id
        response = client.get(page)
        assert response.status_code == 200, (layer.id, page)
        hrefs = _hrefs(response.content.decode())
        collection = links.collection_url(barcelona, layer)
        entry = links.catalog_url(barcelona, layer)
        assert collection in hrefs, (layer.id, page)
        assert entry in hrefs, (layer.id, page)
        answer = client.get(collection)
        assert answer.status_code == 200, collection
        assert f"{barcelona.code}-{layer.id}" in answer.content.decode()
        catalogue = client.get(entry.split("#")[0])
        assert catalogue.status_code == 200
        # The fragment names the entry's row on the catalogue page.
        assert f'id="{entry.split("#")[1]}"' in catalogue.content.decode()
        checked += 1
    assert checked == len(layers)


def test_a_page_lists_only_the_layers_it_shows(client: Any, barcelona: Any) -> None:
    html = client.get(f"/cities/{barcelona.code}/").content.decode()
    hrefs = _hrefs(html)
    assert "/ogc/collections/barcelona-districts?f=html" in hrefs
    assert not any("barcelona-ideas" in h for h in hrefs)


def test_the_area_page_links_to_its_feature_collection_and_entry(
    client: Any, barcelona: Any
) -> None:
    html = client.get("/cities/barcelona/areas/B07/").content.decode()
    hrefs = _hrefs(html)
    for href in ("/ogc/collections/barcelona-neighbourhoods/items/B07?f=json",
                 "/ogc/collections/barcelona-neighbourhoods?f=html",
                 "/catalog?city=barcelona&format=html#barcelona-neighbourhoods"):
        assert href in hrefs
        assert client.get(href.split("#")[0]).status_code == 200
