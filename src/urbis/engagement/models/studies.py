"""Studies: concept responses and usability sessions with their task results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.engagement.models.processes import Process


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
