"""Links and sections the energy app adds to other apps' pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from urbis.energy import queries
from urbis.people.permissions import Action, can


def city_links(request: HttpRequest, city: Any) -> list[dict[str, Any]]:
    links = [{"url": reverse("energy:map", args=[city.code]), "label": _("Smart Energy Map")}]
    if city.energy_seasons.filter(is_published=True).exists():
        links.append(
            {"url": reverse("energy:seasons"), "label": _("Energy-Neutral Neighbourhoods")}
        )
    if can(request.user, Action.EDIT, city):
        links.append(
            {"url": reverse("energy:upload", args=[city.code]), "label": _("Upload meter data")}
        )
    return links


def area_sections(request: HttpRequest, area: Any) -> list[dict[str, Any]]:
    city = area.city
    year = queries.default_year(city)
    if year is None:
        return []
    row = next(
        (
            r
            for r in queries.balance_table(city, level=area.level, year=year)
            if r["code"] == area.code
        ),
        None,
    )
    if row is None or row["consumption_kwh"] is None:
        return []
    return [
        {
            "template": "energy/_area_section.html",
            "energy_row": row,
            "energy_year": year,
            "energy_url": reverse("energy:area", args=[city.code, area.code]),
        }
    ]
