"""Energy-Neutral Neighbourhoods competition: the leaderboard rule (a pure function).

Each entrant (a neighbourhood, possibly in another city) is compared with itself:

    b = net_kwh(baseline year) / households(baseline year)
    c = net_kwh(competition year) / households(competition year)
    improvement = b - c                 [kWh per household per year; higher is better]
    improvement_pct = 100 * (b - c) / b   (only when b > 0)

``net_kwh`` is the energy balance's net figure (consumption minus local production, all
carriers the organiser includes). Entrants are ranked by ``improvement`` (descending);
equal scores share a rank (1, 2, 2, 4); entrants without both years or without households
are listed unranked with the reason. Per-household normalisation lets a small neighbourhood
compete with a large one; comparing each with its own baseline discounts climate, building
stock and city differences that do not change between the two years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EntrantYear:
    """One entrant's figures for one year."""

    net_kwh: float
    households: int


@dataclass(frozen=True)
class Entrant:
    code: str
    name: str
    city: str
    baseline: EntrantYear | None
    current: EntrantYear | None


@dataclass(frozen=True)
class LeaderboardEntry:
    rank: int | None
    code: str
    name: str
    city: str
    baseline_kwh_per_household: float | None
    current_kwh_per_household: float | None
    improvement_kwh_per_household: float | None
    improvement_pct: float | None
    note: str = ""


def _per_household(year: EntrantYear | None) -> float | None:
    if year is None or year.households <= 0:
        return None
    return year.net_kwh / year.households


def leaderboard(entrants: Iterable[Entrant]) -> list[LeaderboardEntry]:
    """Rank entrants by per-household improvement of net energy against their baseline."""
    ranked: list[LeaderboardEntry] = []
    unranked: list[LeaderboardEntry] = []
    for e in entrants:
        b, c = _per_household(e.baseline), _per_household(e.current)
        if b is None or c is None:
            missing = "baseline" if b is None else "competition year"
            unranked.append(
                LeaderboardEntry(
                    None,
                    e.code,
                    e.name,
                    e.city,
                    b,
                    c,
                    None,
                    None,
                    f"no {missing} figures or households",
                )
            )
            continue
        pct = 100.0 * (b - c) / b if b > 0 else None
        ranked.append(LeaderboardEntry(None, e.code, e.name, e.city, b, c, b - c, pct))
    ranked.sort(key=lambda r: (-(r.improvement_kwh_per_household or 0.0), r.code))
    result: list[LeaderboardEntry] = []
    previous: float | None = None
    rank = 0
    for position, entry in enumerate(ranked, start=1):
        score = round(entry.improvement_kwh_per_household or 0.0, 6)  # ignore float dust
        if score != previous:
            rank, previous = position, score
        result.append(
            LeaderboardEntry(
                rank,
                *[
                    getattr(entry, f)
                    for f in (
                        "code",
                        "name",
                        "city",
                        "baseline_kwh_per_household",
                        "current_kwh_per_household",
                        "improvement_kwh_per_household",
                        "improvement_pct",
                        "note",
                    )
                ],
            )
        )
    return result + sorted(unranked, key=lambda r: r.code)
