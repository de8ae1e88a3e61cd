"""Participatory processes and their phases."""

from __future__ import annotations

import datetime as dt

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
