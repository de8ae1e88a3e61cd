
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from urbis.pagination import MAX_LIMIT, MAX_OFFSET, Pagination
from urbis.places import queries
from urbis.places.models import Area, AreaLevel, City
from urbis.places.schemas import AreaOut, CityOut

router = Router(tags=["places"])
GEOJSON = "application/geo+json"


class CityFilters(Schema):
    country: str | None = None
    search: str | None = None


class AreaFilters(Schema):
    level: AreaLevel | None = None
    parent: str | None = None
    search: str | None = None
    format: str | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class AreaPage(Schema):
    items: list[AreaOut]
    count: int


def _city_out(request: HttpRequest, city: City) -> dict[str, Any]:
    return {
        **{f: getattr(city, f) for f in CityOut.model_fields if hasattr(city, f)},
        "url": request.build_absolute_uri(city.get_absolute_url()),
    }


def _area_out(request: HttpRequest, area: Area) -> dict[str, Any]:
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "parent": area.parent.code if area.parent else None,
        "population": area.population,
        "population_date": area.population_date,
        "households": area.households,
        "floor_area_m2": area.floor_area_m2,
        "area_km2": round(area.area_m2 / 1_000_000, 4) if area.area_m2 else None,
        "density_per_km2": round(area.density, 1) if area.density is not None else None,
        "bbox": area.bbox,
        "url": request.build_absolute_uri(
            reverse("places:area", args=[area.city.code, area.code])
        ),
    }


@router.get("/cities", response=list[CityOut], summary="List cities")
@paginate(Pagination)
def list_cities(request: HttpRequest, filters: Query[CityFilters]) -> list[dict[str, Any]]:
    cities = queries.visible_cities(request.user)
    if filters.country:
        cities = cities.filter(country=filters.country.upper())
    if filters.search:
        cities = cities.filter(name__icontains=filters.search)
    return [_city_out(request, city) for city in cities]


@router.get("/cities/{code}", response=CityOut, summary="One city")
def get_city(request: HttpRequest, code: str) -> dict[str, Any]:
    city = queries.visible_cities(request.user).filter(code=code).first()
    if city is None:
        raise Http404(_("No city with code %(code)r.") % {"code": code})
    return _city_out(request, city)


@router.get(
    "/cities/{code}/areas",
    response=AreaPage,
    summary="Areas of a city",
    description=(
        "Districts and neighbourhoods of the city. With `?format=geojson` or "
        "`Accept: application/geo+json` the answer is a GeoJSON FeatureCollection of every "
        "matching area (not paginated), with boundaries in WGS84."
    ),
    openapi_extra={
        "responses": {200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}},
    },
)
def list_areas(request: HttpRequest, code: str, filters: Query[AreaFilters]) -> Any:
    city = queries.get_city(code, request.user)
    wants_geojson = filters.format == "geojson" or GEOJSON in request.headers.get("Accept", "")
    areas = queries.city_areas(
        city,
        level=filters.level,
        parent=filters.parent,
        search=filters.search,
        with_geometry=wants_geojson,
    )
    if wants_geojson:
        features = [
            queries.area_feature(
                area,
                url=request.build_absolute_uri(reverse("places:area", args=[city.code, area.code])),
            )
            for area in areas
        ]
        return JsonResponse(queries.feature_collection(features), content_type=GEOJSON)
    page = areas[filters.offset : filters.offset + filters.limit]
    return {"items": [_area_out(request, area) for area in page], "count": areas.count()}


@router.get("/cities/{code}/areas/{area_code}", response=AreaOut, summary="One area")
def get_area(request: HttpRequest, code: str, area_code: str) -> dict[str, Any]:
    city = queries.get_city(code, request.user)
    return _area_out(request, queries.get_area(city, area_code))
