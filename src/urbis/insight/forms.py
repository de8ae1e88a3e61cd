"""Forms parse what editors type into the values the services take; the rules that decide what
is valid (sources, lineage, the evaluation set-up, permissions) live in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from urbis.insight.models import LivingLab, Pilot

SOURCE_HELP = _("One per line: a title, then optionally “ | ” and its link (https://…).")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def parse_links(text: str) -> list[dict[str, str]]:
    """``Title | https://link`` lines into the ``{"title", "url"}`` list the services check."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _sep, url = line.partition("|")
        found.append({"title": title.strip(), "url": url.strip()})
    return found


def show_links(links: list[dict[str, str]]) -> str:
    return "\n".join(f"{s['title']} | {s['url']}" if s.get("url") else s["title"]
                     for s in links)


class CaseStudyForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=100,
                           help_text=_("Used in the address: letters, digits and hyphens."))
    title = forms.CharField(label=_("Title"), max_length=200)
    place_name = forms.CharField(label=_("Place"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=40)
    method = forms.ChoiceField(label=_("Method of the toolbox"), required=False)
    problem = forms.CharField(label=_("Problem"), max_length=4000, widget=_text())
    what_was_done = forms.CharField(label=_("What was done"), max_length=8000, widget=_text(5))
    cost = forms.CharField(label=_("Cost"), max_length=300, required=False)
    results = forms.CharField(label=_("Results, with figures and their sources"),
                              max_length=8000, widget=_text(5))
    lessons = forms.CharField(label=_("Lessons"), max_length=4000, required=False,
                              widget=_text())
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    sources = forms.CharField(label=_("Sources"), required=False, widget=_text(),
                              help_text=SOURCE_HELP)
    is_illustrative = forms.BooleanField(
        label=_("Illustrative (not a documented case)"), required=False)
    summary_language = forms.ChoiceField(
        label=_("Language the summary was written in"), required=False,
        help_text=_("Readers whose language has no summary see this one, with a note."))

    def __init__(self, *args: Any, methods: list[dict[str, Any]], **kwargs: Any):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        method: Any = self.fields["method"]
        method.choices = [("", _("None"))] + [
            (m["code"], m["name"]) for m in methods]
        language: Any = self.fields["summary_language"]
        language.choices = [("", _("No summary"))] + list(settings.LANGUAGES)
        for code, name in settings.LANGUAGES:
            self.fields[f"summary_{code}"] = forms.CharField(
                label=format_lazy(_("Summary in {language}"), language=name),
                max_length=2000, required=False, widget=_text(3))

    def to_service(self) -> dict[str, Any]:
        from django.conf import settings

        data = dict(self.cleaned_data)
        data["sources"] = parse_links(data["sources"])
        data["summaries"] = {code: data.pop(f"summary_{code}") for code, _name
                             in settings.LANGUAGES if data.get(f"summary_{code}", "").strip()}
        for code, _name in settings.LANGUAGES:
            data.pop(f"summary_{code}", None)
        return data

    @staticmethod
    def initial_from(case: Any) -> dict[str, Any]:
        initial = {name: getattr(case, name) for name in CaseStudyForm.base_fields}
        initial["sources"] = show_links(case.sources)
        for code, text in case.summaries.items():
            initial[f"summary_{code}"] = text
        return initial


def _area_label(area: Any) -> str:
    return f"{area.name} ({area.get_level_display()})"


class PilotForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=80,
                           help_text=_("Used in the address: letters, digits and hyphens."))
    title = forms.CharField(label=_("Title"), max_length=200)
    theme = forms.CharField(label=_("Theme"), max_length=40)
    goals = forms.CharField(label=_("Goals"), max_length=4000, widget=_text())
    indicators = forms.CharField(label=_("Indicators followed"), required=False,
                                 widget=_text(), help_text=_("One per line."))
    budget_eur = forms.IntegerField(label=_("Budget (EUR)"), min_value=0, required=False)
    lab: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Living lab"), queryset=None, required=False)
    origin: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Grew out of the hack-day initiative"), queryset=None, required=False)
    partners = forms.CharField(label=_("Partners"), max_length=2000, required=False,
                               widget=_text(2))
    evaluation = forms.CharField(label=_("Evaluation against the indicators"), required=False,
                                 widget=_text())
    decision = forms.ChoiceField(label=_("Decision"), choices=Pilot.Decision.choices,
                                 required=False)
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    is_illustrative = forms.BooleanField(label=_("Illustrative (not a documented pilot)"),
                                         required=False)
    evaluation_indicator: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Indicator to compare before and after"), queryset=None,
        required=False)
    evaluation_area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Pilot area"), queryset=None, required=False,
        help_text=_("Empty: the whole city."))
    comparison_areas: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Comparison areas"), queryset=None, required=False,
        help_text=_("Optional: areas without the pilot, for a difference-in-differences."))
    before_start = forms.DateField(label=_("Before the pilot: from"), required=False,
                                   widget=_date_widget())
    before_end = forms.DateField(label=_("Before the pilot: to"), required=False,
                                 widget=_date_widget())
    after_start = forms.DateField(label=_("After the start: from"), required=False,
                                  widget=_date_widget())
    after_end = forms.DateField(label=_("After the start: to"), required=False,
                                widget=_date_widget())

    def __init__(self, *args: Any, city: Any, **kwargs: Any):
        from urbis.insight.models import HackDayInitiative
        from urbis.places.models import Area
        from urbis.strategy.models import Indicator

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["lab"].queryset = LivingLab.objects.filter(city=city)
        fields["origin"].queryset = HackDayInitiative.objects.filter(
            hack_day__city=city).select_related("hack_day")
        fields["evaluation_indicator"].queryset = Indicator.objects.filter(
            Q(city__isnull=True) | Q(city=city)).order_by("name")
        areas = Area.objects.filter(city=city).order_by("level", "name").defer("geometry")
        for name in ("evaluation_area", "comparison_areas"):
            fields[name].queryset = areas
            # Area's own label names its city, one query per option; the city is known here.
            fields[name].label_from_instance = _area_label

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["indicators"] = [line.strip() for line in data["indicators"].splitlines()
                              if line.strip()]
        data["decision"] = data["decision"] or ""
        return data

    @staticmethod
    def initial_from(pilot: Any) -> dict[str, Any]:
        initial = {name: getattr(pilot, name) for name in PilotForm.base_fields
                   if name != "comparison_areas"}
        initial["indicators"] = "\n".join(pilot.indicators)
        initial["comparison_areas"] = list(pilot.comparison_areas.all())
        return initial


class HackDayForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=80,
                           help_text=_("Used in the address: letters, digits and hyphens."))
    theme = forms.CharField(label=_("Theme"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=_date_widget())
    participants = forms.IntegerField(label=_("Number of participants"), min_value=0)
    outputs = forms.CharField(label=_("Outputs"), max_length=4000, required=False,
                              widget=_text())
    lab: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Living lab"), queryset=None, required=False)
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    is_illustrative = forms.BooleanField(label=_("Illustrative (not a documented event)"),
                                         required=False)

    def __init__(self, *args: Any, city: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["lab"].queryset = LivingLab.objects.filter(city=city)

    def to_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_from(hack_day: Any) -> dict[str, Any]:
        return {name: getattr(hack_day, name) for name in HackDayForm.base_fields}


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Initiative"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=2000, required=False,
                              widget=_text(2))


class InitiativeIdeaForm(forms.Form):
    """An initiative turned into an idea of an engagement process; the idea's own rules
    (lengths, category, an open process) are engagement's service's."""

    process: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Engagement process"), queryset=None,
        help_text=_("The idea is added to this process; it must be collecting ideas now."))
    title = forms.CharField(label=_("Title of the idea"), max_length=200)
    body = forms.CharField(label=_("Description"), widget=_text(5))
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args: Any, city: Any, **kwargs: Any):
        from urbis.engagement.models import Category

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        # Only processes that accept an idea now, by engagement's own rule (the one its submit
        # service applies), so nobody learns it only on saving.
        published = city.processes.filter(is_published=True)
        fields["process"].queryset = published.filter(
            pk__in=[p.pk for p in published if p.is_collecting]).order_by("-collecting_starts")
        if not fields["process"].queryset.exists():
            fields["process"].empty_label = _("No process of %(city)s is collecting ideas now.") % {
                "city": city.name}
        fields["category"].choices = Category.choices

    def to_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def parse_meetings(text: str) -> list[dict[str, str]]:
    """``YYYY-MM-DD note`` lines into ``{"date", "note"}`` (the service checks the dates)."""
    found = []
    for line in text.splitlines():
        if line.strip():
            date, _sep, note = line.strip().partition(" ")
            found.append({"date": date, "note": note.strip()})
    return found


class PartnershipForm(forms.Form):
    mentor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Mentor city"), queryset=None)
    theme = forms.CharField(label=_("Theme"), max_length=40)
    goals = forms.CharField(label=_("Goals"), max_length=4000, widget=_text())
    started_on = forms.DateField(label=_("Started on"), widget=_date_widget())
    meetings = forms.CharField(
        label=_("Meetings"), required=False, widget=_text(),
        help_text=_("One per line: the date (YYYY-MM-DD), a space, then a note."))
    documents = forms.CharField(label=_("Exchanged documents"), required=False, widget=_text(),
                                help_text=SOURCE_HELP)
    outcomes = forms.CharField(label=_("Outcomes"), max_length=8000, required=False,
                               widget=_text())
    is_illustrative = forms.BooleanField(
        label=_("Illustrative (not a documented partnership)"), required=False)

    def __init__(self, *args: Any, follower: Any, user: Any, **kwargs: Any):
        from urbis.places import queries as places

        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["mentor"].queryset = places.visible_cities(user).exclude(pk=follower.pk)

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["meetings"] = parse_meetings(data["meetings"])
        data["documents"] = parse_links(data["documents"])
        return data

    @staticmethod
    def initial_from(partnership: Any) -> dict[str, Any]:
        initial = {name: getattr(partnership, name) for name in PartnershipForm.base_fields}
        initial["meetings"] = "\n".join(
            f"{m['date']} {m.get('note', '')}".strip() for m in partnership.meetings)
        initial["documents"] = show_links(partnership.documents)
        return initial
