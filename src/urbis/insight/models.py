"""Community insight: the cross-city attitude survey (question bank, versions, surveys, responses)
and its stored results. The methods catalogue is data (``data/methods.json``), not a table: its
uses are counted from the other apps' records by ``queries``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement scale (1–5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")


class Question(models.Model):
    """A question of the shared bank; its wording lives in versions."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    theme = models.CharField(_("theme"), max_length=40)

    class Meta:
        ordering = ["theme", "code"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.code


class QuestionVersion(models.Model):
    """One wording and answer scale of a question: answers to the same version are comparable
    across cities; a changed wording or scale is a new version."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("text"), max_length=1000)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    # [{"code": "...", "label": "..."}] for choice questions; Likert uses 1..5.
    options = models.JSONField(_("options"), default=list, blank=True)
    # Codes read as "yes" when cities are compared (e.g. 4 and 5 on the agreement scale).
    positive = models.JSONField(_("answers compared"), default=list, blank=True)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="insight_version_unique")
        ]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")

    def __str__(self) -> str:
        return f"{self.question.code} v{self.number}"

    @property
    def key(self) -> str:
        return f"{self.question.code}.v{self.number}"

    def option_codes(self) -> list[str]:
        if self.kind == QuestionKind.LIKERT:
            return ["1", "2", "3", "4", "5"]
        return [str(o["code"]) for o in self.options]


class Survey(models.Model):
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="surveys"
    )
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    opens = models.DateTimeField(_("opens"))
    closes = models.DateTimeField(_("closes"))
    is_published = models.BooleanField(_("published"), default=True)
    by_invitation = models.BooleanField(
        _("by invitation only"), default=False,
        help_text=_("Only people with an invitation link may answer."),
    )
    # Demo surveys whose respondents were drawn by a simulation; every page and API says so.
    is_simulated = models.BooleanField(_("simulated respondents"), default=False)
    results = models.JSONField(editable=False, null=True, blank=True)
    results_at = models.DateTimeField(editable=False, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="insight_survey_slug_unique")
        ]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insight:survey", args=[self.city.code, self.slug])

    @property
    def is_open(self) -> bool:
        return self.opens <= timezone.now() < self.closes


class SurveyItem(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "version"], name="insight_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.position}"

class PopulationMargin(models.Model):
    """Residents of a city by one weighting variable (age band, sex or district), with source."""

    class Variable(models.TextChoices):
        AGE = "age", _("Age band")
        SEX = "sex", _("Sex")
        DISTRICT = "district", _("District")

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    variable = models.CharField(_("variable"), max_length=12, choices=Variable.choices)
    category = models.CharField(_("category"), max_length=80)
    count = models.PositiveIntegerField(_("residents"))
    source = models.CharField(_("source"), max_length=300)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["city", "variable", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "variable", "category"], name="insight_margin_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variable}={self.category}"

class Invitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"invitation {self.pk}"

class AgeBand(models.TextChoices):
    A16 = "16-29", "16–29"
    A30 = "30-44", "30–44"
    A45 = "45-64", "45–64"
    A65 = "65+", "65+"


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Response(models.Model):
    """One person's (or one invitation's) answers to a survey, with the characteristics used for
    weighting. One per account and survey, one per invitation: database constraints."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="survey_responses",
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    district = models.CharField(_("district"), max_length=80)
    consent = models.BooleanField(_("consent to the use of the answers"), default=False)
    is_simulated = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False),
                name="insight_one_response_per_account",
            ),
            models.UniqueConstraint(
                fields=["invitation"], condition=Q(invitation__isnull=False),
                name="insight_one_response_per_invitation",
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"

class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.CASCADE, related_name="answers")
    # A choice code, a list of codes (multiple choice) or a number.
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="insight_answer_unique")
        ]

    def __str__(self) -> str:
        return f"answer {self.pk}"

class Comparison(models.Model):
    """The stored cross-city comparison of one question version (refreshed by a service)."""

    version = models.OneToOneField(
        QuestionVersion, on_delete=models.CASCADE, related_name="comparison"
    )
    result = models.JSONField()
    fitted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"comparison {self.version_id}"



class CaseStudy(models.Model):
    """A structured record of what a city did, with its sources (real) or labelled illustrative."""

    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="case_studies",
    )
    place_name = models.CharField(_("place"), max_length=200)
    theme = models.CharField(_("theme"), max_length=40)
    method = models.CharField(_("method (catalogue code)"), max_length=60, blank=True)
    problem = models.TextField(_("problem"), max_length=4000)
    what_was_done = models.TextField(_("what was done"), max_length=8000)
    cost = models.CharField(_("cost"), max_length=300, blank=True)
    results = models.TextField(_("results, with figures and their sources"), max_length=8000)
    lessons = models.TextField(_("lessons"), max_length=4000, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    sources = models.JSONField(_("sources"), default=list)
    # A short summary in one or more of the interface languages ({"es": "...", "en": "..."});
    # ``summary_language`` is the one it was written in, shown when the reader's is missing.
    summaries = models.JSONField(_("summaries"), default=dict, blank=True)
    summary_language = models.CharField(
        _("language of the original summary"), max_length=8, blank=True,
        choices=settings.LANGUAGES,
    )
    actions = models.ManyToManyField("strategy.Action", blank=True, related_name="case_studies")
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insight:case_study", args=[self.slug])


class LivingLab(models.Model):
    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="living_labs")
    slug = models.SlugField(_("short name"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    host = models.CharField(_("hosting organisation"), max_length=200)
    partners = models.TextField(_("partners"), blank=True, max_length=2000)
    themes = models.CharField(_("themes"), max_length=300, blank=True)
    space = models.CharField(_("physical space"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="insight_lab_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("insight:lab", args=[self.city.code, self.slug])


class HackDay(models.Model):
    """A hack day (or similar event) held by a city, often in a living lab; its initiatives are
    small ideas that may become pilots (``Pilot.origin``)."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="hack_days")
    lab = models.ForeignKey(
        LivingLab, verbose_name=_("living lab"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="hack_days",
    )
    slug = models.SlugField(_("short name"), max_length=80)
    theme = models.CharField(_("theme"), max_length=200)
    held_on = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("participants"))
    outputs = models.TextField(_("outputs"), max_length=4000, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["-held_on", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="insight_hackday_slug_unique")
        ]

    def __str__(self) -> str:
        return self.theme

    def get_absolute_url(self) -> str:
        return reverse("insight:hack_day", args=[self.city.code, self.slug])


class HackDayInitiative(models.Model):
    """One small initiative that came out of a hack day."""

    hack_day = models.ForeignKey(HackDay, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    # The engagement idea it was turned into (by ``services.initiative_to_idea``): the idea page
    # shows where it came from, the hack-day page where it went.
    idea = models.OneToOneField(
        "engagement.Idea", verbose_name=_("idea it became"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["hack_day", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.hack_day.theme}, {self.hack_day.held_on})"


class Pilot(models.Model):
    class Decision(models.TextChoices):
        PENDING = "", _("Not decided")
        STOP = "stop", _("Stop")
        ITERATE = "iterate", _("Iterate")
        SCALE = "scale", _("Scale up")

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="pilots")
    lab = models.ForeignKey(
        LivingLab, on_delete=models.SET_NULL, null=True, blank=True, related_name="pilots"
    )
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=40)
    goals = models.TextField(_("goals"), max_length=4000)
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    budget_eur = models.PositiveIntegerField(_("budget (EUR)"), null=True, blank=True)
    partners = models.TextField(_("partners"), blank=True, max_length=2000)
    evaluation = models.TextField(_("evaluation against the indicators"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default="", blank=True
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    # Lineage from a hack day: the initiative this pilot grew out of.
    origin = models.ForeignKey(
        HackDayInitiative, verbose_name=_("hack-day initiative it grew out of"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="pilots",
    )
    # The observational evaluation: one indicator, the pilot's area (empty: the whole city),
    # a period before and one after, and optionally comparison areas.
    evaluation_indicator = models.ForeignKey(
        "strategy.Indicator", verbose_name=_("indicator to evaluate"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    evaluation_area = models.ForeignKey(
        "places.Area", verbose_name=_("pilot area"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    comparison_areas = models.ManyToManyField(
        "places.Area", verbose_name=_("comparison areas"), blank=True, related_name="+"
    )
    before_start = models.DateField(_("before: from"), null=True, blank=True)
    before_end = models.DateField(_("before: to"), null=True, blank=True)
    after_start = models.DateField(_("after: from"), null=True, blank=True)
    after_end = models.DateField(_("after: to"), null=True, blank=True)

    class Meta:
        ordering = ["city", "title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="insight_pilot_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("insight:pilot", args=[self.city.code, self.slug])


class Replication(models.Model):
    """One city adopting another's pilot. It outlives both ends: deleting the copy (or the
    original) keeps the record of the concept's spread, with the titles and cities as they were."""

    origin = models.ForeignKey(
        Pilot, on_delete=models.SET_NULL, null=True, blank=True, related_name="replications"
    )
    copy = models.ForeignKey(
        Pilot, on_delete=models.SET_NULL, null=True, blank=True, related_name="adopted_from"
    )
    origin_title = models.CharField(max_length=200)
    origin_city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    adopter_city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    adopted_at = models.DateTimeField(default=timezone.now)
    is_illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["adopted_at"]

    def __str__(self) -> str:
        return f"{self.origin_title} → {self.adopter_city_id}"


class Partnership(models.Model):
    """Mentoring between a front-runner (mentor) and a follower city on a theme."""

    mentor = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    follower = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    theme = models.CharField(_("theme"), max_length=40)
    goals = models.TextField(_("goals"), max_length=4000)
    started_on = models.DateField(_("started"))
    meetings = models.JSONField(_("meetings"), default=list, blank=True)
    documents = models.JSONField(_("exchanged documents"), default=list, blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=8000)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "follower", "theme"], name="insight_partnership_unique"
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("follower")), name="insight_partnership_two_cities"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.follower_id} ({self.theme})"
