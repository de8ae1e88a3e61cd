"""Workshops: creating them, signing up (with a waiting list), cancelling, recording outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.engagement import notices
from urbis.engagement.models import (
    Idea,
    IdeaKind,
    Process,
    Registration,
    Workshop,
)
from urbis.engagement.queries import speaks_for_city
from urbis.engagement.services.common import _plain_field, _require_signed_in
from urbis.engagement.services.ideas import submit_idea
from urbis.engagement.services.notifications import notify
from urbis.engagement.text import plain, render_markdown
from urbis.people.permissions import Action, require, require_unless_platform


def create_workshop(
    *,
    by: Any,
    process: Process,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    agenda: str = "",
    place: str = "",
    online_url: str = "",
    is_published: bool = True,
) -> Workshop:
    city = process.city
    require_unless_platform(by, Action.EDIT, city)
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("A workshop ends after it starts.")
    if capacity < 1:
        errors["capacity"] = _("At least one place.")
    if not place.strip() and not online_url.strip():
        errors["place"] = _("Give a place, an online link, or both.")
    if online_url and not online_url.startswith(("https://", "http://")):
        errors["online_url"] = _("The link must start with https://.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return Workshop.objects.create(
            city=city, process=process, title=_plain_field(title, "title", 3, 200),
            agenda=agenda[:10_000], agenda_html=render_markdown(agenda[:10_000]),
            starts_at=starts_at, ends_at=ends_at, capacity=capacity, place=plain(place)[:300],
            online_url=online_url, is_published=is_published,
        )


def sign_up(*, by: Any, workshop: Workshop) -> Registration:
    """A place if one is free, else a place on the waiting list, first come first served."""
    _require_signed_in(by)
    require(by, Action.PARTICIPATE, workshop.city)
    if workshop.starts_at <= timezone.now():
        raise ValidationError({"workshop": _("This workshop has already started.")})
    with transaction.atomic():
        # The workshop row is the lock that keeps the confirmed count within capacity.
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        existing = Registration.objects.filter(workshop=locked, user=by).first()
        if existing is not None:
            raise ValidationError({"workshop": _("You have already signed up.")})
        confirmed = Registration.objects.filter(
            workshop=locked, status=Registration.Status.CONFIRMED
        ).count()
        status = (
            Registration.Status.CONFIRMED if confirmed < locked.capacity
            else Registration.Status.WAITING
        )
        return Registration.objects.create(workshop=locked, user=by, status=status)


def cancel_registration(*, by: Any, workshop: Workshop) -> Registration | None:
    """Cancel ``by``'s place; the first person waiting moves up. Returns that person's
    registration, if anyone moved up."""
    _require_signed_in(by)
    with transaction.atomic():
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        return _release(locked, Registration.objects.filter(workshop=locked, user=by).first())


def _release(workshop: Workshop, registration: Registration | None) -> Registration | None:
    if registration is None:
        raise ValidationError({"workshop": _("You are not signed up.")})
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.delete()
    if not was_confirmed or workshop.starts_at <= timezone.now():
        return None
    waiting = (
        Registration.objects.filter(workshop=workshop, status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    waiting.status = Registration.Status.CONFIRMED
    waiting.save(update_fields=["status"])
    notify(
        [waiting.user], notices.WORKSHOP_PLACE, {"title": workshop.title},
        workshop.get_absolute_url(),
    )
    return waiting


def record_outcome(
    *, by: Any, workshop: Workshop, title: str, body: str, category: str,
    kind: str = IdeaKind.PROPOSAL,
) -> Idea:
    """What a workshop produced, recorded as an idea of its process by city staff."""
    _require_signed_in(by)
    city = workshop.city
    if not speaks_for_city(by, city):
        raise PermissionDenied(_("Only the city's editors and moderators record outcomes."))
    return submit_idea(
        by=by, process=workshop.process, title=title, body=body, category=category, kind=kind,
        workshop=workshop,
    )
