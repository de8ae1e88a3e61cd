"""Opening a participation process."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from urbis.engagement.models import (
    Process,
)
from urbis.engagement.services.common import _plain_field
from urbis.engagement.text import plain, render_markdown
from urbis.people.permissions import Action, require_unless_platform
from urbis.places.models import City


def create_process(
    *,
    by: Any,
    city: City,
    slug: str,
    title: str,
    collecting_starts: dt.datetime,
    collecting_ends: dt.datetime,
    voting_starts: dt.datetime,
    voting_ends: dt.datetime,
    closes: dt.datetime,
    theme: str = "",
    description: str = "",
    vote_cap: int | None = None,
    support_threshold: int | None = None,
    is_published: bool = True,
) -> Process:
    require_unless_platform(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if collecting_ends <= collecting_starts:
        errors["collecting_ends"] = _("Collecting must end after it starts.")
    if voting_ends <= voting_starts:
        errors["voting_ends"] = _("Voting must end after it starts.")
    if voting_starts < collecting_starts:
        errors["voting_starts"] = _("Voting cannot start before collecting starts.")
    if closes < max(voting_ends, collecting_ends):
        errors["closes"] = _("The process closes after collecting and voting have ended.")
    if vote_cap is not None and vote_cap < 1:
        errors["vote_cap"] = _("At least one vote per person, or no cap.")
    if support_threshold is not None and support_threshold < 1:
        errors["support_threshold"] = _("At least one vote, or no threshold.")
    if Process.objects.filter(city=city, slug=slug).exists():
        errors["slug"] = f"This city already has a process {slug!r}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Process.objects.create(
            city=city,
            slug=slug,
            title=_plain_field(title, "title", 3, 200),
            theme=plain(theme)[:120],
            description=description[:10_000],
            description_html=render_markdown(description[:10_000]),
            collecting_starts=collecting_starts,
            collecting_ends=collecting_ends,
            voting_starts=voting_starts,
            voting_ends=voting_ends,
            closes=closes,
            vote_cap=vote_cap,
            support_threshold=support_threshold,
            is_published=is_published,
        )
