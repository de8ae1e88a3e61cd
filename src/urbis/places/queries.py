"""Reads of cities and areas that pages and the API share."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from pyuca import Collator

from urbis.people.models import Membership
from urbis.people.permissions import Action, can
from urbis.places.models import ROUTABLE_CODE, Area, AreaLevel, City


def visible_cities(user: Any = None, *, with_boundary: bool = False) -> QuerySet[City]:
    """Published cities, plus unpublished ones where ``user`` holds a role that may see them.

    The boundary (a large GeoJSON for a real city) is left unloaded unless asked for."""
    base = City.objects.with_boundary() if with_boundary else City.objects.all()
    # A legacy row whose code no address can hold would make every link to it fail and take
    # the whole listing down: such rows are left out (`urbis check --database default` names
    # them). `$` alone would let a trailing newline through on SQLite's Python regex.
    base = base.filter(code__regex=f"^{ROUTABLE_CODE.pattern}$").exclude(code__contains="\n")
    cities = base.annotate(
        district_count=Count("areas", filter=Q(areas__level="district")),
        neighbourhood_count=Count("areas", filter=Q(areas__level="neighbourhood")),
    )
    if user is not None and getattr(user, "is_superuser", False):
        return cities
    if user is not None and getattr(user, "is_authenticated", False):
        # A subquery, not a join: joining memberships would repeat each city once per
        # membership and multiply the area counts above.
        staff = Membership.objects.filter(
            city=OuterRef("pk"), user=user, role__in=["admin", "editor", "moderator"]
        )
        return cities.filter(Q(is_published=True) | Exists(staff))
    return cities.filter(is_published=True)


def get_city(code: str, user: Any = None) -> City:
    city = City.objects.filter(code=code).first()
    if city is None or not (city.is_published or can(user, Action.VIEW_PRIVATE, city)):
        raise Http404(_("No city with code %(code)r.") % {"code": code})
    return city


def city_areas(
    city: City,
    *,
    level: str | None = None,
    parent: str | None = None,
    search: str | None = None,
    with_geometry: bool = True,
) -> QuerySet[Area]:
    # Links need each area's city and parent; their large geometries are never needed here.
    areas = (
        Area.objects.filter(city=city)
        .select_related("city", "parent__city")
        .defer("city__boundary", "parent__geometry", "parent__city__boundary")
    )
    if level:
        areas = areas.filter(level=level)
    if parent:
        areas = areas.filter(parent__code=parent)
    if search:
        areas = areas.filter(Q(name__icontains=search) | Q(code__iexact=search))
    if not with_geometry:
        areas = areas.defer("geometry")
    return areas.order_by("level", "code")


def default_level(city: City) -> str:
    """The finest level at which the city has areas: its neighbourhoods, else its districts
    (a city imported with districts only would otherwise open on an empty map)."""
    present = set(Area.objects.filter(city=city).values_list("level", flat=True).distinct())
    for level in (AreaLevel.NEIGHBOURHOOD, AreaLevel.DISTRICT):  # finest first
        if level in present:
            return str(level)
    return str(AreaLevel.NEIGHBOURHOOD)


class _FlatTable:
    """pyuca's collation table (a trie of about 30,000 nodes and 70,000 lists) as one dict of
    tuples, with the trie's ``find_prefix``.

    The trie lives as long as the process and is built on first use, after a server worker has
    frozen its loaded heap (``urbis.wsgi``): each of Python's full garbage collections then
    walked its ~100,000 objects, 40 % of what a warm worker tracks (docs/PERFORMANCE.md). A
    dict holding only tuples of integers is no longer tracked once a collection has seen it."""

    __slots__ = ("_entries",)

    def __init__(self, trie: Any) -> None:
        # Every key of the trie and every prefix of one; a prefix alone maps to ().
        entries: dict[tuple[int, ...], tuple[tuple[int, ...], ...]] = {}
        stack: list[tuple[tuple[int, ...], Any]] = [((), trie.root)]
        while stack:
            key, node = stack.pop()
            if key:
                entries[key] = tuple(tuple(e) for e in node.value) if node.value else ()
            for part, child in (node.children or {}).items():
                stack.append(((*key, part), child))
        self._entries = entries

    def find_prefix(self, key: list[int]) -> tuple[list[int], Any, list[int]]:
        found, value = 0, None
        for end in range(1, len(key) + 1):
            elements = self._entries.get(tuple(key[:end]))
            if elements is None:
                break
            if elements:
                found, value = end, elements
        return key[:found], value, key[found:]


@cache
def _collator() -> Collator:
    # Reads the Unicode collation table once (about half a second), on first use.
    collator = Collator()
    collator.table = _FlatTable(collator.table)
    return collator


def name_key(name: str) -> tuple[int, ...]:
    """Sort key that orders names as a collator does (Unicode Collation Algorithm): letters
    first, accents and then case only to break ties, so "la Barceloneta" sorts under L
    between "Horta" and "Sants", not after every capitalised name."""
    return tuple(_collator().sort_key(name))


Named = TypeVar("Named")


def by_name(items: Iterable[Named]) -> list[Named]:
    """``items`` (anything with a ``name``) in ``name_key`` order, the order of every list of
    areas offered for choice."""
    return sorted(items, key=lambda item: name_key(str(getattr(item, "name", ""))))


def areas_for_choice(city: City, level: str) -> list[Area]:
    """The city's areas at ``level`` (codes and names only), in name order, for a drop-down."""
    return by_name(Area.objects.filter(city=city, level=level).only("code", "name", "level"))


def get_area(city: City, code: str, *, with_geometry: bool = True) -> Area:
    areas = (
        Area.objects.filter(city=city, code=code)
        .select_related("parent__city", "city")
        .defer("city__boundary", "parent__geometry", "parent__city__boundary")
    )
    if not with_geometry:
        areas = areas.defer("geometry")
    area = areas.first()
    if area is None:
        raise Http404(_("No area %(code)r in %(city)s.") % {"code": code, "city": city.name})
    return area


def area_children(area: Area) -> QuerySet[Area]:
    """The areas that are part of ``area``, by code, for links: without their geometries, and
    each knowing its city without a query of its own (through the city's related manager), so
    a district's page costs one query for its neighbourhoods, not one more per link."""
    return area.city.areas.filter(parent=area).defer("geometry").order_by("code")


def area_feature(area: Area, *, url: str | None = None) -> dict[str, Any]:
    """An area as a GeoJSON Feature (RFC 7946)."""
    return {
        "type": "Feature",
        "id": area.code,
        "bbox": area.bbox,
        "geometry": area.geometry,
        "properties": {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "parent": area.parent.code if area.parent else None,
            "population": area.population,
            "population_date": area.population_date.isoformat() if area.population_date else None,
            "households": area.households,
            "area_km2": round(area.area_m2 / 1_000_000, 4) if area.area_m2 else None,
            "density_per_km2": round(area.density, 1) if area.density is not None else None,
            "url": url,
        },
    }


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def quantile_classes(values: list[float], count: int = 5) -> list[float]:
    """Upper bounds of ``count`` quantile classes (nearest-rank, so each bound is one of the
    values), for the legend of any choropleth map."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    bounds = []
    for i in range(1, count + 1):
        index = min(len(ordered) - 1, round(i * len(ordered) / count) - 1)
        bounds.append(ordered[max(index, 0)])
    return sorted(set(bounds))


def data_sources(user: Any = None) -> list[dict[str, Any]]:
    """Distinct sources of boundaries and population figures, per city."""
    result = []
    for city in visible_cities(user):
        boundary = sorted(
            set(Area.objects.filter(city=city).exclude(source="").values_list("source", flat=True))
        )
        population = sorted(
            set(
                Area.objects.filter(city=city)
                .exclude(population_source="")
                .values_list("population_source", flat=True)
            )
            | ({city.population_source} if city.population_source else set())
        )
        result.append({"city": city, "boundaries": boundary, "population": population})
    return result
