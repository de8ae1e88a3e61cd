"""Emission inventories, emission factors, scenarios with their measures, and stored runs.

The numbers are computed by ``urbis.engines.scenario``; these tables hold its inputs and results.
Energy in MWh, factors in t CO2/MWh, money in EUR (see docs/SCENARIOS.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from urbis.engines.scenario import CARRIERS, SECTORS

SECTOR_CHOICES = [(s, s.replace("_", " ")) for s in SECTORS]
CARRIER_CHOICES = [(c, c.replace("_", " ")) for c in CARRIERS]


class InventoryKind(models.TextChoices):
    BASELINE = "bei", _("Baseline emission inventory")
    MONITORING = "mei", _("Monitoring emission inventory")


class Inventory(models.Model):
    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="emission_inventories")
    kind = models.CharField(_("kind"), max_length=3, choices=InventoryKind.choices,
                            default=InventoryKind.BASELINE)
    year = models.PositiveSmallIntegerField(_("year"))
    local_production_mwh = models.FloatField(_("local renewable electricity (MWh)"), default=0)
    source = models.CharField(_("source"), max_length=600, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False,
        help_text=_("The figures are an illustration, not published data."))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["city", "-year"]
        constraints = [models.UniqueConstraint(fields=["city", "kind", "year"],
                                               name="scenarios_inventory_unique_year")]
        verbose_name = _("emission inventory")
        verbose_name_plural = _("emission inventories")

    def __str__(self) -> str:
        return f"{self.city} {self.get_kind_display()} {self.year}"


class InventoryRow(models.Model):
    inventory = models.ForeignKey(Inventory, verbose_name=_("inventory"),
                                  on_delete=models.CASCADE, related_name="rows")
    sector = models.CharField(_("sector"), max_length=40, choices=SECTOR_CHOICES)
    carrier = models.CharField(_("carrier"), max_length=40, choices=CARRIER_CHOICES)
    energy_mwh = models.FloatField(_("final energy (MWh)"))
    source = models.CharField(_("source"), max_length=600, blank=True)

    class Meta:
        ordering = ["inventory", "sector", "carrier"]
        constraints = [models.UniqueConstraint(fields=["inventory", "sector", "carrier"],
                                               name="scenarios_row_unique_cell")]
        verbose_name = _("inventory row")
        verbose_name_plural = _("inventory rows")

    def __str__(self) -> str:
        return f"{self.sector}/{self.carrier}: {self.energy_mwh:g} MWh"


class EmissionFactor(models.Model):
    """A city's factor for one carrier (and optionally one year: an electricity path)."""

    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="emission_factors")
    carrier = models.CharField(_("carrier"), max_length=40, choices=CARRIER_CHOICES)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    t_co2_per_mwh = models.FloatField(_("t CO2 per MWh"))
    source = models.CharField(_("source"), max_length=600, blank=True)
    edition = models.CharField(_("edition"), max_length=200, blank=True)

    class Meta:
        ordering = ["city", "carrier", "year"]
        constraints = [models.UniqueConstraint(fields=["city", "carrier", "year"],
                                               name="scenarios_factor_unique")]
        verbose_name = _("emission factor")
        verbose_name_plural = _("emission factors")

    def __str__(self) -> str:
        return f"{self.carrier} {self.year or ''}: {self.t_co2_per_mwh:g} t CO2/MWh"


class Scenario(models.Model):
    city = models.ForeignKey("places.City", verbose_name=_("city"), on_delete=models.CASCADE,
                             related_name="scenarios")
    strategy = models.ForeignKey("strategy.Strategy", verbose_name=_("strategy"),
                                 on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="scenarios")
    inventory = models.ForeignKey(Inventory, verbose_name=_("inventory"),
                                  on_delete=models.PROTECT, related_name="scenarios")
    slug = models.SlugField(_("short name"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    end_year = models.PositiveSmallIntegerField(_("last year"), default=2050)
    population_growth = models.FloatField(
        _("yearly growth of demand in business as usual"), default=0.0,
        help_text=_("0.005 = +0.5 % a year, applied to every sector that no driver below "
                    "moves"))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["city", "slug"]
        constraints = [models.UniqueConstraint(fields=["city", "slug"],
                                               name="scenarios_scenario_unique_slug")]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scenarios:detail", args=[self.city.code, self.slug])


class DriverKind(models.TextChoices):
    POPULATION = "population", _("Population")
    HOUSEHOLDS = "households", _("Households")
    FLOOR_AREA = "floor_area", _("Floor area")
    JOBS = "jobs", _("Jobs")
    VEHICLE_KM = "vehicle_km", _("Vehicle-km")
    ACTIVITY = "activity", _("Other activity")


class Driver(models.Model):
    """A business-as-usual driver of a scenario: either a constant yearly ``growth_rate`` or a
    path of values by year (``points``, interpolated between given years, held flat after the
    last). It scales the final energy of the ``sectors`` it names by its index on the
    inventory's year; a sector no driver names follows the scenario's ``population_growth``."""

    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="drivers")
    kind = models.CharField(_("driver"), max_length=20, choices=DriverKind.choices)
    unit = models.CharField(_("unit"), max_length=60, blank=True,
                            help_text=_("Of the path's values, e.g. inhabitants or m²."))
    growth_rate = models.FloatField(_("yearly growth"), null=True, blank=True,
                                    help_text=_("0.01 = +1 % a year. Leave empty to give a "
                                                "path of values by year instead."))
    sectors = models.JSONField(_("sectors it moves"), default=list)
    source = models.CharField(_("source"), max_length=600, blank=True)

    class Meta:
        ordering = ["scenario", "kind"]
        constraints = [models.UniqueConstraint(fields=["scenario", "kind"],
                                               name="scenarios_driver_unique_kind")]
        verbose_name = _("business-as-usual driver")
        verbose_name_plural = _("business-as-usual drivers")

    def __str__(self) -> str:
        return f"{self.scenario}: {self.get_kind_display()}"


class DriverPoint(models.Model):
    driver = models.ForeignKey(Driver, verbose_name=_("driver"), on_delete=models.CASCADE,
                               related_name="points")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"))

    class Meta:
        ordering = ["driver", "year"]
        constraints = [models.UniqueConstraint(fields=["driver", "year"],
                                               name="scenarios_driverpoint_unique_year")]
        verbose_name = _("driver value")
        verbose_name_plural = _("driver values")

    def __str__(self) -> str:
        return f"{self.year}: {self.value:g}"


class DriverPeriod(models.Model):
    """A driver's yearly growth rate from ``start_year`` to ``end_year`` (one of its periods;
    they follow one another: one ends in the year the next starts)."""

    driver = models.ForeignKey(Driver, verbose_name=_("driver"), on_delete=models.CASCADE,
                               related_name="periods")
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    growth_rate = models.FloatField(_("yearly growth"))

    class Meta:
        ordering = ["driver", "start_year"]
        constraints = [models.UniqueConstraint(fields=["driver", "start_year"],
                                               name="scenarios_driverperiod_unique_start")]
        verbose_name = _("driver period")
        verbose_name_plural = _("driver periods")

    def __str__(self) -> str:
        return f"{self.start_year}–{self.end_year}: {self.growth_rate:+.2%}/yr"


class LeverKind(models.TextChoices):
    EFFICIENCY = "efficiency", _("Efficiency")
    FUEL_SWITCH = "fuel_switch", _("Fuel switch")
    LOCAL_PRODUCTION = "local_production", _("Local renewable production")
    ACTIVITY_CHANGE = "activity_change", _("Activity change")


class Measure(models.Model):
    """One lever. ``value`` is the cut, share (0–1) or MWh/yr by kind; ``value_low`` and
    ``value_high``, when given, make it a triangular distribution around ``value``."""

    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="measures")
    action = models.ForeignKey("strategy.Action", verbose_name=_("strategy action"),
                               on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="scenario_measures")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("lever"), max_length=20, choices=LeverKind.choices)
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    to_sector = models.CharField(_("to sector"), max_length=40, blank=True)
    to_carrier = models.CharField(_("to carrier"), max_length=40, blank=True)
    value = models.FloatField(_("value"))
    value_low = models.FloatField(_("lowest value"), null=True, blank=True)
    value_high = models.FloatField(_("highest value"), null=True, blank=True)
    from_efficiency = models.FloatField(_("efficiency of what is replaced"), default=1.0)
    to_efficiency = models.FloatField(_("efficiency or COP of the replacement"), default=1.0)
    intensity_ratio = models.FloatField(_("energy per unit of activity, new / old"), default=1.0)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    ramp_years = models.PositiveSmallIntegerField(_("years to full adoption"), default=0)
    ceiling = models.FloatField(_("adoption ceiling (0–1)"), default=1.0)
    capex_eur = models.FloatField(_("capital cost (EUR)"), default=0)
    opex_eur_per_year = models.FloatField(_("operating cost (EUR/year)"), default=0)
    lifetime_years = models.PositiveSmallIntegerField(_("lifetime (years)"), default=20)
    funding = models.CharField(_("funding"), max_length=300, blank=True)
    uncertainty_group = models.CharField(_("shared driver"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["scenario", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scenario", "name"],
                                               name="scenarios_measure_unique_name")]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.name


class ScenarioRun(models.Model):
    """A stored engine run: the page and the API serve this, never a fresh computation."""

    scenario = models.ForeignKey(Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE,
                                 related_name="runs")
    samples = models.PositiveIntegerField(_("Monte Carlo samples"))
    seed = models.BigIntegerField(_("seed"))
    seconds = models.FloatField(_("computing time (s)"))
    result = models.JSONField(_("result"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("run by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["scenario", "-created_at", "-pk"]
        verbose_name = _("scenario run")
        verbose_name_plural = _("scenario runs")

    def __str__(self) -> str:
        return f"{self.scenario} ({self.created_at:%Y-%m-%d %H:%M})"
