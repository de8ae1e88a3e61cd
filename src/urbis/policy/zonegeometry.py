"""Size, residents and households of an innovation zone, area-weighted from the areas it overlaps.

Plain Python and shapely (no Django), so that the rule can be checked against a hand-worked case.
Each area's residents are assumed to be spread evenly over its land: a zone covering 30 % of an
area's land gets 30 % of its residents. The result is an estimate and is labelled so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from urbis.places.geometry import check, geodesic_area_m2, to_geojson

__all__ = ["AreaFigures", "ZoneFigures", "ZoneGeometryError", "figures", "parse", "shape",
           "shapely", "to_geojson"]


class ZoneGeometryError(ValueError):
    """The zone's boundary cannot be used; the message says why."""


@dataclass(frozen=True)
class AreaFigures:
    code: str
    geometry: BaseGeometry
    population: float | None
    households: float | None


@dataclass(frozen=True)
class Overlap:
    code: str
    share: float  # of the area's land inside the zone, 0–1
    population: float | None
    households: float | None


@dataclass(frozen=True)
class ZoneFigures:
    area_m2: float
    population: float | None
    households: float | None
    overlaps: tuple[Overlap, ...]


def parse(data: Any) -> BaseGeometry:
    """A GeoJSON Polygon or MultiPolygon (a Feature's geometry is taken too), checked."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    if not isinstance(data, dict) or "type" not in data:
        raise ZoneGeometryError(_("the boundary must be a GeoJSON Polygon or MultiPolygon object"))
    try:
        geometry = shape(data)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ZoneGeometryError(_("the boundary is not valid GeoJSON: %(exc)s")
                                % {"exc": exc}) from None
    problem = check(geometry)
    if problem:
        raise ZoneGeometryError(problem)
    return geometry


def figures(zone: BaseGeometry, areas: Iterable[AreaFigures]) -> ZoneFigures:
    """The zone's geodesic size and the area-weighted residents and households. ``areas`` must
    not overlap each other (one level of a city's areas). A figure is ``None`` when the zone
    touches an area that lacks it, rather than silently counting that area as empty."""
    overlaps: list[Overlap] = []
    population: float | None = 0.0
    households: float | None = 0.0
    for area in areas:
        if not shapely.intersects(zone, area.geometry):
            continue
        inside = shapely.intersection(zone, area.geometry)
        whole = geodesic_area_m2(area.geometry)
        share = geodesic_area_m2(inside) / whole if whole else 0.0
        if share <= 0:
            continue
        share = min(share, 1.0)
        pop = area.population * share if area.population is not None else None
        hh = area.households * share if area.households is not None else None
        overlaps.append(Overlap(area.code, share, pop, hh))
        population = None if population is None or pop is None else population + pop
        households = None if households is None or hh is None else households + hh
    if not overlaps:
        population = households = None
    return ZoneFigures(geodesic_area_m2(zone), population, households, tuple(overlaps))
