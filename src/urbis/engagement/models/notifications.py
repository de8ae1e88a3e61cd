"""Following, notifications and the rate counters that limit writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from urbis.engagement.models.ideas import Idea
from urbis.engagement.models.processes import Process


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
    # What happened as a code and its values (``urbis.engagement.notices``), worded in the
    # reader's language when shown or e-mailed. ``text`` is kept only for rows written before
    # codes existed that migration 0005 could not read; they are shown as stored.
    code = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The notification in the active language."""
        from urbis.engagement.notices import wording

        return wording(self.code, self.params, self.text)


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
