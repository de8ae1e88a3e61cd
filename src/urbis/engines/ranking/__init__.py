"""Ranking ideas: pure functions over plain numbers, no Django.

- ``most_requested``: raw vote count (what users of Decidim and CONSUL expect as "most supported").
- ``newest``: creation time.
- ``trending``: votes weighted by how recent they are (exponential decay, half-life in hours).
- ``fair``: the Wilson lower bound of the share of active voters who supported an idea, counting
  only the voters who were active in the process after the idea appeared. An idea posted last week
  is compared with what last week's voters did, not with votes an old idea collected for months;
  the lower bound keeps an idea with 2 supporters out of 2 from jumping over one with 60 out of 100.
  See docs/ENGAGEMENT.md for the formula and why.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054  # two-sided 95 % standard normal quantile


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson (1927) score interval for a binomial proportion; (0, 0) with no trials."""
    if trials <= 0:
        return (0.0, 0.0)
    if not 0 <= successes <= trials:
        raise ValueError(f"successes must be within 0..{trials}, got {successes}")
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    return (max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator))


def wilson_lower_bound(successes: int, trials: int, z: float = Z95) -> float:
    return wilson_interval(successes, trials, z)[0]


TREND_HALF_LIFE_HOURS = 72.0


def decayed_votes(
    vote_times: Iterable[dt.datetime], now: dt.datetime,
    half_life_hours: float = TREND_HALF_LIFE_HOURS,
) -> float:
    """Each vote counts 1 when cast and half as much every ``half_life_hours`` after."""
    rate = math.log(2) / (half_life_hours * 3600.0)
    total = 0.0
    for when in vote_times:
        age = max(0.0, (now - when).total_seconds())
        total += math.exp(-rate * age)
    return total


@dataclass(frozen=True)
class IdeaStats:
    id: int
    votes: int
    created_at: dt.datetime
    # Distinct accounts that voted on anything in the process after this idea appeared.
    exposure: int = 0
    trend: float = 0.0


def fair_score(stats: IdeaStats) -> float:
    trials = max(stats.exposure, stats.votes)
    return wilson_lower_bound(min(stats.votes, trials), trials)


SORTS = ("most_requested", "fair", "trending", "newest")


def rank(items: Sequence[IdeaStats], sort: str) -> list[int]:
    """Idea ids in order, best first; ties fall back to more votes, then newer, then id.

    The definition of each order. Pages and the API sort in the database instead
    (``engagement.queries.idea_list``), with the same scores and ties; a test compares the two
    on a random process."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")

    def key(item: IdeaStats) -> tuple[float, ...]:
        newer = item.created_at.timestamp()
        if sort == "most_requested":
            return (-item.votes, -newer, item.id)
        if sort == "newest":
            return (-newer, item.id)
        if sort == "trending":
            return (-round(item.trend, 9), -item.votes, -newer, item.id)
        return (-round(fair_score(item), 12), -item.votes, -newer, item.id)

    return [item.id for item in sorted(items, key=key)]
