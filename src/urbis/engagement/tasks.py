"""Engagement's background jobs: the e-mail copy of notifications."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation
from django_tasks import task


@task()
def send_notification_mails(ids: list[int]) -> int:
    """E-mail each notification to its recipient, worded when the mail is sent (not in the
    language of the person whose act caused it). Accounts hold no language of their own yet,
    so mails are worded in the site's language (``LANGUAGE_CODE``). A failing mail server
    fails the job, which then shows in the queue with its error."""
    from urbis.engagement.models import Notification

    notes = Notification.objects.filter(pk__in=ids).select_related("user")
    with translation.override(settings.LANGUAGE_CODE):
        batch = tuple(
            (n.message[:120], f"{n.message}\n\n{n.url}\n", None, [n.user.email])
            for n in notes if n.user.email
        )
    return send_mass_mail(batch, fail_silently=False)
