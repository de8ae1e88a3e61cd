"""Cities and the areas inside them (districts, neighbourhoods), with their real boundaries."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from typing import Self

import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

# A city code is a path segment of every page and API address of the city: lowercase ASCII
# letters and digits in groups joined by single hyphens ("barcelona", "den-haag").
CITY_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# What Django's <slug:...> converter can put in an address: legacy rows outside this cannot be
# linked to at all, so listings leave them out instead of failing (see queries.visible_cities).
ROUTABLE_CODE = re.compile(r"[-a-zA-Z0-9_]+")
# Eurostat writes these two countries differently from ISO 3166-1.
_EUROSTAT_COUNTRIES = {"EL": "GR", "UK": "GB"}


def validate_city_code(value: str) -> None:
    if not CITY_CODE.fullmatch(value or ""):
        raise ValidationError(
            _(
                "%(value)r is not a valid city code: use lowercase letters a-z, digits and "
                "single hyphens between them, e.g. den-haag."
            ),
            code="invalid_city_code",
            params={"value": value},
        )


def validate_country(value: str) -> None:
    """An ISO 3166-1 alpha-2 code in capitals, checked against pycountry's list."""
    if len(value or "") == 2 and value.isupper() and pycountry.countries.get(alpha_2=value):
        return
    hint = _EUROSTAT_COUNTRIES.get((value or "").upper())
    if hint:
        raise ValidationError(
            _("%(value)s is Eurostat's code; ISO 3166-1 alpha-2 writes %(iso)s."),
            code="invalid_country",
            params={"value": value, "iso": hint},
        )
    raise ValidationError(
        _("%(value)r is not an ISO 3166-1 alpha-2 country code (two capitals, e.g. ES, FR)."),
        code="invalid_country",
        params={"value": value},
    )


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("%(value)s is not an IANA time zone name."), params={"value": value}
        ) from exc


# A city's heavy columns: its boundary is a GeoJSON document of hundreds of kilobytes for a real
# city, which almost no page or API answer draws. Every query of cities leaves them unloaded
# (``City.objects``, and also a city reached from another row, ``idea.process.city``, through
# the base manager) unless it asks for them with ``with_boundary()``. A join from another model
# (``select_related("city")``) does not pass through a manager: defer ``city__boundary`` there.
CITY_HEAVY_FIELDS = ("boundary",)


class CityQuerySet(models.QuerySet["City"]):
    def with_boundary(self) -> CityQuerySet:
        """The same cities with their boundaries loaded, for the few readers that draw or
        intersect them (the cities map, the city-level energy map)."""
        clone = self.all()
        names, defer = clone.query.deferred_loading
        # No public call lifts a single deferred field (``defer(None)`` lifts them all).
        if defer:
            clone.query.deferred_loading = (frozenset(names) - {"boundary"}, True)
        else:
            clone.query.deferred_loading = (frozenset(names) | {"boundary"}, False)
        return clone

    def only(self, *fields: str) -> Self:
        # Django's only() after defer() subtracts the deferred names: on the default queryset,
        # only("code", "boundary") would read the code alone, only("boundary") every field.
        return super(CityQuerySet, self.with_boundary()).only(*fields)  # type: ignore[return-value]


class CityManager(models.Manager["City"]):
    def get_queryset(self) -> CityQuerySet:
        return CityQuerySet(self.model, using=self._db).defer(
            *CITY_HEAVY_FIELDS
        )

    def with_boundary(self) -> CityQuerySet:
        return self.get_queryset().with_boundary()


class City(models.Model):
    # A CharField with its own validator: SlugField's would also allow capitals and "_", and
    # give a second, contradicting message.
    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[validate_city_code],
        help_text=_("Short code used in addresses: lowercase letters, digits and hyphens."),
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[validate_country],
        help_text=_("ISO 3166-1 alpha-2 code, e.g. ES, FR."),
    )
    lau_code = models.CharField(
        _("LAU code"), max_length=16, blank=True, help_text=_("Eurostat Local Administrative Unit.")
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Europe/Madrid: the clock the city's months follow."),
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population reference date"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    bbox = models.JSONField(_("bounding box"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)

    objects = CityManager()

    class Meta:
        ordering = ["name"]
        # Cities reached from other rows (``action.strategy.city``, prefetches) come through
        # this manager too, so without their boundaries.
        base_manager_name = "objects"
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            # "Berlin" beside "berlin" would be two cities that people and links confuse.
            models.UniqueConstraint(
                Lower("code"),
                name="unique_city_code_any_case",
                violation_error_message=_(
                    "A city with this code already exists (codes are compared regardless of case)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("places:city", args=[self.code])

    def refresh_from_db(
        self,
        using: str | None = None,
        fields: Iterable[str] | None = None,
        from_queryset: models.QuerySet[City] | None = None,
    ) -> None:
        # "Every field not deferred is read again": a boundary in hand too, which the base
        # manager (deferring it) would silently leave stale.
        in_hand = "boundary" not in self.get_deferred_fields()
        # Reading the deferred boundary itself (``fields=["boundary"]``) must lift the manager's
        # deferral too: ``only("boundary")`` on a queryset deferring it loads every column, and
        # Django then overwrites every field in hand, losing changes not yet saved.
        asks_boundary = fields is not None and "boundary" in fields
        if from_queryset is None and ((fields is None and in_hand) or asks_boundary):
            from_queryset = City.objects.db_manager(using).with_boundary()
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")


class Area(models.Model):
    """A district or neighbourhood with its boundary in WGS84 GeoJSON."""

    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.CASCADE, related_name="areas"
    )
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_date = models.DateField(_("population reference date"), null=True, blank=True)
    population_source = models.CharField(_("population source"), max_length=300, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    # Censuses count households less often than registers count people, so the two figures
    # usually have different dates and sources.
    households_date = models.DateField(_("households reference date"), null=True, blank=True)
    households_source = models.CharField(_("households source"), max_length=300, blank=True)
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True)
    # Built floor area, the denominator of energy use per m²; not the land area above.
    floor_area_m2 = models.FloatField(_("built floor area (m²)"), null=True, blank=True)
    floor_area_date = models.DateField(_("floor area reference date"), null=True, blank=True)
    floor_area_source = models.CharField(_("floor area source"), max_length=300, blank=True)
    geometry = models.JSONField(_("geometry"))
    bbox = models.JSONField(_("bounding box"))
    centroid = models.JSONField(_("centroid"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["city", "level", "code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            # One code per city across levels, so an area's address needs no level.
            models.UniqueConstraint(fields=["city", "code"], name="unique_area_code_per_city"),
        ]
        indexes = [
            # With updated_at, the open-data layers' per-request "did this city's areas change"
            # check (newest updated_at and count per city and level) reads the index alone, not
            # every row with its boundary (150 ms for a city of 5,000 areas on SQLite).
            models.Index(fields=["city", "level", "updated_at"], name="area_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city.name})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("places:area", args=[self.city.code, self.code])

    @property
    def density(self) -> float | None:
        """Residents per km², or ``None`` where population or area is unknown."""
        if self.population is None or not self.area_m2:
            return None
        return self.population / (self.area_m2 / 1_000_000)
