"""Forms of the policy pages. They only read the browser's input into Python values; every rule
(required fields, levels, order of dates, geometry) is checked by the same service the API
calls, and its errors are put back on the form (strategy.forms.apply_errors)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.policy.models import BarrierStatus, Effect, Level, Stance
from urbis.strategy.models import ThemeKind


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class BarrierForm(forms.Form):
    title = forms.CharField(label=_("Title of the rule"), max_length=300, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=_blank(Level.choices), required=False)
    jurisdiction = forms.CharField(label=_("Jurisdiction"), max_length=120, required=False,
                                   help_text=_("The EU, a country, a region or a city."))
    legal_reference = forms.CharField(
        label=_("Legal reference"), max_length=300, required=False,
        help_text=_("A rule already registered with the same level, jurisdiction and "
                    "reference is joined instead of registered twice."))
    link = forms.CharField(label=_("Link to the text"), max_length=600, required=False)
    effect = forms.ChoiceField(label=_("Effect"), choices=Effect.choices, initial="hinders")
    description = forms.CharField(label=_("What it blocks or fosters"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    sectors = forms.MultipleChoiceField(label=_("Sectors"), choices=ThemeKind.choices,
                                        required=False, widget=forms.CheckboxSelectMultiple)
    evidence = forms.CharField(label=_("Evidence"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("How it affects the city"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


class StanceForm(forms.Form):
    organisation = forms.ChoiceField(label=_("On behalf of"))
    stance = forms.ChoiceField(label=_("Position"), choices=Stance.choices)
    statement = forms.CharField(label=_("Statement"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.slug, o.name) for o in organisations]


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=BarrierStatus.choices)
    proposal_to = forms.CharField(label=_("Proposal submitted to"), max_length=300,
                                  required=False)
    on = forms.DateField(label=_("Date"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}))


class ZoneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    concept = forms.CharField(label=_("Concept tested"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    area_codes = forms.CharField(
        label=_("Built from areas"), required=False,
        help_text=_("Codes of the city's areas, separated by commas; or give a boundary."))
    geometry = forms.CharField(
        label=_("Boundary (GeoJSON polygon)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}))
    start_date = forms.DateField(label=_("Start"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("Source"), max_length=600, required=False)

    def clean_geometry(self) -> Any:
        raw = self.cleaned_data.get("geometry", "").strip()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not JSON (line %(line)d, column %(col)d): %(msg)s")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from None

    def clean_area_codes(self) -> list[str]:
        raw = self.cleaned_data.get("area_codes", "")
        return [c.strip() for c in raw.split(",") if c.strip()]
