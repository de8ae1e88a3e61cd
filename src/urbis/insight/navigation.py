"""Links the insight app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    return [{"url": reverse("insight:city", args=[city.code]),
             "label": _("Community insight: methods used, surveys, participation")}]


def action_sections(request: HttpRequest, action: Any) -> list[dict[str, Any]]:
    from urbis.insight import queries

    cases = queries.others_did(action)
    if not cases:
        return []
    return [{"template": "insight/_action_section.html", "case_studies": cases}]


def idea_sections(request: HttpRequest, idea: Any) -> list[dict[str, Any]]:
    from urbis.insight import queries

    origin = queries.idea_origin(idea)
    if origin is None:
        return []
    return [{"template": "insight/_idea_section.html", "initiative": origin,
             "hack_day": origin.hack_day}]


def network_sections(request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    """On the network dashboard: the participation figures per city over the years, each
    measure a chart with its table (like the policy figures beside it)."""
    from urbis.insight import queries

    data = queries.network_participation_series(request.user)
    chart = {"years": data["years"], "cities": [c["name"] for c in data["cities"]],
             "series": {s["code"]: {"unit": s["unit"], "values": [
                 [r["cells"][k]["value"] for r in s["rows"]]
                 for k in range(len(data["cities"]))]} for s in data["series"]}}
    return [{"template": "insight/_network_participation.html", "participation": data,
             "chart": chart}]
