from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from urbis.places import queries
from urbis.places.models import AreaLevel
from urbis.web.sections import city_links, render_sections


def city(request: HttpRequest, code: str) -> HttpResponse:
    the_city = queries.get_city(code, request.user)
    level = request.GET.get("level", "")
    if level not in AreaLevel.values:
        level = queries.default_level(the_city)
    areas = list(queries.city_areas(the_city, level=level, with_geometry=False))
    for area in areas:
        area.area_km2 = area.area_m2 / 1_000_000 if area.area_m2 else None  # type: ignore[attr-defined]
    classes = queries.quantile_classes([a.density for a in areas if a.density is not None])
    return render(
        request,
        "places/city.html",
        {
            "city": the_city,
            "areas": areas,
            "level": level,
            "level_label": AreaLevel(level).label,
            "levels": AreaLevel.choices,
            "classes_json": json.dumps(classes),
            "geojson_url": reverse("api-1:list_areas", args=[the_city.code])
            + f"?format=geojson&level={level}",
            "city_links": city_links(request, the_city),
        },
    )


def area(request: HttpRequest, code: str, area_code: str) -> HttpResponse:
    the_city = queries.get_city(code, request.user)
    # The boundary is drawn from its own GeoJSON address, not from this page.
    the_area = queries.get_area(the_city, area_code, with_geometry=False)
    return render(
        request,
        "places/area.html",
        {
            "city": the_city,
            "area": the_area,
            "area_km2": the_area.area_m2 / 1_000_000 if the_area.area_m2 else None,
            "children": list(queries.area_children(the_area)),
            "geojson_url": reverse("places:area-geojson", args=[the_city.code, the_area.code]),
            "area_sections": render_sections("area", request, the_area),
        },
    )


def area_geojson(request: HttpRequest, code: str, area_code: str) -> JsonResponse:
    the_city = queries.get_city(code, request.user)
    the_area = queries.get_area(the_city, area_code)
    return JsonResponse(
        queries.feature_collection([queries.area_feature(the_area)]),
        content_type="application/geo+json",
    )


def cities_geojson(request: HttpRequest) -> JsonResponse:
    features = []
    for the_city in queries.visible_cities(request.user, with_boundary=True):
        if not the_city.boundary:
            continue
        features.append(
            {
                "type": "Feature",
                "id": the_city.code,
                "geometry": the_city.boundary,
                "properties": {
                    "code": the_city.code,
                    "name": the_city.name,
                    "population": the_city.population,
                    "url": the_city.get_absolute_url(),
                },
            }
        )
    return JsonResponse(queries.feature_collection(features), content_type="application/geo+json")
