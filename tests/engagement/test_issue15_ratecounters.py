"""Issue 15, bug 11: rate-limit counters of ended windows are purged (a function a periodic
task can call, and the ``purge-rate-counters`` command)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from urbis.engagement import ratelimits
from urbis.engagement.models import RateCounter


def _counter(key: str, started: dt.datetime) -> RateCounter:
    return RateCounter.objects.create(key=key, window_start=started, count=3)


@pytest.fixture
def counters(db: Any) -> dict[str, RateCounter]:
    now = timezone.now()
    return {
        # "comment:user" windows last 600 s, "idea:user" 3600 s.
        "comment_ended": _counter("comment:user:1", now - dt.timedelta(seconds=601)),
        "comment_current": _counter("comment:user:1", now - dt.timedelta(seconds=30)),
        "idea_current": _counter("idea:user:1", now - dt.timedelta(seconds=1800)),
        "idea_ended": _counter("idea:ip:2001:db8::1", now - dt.timedelta(seconds=3700)),
        # An action no longer in the limits: kept a day, then purged.
        "unknown_recent": _counter("retired:user:1", now - dt.timedelta(hours=3)),
        "unknown_old": _counter("retired:user:1", now - dt.timedelta(days=2)),
    }


def _left() -> set[tuple[str, dt.datetime]]:
    return set(RateCounter.objects.values_list("key", "window_start"))


def test_purge_expired_deletes_only_ended_windows(counters: dict[str, RateCounter]) -> None:
    assert ratelimits.purge_expired() == 3
    kept = {(c.key, c.window_start) for name, c in counters.items()
            if name in {"comment_current", "idea_current", "unknown_recent"}}
    assert _left() == kept
    assert ratelimits.purge_expired() == 0


def test_a_purged_counter_does_not_weaken_the_current_limit(db: Any, settings: Any) -> None:
    settings.URBIS_RATE_LIMITS = {"comment:ip": (2, 600)}
    ratelimits.hit("comment", ip="192.0.2.7")
    ratelimits.hit("comment", ip="192.0.2.7")
    assert ratelimits.purge_expired() == 0
    with pytest.raises(ratelimits.RateLimited):
        ratelimits.hit("comment", ip="192.0.2.7")


def test_purge_follows_the_configured_window(counters: dict[str, RateCounter],
                                             settings: Any) -> None:
    # With a two-hour window the idea counter that started 3700 s ago still counts.
    settings.URBIS_RATE_LIMITS = {"idea:ip": (30, 7200)}
    ratelimits.purge_expired()
    assert ("idea:ip:2001:db8::1", counters["idea_ended"].window_start) in _left()


def test_command_purges_and_says_how_many(counters: dict[str, RateCounter]) -> None:
    out = io.StringIO()
    call_command("purge-rate-counters", stdout=out)
    assert out.getvalue().strip() == "Deleted 3 expired rate-limit counters."
    assert RateCounter.objects.count() == 3
    out = io.StringIO()
    _counter("vote:user:9", timezone.now() - dt.timedelta(hours=1))
    call_command("purge-rate-counters", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 expired rate-limit counter."
