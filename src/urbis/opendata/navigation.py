"""Links the open-data app adds to the city page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    return [
        {"url": reverse("opendata:city", args=[city.code]), "label": _("Open data")},
        {"url": reverse("opendata:catalog") + f"?city={city.code}&format=html",
         "label": _("Data catalogue (DCAT-AP)")},
    ]


def area_sections(request: HttpRequest, area: Any) -> list[dict[str, Any]]:
    """On an area page: the area as an OGC API feature, its layer and catalogue entry."""
    layer = {"district": "districts", "neighbourhood": "neighbourhoods"}.get(area.level)
    if layer is None:
        return []
    collection = f"{area.city.code}-{layer}"
    return [{
        "template": "opendata/_area_section.html",
        "feature_url": reverse("opendata:item", args=[collection, area.code]),
        "collection_url": reverse("opendata:collection", args=[collection]),
        "catalog_url": reverse("opendata:catalog")
        + f"?city={area.city.code}&format=html#{collection}",
    }]
