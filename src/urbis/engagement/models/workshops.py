"""Workshops and their registrations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.engagement.models.processes import Process


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
