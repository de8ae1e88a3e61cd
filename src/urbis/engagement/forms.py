from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from urbis.engagement import sus_wordings
from urbis.engagement.models import Category, IdeaKind, IdeaStatus
from urbis.engagement.services import BODY_MAX, TITLE_MAX, TITLE_MIN
from urbis.places.models import City
from urbis.places.queries import areas_for_choice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each one's content."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, min_length=TITLE_MIN)
    kind = forms.ChoiceField(label=_("Kind"), choices=IdeaKind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    body = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=BODY_MAX,
        min_length=20,
        help_text=_("Markdown: *emphasis*, **strong**, lists, links. No HTML."),
    )
    area = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180,
        help_text=_("Optional: click the map to set the point, or type it."),
    )
    organisation = forms.ChoiceField(label=_("Post on behalf of"), required=False)
    attachments = MultipleFileField(
        label=_("Images or PDF documents"), required=False,
        help_text=_("Up to five files, 5 MB each: PNG, JPEG, GIF, WebP or PDF."),
    )

    def __init__(self, *args: Any, city: City, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = areas_for_choice(city, "neighbourhood")
        area_field: Any = self.fields["area"]
        area_field.choices = [("", _("— whole city —"))] + [(a.code, a.name) for a in areas]
        orgs = user.organisations.all() if getattr(user, "is_authenticated", False) else []
        org_field: Any = self.fields["organisation"]
        org_field.choices = [("", _("— myself —"))] + [(o.slug, o.name) for o in orgs]


class IdeaEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, min_length=TITLE_MIN)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    body = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 8}), max_length=BODY_MAX,
        min_length=20, help_text=_("Markdown: *emphasis*, **strong**, lists, links. No HTML."),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in IdeaStatus.choices if c[0] != IdeaStatus.DUPLICATE],
    )
    reason = forms.CharField(
        label=_("Reason (required for a rejection)"), required=False, max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Official answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("Number of the original idea"), min_value=1)


class OutcomeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    body = forms.CharField(label=_("What the group proposed"), widget=forms.Textarea(
        attrs={"rows": 4}), max_length=BODY_MAX)


class ConceptForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful is this concept? (1 = not at all, 5 = very)"),
        choices=[(str(n), str(n)) for n in range(1, 6)], coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


LIKERT = [(str(n), str(n)) for n in range(1, 6)]


class UsabilityForm(forms.Form):
    """One row per task (completed? seconds) and the ten SUS statements, in the published
    wording of the reader's language or else in Brooke's English (``sus_wordings``); the page
    cites ``sus_wording.source``. Each statement carries its own ``lang``, since it may differ
    from the page's."""

    def __init__(self, *args: Any, tasks: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.sus_wording, self.sus_in_reader_language = sus_wordings.for_language(get_language())
        wording = self.sus_wording
        for task in tasks:
            self.fields[f"task_{task.pk}_success"] = forms.BooleanField(
                label=_("Task %(n)s completed") % {"n": task.order}, required=False
            )
            self.fields[f"task_{task.pk}_seconds"] = forms.FloatField(
                label=_("Task %(n)s time in seconds") % {"n": task.order},
                min_value=0, max_value=86_400,
            )
        scale = format_html('1 = <span lang="{}">{}</span>, 5 = <span lang="{}">{}</span>',
                            wording.language, wording.disagree, wording.language, wording.agree)
        for n, statement in enumerate(wording.items, start=1):
            self.fields[f"sus_{n}"] = forms.TypedChoiceField(
                label=format_html('{}. <span lang="{}">{}</span>', n, wording.language, statement),
                choices=LIKERT, coerce=int, widget=forms.RadioSelect, help_text=scale,
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), required=False, max_length=5_000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def results(self) -> list[tuple[int, bool, float]]:
        return [
            (t.pk, bool(self.cleaned_data[f"task_{t.pk}_success"]),
             float(self.cleaned_data[f"task_{t.pk}_seconds"]))
            for t in self.tasks
        ]

    def sus_answers(self) -> list[int]:
        return [int(self.cleaned_data[f"sus_{n}"]) for n in range(1, 11)]


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=80)
    theme = forms.CharField(label=_("Theme"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    collecting_starts = forms.DateTimeField(label=_("Collecting starts"), widget=DATETIME)
    collecting_ends = forms.DateTimeField(label=_("Collecting ends"), widget=DATETIME)
    voting_starts = forms.DateTimeField(label=_("Voting starts"), widget=DATETIME)
    voting_ends = forms.DateTimeField(label=_("Voting ends"), widget=DATETIME)
    closes = forms.DateTimeField(label=_("The city's review ends"), widget=DATETIME)
    vote_cap = forms.IntegerField(label=_("Votes per person (empty: no cap)"), required=False,
                                  min_value=1)
    support_threshold = forms.IntegerField(
        label=_("Votes after which the city must answer (empty: none)"), required=False,
        min_value=1,
    )


class WorkshopForm(forms.Form):
    process = forms.ChoiceField(label=_("Process"))
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DATETIME)
    capacity = forms.IntegerField(label=_("Places"), min_value=1)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online meeting link"), required=False,
                                assume_scheme="https")
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=10_000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, processes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["process"]
        field.choices = [(p.slug, p.title) for p in processes]


class StudyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("concept", _("Concept validation")),
                                                       ("usability", _("Usability study"))])
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=10_000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    opens = forms.DateTimeField(label=_("Opens"), widget=DATETIME)
    closes = forms.DateTimeField(label=_("Closes"), widget=DATETIME)
    tasks = forms.CharField(
        label=_("Tasks (usability studies; one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    document = forms.FileField(label=_("Sketch or document (image or PDF)"), required=False)
