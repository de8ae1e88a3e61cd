from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from urbis.places import queries


def home(request: HttpRequest) -> HttpResponse:
    cities = list(queries.visible_cities(request.user))
    return render(
        request,
        "web/home.html",
        {"cities": cities, "cities_geojson_url": reverse("places:cities-geojson")},
    )


def data_sources(request: HttpRequest) -> HttpResponse:
    """Where every published figure comes from, as the licences (CC BY, ODbL) require."""
    return render(request, "web/data_sources.html", {"sources": queries.data_sources(request.user)})
