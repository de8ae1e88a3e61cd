"""Reports of ideas and comments, and the moderation record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.engagement.models.ideas import Comment, Idea


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
    # What happened as codes and values (statuses, counts, the moderator's own words), worded in
    # the reader's language when shown (engagement.history); ``summary`` holds the text of
    # records written before ``details`` existed and is shown only when ``details`` is empty.
    details = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")

    def __str__(self) -> str:
        return f"{self.kind}: {self.description[:60]}"

    @property
    def description(self) -> str:
        """What happened, in the active language."""
        from urbis.engagement.history import describe

        return describe(self.kind, self.details, self.summary)
