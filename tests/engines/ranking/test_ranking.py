from __future__ import annotations

import datetime as dt

import pytest

from urbis.engines import ranking

NOW = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Published values of the Wilson 95 % interval.
        (5, 10, 0.2366, 0.7634),
        (1, 1, 0.2065, 1.0),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval(successes: int, trials: int, low: float, high: float) -> None:
    got_low, got_high = ranking.wilson_interval(successes, trials)
    assert got_low == pytest.approx(low, abs=1e-4)
    assert got_high == pytest.approx(high, abs=1e-4)


def test_wilson_edges() -> None:
    assert ranking.wilson_interval(0, 0) == (0.0, 0.0)
    with pytest.raises(ValueError, match="within"):
        ranking.wilson_interval(3, 2)


def stats(
    id: int, votes: int, days_old: float, exposure: int = 0, trend: float = 0.0
) -> ranking.IdeaStats:
    return ranking.IdeaStats(id, votes, NOW - dt.timedelta(days=days_old), exposure, trend)


def test_fair_ranking_is_fair_to_a_new_idea() -> None:
    old = stats(1, votes=100, days_old=60, exposure=1000)  # 10 % of voters since it appeared
    new = stats(2, votes=10, days_old=2, exposure=12)  # 83 % of the voters since
    assert ranking.rank([old, new], "most_requested") == [1, 2]
    assert ranking.rank([old, new], "fair") == [2, 1]


def test_fair_ranking_does_not_reward_tiny_samples() -> None:
    tiny = stats(1, votes=2, days_old=1, exposure=2)  # 2 of 2, but only two people
    solid = stats(2, votes=60, days_old=30, exposure=100)
    assert ranking.rank([tiny, solid], "fair") == [2, 1]


def test_newest_and_trending() -> None:
    items = [stats(1, 5, 3, trend=0.5), stats(2, 1, 1, trend=2.0), stats(3, 9, 9, trend=1.0)]
    assert ranking.rank(items, "newest") == [2, 1, 3]
    assert ranking.rank(items, "trending") == [2, 3, 1]
    with pytest.raises(ValueError, match="sort"):
        ranking.rank(items, "random")


def test_decayed_votes_halve_every_half_life() -> None:
    times = [NOW, NOW - dt.timedelta(hours=72), NOW - dt.timedelta(hours=144)]
    assert ranking.decayed_votes(times, NOW, half_life_hours=72) == pytest.approx(1.75)
