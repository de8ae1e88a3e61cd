"""Comments and reports of ideas and comments."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from urbis.engagement import notices, ratelimits
from urbis.engagement.models import (
    Comment,
    Idea,
    Report,
)
from urbis.engagement.queries import speaks_for_city
from urbis.engagement.services.common import (
    COMMENT_MAX,
    MAX_COMMENT_DEPTH,
    REASON_MAX,
    _idea_followers,
    _plain_field,
    _require_signed_in,
    _text_field,
)
from urbis.engagement.services.notifications import notify
from urbis.engagement.text import render_markdown
from urbis.people.permissions import Action, require


def add_comment(
    *, by: Any, idea: Idea, body: str, parent: Comment | None = None, ip: str | None = None
) -> Comment:
    _require_signed_in(by)
    city = idea.process.city
    require(by, Action.PARTICIPATE, city)
    if idea.is_hidden:
        raise ValidationError({"idea": _("This idea is hidden.")})
    body = _text_field(body, "body", 2, COMMENT_MAX)
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("That comment belongs to another idea.")})
        depth, node = 1, parent
        while node.parent_id is not None and depth < MAX_COMMENT_DEPTH + 1:
            node = node.parent  # type: ignore[assignment]
            depth += 1
        if depth >= MAX_COMMENT_DEPTH:
            raise ValidationError({"parent": _("Replies nest at most six levels deep.")})
    ratelimits.hit("comment", user=by, ip=ip)
    official = speaks_for_city(by, city)
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea,
            parent=parent,
            author=by,
            body=body,
            body_html=render_markdown(body),
            is_official=official,
        )
        notify(
            _idea_followers(idea), notices.NEW_COMMENT, {"title": idea.title},
            idea.get_absolute_url() + f"#comment-{comment.pk}",
            exclude=by,
        )
        if parent is not None and parent.author is not None:
            notify(
                [parent.author], notices.REPLY, {"title": idea.title},
                idea.get_absolute_url() + f"#comment-{comment.pk}",
                exclude=by,
            )
    return comment


def report(
    *, by: Any, reason: str, idea: Idea | None = None, comment: Comment | None = None
) -> Report:
    _require_signed_in(by)
    if (idea is None) == (comment is None):
        raise ValidationError({"target": _("Report either an idea or a comment.")})
    target_idea = idea or comment.idea  # type: ignore[union-attr]
    require(by, Action.PARTICIPATE, target_idea.process.city)
    reason = _plain_field(reason, "reason", 3, REASON_MAX)
    ratelimits.hit("report", user=by)
    try:
        with transaction.atomic():
            return Report.objects.create(idea=idea, comment=comment, reporter=by, reason=reason)
    except IntegrityError:
        raise ValidationError({"target": _("You have already reported this.")}) from None
