"""Adapter from competition entries to the engine's leaderboard rule
(``urbis.engines.energy.competition.leaderboard``; the rule is documented there and in
docs/ENERGY.md and docs/ENERGY_PLATFORM.md).

In short: each entry's net energy (consumption minus local production, all sectors and
carriers) per household in the season's scoring year is compared with the same figure in its
own baseline year; entries rank by the fall in kWh per household (higher is better), equal
falls share a rank. The household count is the one the team declared for its entry, else the
neighbourhood's official figure; an entry with neither is listed unranked, as is one without
readings in either year.
"""

from __future__ import annotations

from dataclasses import dataclass

from urbis.engines.energy import Entrant, EntrantYear
from urbis.engines.energy import leaderboard as engine_leaderboard


@dataclass(frozen=True)
class Contender:
    entry_id: int
    team: str
    key: str  # unique within the season, e.g. "barcelona:B07"
    baseline_net_kwh: float | None
    scoring_net_kwh: float | None
    households: int | None


@dataclass(frozen=True)
class Standing:
    rank: int | None
    entry_id: int
    team: str
    baseline_per_household_kwh: float | None
    scoring_per_household_kwh: float | None
    improvement_per_household_kwh: float | None
    improvement_pct: float | None
    note: str = ""


def leaderboard(contenders: list[Contender]) -> list[Standing]:
    by_key = {c.key: c for c in contenders}
    entrants = []
    for c in contenders:

        def year(net: float | None, c: Contender = c) -> EntrantYear | None:
            if net is None or not c.households:
                return None
            return EntrantYear(net_kwh=net, households=c.households)

        entrants.append(
            Entrant(
                code=c.key,
                name=c.team,
                city=c.key.split(":", 1)[0],
                baseline=year(c.baseline_net_kwh),
                current=year(c.scoring_net_kwh),
            )
        )
    result = []
    for row in engine_leaderboard(entrants):
        c = by_key[row.code]
        note = row.note
        if row.rank is None and not c.households:
            note = "households unknown: the team has not declared them"
        elif row.rank is None and c.baseline_net_kwh is None:
            note = "no readings in the baseline year"
        elif row.rank is None and c.scoring_net_kwh is None:
            note = "no readings in the scoring year"
        result.append(
            Standing(
                rank=row.rank,
                entry_id=c.entry_id,
                team=c.team,
                baseline_per_household_kwh=row.baseline_kwh_per_household,
                scoring_per_household_kwh=row.current_kwh_per_household,
                improvement_per_household_kwh=row.improvement_kwh_per_household,
                improvement_pct=row.improvement_pct,
                note=note,
            )
        )
    return result
