"""Open-data layer of engagement: the geolocated ideas of a city's published processes,
without hidden ones and without who wrote them (see urbis.opendata.registry)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Max, Min, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from urbis.engagement.models import Idea
from urbis.engagement.queries import processes
from urbis.opendata.geo import point
from urbis.opendata.registry import Field, Hints, Layer, Row, register
from urbis.places.models import City

FIELDS = (
    Field("id", "integer", _("Identifier")),
    Field("title", "string", _("Title")),
    Field("kind", "string", _("Kind"), description=_("proposal, feature or problem")),
    Field("category", "string", _("Category")),
    Field("status", "string", _("Status")),
    Field("process", "string", _("Process (short name)")),
    Field("area_code", "string", _("Area code")),
    Field("votes", "integer", _("Votes"), "votes"),
    Field("created", "date", _("Submitted on")),
    Field("url", "string", _("Page")),
)


def _rows(city: City, hints: Hints) -> Iterator[Row]:
    # processes(city) without a user: published processes only; hidden ideas never leave.
    ideas = (
        Idea.objects.filter(
            process__in=processes(city), is_hidden=False,
            latitude__isnull=False, longitude__isnull=False,
        )
        .select_related("process", "area")
        .only("id", "title", "kind", "category", "status", "process__slug", "area__code",
              "vote_count", "created_at", "latitude", "longitude", "process__city_id")
        .order_by("pk")
    )
    for idea in ideas:
        geometry, bbox = point(idea.longitude, idea.latitude)  # type: ignore[arg-type]
        yield Row(
            id=str(idea.pk),
            geometry=geometry,
            bbox=bbox,
            properties={
                "id": idea.pk,
                "title": idea.title,
                "kind": idea.kind,
                "category": idea.category,
                "status": idea.status,
                "process": idea.process.slug,
                "area_code": idea.area.code if idea.area else None,
                "votes": idea.vote_count,
                "created": idea.created_at.date(),
                "url": reverse("engagement:idea", args=[city.code, idea.pk]),
            },
        )


def _published(cities: Sequence[City]) -> QuerySet[Idea]:
    # What processes(city) without a user lets out, for many cities: published processes'
    # ideas that are not hidden.
    return Idea.objects.filter(process__city__in=[c.pk for c in cities],
                               process__is_published=True, is_hidden=False).order_by()


def _modified_many(cities: Sequence[City]) -> dict[int, Any]:
    """When each city's published ideas last changed, in one grouped query (the catalogue
    asks every city); :func:`_modified` is the one-city case."""
    found = dict(_published(cities).values("process__city").annotate(m=Max("updated_at"))
                 .values_list("process__city", "m"))
    return {city.pk: found.get(city.pk) for city in cities}


def _modified(city: City) -> Any:
    return _modified_many([city])[city.pk]


def _spans(cities: Sequence[City]) -> dict[int, tuple[Any, Any]]:
    """First and last submission date of each city's published rows (:func:`_rows`), in
    one grouped query."""
    rows = (_published(cities).filter(latitude__isnull=False, longitude__isnull=False)
            .values("process__city").annotate(first=Min("created_at"), last=Max("created_at")))
    # Row values are created_at.date() of the aware (UTC) datetimes, as here.
    return {r["process__city"]: (r["first"].date(), r["last"].date()) for r in rows}


register(
    Layer(
        id="ideas",
        title=_("Ideas"),
        description=_(
            "Geolocated ideas, proposals and problem reports of the city's published "
            "participation processes, with their status and votes; hidden ideas and authors "
            "are not published."
        ),
        fields=FIELDS,
        rows=_rows,
        geometry="Point",
        temporal="created",
        source=lambda city: "Urbis participation processes of the city",
        themes=("GOVE", "SOCI"),
        keywords=("participation", "ideas", "proposals"),
        page=lambda city: reverse("engagement:city", args=[city.code]),
        modified=_modified,
        modified_many=_modified_many,
        spans=_spans,
        order=40,
    )
)
