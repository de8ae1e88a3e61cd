"""An API token's last use is stamped at most once per resolution window (issue 16): a client
calling many times a second wrote the token's row on every call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from urbis.people import services
from urbis.people.models import ApiToken


def _updates(ctx: CaptureQueriesContext) -> int:
    return sum(q["sql"].upper().startswith("UPDATE") for q in ctx.captured_queries)


def test_two_calls_within_the_window_stamp_once_and_a_later_call_again(
    make_user: Callable[..., Any], settings: Any
) -> None:
    settings.URBIS_TOKEN_LAST_USED_RESOLUTION_SECONDS = 300
    token = services.issue_api_token(user=make_user(), label="script")
    t0 = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        assert services.user_for_token(token, now=t0) is not None
        assert services.user_for_token(token, now=t0 + dt.timedelta(seconds=299)) is not None
    assert _updates(ctx) == 1
    assert ApiToken.objects.get().last_used_at == t0
    later = t0 + dt.timedelta(seconds=300)
    with CaptureQueriesContext(connection) as ctx:
        services.user_for_token(token, now=later)
    assert _updates(ctx) == 1
    assert ApiToken.objects.get().last_used_at == later


def test_the_update_itself_is_conditional(
    make_user: Callable[..., Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests read the same old stamp; the first stamps it; the second's UPDATE repeats
    the condition and leaves the first's stamp alone (on PostgreSQL it waits for the first's
    row lock, then finds the row no longer matches)."""
    settings.URBIS_TOKEN_LAST_USED_RESOLUTION_SECONDS = 300
    token = services.issue_api_token(user=make_user(), label="script")
    t0 = timezone.now()
    services.user_for_token(token, now=t0)
    read_by_second = services._TOKEN_BY_DIGEST.get(services._digest(token))
    first = t0 + dt.timedelta(seconds=400)
    services.user_for_token(token, now=first)
    monkeypatch.setattr(services._TOKEN_BY_DIGEST, "get", lambda _digest: read_by_second)
    with CaptureQueriesContext(connection) as ctx:
        assert services.user_for_token(token, now=first + dt.timedelta(seconds=1)) is not None
    assert _updates(ctx) == 1  # it tried, since what it read was old
    assert ApiToken.objects.get().last_used_at == first


def test_a_resolution_of_zero_stamps_every_call(
    make_user: Callable[..., Any], settings: Any
) -> None:
    settings.URBIS_TOKEN_LAST_USED_RESOLUTION_SECONDS = 0
    token = services.issue_api_token(user=make_user(), label="script")
    t0 = timezone.now()
    for step in range(3):
        services.user_for_token(token, now=t0 + dt.timedelta(seconds=step))
    assert ApiToken.objects.get().last_used_at == t0 + dt.timedelta(seconds=2)
