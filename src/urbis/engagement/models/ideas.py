"""Ideas, their votes, attachments and comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.engagement.models.processes import Process


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
    # An idea made from an illustrative record of another app (a hack-day initiative) in a
    # process that is itself real; an illustrative process marks all its ideas already.
    is_illustrative = models.BooleanField(_("illustrative"), default=False)
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
