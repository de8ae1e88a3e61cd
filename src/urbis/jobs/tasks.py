"""Jobs that belong to no single app: e-mail and housekeeping. (An app's own jobs live in its
``tasks.py``, e.g. ``urbis.energy.tasks``.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.mail import send_mass_mail
from django_tasks import task

#: How often the workers queue the purge of old rate-limit counters.
PURGE_EVERY = dt.timedelta(hours=1)


@task()
def send_mails(messages: list[list[Any]]) -> int:
    """Send e-mails given as ``[subject, body, from_email or None, [recipients]]`` lists (the
    queue stores arguments as JSON). A failing mail server fails the job, which then shows
    in the queue with its error instead of being lost in a web request's log."""
    batch = tuple(
        (str(subject), str(body), str(sender) if sender else None, [str(r) for r in to])
        for subject, body, sender, to in messages
    )
    return send_mass_mail(batch, fail_silently=False)


@task()
def purge_rate_counters() -> int:
    """Delete rate-limit counters whose window has passed (the table only grows otherwise)."""
    from urbis.engagement import ratelimits

    return ratelimits.purge_expired()
