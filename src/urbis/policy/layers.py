"""Open-data layer of the policy app: a city's published innovation zones with their
boundaries, phase, dates, size and the area-weighted (estimated) residents inside
(see urbis.opendata.registry)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from urbis.opendata.geo import clean
from urbis.opendata.registry import Field, Hints, Layer, Row, register
from urbis.places.models import City
from urbis.policy.models import InnovationZone

FIELDS = (
    Field("code", "string", _("Short name")),
    Field("name", "string", _("Title")),
    Field("concept", "string", _("Concept tested")),
    Field("phase", "string", _("Phase")),
    Field("start_date", "date", _("Start")),
    Field("end_date", "date", _("End")),
    Field("area_km2", "number", _("Size"), "km2",
          _("Computed geodesically on the WGS84 ellipsoid from the boundary.")),
    Field("residents_estimated", "integer", _("Residents inside (estimated)"), "inhabitants",
          _("Area-weighted from the population of the areas the zone overlaps: an estimate.")),
    Field("households_estimated", "integer", _("Households inside (estimated)"), "households",
          _("Area-weighted from the areas' households: an estimate.")),
    Field("is_illustrative", "boolean", _("Illustrative record")),
    Field("source", "string", _("Source")),
    Field("url", "string", _("Page")),
)


def _zones(city: City) -> Any:
    return InnovationZone.objects.filter(city=city, is_published=True).order_by("slug")


def _rows(city: City, hints: Hints) -> Iterator[Row]:
    for zone in _zones(city):
        geometry, bbox = clean(zone.geometry, key=("policy-zone", zone.pk, zone.updated_at))
        yield Row(
            id=zone.slug, geometry=geometry, bbox=bbox,
            properties={
                "code": zone.slug, "name": zone.title, "concept": zone.concept,
                "phase": zone.phase, "start_date": zone.start_date, "end_date": zone.end_date,
                "area_km2": round(zone.area_km2, 4),
                "residents_estimated": None if zone.population is None
                else round(zone.population),
                "households_estimated": None if zone.households is None
                else round(zone.households),
                "is_illustrative": zone.is_illustrative, "source": zone.source,
                "url": zone.get_absolute_url(),
            },
        )


register(
    Layer(
        id="innovation-zones",
        title=_("Innovation zones"),
        description=_(
            "Places and periods in which the city suspends rules or tests new ones: boundary, "
            "phase, dates, size, and the residents and households inside estimated by area "
            "weighting."
        ),
        fields=FIELDS,
        rows=_rows,
        geometry="Polygon",
        temporal="start_date",
        source=lambda city: "; ".join(sorted({z.source for z in _zones(city) if z.source})),
        themes=("REGI", "GOVE"),
        keywords=("innovation zones", "regulatory sandbox", "policy"),
        page=lambda city: reverse("policy:zones", args=[city.code]),
        modified=lambda city: _zones(city).aggregate(m=Max("updated_at"))["m"],
        available=lambda city: _zones(city).exists(),
        order=70,
    )
)
