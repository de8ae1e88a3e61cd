"""Addresses of a published layer's OGC API collection and catalogue entry, for the pages that
show the layer (see templatetags/opendata_links.py and navigation.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from urbis.opendata.registry import Layer, city_layers


def collection_id(city: Any, layer: Layer) -> str:
    return f"{city.code}-{layer.id}"


def collection_url(city: Any, layer: Layer) -> str:
    return reverse("opendata:collection", args=[collection_id(city, layer)]) + "?f=html"


def catalog_url(city: Any, layer: Layer | None = None) -> str:
    """The city's catalogue page, scrolled to the layer's entry when one is given."""
    url = reverse("opendata:catalog") + f"?city={city.code}&format=html"
    return url + (f"#{collection_id(city, layer)}" if layer is not None else "")


def for_page(city: Any, path: str) -> list[dict[str, Any]]:
    """The layers of ``city`` whose page is ``path``, each with its two links."""
    found = []
    for layer in city_layers(city):
        if layer.page(city) == path:
            found.append({"layer": layer, "collection_url": collection_url(city, layer),
                          "catalog_url": catalog_url(city, layer)})
    return found
