"""A city's smart-city strategy (vision, themes, targets, actions, milestones), the shared
indicator catalogue with its observations, progress reports and the change history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _


class ThemeKind(models.TextChoices):
    """The fields a strategy and the indicator catalogue are grouped by."""

    ENERGY = "energy", _("Energy")
    MOBILITY = "mobility", _("Mobility")
    BUILDINGS = "buildings", _("Buildings")
    ENVIRONMENT = "environment", _("Environment and climate")
    ECONOMY = "economy", _("Economy")
    GOVERNANCE = "governance", _("Governance")
    PEOPLE = "people", _("People and society")
    DIGITAL = "digital", _("Digital and data")
    WATER_WASTE = "water_waste", _("Water and waste")
    URBAN_PLANNING = "urban_planning", _("Urban planning")


class Direction(models.TextChoices):
    """Which way is better for an indicator or a target."""

    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Framework(models.TextChoices):
    ISO_37120 = "iso37120", _("ISO 37120")
    ISO_37122 = "iso37122", _("ISO 37122")
    CITYKEYS = "citykeys", _("CITYkeys")
    URBIS = "urbis", _("Urbis common")
    CUSTOM = "custom", _("City's own")


class Indicator(models.Model):
    """An indicator of the shared catalogue (``city`` empty) or a city's own."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=64)
    definition = models.TextField(_("definition"), blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    theme = models.CharField(_("theme"), max_length=32, choices=ThemeKind.choices)
    framework = models.CharField(
        _("framework"), max_length=16, choices=Framework.choices, default=Framework.CUSTOM
    )
    reference = models.CharField(
        _("reference"), max_length=64, blank=True,
        help_text=_("Clause or identifier in the framework, e.g. '7.1'."),
    )
    per_capita = models.BooleanField(
        _("compare per capita"), default=False,
        help_text=_("The value is a city total: compare cities per inhabitant."),
    )
    per_capita_factor = models.FloatField(
        _("per-capita factor"), default=1.0,
        help_text=_("Value × factor ÷ population gives the per-capita unit."),
    )
    per_capita_unit = models.CharField(_("per-capita unit"), max_length=64, blank=True)
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="custom_indicators",
        help_text=_("Empty for catalogue indicators that every city shares."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["theme", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.label

    @property
    def is_catalogue(self) -> bool:
        return self.city_id is None

    # The catalogue's texts in the reader's language (urbis.datatext); a city's own indicator
    # keeps the words the city gave it.
    def _text(self, value: str) -> str:
        return _gettext(value) if self.is_catalogue and value else value

    @property
    def label(self) -> str:
        return self._text(self.name)

    @property
    def explanation(self) -> str:
        return self._text(self.definition)

    @property
    def unit_label(self) -> str:
        return self._text(self.unit)


class Observation(models.Model):
    """One measured value of an indicator for a city or one of its areas at a date.

    Annual figures are stored at 31 December of their year."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
        related_name="observations",
    )
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE,
        related_name="observations",
    )
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="observations",
    )
    date = models.DateField(_("date"))
    value = models.FloatField(_("value"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["indicator", "city", "area", "date"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "city", "date"], condition=Q(area__isnull=True),
                name="one_city_observation_per_date",
            ),
            models.UniqueConstraint(
                fields=["indicator", "city", "area", "date"], condition=Q(area__isnull=False),
                name="one_area_observation_per_date",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "city", "date"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.city_id} {self.date}: {self.value}"


class Strategy(models.Model):
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE,
        related_name="strategies",
    )
    slug = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    vision = models.TextField(_("vision"), blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Demo content: its actions, their statuses, dates and links are examples (pages say so).
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["city", "-start_year", "title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="unique_strategy_slug_per_city")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:strategy", args=[self.city.code, self.slug])


class Theme(models.Model):
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="themes"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ThemeKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["strategy", "order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "name"], name="unique_theme_per_strategy")
        ]

    def __str__(self) -> str:
        return self.name


class TargetKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    QUALITATIVE = "qualitative", _("Qualitative")


class TargetStatus(models.TextChoices):
    """Computed for quantitative targets; set by the city for qualitative ones."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")
    NO_DATA = "no_data", _("No data")


class Target(models.Model):
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="targets"
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="targets",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TargetKind.choices, default=TargetKind.QUANTITATIVE
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="targets",
    )
    area = models.ForeignKey(
        "places.Area", verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="targets", help_text=_("Empty for a target for the whole city."),
    )
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.DOWN
    )
    qualitative_status = models.CharField(
        _("status (qualitative targets)"), max_length=16, choices=TargetStatus.choices,
        blank=True,
    )
    departments = models.ManyToManyField(
        "people.Organisation", verbose_name=_("agreed by departments"), blank=True,
        related_name="strategy_targets",
    )
    source = models.CharField(_("source"), max_length=600, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["strategy", "order", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "strategy:target", args=[self.strategy.city.code, self.strategy.slug, self.pk]
        )


class Horizon(models.TextChoices):
    SHORT = "short", _("Short term")
    MEDIUM = "medium", _("Medium term")
    LONG = "long", _("Long term")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.Model):
    """A measure of the strategy, technological or not."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="actions"
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="actions",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    is_technological = models.BooleanField(_("technological"), default=False)
    horizon = models.CharField(
        _("horizon"), max_length=8, choices=Horizon.choices, default=Horizon.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    responsible_department = models.ForeignKey(
        "people.Organisation", verbose_name=_("responsible department"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="strategy_actions",
    )
    partners = models.ManyToManyField(
        "people.Organisation", verbose_name=_("partner organisations"), blank=True,
        related_name="strategy_partnerships", through="ActionPartner",
    )
    # "PPP" and "citizen-driven" are derived from the data (strategy.queries.flags: a private
    # partner under a PPP agreement; an accepted citizen idea linked to the action). These two
    # are only the city's hand-set override of that; empty = derive.
    is_ppp = models.BooleanField(
        _("public-private partnership (override)"), null=True, blank=True, default=None,
        help_text=_("Empty: derived from the partners (a private partner under a PPP "
                    "agreement). Yes or no: set by hand, shown as an override."),
    )
    is_citizen_driven = models.BooleanField(
        _("citizen-driven (override)"), null=True, blank=True, default=None,
        help_text=_("Empty: derived from the citizens' ideas (an accepted idea linked to the "
                    "action). Yes or no: set by hand, shown as an override."),
    )
    budget = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("depends on"), symmetrical=False, blank=True,
        related_name="dependents",
    )
    targets = models.ManyToManyField(
        Target, verbose_name=_("expected impact on"), through="ActionImpact", blank=True,
        related_name="actions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["strategy", "order", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "strategy:action", args=[self.strategy.city.code, self.strategy.slug, self.pk]
        )


class PartnerRole(models.TextChoices):
    PARTNER = "partner", _("Partner")
    PPP = "ppp", _("Private partner under a PPP agreement")


class ActionPartner(models.Model):
    """An organisation taking part in an action, and how: a plain partner, or a private partner
    bound by a public-private partnership agreement (which makes the action a PPP)."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="partner_links"
    )
    organisation = models.ForeignKey(
        "people.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="action_partner_links",
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    agreement = models.CharField(
        _("PPP agreement"), max_length=300, blank=True,
        help_text=_("The agreement's reference or link (for a PPP partner)."),
    )

    class Meta:
        # The table of the former plain many-to-many link (migration 0004 keeps its rows).
        db_table = "strategy_action_partners"
        ordering = ["action", "organisation__name"]
        verbose_name = _("action partner")
        verbose_name_plural = _("action partners")
        constraints = [
            models.UniqueConstraint(fields=["action", "organisation"],
                                    name="one_partner_link_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class FundingKind(models.TextChoices):
    OWN_BUDGET = "own_budget", _("City's own budget")
    EU_FUND = "eu_fund", _("EU fund")
    NATIONAL = "national", _("National or regional funding")
    LOAN = "loan", _("Loan")
    PRIVATE = "private", _("Private investment")
    OTHER = "other", _("Other")


class FundingSource(models.Model):
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="funding"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FundingKind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["action", "kind"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.get_kind_display()


class ActionImpact(models.Model):
    """Which target an action is expected to move, and how."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="impacts"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="impacts"
    )
    description = models.CharField(_("expected impact"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("expected impact")
        verbose_name_plural = _("expected impacts")
        constraints = [
            models.UniqueConstraint(fields=["action", "target"], name="one_impact_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.action} → {self.target}"


class Milestone(models.Model):
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["action", "due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A published progress report: its content is a frozen snapshot, never recomputed."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.PROTECT, related_name="reports"
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    content = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["strategy", "-period_end", "-published_at"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published report is a record: a second save would rewrite history.
        if self.pk is not None and ProgressReport.objects.filter(pk=self.pk).exists():
            raise ValueError(_("A published progress report cannot be changed."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "strategy:report", args=[self.strategy.city.code, self.strategy.slug, self.pk]
        )


class Change(models.Model):
    """One field changed on a strategy object: who, when, old and new value."""

    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    model = models.CharField(_("object type"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("object"))
    field = models.CharField(_("field"), max_length=64)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}.{self.field}"
