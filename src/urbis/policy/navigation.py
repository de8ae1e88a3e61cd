"""Links the policy app adds to the city page and the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    from urbis.policy import queries

    links = [{"url": reverse("policy:city", args=[city.code]),
              "label": _("Policy and regulation")}]
    if queries.visible_zones(city, request.user).exists():
        links.append({"url": reverse("policy:zones", args=[city.code]),
                      "label": _("Innovation zones (map)")})
    return links


def site_links(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"url": reverse("policy:barriers"), "label": _("Barriers")}]
