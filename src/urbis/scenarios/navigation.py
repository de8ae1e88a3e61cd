"""Links the scenarios app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from urbis.scenarios import queries


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    if not queries.visible_scenarios(city, request.user).exists():
        return []
    return [{"url": reverse("scenarios:list", args=[city.code]),
             "label": _("Emission scenarios (modelled)")}]


def action_sections(request: HttpRequest, action: Any) -> list[dict[str, Any]]:
    rows = queries.action_contributions(action, request.user)
    if not rows:
        return []
    return [{"template": "scenarios/_action_section.html", "rows": rows}]


def network_sections(request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    """On the network dashboard: each city's modelled 2030 and 2050 reduction against its
    baseline inventory, a chart with its table."""
    rows = queries.network_reductions(request.user)
    if not rows:
        return []
    chart = {
        "labels": [f"{r['city'].name}: {r['scenario'].title}" for r in rows],
        "series": {str(y): [r["years"][y]["reduction_pct"] if r["years"][y] else None
                            for r in rows] for y in queries.NETWORK_YEARS},
    }
    return [{"template": "scenarios/_network_section.html", "rows": rows, "chart": chart,
             "network_years": queries.NETWORK_YEARS}]
