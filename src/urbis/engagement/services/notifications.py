"""Notifications and following ideas and processes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.engagement import notices
from urbis.engagement.models import (
    Follow,
    Idea,
    Notification,
    Process,
)
from urbis.engagement.services.common import _require_signed_in
from urbis.engagement.tasks import send_notification_mails
from urbis.jobs.services import enqueue
from urbis.people.models import User


def notify(users: Iterable[User], code: str, params: dict[str, Any], url: str = "", *,
           exclude: Any = None) -> int:
    """An in-site notification for each user, stored as a code of ``urbis.engagement.notices``
    and its values (worded in the reader's language when shown), and an e-mail job queued in
    the same transaction (sent by `urbis worker` once it commits; the console backend by
    default) that words each mail when it is sent."""
    notices.check(code, params)
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if exclude is not None and getattr(exclude, "pk", None) in recipients:
        recipients.pop(exclude.pk)
    if not recipients:
        return 0
    notes = Notification.objects.bulk_create(
        [Notification(user=u, code=code, params=params, url=url[:300])
         for u in recipients.values()]
    )
    # SQLite and PostgreSQL both return the new rows' ids from a bulk insert.
    enqueue(send_notification_mails, [n.pk for n in notes])
    return len(recipients)


def follow(*, by: Any, idea: Idea | None = None, process: Process | None = None) -> Follow:
    _require_signed_in(by)
    if (idea is None) == (process is None):
        raise ValidationError({"target": _("Follow either an idea or a process.")})
    with transaction.atomic():
        the_follow = Follow.objects.get_or_create(user=by, idea=idea, process=process)[0]
    return the_follow


def unfollow(*, by: Any, idea: Idea | None = None, process: Process | None = None) -> None:
    _require_signed_in(by)
    Follow.objects.filter(user=by, idea=idea, process=process).delete()


def mark_notifications_read(*, by: Any, ids: Sequence[int] | None = None) -> int:
    _require_signed_in(by)
    notes = Notification.objects.filter(user=by, read_at__isnull=True)
    if ids is not None:
        notes = notes.filter(pk__in=ids)
    return notes.update(read_at=timezone.now())
