"""Engagement's background jobs: the e-mail copy of notifications."""

from __future__ import annotations

from django.core.mail import send_mass_mail
from django.utils import translation
from django_tasks import task


@task()
def send_notification_mails(ids: list[int]) -> int:
    """E-mail each notification to its recipient, worded when the mail is sent in the
    recipient's preferred language (``User.mail_language``; the site's ``LANGUAGE_CODE`` when
    they chose none), not in the language of the person whose act caused it. A failing mail
    server fails the job, which then shows in the queue with its error."""
    from urbis.engagement.models import Notification

    notes = Notification.objects.filter(pk__in=ids).select_related("user")
    batch = []
    for n in notes:
        if not n.user.email:
            continue
        with translation.override(n.user.mail_language):
            batch.append((n.message[:120], f"{n.message}\n\n{n.url}\n", None, [n.user.email]))
    return send_mass_mail(tuple(batch), fail_silently=False)
