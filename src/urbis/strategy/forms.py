"""Forms parse what editors type; the rules that decide what is valid live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urbis.people.models import Organisation
from urbis.strategy.models import (
    ActionStatus,
    Direction,
    FundingKind,
    Horizon,
    Indicator,
    PartnerRole,
    Strategy,
    TargetKind,
    TargetStatus,
    ThemeKind,
)
from urbis.strategy.queries.flags import PRIVATE_KINDS


def _orgs(strategy: Strategy) -> Any:
    return Organisation.objects.filter(Q(city=strategy.city) | Q(city__isnull=True)).order_by(
        "name"
    )


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class StrategyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.SlugField(
        label=_("Short name"), max_length=100, required=False,
        help_text=_("Used in the address; made from the title when left empty."),
    )
    vision = forms.CharField(label=_("Vision"), widget=forms.Textarea(attrs={"rows": 5}),
                             required=False)
    start_year = forms.IntegerField(label=_("First year"), min_value=1900, max_value=2100)
    end_year = forms.IntegerField(label=_("Last year"), min_value=1900, max_value=2100)
    adopted_on = forms.DateField(label=_("Adopted on (YYYY-MM-DD)"), required=False)
    source = forms.CharField(label=_("Source"), max_length=600, required=False)
    is_published = forms.BooleanField(
        label=_("Published"), required=False,
        help_text=_("Only administrators of the city may publish or unpublish."),
    )


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Theme name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of theme"), choices=ThemeKind.choices)
    description = forms.CharField(label=_("Theme description"), max_length=1000, required=False)
    order = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)


class TargetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TargetKind.choices)
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int,
                                   empty_value=None)
    indicator = forms.TypedChoiceField(label=_("Indicator"), required=False, coerce=int,
                                       empty_value=None)
    baseline_value = forms.FloatField(label=_("Baseline value"), required=False)
    baseline_year = forms.IntegerField(label=_("Baseline year"), required=False)
    target_value = forms.FloatField(label=_("Target value"), required=False)
    target_year = forms.IntegerField(label=_("Target year"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    qualitative_status = forms.ChoiceField(
        label=_("Status (qualitative targets only)"), required=False,
        choices=[("", "—"), *TargetStatus.choices],
    )
    departments = forms.TypedMultipleChoiceField(
        label=_("Agreed by departments"), required=False, coerce=int
    )
    source = forms.CharField(label=_("Source"), max_length=600, required=False)

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["theme"].choices = [("", "—")] + [(t.pk, t.name) for t in strategy.themes.all()]
        indicators = Indicator.objects.filter(
            Q(city__isnull=True) | Q(city=strategy.city)
        ).order_by("name")
        fields["indicator"].choices = [("", "—")] + [
            (i.pk, f"{i.name} ({i.unit}) [{i.code}]") for i in indicators
        ]
        fields["departments"].choices = [(o.pk, o.name) for o in _orgs(strategy)]

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["theme_id"] = data.pop("theme")
        data["indicator_id"] = data.pop("indicator")
        return data


OVERRIDE_CHOICES = [
    ("", _("Derived from the data")),
    ("yes", _("Yes (set by hand: shown as an override)")),
    ("no", _("No (set by hand: shown as an override)")),
]


def _override(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def override_initial(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int,
                                   empty_value=None)
    is_technological = forms.BooleanField(label=_("Technological measure"), required=False)
    horizon = forms.ChoiceField(label=_("Horizon"), choices=Horizon.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    responsible_department = forms.TypedChoiceField(
        label=_("Responsible department"), required=False, coerce=int, empty_value=None
    )
    partners = forms.TypedMultipleChoiceField(
        label=_("Partner organisations"), required=False, coerce=int
    )
    ppp_partners = forms.TypedMultipleChoiceField(
        label=_("Private partners under a PPP agreement"), required=False, coerce=int,
        help_text=_("Private companies only; any of them makes the action a public-private "
                    "partnership."),
    )
    ppp_agreement = forms.CharField(
        label=_("PPP agreement (reference or link)"), max_length=300, required=False
    )
    is_ppp = forms.TypedChoiceField(
        label=_("Public-private partnership"), choices=OVERRIDE_CHOICES, required=False,
        coerce=_override, empty_value=None,
    )
    is_citizen_driven = forms.TypedChoiceField(
        label=_("Citizen-driven"), choices=OVERRIDE_CHOICES, required=False,
        coerce=_override, empty_value=None,
        help_text=_("Derived: citizen-driven when an accepted citizen idea is linked to the "
                    "action."),
    )
    budget = forms.DecimalField(label=_("Budget"), required=False, max_digits=16,
                                decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    funding = forms.MultipleChoiceField(
        label=_("Funding sources"), required=False, choices=FundingKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(label=_("Start (YYYY-MM-DD)"), required=False)
    end_date = forms.DateField(label=_("End (YYYY-MM-DD)"), required=False)
    depends_on = forms.TypedMultipleChoiceField(
        label=_("Depends on actions"), required=False, coerce=int
    )
    targets = forms.TypedMultipleChoiceField(
        label=_("Expected impact on targets"), required=False, coerce=int
    )

    def __init__(self, *args: Any, strategy: Strategy, exclude: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["theme"].choices = [("", "—")] + [(t.pk, t.name) for t in strategy.themes.all()]
        orgs = [(o.pk, o.name) for o in _orgs(strategy)]
        fields["responsible_department"].choices = [("", "—"), *orgs]
        fields["partners"].choices = orgs
        fields["ppp_partners"].choices = [
            (o.pk, o.name) for o in _orgs(strategy).filter(kind__in=PRIVATE_KINDS)
        ]
        fields["depends_on"].choices = [
            (a.pk, a.title) for a in strategy.actions.all() if a.pk != exclude
        ]
        fields["targets"].choices = [(t.pk, t.title) for t in strategy.targets.all()]

    def to_service(self, keep_funding: dict[str, Any] | None = None) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["theme_id"] = data.pop("theme")
        data["responsible_department_id"] = data.pop("responsible_department")
        # Amounts already recorded for a kind that stays ticked are kept.
        keep_funding = keep_funding or {}
        data["funding"] = [
            keep_funding.get(kind, {"kind": kind}) for kind in data.pop("funding")
        ]
        data["impacts"] = [{"target": pk} for pk in data.pop("targets")]
        ppp = data.pop("ppp_partners")
        agreement = data.pop("ppp_agreement")
        data["partners"] = [pk for pk in data["partners"] if pk not in ppp] + [
            {"organisation": pk, "role": PartnerRole.PPP, "agreement": agreement} for pk in ppp
        ]
        data["currency"] = (data.get("currency") or "EUR").upper()
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_date = forms.DateField(label=_("Due (YYYY-MM-DD)"))
    done_on = forms.DateField(label=_("Done on (YYYY-MM-DD)"), required=False)


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    period_start = forms.DateField(label=_("Period start (YYYY-MM-DD)"))
    period_end = forms.DateField(label=_("Period end (YYYY-MM-DD)"))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: indicator, area_code (empty for the whole city), date "
                    "(YYYY-MM-DD) or year (YYYY), value, source. All rows are stored, or none."),
    )


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=64)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    theme = forms.ChoiceField(label=_("Theme"), choices=ThemeKind.choices)
    definition = forms.CharField(label=_("Definition"), widget=forms.Textarea(attrs={"rows": 3}),
                                 required=False)
