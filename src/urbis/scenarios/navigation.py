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
