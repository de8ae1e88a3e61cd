"""Open-data layer of strategy monitoring: a city's published indicator observations, for the
whole city and per area, each with its own source (see urbis.opendata.registry)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from urbis.opendata.registry import Field, Hints, Layer, Row, register
from urbis.places.models import City
from urbis.strategy.models import Observation

FIELDS = (
    Field("indicator", "string", _("Indicator code")),
    Field("indicator_name", "string", _("Indicator")),
    Field("unit", "string", _("Unit")),
    Field("area_code", "string", _("Area code"), description=_("Empty for the whole city.")),
    Field("date", "date", _("Date"), description=_("Annual figures are dated 31 December.")),
    Field("year", "integer", _("Year")),
    Field("value", "number", _("Value"), description=_("In the unit of the row.")),
    Field("source", "string", _("Source")),
)


def _rows(city: City, hints: Hints) -> Iterator[Row]:
    # Only published observations: what an anonymous visitor sees on the indicator pages.
    observations = (
        Observation.objects.filter(city=city, is_published=True)
        .select_related("indicator", "area")
        .only("id", "date", "value", "source", "indicator__code", "indicator__name",
              "indicator__unit", "area__code")
        .order_by("indicator__code", "area__code", "date", "pk")
    )
    year = hints.equals.get("year")
    if year is not None:
        if not isinstance(year, int) or not 1 <= year <= 9999:
            return  # no date has that year
        observations = observations.filter(date__year=year)
    for obs in observations:
        yield Row(
            id=str(obs.pk),
            properties={
                "indicator": obs.indicator.code,
                "indicator_name": obs.indicator.name,
                "unit": obs.indicator.unit,
                "area_code": obs.area.code if obs.area else None,
                "date": obs.date,
                "year": obs.date.year,
                "value": obs.value,
                "source": obs.source,
            },
        )


def _published(cities: Sequence[City]) -> QuerySet[Observation]:
    return Observation.objects.filter(city__in=[c.pk for c in cities], is_published=True) \
        .order_by()


def _modified_many(cities: Sequence[City]) -> dict[int, Any]:
    """When each city's published observations were last added, in one grouped query (the
    catalogue asks every city); :func:`_modified` is the one-city case."""
    found = dict(_published(cities).values("city").annotate(m=Max("created_at"))
                 .values_list("city", "m"))
    return {city.pk: found.get(city.pk) for city in cities}


def _modified(city: City) -> Any:
    return _modified_many([city])[city.pk]


def _spans(cities: Sequence[City]) -> dict[int, tuple[Any, Any]]:
    """First and last date of each city's published observations, in one grouped query."""
    rows = _published(cities).values("city").annotate(first=Min("date"), last=Max("date"))
    return {r["city"]: (r["first"], r["last"]) for r in rows}


register(
    Layer(
        id="indicator-observations",
        title=_("Indicator observations"),
        description=_(
            "The published values of the city's monitoring indicators, for the whole city and "
            "per area; every row cites the publisher it was copied from."
        ),
        fields=FIELDS,
        rows=_rows,
        temporal="date",
        source=lambda city: "Published figures cited row by row (column 'source')",
        themes=("ENVI", "ENER", "REGI"),
        keywords=("indicators", "monitoring", "climate"),
        page=lambda city: reverse("strategy:city-indicators", args=[city.code]),
        modified=_modified,
        modified_many=_modified_many,
        spans=_spans,
        order=50,
    )
)
