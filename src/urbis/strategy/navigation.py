"""Links the strategy app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    from urbis.strategy.queries import visible_strategies

    links = []
    strategies = list(visible_strategies(request.user, city))
    if len(strategies) == 1:
        links.append({"url": strategies[0].get_absolute_url(),
                      "label": _("Strategy: %(title)s") % {"title": strategies[0].title}})
    elif strategies:
        links.append({"url": reverse("strategy:index", args=[city.code]),
                      "label": _("Strategies (%(n)d)") % {"n": len(strategies)}})
    links.append({"url": reverse("strategy:city-indicators", args=[city.code]),
                  "label": _("Indicators and data")})
    links.append({"url": reverse("strategy:network"), "label": _("Network dashboard")})
    return links


def site_links(request: HttpRequest) -> list[dict[str, Any]]:
    """Header links on every page: the network's shared views."""
    return [
        {"url": reverse("strategy:network"), "label": _("Network")},
        {"url": reverse("strategy:catalogue"), "label": _("Indicators")},
    ]
