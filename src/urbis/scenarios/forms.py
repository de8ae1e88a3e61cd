"""Forms of the scenario builder. They check types and ranges a browser can check; the domain
rules (a share at most 100 %, a carrier with a factor, overlapping switches…) are in
``services``, whose errors the views put back on the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from urbis.places.models import City
from urbis.scenarios.labels import carrier_choices, sector_choices
from urbis.scenarios.models import (
    Driver,
    DriverKind,
    Inventory,
    InventoryKind,
    LeverKind,
    Measure,
    Scenario,
)
from urbis.strategy.models import Action, Strategy


class ScenarioForm(forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["title", "slug", "inventory", "strategy", "end_year", "population_growth",
                  "is_published"]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inventory: Any = self.fields["inventory"]
        inventory.queryset = Inventory.objects.filter(city=city)
        strategy: Any = self.fields["strategy"]
        strategy.queryset = Strategy.objects.filter(city=city)

    def clean_end_year(self) -> int:
        value = self.cleaned_data["end_year"]
        if not 2000 <= value <= 2100:
            raise ValidationError(_("Between 2000 and 2100."))
        return int(value)


class MeasureForm(forms.ModelForm):
    sector = forms.ChoiceField(label=_("Sector"), required=False,
                               choices=sector_choices(blank=True))
    carrier = forms.ChoiceField(label=_("Carrier"), required=False,
                                choices=carrier_choices(blank=True),
                                help_text=_("The carrier cut or replaced."))
    to_sector = forms.ChoiceField(label=_("To sector"), required=False,
                                  choices=sector_choices(blank=True),
                                  help_text=_("Activity change: where the activity goes."))
    to_carrier = forms.ChoiceField(label=_("To carrier"), required=False,
                                   choices=carrier_choices(blank=True),
                                   help_text=_("Fuel switch or activity change: the new "
                                               "carrier."))

    class Meta:
        model = Measure
        fields = ["name", "action", "kind", "sector", "carrier", "to_sector", "to_carrier",
                  "value", "value_low", "value_high", "from_efficiency", "to_efficiency",
                  "intensity_ratio", "start_year", "ramp_years", "ceiling", "capex_eur",
                  "opex_eur_per_year", "lifetime_years", "funding", "uncertainty_group",
                  "order"]
        help_texts = {
            "value": _("Efficiency: the share of demand cut (0.3 = 30 %). Fuel switch and "
                       "activity change: the share moved (0–1). Local production: MWh a year."),
            "value_low": _("With the highest value: a triangular range for the Monte Carlo "
                           "runs."),
            "ceiling": _("The largest share ever adopted (0–1)."),
            "ramp_years": _("Years from the start year to full effect."),
            "uncertainty_group": _("Optional. Measures with the same word here depend on the "
                                   "same uncertain driver (e.g. \"energy prices\"): the Monte "
                                   "Carlo runs draw their ranges together."),
            "order": _("Where the measure comes in the scenario's lists (smallest first)."),
        }

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action: Any = self.fields["action"]
        action.queryset = Action.objects.filter(strategy__city=city).order_by("title")
        kind: Any = self.fields["kind"]
        kind.choices = LeverKind.choices


class InventoryForm(forms.ModelForm):
    class Meta:
        model = Inventory
        fields = ["kind", "year", "local_production_mwh", "source", "is_illustrative",
                  "is_published"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = InventoryKind.choices

    def clean_year(self) -> int:
        value = self.cleaned_data["year"]
        if not 1990 <= value <= 2100:
            raise ValidationError(_("Between 1990 and 2100."))
        return int(value)

    def validate_unique(self) -> None:
        """The service checks the (city, kind, year) rule: the city is not a field here."""


class InventoryRowForm(forms.Form):
    # A blank first choice: the empty rows at the end are left out when saving, as a browser
    # sends the first option of a select (a sector without energy would be refused).
    sector = forms.ChoiceField(label=_("Sector"), choices=sector_choices(blank=True))
    carrier = forms.ChoiceField(label=_("Carrier"), choices=carrier_choices(blank=True))
    energy_mwh = forms.FloatField(label=_("Final energy (MWh)"), min_value=0)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


InventoryRowFormSet = forms.formset_factory(InventoryRowForm, extra=3, can_delete=True)


class DriverForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label=_("Sectors it moves"), choices=sector_choices(),
        widget=forms.SelectMultiple(attrs={"size": 9}),
        help_text=_("A sector follows one driver; sectors no driver moves follow the "
                    "scenario's general growth."))

    class Meta:
        model = Driver
        fields = ["kind", "unit", "growth_rate", "sectors", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = DriverKind.choices


class DriverPointForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    value = forms.FloatField(label=_("Value"))


DriverPointFormSet = forms.formset_factory(DriverPointForm, extra=4, can_delete=True)


class DriverPeriodForm(forms.Form):
    start_year = forms.IntegerField(label=_("From year"), min_value=1990, max_value=2100)
    end_year = forms.IntegerField(label=_("To year"), min_value=1990, max_value=2100)
    growth_rate = forms.FloatField(label=_("Yearly growth"),
                                   help_text=_("0.01 = +1 % a year"))


DriverPeriodFormSet = forms.formset_factory(DriverPeriodForm, extra=3, can_delete=True)


class FactorRowForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=carrier_choices(blank=True))
    year = forms.IntegerField(label=_("Year (empty: every year)"), required=False)
    t_co2_per_mwh = forms.FloatField(label=_("t CO2 per MWh"))
    source = forms.CharField(label=_("Source"), max_length=600, required=False)
    edition = forms.CharField(label=_("Edition"), max_length=200, required=False)


FactorRowFormSet = forms.formset_factory(FactorRowForm, extra=3, can_delete=True)
