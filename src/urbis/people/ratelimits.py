"""Rate limits counted in the database, so that every server process (gunicorn workers, several
machines) sees the same counters (docs/decisions/0007). The mechanism is shared: engagement's
limits on posting and voting (engagement/ratelimits.py) count with :func:`count_attempt` too.

A limit is ``(count, seconds)``: at most ``count`` attempts in a fixed window of ``seconds``.
Settings may override the defaults with ``URBIS_RATE_LIMITS = {"login:account": (5, 300), ...}``.
The address is ``REMOTE_ADDR``: a deployment behind a proxy must set it from the proxy's header
in the proxy itself, never trust a client-supplied X-Forwarded-For here.

Sign-in throttling (docs/ARCHITECTURE.md, "Sign-in throttling"): failed sign-ins are counted per
account (the e-mail address typed, whether or not an account has it, so that the answer does not
tell which addresses have one) and per address. While either is at its limit, sign-in is refused
even with the right password, until the window ends. The account's window is short (minutes), so
an attacker cannot lock a citizen out for long; a successful sign-in clears only the account's
count, never an address's, so an attacker cannot clear their own address's count by signing in
to an account of their own. A browser in which the account signed in before carries a signed
"known device" cookie; there the account's failures are counted for that browser alone, so an
attacker elsewhere who locked the account does not lock its owner out of their own browser.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from urbis.people.models import RateCounter

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    # Failed sign-ins: at most 5 per account in 5 minutes, 20 per address in 15 minutes.
    "login:account": (5, 300),
    "login:ip": (20, 900),
    # Password-reset requests (each sends an e-mail): per typed address and per client address.
    "reset:account": (3, 3600),
    "reset:ip": (10, 3600),
}


class RateLimited(PermissionDenied):
    """Too many actions of one kind; the API answers 429 with ``Retry-After``."""

    def __init__(self, action: str, seconds: int):
        self.action = action
        self.retry_after = seconds
        super().__init__(f"Too many '{action}' actions; try again in {seconds} seconds.")

    def __str__(self) -> str:
        # Pages (messages) and the API's problem detail show str(exc): the reader's language.
        return self.for_person()

    def for_person(self) -> str:
        """The refusal in the reader's language, for a page or the API (the exception's
        argument stays the developer's English, for logs and tracebacks)."""
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "You have done this too often for now. Please wait %(minutes)d minute and try "
            "again.",
            "You have done this too often for now. Please wait %(minutes)d minutes and try "
            "again.",
            minutes,
        ) % {"minutes": minutes}


class SignInThrottled(RateLimited):
    """Too many failed sign-ins (or reset requests); the message is for the person."""

    def __str__(self) -> str:
        return throttled_message(self.retry_after)


def throttled_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. For your security, please wait %(minutes)d minute and try "
        "again.",
        "Too many failed attempts. For your security, please wait %(minutes)d minutes and try "
        "again.",
        minutes,
    ) % {"minutes": minutes}


def _now() -> dt.datetime:
    # One place that reads the clock, so that tests can move it instead of sleeping.
    return timezone.now()


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "URBIS_RATE_LIMITS", {})}


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def window_start(seconds: int, now: dt.datetime) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _remaining(seconds: int, now: dt.datetime) -> int:
    end = window_start(seconds, now) + dt.timedelta(seconds=seconds)
    return max(1, math.ceil((end - now).total_seconds()))


def count_attempt(
    model: type[Any], key: str, limit: tuple[int, int], now: dt.datetime | None = None
) -> int | None:
    """Count one attempt under ``key`` in ``model``'s table (a model with ``key``,
    ``window_start`` and ``count``, unique on the first two). Returns ``None`` if it was counted,
    or the seconds until the window ends if ``key`` is already at its limit.

    One statement does it all: it creates the window's counter at 1, or adds 1 to it only while
    it is under the limit, and returns the row only if it counted. A single statement is atomic
    on its own, so concurrent requests cannot both slip under the limit, and it commits at once:
    a refused or failed action still counts as an attempt, and the counter's row is locked for
    no longer than the statement (every request from one address shares that row)."""
    now = now or _now()
    count, seconds = limit
    if count <= 0:
        return _remaining(seconds, now)
    window = model._meta.get_field("window_start").get_db_prep_value(
        window_start(seconds, now), connection
    )
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    key_col = qn(model._meta.get_field("key").column)
    window_col = qn(model._meta.get_field("window_start").column)
    count_col = qn(model._meta.get_field("count").column)
    # INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING: PostgreSQL and SQLite (3.35+);
    # a conflicting row that the WHERE leaves alone is not returned.
    # Only quoted identifiers from the model are interpolated; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({key_col}, {window_col}, {count_col}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_col}, {window_col}) "
        f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 "
        f"WHERE {table}.{count_col} < %s RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window, count])
        counted = cursor.fetchone() is not None
    return None if counted else _remaining(seconds, now)


@functools.cache
def attempts_with(model: type[Any], alias: str, n: int) -> str:
    """``WITH`` queries ``c0 … c{n-1}`` that count ``n`` keys in ``model``'s table on PostgreSQL,
    each only if the one before it counted; ``c{i}`` has one row if key ``i`` was counted.
    Their parameters are :func:`attempt_params`. Built once per model, database and ``n``.

    Each is the same atomic ``INSERT … ON CONFLICT DO UPDATE … WHERE count < limit`` as
    :func:`count_attempt`'s. Another statement may follow them with its own ``WITH`` queries
    that read ``c{n-1}`` (the vote does: engagement.services.votes), so the counting and what
    it guards commit together."""
    db = connections[alias]
    qn = db.ops.quote_name
    table = qn(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in ("key", "window_start", "count")]
    key_col, window_col, count_col = (qn(f.column) for f in fields)
    key_type, window_type = (f.db_type(db) for f in fields[:2])
    parts = []
    for index in range(n):
        counted_before = f"WHERE EXISTS (SELECT 1 FROM c{index - 1})" if index else ""  # noqa: S608
        # Only quoted identifiers and column types from the model are interpolated; every value
        # is a parameter.
        parts.append(
            f"c{index} AS (INSERT INTO {table} ({key_col}, {window_col}, {count_col}) "  # noqa: S608
            f"SELECT CAST(%s AS {key_type}), CAST(%s AS {window_type}), 1 {counted_before} "
            f"ON CONFLICT ({key_col}, {window_col}) "
            f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 "
            f"WHERE {table}.{count_col} < %s RETURNING 1)"
        )
    return ", ".join(parts)


def attempt_params(
    model: type[Any], keys: list[tuple[str, tuple[int, int]]], now: dt.datetime
) -> list[Any]:
    """The parameters of :func:`attempts_with` for ``keys``."""
    window_field = model._meta.get_field("window_start")
    params: list[Any] = []
    for key, (count, seconds) in keys:
        window = window_field.get_db_prep_value(window_start(seconds, now), connection)
        params += [key, window, count]
    return params


def attempts_refused(
    counted: Sequence[Any], keys: list[tuple[str, tuple[int, int]]], now: dt.datetime
) -> tuple[int, int] | None:
    """What :func:`count_attempts` returns, from whether each key was counted."""
    for index, (_key, (_count, seconds)) in enumerate(keys):
        if not counted[index]:
            return index, _remaining(seconds, now)
    return None


def one_statement_counts(keys: list[tuple[str, tuple[int, int]]]) -> bool:
    """Whether :func:`attempts_with` may count ``keys`` here: PostgreSQL, at least one key, no
    limit of zero (those refuse without counting, as :func:`count_attempt` does)."""
    return connection.vendor == "postgresql" and bool(keys) and all(
        c > 0 for _k, (c, _s) in keys
    )


def count_attempts(
    model: type[Any], keys: list[tuple[str, tuple[int, int]]], now: dt.datetime | None = None
) -> tuple[int, int] | None:
    """:func:`count_attempt` for several ``(key, limit)`` in order, stopping at the first key
    at its limit: returns ``None`` if every key was counted, or ``(index, seconds)`` of the key
    that refused (the keys before it stay counted, those after it are not touched), exactly as
    calling :func:`count_attempt` for each in turn.

    On PostgreSQL it is one statement (:func:`attempts_with`), so a request that is limited per
    account and per address makes one round trip to the database instead of one per key
    (docs/PERFORMANCE.md, "Votes"), committed with the statement."""
    now = now or _now()
    if len(keys) < 2 or not one_statement_counts(keys):
        for index, (key, limit) in enumerate(keys):
            wait = count_attempt(model, key, limit, now)
            if wait is not None:
                return index, wait
        return None
    counted = ", ".join(f"(SELECT count(*) FROM c{index})" for index in range(len(keys)))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {attempts_with(model, connection.alias, len(keys))} "  # type: ignore[arg-type, unused-ignore]  # a model class is hashable
            f"SELECT {counted}",
            attempt_params(model, keys, now),
        )
        row = cursor.fetchone()
    return attempts_refused(row, keys, now)


def seconds_to_wait(
    model: type[Any], key: str, limit: tuple[int, int], now: dt.datetime | None = None
) -> int | None:
    """Like :func:`count_attempt` but counts nothing: ``None`` if ``key`` is under its limit."""
    now = now or _now()
    count, seconds = limit
    at_limit = model.objects.filter(
        key=key, window_start=window_start(seconds, now), count__gte=count
    ).exists()
    return _remaining(seconds, now) if at_limit else None


# ------------------------------------------------------------------ sign-in and password reset


#: The cookie that marks a browser in which an account signed in before ("known device").
KNOWN_DEVICE_COOKIE = "urbis_known_device"
KNOWN_DEVICE_DAYS = 90
_KNOWN_DEVICE_SALT = "urbis.people.ratelimits.known-device"


def _digest(email: str) -> str:
    # A digest: the table holds no e-mail addresses, and every key fits the column.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def _account_key(action: str, email: str) -> str:
    return f"{action}:account:{_digest(email)}"


def known_device_cookie(email: str) -> str:
    """A signed value for :data:`KNOWN_DEVICE_COOKIE`, set after a successful sign-in: it names
    the account (by digest) and this browser (a random id)."""
    return signing.dumps(
        {"account": _digest(email), "device": secrets.token_hex(12)}, salt=_KNOWN_DEVICE_SALT
    )


def _known_device(email: str | None, cookie: str | None) -> str | None:
    """The browser's id, if ``cookie`` proves that ``email``'s account signed in there before."""
    if not email or not cookie:
        return None
    try:
        data = signing.loads(
            cookie, salt=_KNOWN_DEVICE_SALT, max_age=dt.timedelta(days=KNOWN_DEVICE_DAYS)
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("account") != _digest(email):
        return None
    return str(data.get("device", "")) or None


def _keys(
    action: str, email: str | None, ip: str | None, device: str | None = None
) -> list[tuple[str, str]]:
    keys = []
    if device:
        # A browser the account signed in from before has its own count, under the account's
        # limit: an attacker elsewhere who locked the account does not lock its owner out here.
        keys.append((f"{action}:account", f"{action}:device:{device}"))
    elif email:
        keys.append((f"{action}:account", _account_key(action, email)))
    if ip:
        keys.append((f"{action}:ip", f"{action}:ip:{ip}"))
    return keys


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete this table's counters whose window ended (every window here is at most the longest
    limit's); returns how many. Also run on each counted failure, so no periodic job is needed,
    but a periodic purge may call it too."""
    now = now or _now()
    longest = max(seconds for _count, seconds in limits().values())
    deleted, _ = RateCounter.objects.filter(
        window_start__lte=now - dt.timedelta(seconds=longest)
    ).delete()
    return deleted


def _purge_expired(now: dt.datetime) -> None:
    # Each counted failure also drops the windows that ended (an indexed range delete), so the
    # table stays as small as the live windows.
    purge_expired(now)


def sign_in_wait(
    email: str | None,
    ip: str | None,
    now: dt.datetime | None = None,
    *,
    device_cookie: str | None = None,
) -> int | None:
    """Seconds before a sign-in for ``email`` from ``ip`` may be tried, or ``None`` if now.
    ``device_cookie`` is the request's :data:`KNOWN_DEVICE_COOKIE`, if any."""
    table = limits()
    device = _known_device(email, device_cookie)
    waits = [
        seconds_to_wait(RateCounter, key, table[name], now)
        for name, key in _keys("login", email, ip, device)
    ]
    return max((w for w in waits if w is not None), default=None)


def check_sign_in(
    email: str | None,
    ip: str | None,
    now: dt.datetime | None = None,
    *,
    device_cookie: str | None = None,
) -> None:
    wait = sign_in_wait(email, ip, now, device_cookie=device_cookie)
    if wait is not None:
        raise SignInThrottled("login", wait)


def sign_in_failed(
    email: str | None,
    ip: str | None,
    now: dt.datetime | None = None,
    *,
    device_cookie: str | None = None,
) -> None:
    now = now or _now()
    table = limits()
    for name, key in _keys("login", email, ip, _known_device(email, device_cookie)):
        count_attempt(RateCounter, key, table[name], now)
    _purge_expired(now)


def sign_in_succeeded(email: str, *, device_cookie: str | None = None) -> None:
    """The account's failures (and this known browser's) are forgiven; no address's count
    changes."""
    keys = [_account_key("login", email)]
    device = _known_device(email, device_cookie)
    if device:
        keys.append(f"login:device:{device}")
    RateCounter.objects.filter(key__in=keys).delete()


def count_reset_request(email: str | None, ip: str | None, now: dt.datetime | None = None) -> None:
    """Count a password-reset request; raise :class:`SignInThrottled` over either limit."""
    now = now or _now()
    table = limits()
    for name, key in _keys("reset", email, ip):
        wait = count_attempt(RateCounter, key, table[name], now)
        if wait is not None:
            raise SignInThrottled("reset", wait)
    _purge_expired(now)
