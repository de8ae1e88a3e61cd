"""Open-data layers of places: a city's districts and neighbourhoods with their boundaries,
population, households and built floor area (see urbis.opendata.registry)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from urbis.opendata.geo import clean_json
from urbis.opendata.registry import (
    Described,
    Field,
    Hints,
    Layer,
    Row,
    default_licence,
    licence_in,
    register,
)
from urbis.places.models import Area, City
from urbis.places.queries import city_areas

FIELDS = (
    Field("code", "string", _("Code")),
    Field("name", "string", _("Name")),
    Field("parent", "string", _("Part of (district code)")),
    Field("population", "integer", _("Population"), "inhabitants"),
    Field("population_date", "date", _("Population reference date")),
    Field("households", "integer", _("Households"), "households"),
    Field("households_date", "date", _("Households reference date")),
    Field("floor_area_m2", "number", _("Built floor area"), "m2"),
    Field("floor_area_date", "date", _("Floor area reference date")),
    Field("area_km2", "number", _("Land area"), "km2",
          _("Computed geodesically on the WGS84 ellipsoid from the boundary.")),
    Field("density_per_km2", "number", _("Population density"), "inhabitants/km2"),
    Field("url", "string", _("Page")),
)


def _sources(city: City | None) -> list[str]:
    if city is None:
        return []
    found: set[str] = set()
    for row in Area.objects.filter(city=city).values_list(
        "source", "population_source", "households_source", "floor_area_source"
    ).distinct():
        found.update(text for text in row if text)
    return sorted(found)


def _licence(city: City | None) -> str:
    return licence_in(_sources(city)) or default_licence()


def _source(city: City | None) -> str:
    return "; ".join(_sources(city))


def _modified(city: City) -> Any:
    return Area.objects.filter(city=city).aggregate(m=Max("updated_at"))["m"]


def _modified_many(cities: Sequence[City]) -> dict[int, Any]:
    """:func:`_modified` of many cities in one query (on the (city, level, updated_at) index;
    the sources below read every area's row, boundary included, on SQLite)."""
    pks = [city.pk for city in cities]
    found = dict(Area.objects.filter(city_id__in=pks).order_by().values("city_id")
                 .annotate(m=Max("updated_at")).values_list("city_id", "m"))
    return {pk: found.get(pk) for pk in pks}


def _described(cities: Sequence[City]) -> dict[int, Described]:
    """:func:`_licence`, :func:`_source` and :func:`_modified` of many cities in two queries
    (the catalogue describes every city)."""
    pks = [city.pk for city in cities]
    areas = Area.objects.filter(city_id__in=pks).order_by()
    modified = _modified_many(cities)
    texts: dict[int, set[str]] = {pk: set() for pk in pks}
    for city_id, *row in areas.values_list(
        "city_id", "source", "population_source", "households_source", "floor_area_source"
    ).distinct():
        texts[city_id].update(text for text in row if text)
    found = {}
    for pk in pks:
        sources = sorted(texts[pk])
        found[pk] = Described(licence_in(sources) or default_licence(), "; ".join(sources),
                              modified[pk])
    return found


# Rows per city and level, kept while the areas are unchanged: every write to an area sets
# updated_at (services.py sets it in bulk updates too), so the newest stamp and the count
# tell when to read again. Decoding every boundary on each request is what made pages slow.
_memo: dict[tuple[int, str], tuple[Any, list[Row]]] = {}
_lock = threading.Lock()


def _rows(level: str) -> Any:
    def rows(city: City, hints: Hints) -> Iterator[Row]:
        state = Area.objects.filter(city=city, level=level).aggregate(
            stamp=Max("updated_at"), n=Count("pk")
        )
        version = (state["stamp"], state["n"])
        with _lock:
            hit = _memo.get((city.pk, level))
        if hit is None or hit[0] != version:
            hit = (version, list(_read(city, level)))
            with _lock:
                _memo[(city.pk, level)] = hit
        return iter(hit[1])

    return rows


def _read(city: City, level: str) -> Iterator[Row]:
    for area in city_areas(city, level=level):
        geometry, bbox = clean_json(area.geometry, key=("area", area.pk, area.updated_at))
        yield Row(
            id=area.code,
            geometry=geometry,
            bbox=bbox,
            properties={
                "code": area.code,
                "name": area.name,
                "parent": area.parent.code if area.parent else None,
                "population": area.population,
                "population_date": area.population_date,
                "households": area.households,
                "households_date": area.households_date,
                "floor_area_m2": area.floor_area_m2,
                "floor_area_date": area.floor_area_date,
                "area_km2": round(area.area_m2 / 1_000_000, 4) if area.area_m2 else None,
                "density_per_km2": round(area.density, 1) if area.density is not None else None,
                "url": area.get_absolute_url(),
            },
        )


register(
    Layer(
        id="districts",
        title=_("Districts"),
        description=_(
            "The city's districts: official boundaries, registered population, census "
            "households and built floor area, each figure with its reference date."
        ),
        fields=FIELDS,
        rows=_rows("district"),
        geometry="Polygon",
        licence=_licence,
        source=_source,
        themes=("REGI", "SOCI"),
        keywords=("boundaries", "population", "households", "districts"),
        page=lambda city: city.get_absolute_url(),
        modified=_modified,
        described=_described,
        modified_many=_modified_many,
        order=10,
    )
)
register(
    Layer(
        id="neighbourhoods",
        title=_("Neighbourhoods"),
        description=_(
            "The city's neighbourhoods: official boundaries, registered population, census "
            "households and built floor area where published, each with its reference date."
        ),
        fields=FIELDS,
        rows=_rows("neighbourhood"),
        geometry="Polygon",
        licence=_licence,
        source=_source,
        themes=("REGI", "SOCI"),
        keywords=("boundaries", "population", "households", "neighbourhoods"),
        page=lambda city: city.get_absolute_url(),
        modified=_modified,
        described=_described,
        modified_many=_modified_many,
        order=11,
    )
)
