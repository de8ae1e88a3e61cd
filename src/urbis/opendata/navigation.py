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
