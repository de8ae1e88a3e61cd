"""What every engagement write shares: text limits and checks, the sign-in check, the
moderation log, idea locking and who hears about an idea."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.engagement.models import (
    Comment,
    Follow,
    Idea,
    ModerationEvent,
)
from urbis.engagement.text import plain, render_markdown, visible_length
from urbis.people.models import User
from urbis.people.permissions import Action, require
from urbis.places.models import City

TITLE_MIN, TITLE_MAX = 5, 150


BODY_MIN, BODY_MAX = 20, 10_000


COMMENT_MAX = 5_000


REASON_MAX = 500


MAX_COMMENT_DEPTH = 6


def _require_signed_in(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to take part."))


def _check_length(length: int, field: str, low: int, high: int) -> None:
    if length < low:
        raise ValidationError({field: ngettext(
            "At least %(n)d character, please.", "At least %(n)d characters, please.", low
        ) % {"n": low}})
    if length > high:
        raise ValidationError({field: ngettext(
            "At most %(n)d character (this has %(has)d).",
            "At most %(n)d characters (this has %(has)d).",
            high,
        ) % {"n": high, "has": length}})


def _at_most(n: int) -> str:
    return ngettext("At most %(n)d character.", "At most %(n)d characters.", n) % {"n": n}


def _text_field(value: str, field: str, low: int, high: int) -> str:
    """Markdown text: at most ``high`` characters as typed (that is what is stored), at least
    ``low`` characters of what readers see once it is rendered and sanitised."""
    value = (value or "").strip()
    _check_length(len(value), field, 0, high)
    _check_length(visible_length(render_markdown(value)), field, low, high)
    return value


def _plain_field(value: str, field: str, low: int, high: int) -> str:
    """A one-line text (title, reason) stripped of every tag; its limits hold for the text
    that is left, not for what was typed."""
    cleaned = plain(value)
    _check_length(visible_length(cleaned), field, low, high)
    # Stored escaped ("&" as "&amp;"): the column must hold that too.
    _check_length(len(cleaned), field, 0, high)
    return cleaned


def _title_and_body(title: str, body: str, errors: dict[str, str]) -> tuple[str, str]:
    """An idea's title and body, cleaned; what is wrong with either is added to ``errors`` so
    that one refusal names both."""
    try:
        title = _plain_field(title, "title", TITLE_MIN, TITLE_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        body = _text_field(body, "body", BODY_MIN, BODY_MAX)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    return title, body


def _log(
    idea: Idea | None,
    kind: str,
    details: dict[str, Any],
    *,
    by: Any,
    city: City | None = None,
    comment: Comment | None = None,
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        city=city or idea.process.city,  # type: ignore[union-attr]
        idea=idea,
        comment=comment,
        actor=by if getattr(by, "pk", None) else None,
        kind=kind,
        details=details,
    )


def _idea_followers(idea: Idea) -> list[User]:
    return [f.user for f in Follow.objects.filter(idea=idea).select_related("user")]


def _city_moderators(city: City) -> list[User]:
    return list(
        User.objects.filter(
            memberships__city=city, memberships__role__in=["admin", "moderator"], is_active=True
        )
    )


def _lock_idea(idea: Idea) -> Idea:
    # Lock only the idea row (``of``): a FOR UPDATE over the joined process row would collide
    # with the key-share locks every vote insert takes on it.
    return (
        Idea.objects.select_for_update(of=("self",), no_key=True)
        .select_related("process__city")
        .defer("process__city__boundary")
        .get(pk=idea.pk)
    )


def _require_moderator(by: Any, city: City) -> None:
    _require_signed_in(by)
    require(by, Action.MODERATE, city)
