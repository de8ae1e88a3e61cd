"""Participatory processes, ideas with votes and comments, curation, workshops and studies."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    COLLECTING = "collecting", _("Collecting ideas")
    VOTING = "voting", _("Voting")
    REVIEWING = "reviewing", _("Reviewing")
    CLOSED = "closed", _("Closed")


class Process(models.Model):
    """A city's open call: ideas are collected, voted on, then reviewed by the city.

    Collecting and voting may overlap (many cities let people support ideas while others are
    still coming in); reviewing runs from the end of voting until the process closes.
    """

    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="processes"
    )
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    description_html = models.TextField(editable=False, blank=True)
    # Demo content: its ideas, votes, comments and workshops are examples (pages say so).
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
    collecting_starts = models.DateTimeField(_("collecting starts"))
    collecting_ends = models.DateTimeField(_("collecting ends"))
    voting_starts = models.DateTimeField(_("voting starts"))
    voting_ends = models.DateTimeField(_("voting ends"))
    closes = models.DateTimeField(_("closes"), help_text=_("End of the city's review."))
    vote_cap = models.PositiveIntegerField(
        _("votes per person"),
        null=True,
        blank=True,
        help_text=_("How many ideas one person may support in this process; empty: no limit."),
    )
    support_threshold = models.PositiveIntegerField(
        _("support threshold"),
        null=True,
        blank=True,
        help_text=_("Votes after which the city must answer the idea officially."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-collecting_starts"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="unique_process_slug_per_city")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:process", args=[self.city.code, self.slug])

    def phases_at(self, when: dt.datetime | None = None) -> set[str]:
        """Every phase open at ``when`` (collecting and voting may both be open)."""
        when = when or timezone.now()
        open_phases = set()
        if self.collecting_starts <= when < self.collecting_ends:
            open_phases.add(Phase.COLLECTING.value)
        if self.voting_starts <= when < self.voting_ends:
            open_phases.add(Phase.VOTING.value)
        if not open_phases:
            first = min(self.collecting_starts, self.voting_starts)
            if when < first:
                open_phases.add(Phase.UPCOMING.value)
            elif when < self.closes:
                open_phases.add(Phase.REVIEWING.value)
            else:
                open_phases.add(Phase.CLOSED.value)
        return open_phases

    @property
    def phase_labels(self) -> list[str]:
        order = list(Phase.values)
        return [str(Phase(p).label) for p in sorted(self.phases_at(), key=order.index)]

    @property
    def is_collecting(self) -> bool:
        return Phase.COLLECTING.value in self.phases_at()

    @property
    def is_voting(self) -> bool:
        return Phase.VOTING.value in self.phases_at()


class IdeaKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    FEATURE = "feature", _("Feature request")
    PROBLEM = "problem", _("Problem report")


class Category(models.TextChoices):
    ENERGY = "energy", _("Energy")
    MOBILITY = "mobility", _("Mobility")
    GREEN = "green", _("Green space and nature")
    BUILDINGS = "buildings", _("Buildings and housing")
    WASTE = "waste", _("Waste and circular economy")
    PUBLIC_SPACE = "public_space", _("Public space")
    DIGITAL = "digital", _("Digital services")
    OTHER = "other", _("Other")


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class Idea(models.Model):
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="ideas"
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=IdeaKind.choices, default=IdeaKind.PROPOSAL
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("description"), max_length=10_000)
    body_html = models.TextField(editable=False, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    workshop = models.ForeignKey(
        "Workshop",
        verbose_name=_("outcome of workshop"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    status_reason = models.TextField(_("reason"), blank=True, max_length=2_000)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    official_answer = models.TextField(_("official answer"), blank=True, max_length=10_000)
    official_answer_html = models.TextField(editable=False, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why hidden"), max_length=500, blank=True)
    # Kept in step with the Vote rows by F() updates in the same transaction as the vote
    # (services.cast_vote / withdraw_vote / merge_ideas); tests compare it with a recount.
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True, editable=False)
    actions = models.ManyToManyField(
        "strategy.Action",
        verbose_name=_("strategy actions"),
        blank=True,
        related_name="ideas",
        help_text=_("The actions of the city's strategy that carry this idea out."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["process", "status"]),
            models.Index(fields=["process", "-vote_count"]),
            models.Index(fields=["process", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(
                        latitude__gte=-90, latitude__lte=90, longitude__gte=-180,
                        longitude__lte=180,
                    )
                ),
                name="idea_point_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:idea", args=[self.process.city.code, self.pk])

    @property
    def author_label(self) -> str:
        if self.organisation_id and self.organisation is not None:
            return self.organisation.name
        if self.author is None:
            return str(_("Former participant"))
        return self.author.get_short_name() if not self.author.display_name else str(self.author)


class Vote(models.Model):
    """One person's support for one idea. The unique constraint is what stops a double vote
    under concurrent clicks; ``user`` becomes NULL when the account is deleted, so the vote
    stays counted (NULLs never collide in a unique constraint)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_votes",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_account_and_idea")
        ]
        indexes = [
            models.Index(fields=["process", "user"]),
            models.Index(fields=["process", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    study = models.ForeignKey(
        "Study", on_delete=models.CASCADE, related_name="documents", null=True, blank=True
    )
    file = models.FileField(_("file"), upload_to="engagement/%Y/%m/")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    content_type = models.CharField(max_length=64)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_comments",
    )
    body = models.TextField(_("comment"), max_length=5_000)
    body_html = models.TextField(editable=False, blank=True)
    is_official = models.BooleanField(
        _("on behalf of the city"), default=False,
        help_text=_("Written by city staff in their role."),
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("why hidden"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author_label}: {self.body[:40]}"

    @property
    def author_label(self) -> str:
        return str(self.author) if self.author is not None else str(_("Former participant"))


class Report(models.Model):
    """A participant's report of abusive content, for the moderation queue."""

    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "reporter"], name="one_report_per_idea"),
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_comment"),
            models.CheckConstraint(
                condition=(
                    models.Q(idea__isnull=False, comment__isnull=True)
                    | models.Q(idea__isnull=True, comment__isnull=False)
                ),
                name="report_names_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"Report on {self.idea_id or self.comment_id}: {self.reason[:40]}"


class ModerationEvent(models.Model):
    """An entry in the public history of an idea: every moderator act is recorded here."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Status changed")
        ANSWER = "answer", _("Official answer")
        MERGE = "merge", _("Merged as duplicate")
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Shown again")
        HIDE_COMMENT = "hide_comment", _("Comment hidden")
        LINK = "link", _("Linked to an action")
        REPORT_RESOLVED = "report_resolved", _("Reports resolved")

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="history"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")

    def __str__(self) -> str:
        return f"{self.kind}: {self.summary[:60]}"


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagement_follows"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "idea"], name="follow_idea_once"),
            models.UniqueConstraint(fields=["user", "process"], name="follow_process_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.idea_id or self.process_id}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagement_notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text


class RateCounter(models.Model):
    """Requests per key (action + account or IP) per time window. Kept in the database so the
    limits hold across every server process."""

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_counter_per_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.count}"


class Workshop(models.Model):
    """A co-creation workshop: people sign up, meet (in a place or online), and what they
    produce is recorded as ideas of the workshop's process."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="workshops")
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=10_000, blank=True)
    agenda_html = models.TextField(editable=False, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    outcome_summary = models.TextField(_("outcome summary"), blank=True, max_length=10_000)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:workshop", args=[self.city.code, self.pk])

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_registrations"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "user"], name="register_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.workshop_id}: {self.status}"


class Study(models.Model):
    class Kind(models.TextChoices):
        CONCEPT = "concept", _("Concept validation")
        USABILITY = "usability", _("Usability study")

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="studies")
    process = models.ForeignKey(
        Process, on_delete=models.SET_NULL, null=True, blank=True, related_name="studies"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    description_html = models.TextField(editable=False, blank=True)
    opens = models.DateTimeField(_("opens"))
    closes = models.DateTimeField(_("closes"))
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["-opens"]
        verbose_name = _("study")
        verbose_name_plural = _("studies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:study", args=[self.city.code, self.pk])

    @property
    def is_open(self) -> bool:
        return self.opens <= timezone.now() < self.closes


class ConceptResponse(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="concept_responses")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))
    comment = models.TextField(_("comment"), max_length=5_000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "participant"], name="one_concept_response"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="concept_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study_id}: {self.rating}"


class UsabilityTask(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveSmallIntegerField(_("order"))
    description = models.CharField(_("task"), max_length=500)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["study", "order"], name="unique_task_order")
        ]

    def __str__(self) -> str:
        return self.description


class UsabilitySession(models.Model):
    """One participant's run through a usability study: task results and the ten SUS answers."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="sessions")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    sus_answers = models.JSONField(_("SUS answers"))
    sus_score = models.FloatField(_("SUS score"))
    comment = models.TextField(_("comment"), max_length=5_000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "participant"], name="one_usability_session")
        ]

    def __str__(self) -> str:
        return f"{self.study_id}: SUS {self.sus_score}"


class TaskResult(models.Model):
    session = models.ForeignKey(UsabilitySession, on_delete=models.CASCADE, related_name="results")
    task = models.ForeignKey(UsabilityTask, on_delete=models.CASCADE, related_name="results")
    success = models.BooleanField(_("completed"))
    seconds = models.FloatField(_("time (s)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "task"], name="one_result_per_task")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.success}, {self.seconds} s"
