"""Rate limits for posting and voting, per account and per IP address, counted in the database
so that every server process (gunicorn workers, several machines) sees the same counters.

A limit is ``(count, seconds)``: at most ``count`` actions in a fixed window of ``seconds``.
Settings may override the defaults with ``URBIS_RATE_LIMITS = {"vote:user": (120, 60), ...}``.
The IP is ``REMOTE_ADDR``: a deployment behind a proxy must set it from the proxy's header in
the proxy itself, never trust a client-supplied X-Forwarded-For here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from urbis.engagement.models import RateCounter

# The counting mechanism is shared with sign-in throttling and lives in people; these names
# stay importable from here.
from urbis.people.ratelimits import RateLimited as RateLimited
from urbis.people.ratelimits import attempt_params as attempt_params
from urbis.people.ratelimits import attempts_refused as attempts_refused
from urbis.people.ratelimits import attempts_with as attempts_with
from urbis.people.ratelimits import client_ip as client_ip
from urbis.people.ratelimits import count_attempts, window_start
from urbis.people.ratelimits import one_statement_counts as one_statement_counts

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "idea:user": (10, 3600),
    "idea:ip": (30, 3600),
    "comment:user": (30, 600),
    "comment:ip": (100, 600),
    "vote:user": (120, 600),
    "vote:ip": (1000, 600),
    "report:user": (20, 3600),
    "upload:user": (30, 3600),
}


_window = window_start  # the name engagement's callers and tests know


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "URBIS_RATE_LIMITS", {})}


def limit_keys(
    action: str, *, user: Any = None, ip: str | None = None
) -> list[tuple[str, tuple[int, int]]]:
    """The counters one ``action`` counts, in order (account first: a request refused for the
    account is not counted against the address), each with its limit."""
    keys = []
    if user is not None and getattr(user, "pk", None):
        keys.append((f"{action}:user", f"{action}:user:{user.pk}"))
    if ip:
        keys.append((f"{action}:ip", f"{action}:ip:{ip}"))
    table = limits()
    return [(key, table[name]) for name, key in keys if name in table]


def hit(action: str, *, user: Any = None, ip: str | None = None) -> None:
    """Count one ``action`` for the account and the IP; raise :class:`RateLimited` if either is
    over its limit (the counting is people.ratelimits.count_attempts', shared with sign-in;
    one statement on PostgreSQL)."""
    refused = count_attempts(RateCounter, limit_keys(action, user=user, ip=ip), timezone.now())
    if refused is not None:
        raise RateLimited(action, refused[1])


def forget_user(user: Any) -> None:
    RateCounter.objects.filter(key__contains=f":user:{user.pk}").delete()


#: How long a counter whose action is no longer in :func:`limits` (a setting was removed) is
#: kept: at least this, or the longest window in use if that is longer.
UNKNOWN_KEPT = dt.timedelta(days=1)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the counters whose window has ended; returns how many were deleted.

    A window of ``seconds`` that started at ``window_start`` no longer limits anything from
    ``window_start + seconds`` on: :func:`hit` only ever reads the current window. Meant to
    run periodically (``urbis purge-rate-counters``, or as a scheduled task); safe to run at
    any time and concurrently with :func:`hit`, which recreates a counter it needs."""
    now = now or timezone.now()
    table = limits()
    expired = Q(pk__in=[])
    known = Q(pk__in=[])
    for name, (_count, seconds) in table.items():
        prefix = Q(key__startswith=f"{name}:")
        known |= prefix
        expired |= prefix & Q(window_start__lte=now - dt.timedelta(seconds=seconds))
    longest = max([UNKNOWN_KEPT, *(dt.timedelta(seconds=s) for _c, s in table.values())])
    expired |= ~known & Q(window_start__lte=now - longest)
    deleted, _ = RateCounter.objects.filter(expired).delete()
    return deleted
