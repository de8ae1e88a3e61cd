"""Forms of the policy pages. They only read the browser's input into Python values; every rule
(required fields, levels, order of dates, geometry) is checked by the same service the API
calls, and its errors are put back on the form (strategy.forms.apply_errors)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.people.models import Organisation
from urbis.places.models import City
from urbis.policy.models import (
    Barrier,
    BarrierStatus,
    Effect,
    InvolvementKind,
    Level,
    PhaseStatus,
    Rating,
    RoadmapStep,
    RuleChange,
    Stance,
    ZonePhase,
)
from urbis.strategy.models import Action as StrategyAction
from urbis.strategy.models import Indicator, ThemeKind


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
    actions = forms.ModelMultipleChoiceField(label=_("Strategy actions it touches"),
                                             required=False,
                                             queryset=StrategyAction.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("How it affects the city"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), max_length=600, required=False)

    def __init__(self, *args: Any, actions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        if actions is not None:
            field.queryset = actions


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


def _date(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}))


class CommitmentForm(forms.Form):
    title = forms.CharField(label=_("What the city commits to"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    adopted_on = _date(_("Adopted on"))
    body = forms.CharField(label=_("Adopted by"), max_length=300, required=False)
    document_url = forms.CharField(label=_("Document"), max_length=600, required=False)
    priorities = forms.MultipleChoiceField(label=_("Partnership priorities it serves"),
                                           required=False, widget=forms.CheckboxSelectMultiple)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)

    def __init__(self, *args: Any, vocabulary: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["priorities"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a["code"], f'{a["code"]} {a["title"]}') for a in vocabulary]


class PhaseForm(forms.Form):
    step = forms.ChoiceField(label=_("Phase"), choices=RoadmapStep.choices)
    status = forms.ChoiceField(label=_("Status"), choices=PhaseStatus.choices)
    starts_on = _date(_("Start"))
    ends_on = _date(_("End"))
    note = forms.CharField(label=_("Note"), required=False)


class InvolvementForm(forms.Form):
    step = forms.ChoiceField(label=_("Phase"), choices=RoadmapStep.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.all(),
                                          to_field_name="slug")
    how = forms.ChoiceField(label=_("How"), choices=InvolvementKind.choices)
    note = forms.CharField(label=_("Note"), required=False)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


class CheckForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    carried_out_on = _date(_("Carried out on"))
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


class AssessmentForm(forms.Form):
    barrier = forms.ModelChoiceField(label=_("Rule"), queryset=Barrier.objects.all(),
                                     to_field_name="slug")
    domain = forms.ChoiceField(label=_("Domain"), choices=_blank(ThemeKind.choices),
                               required=False)
    rating = forms.ChoiceField(label=_("Rating"), choices=_blank(Rating.choices),
                               required=False)
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ShopForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    url = forms.CharField(label=_("Address"), max_length=600, required=False)
    opened_on = _date(_("Opened on"))
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


class ProcedureForm(forms.Form):
    name = forms.CharField(label=_("What must be obtained"), max_length=300, required=False)
    authority = forms.CharField(label=_("From whom"), max_length=300, required=False)
    applicant = forms.CharField(label=_("Who applies"), max_length=200, required=False)
    days_before = forms.CharField(label=_("Days before"), required=False)
    days_after = forms.CharField(label=_("Days after"), required=False)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


class ZonePhaseForm(forms.Form):
    to = forms.ChoiceField(label=_("Next phase"), choices=ZonePhase.choices)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleChange.choices)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    barrier = forms.ModelChoiceField(label=_("Barrier it answers"), required=False,
                                     queryset=Barrier.objects.all(), to_field_name="slug")


class RolloutForm(forms.Form):
    city = forms.ModelChoiceField(label=_("To city"), queryset=City.objects.all(),
                                  to_field_name="code")
    area_codes = forms.CharField(label=_("To areas (codes, separated by commas)"),
                                 required=False)
    planned_on = _date(_("Planned for"))
    done_on = _date(_("Rolled out on"))
    description = forms.CharField(label=_("Description"), required=False)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)

    def clean_area_codes(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data.get("area_codes", "").split(",")
                if c.strip()]


class ZoneObservationForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.all(),
                                       to_field_name="code")
    date = _date(_("Date"))
    value = forms.CharField(label=_("Value"), required=False)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)


class BundleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    funding_target = forms.CharField(label=_("Funding sought from"), max_length=300,
                                     required=False)
    actions = forms.ModelMultipleChoiceField(label=_("Actions"), required=False,
                                             queryset=StrategyAction.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)

    def __init__(self, *args: Any, actions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = actions
