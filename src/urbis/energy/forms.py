"""Forms of the energy pages. They parse what a person types or sends (types, choices, a file
given); the rules that decide what is valid (time zones, capacity ranges, who may enter where)
are in ``services``, whose refusals the views put back on the fields with ``apply_errors``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.energy.models import InitiativeKind
from urbis.places.models import Area
from urbis.strategy.forms import apply_errors

__all__ = ["CsvFileForm", "EnterForm", "InitiativeForm", "PvInstallationForm", "UploadForm",
           "apply_errors"]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Readings file"),
        error_messages={"required": _("Choose a file."),
                        "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.gz,.parquet,.txt"}),
    )
    time_zone = forms.CharField(
        label=_("Time zone of timestamps without UTC offset (e.g. Europe/Madrid)"),
        required=False, max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DecimalField(forms.FloatField):
    """A number typed with a decimal point or a decimal comma, in every language (meter and
    register figures are copied from files of either kind)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PvInstallationForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Neighbourhood"),
        error_messages={"required": _("Choose a neighbourhood."),
                        "invalid_choice": _("Choose a neighbourhood.")},
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    capacity_kwp = DecimalField(
        label=_("Capacity (kWp)"), error_messages={"invalid": _("Enter a number.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    commissioned_year = forms.IntegerField(
        label=_("In operation since (year, optional)"), required=False,
        error_messages={"invalid": _("Enter a year.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    source = forms.CharField(label=_("Source (optional)"), max_length=300, required=False)

    def __init__(self, *args: Any, neighbourhoods: Iterable[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area: Any = self.fields["area"]
        area.choices = [("", "–")] + [(a.code, f"{a.code} · {a.name}") for a in neighbourhoods]


class CsvFileForm(forms.Form):
    """One CSV file to import whole: the PV register, intensities, floor areas by use."""

    file = forms.FileField(
        label=_("CSV file"), error_messages={"required": _("Choose a file."),
                                             "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class EnterForm(forms.Form):
    area = forms.TypedChoiceField(
        label=_("Neighbourhood"), coerce=int,
        error_messages={"required": _("Choose a neighbourhood."),
                        "invalid_choice": _("Choose a neighbourhood.")},
    )
    team_name = forms.CharField(label=_("Team name"), max_length=200)
    members = forms.CharField(
        label=_("Members (organisations and groups, one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    households = forms.IntegerField(
        label=_("Households in the neighbourhood (if known)"), required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
    )

    def __init__(self, *args: Any, areas: Iterable[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {a.pk: a for a in areas}
        area: Any = self.fields["area"]
        area.choices = [(pk, f"{a.name} ({a.city.name})") for pk, a in self.areas.items()]

    def clean_area(self) -> Area:
        # The choices hold exactly these keys, so a value that passed them is one of them.
        return self.areas[self.cleaned_data["area"]]


class InitiativeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=InitiativeKind.choices,
        error_messages={"invalid_choice": _("Unknown kind of initiative.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
