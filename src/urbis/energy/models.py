"""Energy: the ingestion log, PV capacity per area and the Energy-Neutral Neighbourhoods
competition.

Meter readings are *not* in the database: they live in the engine's Parquet store
(``<DATA_DIR>/energy/readings``, partitioned by city and year), which also records each meter's
id, location and area. A relational ``Meter`` table would duplicate millions of rows' worth of
identity for no query the pages need, so there is none (docs/ENERGY_PLATFORM.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EnergyUpload(models.Model):
    """One readings file handed to the platform, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking and storing")
        STORED = "stored", _("Stored")
        DUPLICATE = "duplicate", _("Already stored")
        REJECTED = "rejected", _("Refused")
        FAILED = "failed", _("Failed")
        # Stored once, then taken out of the store by an editor (e.g. to send a corrected file).
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Source(models.TextChoices):
        WEB = "web", _("Upload page")
        API = "api", _("API")
        CLI = "cli", _("Command line")
        DEMO = "demo", _("Demo loader")

    FINAL = frozenset(
        {Status.STORED, Status.DUPLICATE, Status.REJECTED, Status.FAILED, Status.WITHDRAWN}
    )

    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE,
        related_name="energy_uploads",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="energy_uploads",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_hash = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size_bytes = models.BigIntegerField(_("size (bytes)"), default=0)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    rows = models.BigIntegerField(_("readings stored"), default=0)
    meters = models.IntegerField(_("meters"), default=0)
    years = models.JSONField(_("years"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    errors_truncated = models.BooleanField(_("more errors than shown"), default=False)
    # What became of the upload, as a code and its values (``urbis.energy.outcomes``), worded
    # in the reader's language when shown; ``message`` is the sentence an upload made before the
    # codes was stored with, kept only where migration 0004 could not read it.
    message_code = models.CharField(_("outcome"), max_length=16, blank=True)
    message_values = models.JSONField(_("outcome values"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Where a web or API upload waits for its background job; emptied when the job ends.
    pending_path = models.CharField(_("file awaiting processing"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("energy upload")
        verbose_name_plural = _("energy uploads")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("energy:upload-status", args=[self.city.code, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINAL

    @property
    def status_line(self) -> str:
        """What became of the upload, in the active language."""
        from urbis.energy.outcomes import describe

        return describe(self.message_code, self.message_values, self.message)


class PvInstallation(models.Model):
    """Installed photovoltaic capacity in an area. Where an area has capacity but no metered
    production, the engine estimates its hourly production with pvlib (flagged as estimate)."""

    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.CASCADE,
        related_name="pv_installations",
    )
    name = models.CharField(_("name"), max_length=200)
    capacity_kwp = models.FloatField(_("capacity (kWp)"))
    commissioned_year = models.PositiveIntegerField(_("in operation since"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False,
        help_text=_("Demo content, not a real installation."),
    )

    class Meta:
        ordering = ["area", "name"]
        verbose_name = _("PV installation")
        verbose_name_plural = _("PV installations")

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity_kwp:g} kWp)"


class EnergyIntensity(models.Model):
    """A published intensity: the final energy of one carrier used in buildings of one use
    (a sector) per m² of that use's floor area a year. With the floor area of each use per
    area (:class:`FloorAreaByUse`), it estimates consumption nobody meters, e.g. heating oil
    (engine: ``engines/energy/unmetered.py``). One per city, sector and carrier."""

    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE,
        related_name="energy_intensities",
    )
    sector = models.CharField(_("building use"), max_length=16)
    carrier = models.CharField(_("carrier"), max_length=16)
    kwh_per_m2 = models.FloatField(_("kWh per m² a year"))
    reference_year = models.PositiveIntegerField(_("year of the figure"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["city", "sector", "carrier"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "sector", "carrier"], name="energy_intensity_unique"
            )
        ]
        verbose_name = _("energy intensity")
        verbose_name_plural = _("energy intensities")

    def __str__(self) -> str:
        return f"{self.sector}/{self.carrier}: {self.kwh_per_m2:g} kWh/m²"


class FloorAreaByUse(models.Model):
    """Built floor area of one building use (a sector) in one area, as published."""

    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.CASCADE,
        related_name="floor_areas_by_use",
    )
    sector = models.CharField(_("building use"), max_length=16)
    floor_area_m2 = models.FloatField(_("floor area (m²)"))
    reference_date = models.DateField(_("reference date"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["area", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["area", "sector"], name="floor_area_by_use_unique")
        ]
        verbose_name = _("floor area by use")
        verbose_name_plural = _("floor areas by use")

    def __str__(self) -> str:
        return f"{self.area_id} {self.sector}: {self.floor_area_m2:,.0f} m²"


class Season(models.Model):
    """A season of the Energy-Neutral Neighbourhoods competition across several cities."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cities = models.ManyToManyField(
        "places.City", verbose_name=_("cities"), related_name="energy_seasons"
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    baseline_year = models.PositiveIntegerField(_("baseline year"))
    scoring_year = models.PositiveIntegerField(_("scoring year"))
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("competition season")
        verbose_name_plural = _("competition seasons")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scoring_year__gt=models.F("baseline_year")),
                name="season_scoring_after_baseline",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="season_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("energy:season", args=[self.slug])


class Entry(models.Model):
    """A neighbourhood's team in one season."""

    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="entries"
    )
    area = models.ForeignKey(
        "places.Area", verbose_name=_("neighbourhood"), on_delete=models.PROTECT,
        related_name="energy_entries",
    )
    team_name = models.CharField(_("team name"), max_length=200)
    members = models.TextField(
        _("members"), blank=True,
        help_text=_("Who takes part: organisations and groups, one per line."),
    )
    households = models.PositiveIntegerField(
        _("households"), null=True, blank=True,
        help_text=_("Households in the neighbourhood, used to compare entries fairly."),
    )
    households_source = models.CharField(_("households source"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="energy_entries",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["season", "team_name"]
        verbose_name = _("competition entry")
        verbose_name_plural = _("competition entries")
        constraints = [
            models.UniqueConstraint(fields=["season", "area"], name="one_entry_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.team_name} ({self.area.name})"

    def get_absolute_url(self) -> str:
        return reverse("energy:entry", args=[self.season.slug, self.pk])


class InitiativeKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Local energy cooperative")
    RETROFIT = "retrofit", _("Retrofit drive")
    SOLAR = "solar", _("Shared solar")
    HEAT = "heat", _("Heat pumps and heat networks")
    MOBILITY = "mobility", _("Electric mobility")
    BEHAVIOUR = "behaviour", _("Saving and demand response")
    OTHER = "other", _("Other")


class Initiative(models.Model):
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="initiatives"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InitiativeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)

    class Meta:
        ordering = ["entry", "started_on", "title"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.title


class BestPractice(models.Model):
    """What a winning entry leaves behind for others: the inventory of best practices."""

    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE,
        related_name="best_practices",
    )
    entry = models.ForeignKey(
        Entry, verbose_name=_("from entry"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="best_practices",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InitiativeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    lessons = models.TextField(_("lessons learned"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["season", "kind", "title"]
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")

    def __str__(self) -> str:
        return self.title
