from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from urbis.people.permissions import Action, can


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    if not can(request.user, Action.ADMINISTER, city):
        return []
    return [{"url": reverse("people-city:members", args=[city.code]), "label": _("Roles")}]
