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
