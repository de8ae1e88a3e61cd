"""The Energy-Neutral Neighbourhoods leaderboard rule, as a pure function (no Django).

Rule (docs/ENERGY_PLATFORM.md, "Leaderboard rule"):

1. For each entry, its **net energy** in a year is consumption minus local production, all
   sectors and carriers, in kWh (the neighbourhood balance of docs/ENERGY.md).
2. It is divided by the entry's **households** (declared by the team, else the neighbourhood's
   official figure); where no household count is known, by its residents (official
   population), and the board says so. This makes a big and a small neighbourhood comparable.
3. The **improvement** is the fall of that figure from the season's baseline year to its
   scoring year, relative to the baseline: ``(base - now) / |base| × 100 %``. Each entrant is
   measured against its own baseline, so a neighbourhood that starts far from neutral is not
   punished for it, and one that is already close must still move.
4. Entries rank by improvement (highest first); ties by the absolute fall per household, then
   by team name. An entry without readings in either year, or without any denominator, is
   listed unranked with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Contender:
    entry_id: int
    team: str
    area_code: str
    baseline_net_kwh: float | None
    scoring_net_kwh: float | None
    households: int | None
    residents: int | None


@dataclass(frozen=True)
class Standing:
    rank: int | None
    entry_id: int
    team: str
    area_code: str
    per: str | None  # "household", "resident" or "neighbourhood"
    baseline_per_unit_kwh: float | None
    scoring_per_unit_kwh: float | None
    improvement_pct: float | None
    reduction_per_unit_kwh: float | None
    note: str = ""


def leaderboard(contenders: list[Contender]) -> list[Standing]:
    ranked: list[Standing] = []
    unranked: list[Standing] = []
    for c in contenders:
        if c.households:
            per, units = "household", c.households
        elif c.residents:
            per, units = "resident", c.residents
        else:
            # The ranking key is relative to the entry's own baseline, so with one count for
            # both years the count cancels out; the totals still rank fairly.
            per, units = "neighbourhood", 1
        if c.baseline_net_kwh is None or c.scoring_net_kwh is None:
            missing = "baseline" if c.baseline_net_kwh is None else "scoring"
            unranked.append(_unranked(c, f"no readings in the {missing} year", per))
            continue
        base = c.baseline_net_kwh / units
        now = c.scoring_net_kwh / units
        if base == 0:
            unranked.append(_unranked(c, "net energy was zero in the baseline year", per))
            continue
        ranked.append(
            Standing(
                rank=None,
                entry_id=c.entry_id,
                team=c.team,
                area_code=c.area_code,
                per=per,
                baseline_per_unit_kwh=base,
                scoring_per_unit_kwh=now,
                improvement_pct=(base - now) / abs(base) * 100.0,
                reduction_per_unit_kwh=base - now,
            )
        )
    ranked.sort(
        key=lambda s: (-(s.improvement_pct or 0.0), -(s.reduction_per_unit_kwh or 0.0), s.team)
    )
    result = []
    for position, standing in enumerate(ranked, start=1):
        result.append(
            Standing(**{**standing.__dict__, "rank": position})
        )
    return result + sorted(unranked, key=lambda s: s.team)


def _unranked(c: Contender, note: str, per: str | None = None) -> Standing:
    return Standing(
        rank=None,
        entry_id=c.entry_id,
        team=c.team,
        area_code=c.area_code,
        per=per,
        baseline_per_unit_kwh=None,
        scoring_per_unit_kwh=None,
        improvement_pct=None,
        reduction_per_unit_kwh=None,
        note=note,
    )
