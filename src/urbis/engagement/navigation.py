"""Links and sections the engagement app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from urbis.engagement.models import IdeaStatus


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    return [
        {"url": reverse("engagement:city", args=[city.code]),
         "label": _("Ideas, workshops and studies")},
    ]


def action_sections(request: HttpRequest, action: Any) -> list[dict[str, Any]]:
    """On a strategy action's page: the citizens' ideas behind it."""
    ideas_of = getattr(action, "ideas", None)
    if ideas_of is None:
        return []
    ideas = list(
        ideas_of.filter(is_hidden=False, process__is_published=True)
        .exclude(status=IdeaStatus.DUPLICATE)
        .select_related("process__city")
        .defer("process__city__boundary")
        .order_by("-vote_count")
    )
    if not ideas:
        return []
    return [{"template": "engagement/_action_ideas.html", "action_ideas": ideas}]


def area_sections(request: HttpRequest, area: Any) -> list[dict[str, Any]]:
    """On a neighbourhood's page: the ideas placed in it."""
    from urbis.engagement.models import Idea

    ideas = list(
        Idea.objects.filter(Q(area=area) | Q(area__parent=area), is_hidden=False,
                            process__is_published=True)
        .exclude(status=IdeaStatus.DUPLICATE)
        .select_related("process__city")
        .defer("process__city__boundary")
        .order_by("-vote_count")[:10]
    )
    if not ideas:
        return []
    return [{"template": "engagement/_area_ideas.html", "area_ideas": ideas}]
