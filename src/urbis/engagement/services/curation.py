"""What moderators do: statuses, answers, merging duplicates, hiding, dismissing reports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.engagement import history, notices
from urbis.engagement.models import (
    Comment,
    Follow,
    Idea,
    IdeaStatus,
    ModerationEvent,
    Report,
    Vote,
)
from urbis.engagement.queries import speaks_for_city
from urbis.engagement.services.common import (
    REASON_MAX,
    _at_most,
    _idea_followers,
    _lock_idea,
    _log,
    _require_moderator,
    _require_signed_in,
    _text_field,
)
from urbis.engagement.services.notifications import notify
from urbis.engagement.text import plain, render_markdown


def set_status(*, by: Any, idea: Idea, status: str, reason: str = "") -> Idea:
    city = idea.process.city
    _require_moderator(by, city)
    if status not in IdeaStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)r.") % {"status": status}})
    if status == IdeaStatus.DUPLICATE:
        raise ValidationError({"status": _("Mark a duplicate by merging it into the original.")})
    reason = (reason or "").strip()
    if status == IdeaStatus.REJECTED and len(reason) < 10:
        raise ValidationError(
            {"reason": _("A rejection needs a reason of at least 10 characters.")}
        )
    if len(reason) > 2_000:
        raise ValidationError({"reason": _("At most 2000 characters.")})
    with transaction.atomic():
        locked = _lock_idea(idea)
        if locked.status == IdeaStatus.DUPLICATE:
            raise ValidationError({"status": _("This idea was merged into another one.")})
        old = locked.status
        locked.status = status
        locked.status_reason = reason
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        _log(locked, ModerationEvent.Kind.STATUS, history.status_changed(old, status, reason),
             by=by)
        notify(
            _idea_followers(locked), notices.STATUS_CHANGED,
            {"title": locked.title, "status": locked.status},
            locked.get_absolute_url(),
            exclude=by,
        )
    return locked


def answer(*, by: Any, idea: Idea, text: str) -> Idea:
    """The city's official answer (editors and moderators may write it)."""
    _require_signed_in(by)
    city = idea.process.city
    if not speaks_for_city(by, city):
        raise PermissionDenied(_("Only the city's editors and moderators answer officially."))
    text = _text_field(text, "text", 10, 10_000)
    with transaction.atomic():
        locked = _lock_idea(idea)
        first = locked.answered_at is None
        locked.official_answer = text
        locked.official_answer_html = render_markdown(text)
        locked.answered_at = timezone.now()
        if locked.status == IdeaStatus.NEW:
            locked.status = IdeaStatus.UNDER_REVIEW
        locked.save(
            update_fields=[
                "official_answer", "official_answer_html", "answered_at", "status", "updated_at"
            ]
        )
        _log(locked, ModerationEvent.Kind.ANSWER, history.answered(text, first=first), by=by)
        notify(
            _idea_followers(locked), notices.ANSWERED, {"title": locked.title},
            locked.get_absolute_url(),
            exclude=by,
        )
    return locked


def merge_ideas(*, by: Any, duplicate: Idea, into: Idea) -> Idea:
    """Mark ``duplicate`` as a duplicate of ``into`` and carry its votes over: an account that
    supported both keeps one vote; anonymised votes (of deleted accounts) move as they are.

    Both ideas are locked first (in id order, so two merges cannot deadlock); a vote in flight
    on either holds the same row lock through its counter UPDATE, so the merge waits for it, and
    a vote arriving after the merge no longer matches the duplicate and is refused."""
    city = duplicate.process.city
    _require_moderator(by, city)
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("An idea cannot duplicate itself.")})
    if into.process.city_id != city.pk:
        raise ValidationError({"into": _("Both ideas must be in the same city.")})
    with transaction.atomic():
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update(of=("self",), no_key=True)
            .select_related("process__city")
        .defer("process__city__boundary")
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        dup, target = locked[duplicate.pk], locked[into.pk]
        if dup.status == IdeaStatus.DUPLICATE:
            raise ValidationError({"duplicate": _("This idea is already merged.")})
        if target.status == IdeaStatus.DUPLICATE:
            raise ValidationError(
                {"into": _("That idea is itself a duplicate; merge into its original.")}
            )
        both = Vote.objects.filter(idea=target, user__isnull=False).values("user")
        dropped = Vote.objects.filter(idea=dup, user__in=both).delete()[0]
        moved = Vote.objects.filter(idea=dup).update(idea=target, process=target.process)
        total = Vote.objects.filter(idea=target).count()
        Idea.objects.filter(pk=target.pk).update(vote_count=total)
        if target.process.support_threshold and total >= target.process.support_threshold:
            Idea.objects.filter(pk=target.pk, threshold_reached_at__isnull=True).update(
                threshold_reached_at=timezone.now()
            )
        Idea.objects.filter(pk=dup.pk).update(
            status=IdeaStatus.DUPLICATE, duplicate_of=target, vote_count=0
        )
        for follow in Follow.objects.filter(idea=dup):
            Follow.objects.get_or_create(user_id=follow.user_id, idea=target)
        _log(dup, ModerationEvent.Kind.MERGE,
             history.merged_into(target.pk, target.title, moved, dropped), by=by)
        _log(target, ModerationEvent.Kind.MERGE,
             history.merged_in(dup.pk, dup.title, moved, dropped), by=by)
        notify(
            _idea_followers(dup), notices.MERGED, {"title": dup.title, "target": target.title},
            target.get_absolute_url(),
            exclude=by,
        )
    target.refresh_from_db()
    return target


def hide_idea(*, by: Any, idea: Idea, reason: str, hidden: bool = True) -> Idea:
    city = idea.process.city
    _require_moderator(by, city)
    reason = plain(reason or "")
    if hidden and len(reason) < 3:
        raise ValidationError({"reason": _("Say why it is hidden (at least 3 characters).")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _at_most(REASON_MAX)})
    with transaction.atomic():
        locked = _lock_idea(idea)
        locked.is_hidden = hidden
        locked.hidden_reason = reason if hidden else ""
        locked.save(update_fields=["is_hidden", "hidden_reason", "updated_at"])
        Report.objects.filter(idea=locked, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        _log(locked, ModerationEvent.Kind.HIDE if hidden else ModerationEvent.Kind.UNHIDE,
             history.hidden(reason), by=by)
        if hidden and locked.author is not None:
            # The author is told what was hidden and why (a statement of reasons).
            notify(
                [locked.author], notices.IDEA_HIDDEN, {"title": locked.title, "reason": reason},
                locked.get_absolute_url(),
            )
    return locked


def hide_comment(*, by: Any, comment: Comment, reason: str, hidden: bool = True) -> Comment:
    city = comment.idea.process.city
    _require_moderator(by, city)
    reason = plain(reason or "")
    if hidden and len(reason) < 3:
        raise ValidationError({"reason": _("Say why it is hidden (at least 3 characters).")})
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(
            is_hidden=hidden, hidden_reason=reason[:REASON_MAX] if hidden else ""
        )
        Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        _log(comment.idea, ModerationEvent.Kind.HIDE_COMMENT,
             history.comment_hidden(comment.pk, reason, hidden=hidden), by=by, comment=comment)
        if hidden and comment.author is not None:
            notify(
                [comment.author], notices.COMMENT_HIDDEN,
                {"title": comment.idea.title, "reason": reason},
                comment.idea.get_absolute_url(),
            )
    comment.refresh_from_db()
    return comment


def dismiss_reports(*, by: Any, idea: Idea) -> int:
    """Close the reports on an idea and its comments without hiding anything."""
    city = idea.process.city
    _require_moderator(by, city)
    with transaction.atomic():
        count = Report.objects.filter(
            Q(idea=idea) | Q(comment__idea=idea), resolved_at__isnull=True
        ).update(resolved_at=timezone.now())
        _log(idea, ModerationEvent.Kind.REPORT_RESOLVED, history.reports_dismissed(count), by=by)
    return count
