"""Links the policy app adds to the city page and the header, and its figures over time on
the strategy network dashboard."""

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


def network_sections(request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    """On the network dashboard: the policy figures over time, each a chart with its table."""
    from urbis.policy import queries

    series = queries.dashboard_series()
    return [{"template": "policy/_network_section.html", "series": series,
             "chart": {s["code"]: {"unit": s["unit"], "points": s["points"]} for s in series}}]
