"""Checks on a scenario before anything is computed: every problem names the measure (or inventory
row, factor, driver) and the field, and all problems are reported together."""

from __future__ import annotations

import math
from collections import defaultdict

from .model import (
    CARRIERS,
    DISTRIBUTION_KINDS,
    SECTORS,
    ActivityChange,
    Distribution,
    Efficiency,
    FuelSwitch,
    LocalProduction,
    Number,
    Scenario,
    ScenarioInputError,
    highest,
    lowest,
)


def _check_number(problems, where: str, fld: str, value: Number, lo: float, hi: float | None):
    if isinstance(value, Distribution):
        d = value
        if d.kind not in DISTRIBUTION_KINDS:
            problems.append((where, fld, f"unknown distribution {d.kind!r}"))
            return
        if d.kind == "triangular" and not d.low <= d.mode <= d.high:
            problems.append((where, fld, "a triangular distribution needs low ≤ mode ≤ high"))
            return
        if d.kind == "uniform" and not d.low <= d.high:
            problems.append((where, fld, "a uniform distribution needs low ≤ high"))
            return
        if d.kind == "normal" and d.sd < 0:
            problems.append((where, fld, "a normal distribution needs sd ≥ 0"))
            return
    low, high = lowest(value), highest(value)
    if low < lo:
        problems.append((where, fld, f"may be {low:g}, below the smallest allowed value {lo:g}"))
    if hi is not None and high > hi:
        what = f"{high * 100:g} %" if hi == 1 else f"{high:g}"
        problems.append((where, fld, f"may be {what}, above the largest allowed value {hi:g}"))


def validate(scenario: Scenario) -> None:
    """Raise ``ScenarioInputError`` listing every problem, or return None."""
    problems: list[tuple[str, str, str]] = []
    inv = scenario.inventory
    used: set[str] = set()
    for (sector, carrier), mwh in inv.energy_mwh.items():
        where = f"inventory row {sector}/{carrier}"
        if sector not in SECTORS:
            problems.append((where, "sector", f"unknown sector {sector!r}"))
        if carrier not in CARRIERS:
            problems.append((where, "carrier", f"unknown carrier {carrier!r}"))
        if not mwh >= 0:
            problems.append((where, "energy_mwh", f"must be a number ≥ 0, not {mwh!r}"))
        if mwh:
            used.add(carrier)
    if not inv.local_production_mwh >= 0:
        problems.append(("inventory", "local_production_mwh", "must be ≥ 0"))
    if inv.local_production_mwh:
        used.add("electricity")
    if scenario.end_year <= inv.year:
        problems.append(("scenario", "end_year", f"must be after the inventory year {inv.year}"))

    factor_carriers: set[str] = set()
    for f in scenario.factors:
        where = f"emission factor {f.carrier}"
        if f.carrier not in CARRIERS:
            problems.append((where, "carrier", f"unknown carrier {f.carrier!r}"))
        if f.carrier in factor_carriers:
            problems.append((where, "carrier", "given twice"))
        factor_carriers.add(f.carrier)
        _check_number(problems, where, "t_per_mwh", f.t_per_mwh, 0, None)
        _check_number(problems, where, "scale", f.scale, 0, None)
        for year, value in (f.by_year or {}).items():
            if not value >= 0:
                problems.append((where, f"by_year[{year}]", "must be ≥ 0"))

    drivers = {d.name: d for d in scenario.drivers}
    for d in scenario.drivers:
        where = f"driver {d.name}"
        given = [x is not None for x in (d.growth_rate, d.path, d.periods)]
        if sum(given) != 1:
            problems.append((where, "growth_rate",
                             "give exactly one of a growth rate, a path or periods"))
        if d.periods is not None:
            _check_periods(problems, where, d.periods)
        if d.growth_rate is not None:
            _check_number(problems, where, "growth_rate", d.growth_rate, -1, None)
        if d.path is not None and not any(v > 0 for v in d.path.values()):
            problems.append((where, "path", "needs at least one value > 0"))
        elif d.path is not None:
            if any(not v >= 0 for v in d.path.values()):
                problems.append((where, "path", "a value is negative or not a number"))
            else:
                # The index divides by the path's value in the inventory's year (the nearest
                # given year's value outside the path): it must be > 0.
                years = sorted(d.path)
                base = scenario.inventory.year
                if base <= years[0] or base >= years[-1]:
                    at_base = d.path[years[0] if base <= years[0] else years[-1]]
                else:
                    low = max(y for y in years if y <= base)
                    high = min(y for y in years if y >= base)
                    share = 0.0 if high == low else (base - low) / (high - low)
                    at_base = d.path[low] + share * (d.path[high] - d.path[low])
                if not at_base > 0:
                    problems.append((where, "path",
                                     f"the value in the inventory's year {base} must be > 0"))
    for sector, name in scenario.sector_drivers.items():
        if sector not in SECTORS:
            problems.append((f"sector driver {sector}", "sector", f"unknown sector {sector!r}"))
        if name not in drivers:
            problems.append((f"sector driver {sector}", "driver", f"unknown driver {name!r}"))

    names: set[str] = set()
    switched: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    shifted: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for m in scenario.measures:
        where = f"measure {m.name!r}"
        if not m.name:
            problems.append(("measure", "name", "is empty"))
        if m.name in names:
            problems.append((where, "name", "two measures have this name"))
        names.add(m.name)
        if m.ramp_years < 0:
            problems.append((where, "ramp_years", "must be ≥ 0"))
        if m.start_year < inv.year:
            problems.append((where, "start_year", f"is before the inventory year {inv.year}"))
        _check_number(problems, where, "ceiling", m.ceiling, 0, 1)
        if m.cost.lifetime_years < 1:
            problems.append((where, "cost.lifetime_years", "must be ≥ 1"))
        if isinstance(m, Efficiency):
            _check_sector_carrier(problems, where, "sector", m.sector, "carrier", m.carrier)
            _check_number(problems, where, "cut", m.cut, 0, 1)
            used.add(m.carrier)
        elif isinstance(m, FuelSwitch):
            _check_sector_carrier(problems, where, "sector", m.sector, "from_carrier",
                                  m.from_carrier)
            _check_sector_carrier(problems, where, None, m.sector, "to_carrier", m.to_carrier)
            if m.from_carrier == m.to_carrier:
                problems.append((where, "to_carrier", "is the same as from_carrier"))
            _check_number(problems, where, "share", m.share, 0, 1)
            for fld in ("from_efficiency", "to_efficiency"):
                value = getattr(m, fld)
                _check_number(problems, where, fld, value, 0, None)
                if lowest(value) <= 0:
                    problems.append((where, fld, "must be > 0"))
            used.update((m.from_carrier, m.to_carrier))
            switched[(m.sector, m.from_carrier)].append(
                (m.name, highest(m.share) * highest(m.ceiling))
            )
        elif isinstance(m, ActivityChange):
            _check_sector_carrier(problems, where, "from_sector", m.from_sector, None, None)
            _check_sector_carrier(problems, where, "to_sector", m.to_sector, "to_carrier",
                                  m.to_carrier)
            if m.from_sector == m.to_sector:
                problems.append((where, "to_sector", "is the same as from_sector"))
            _check_number(problems, where, "share", m.share, 0, 1)
            _check_number(problems, where, "intensity_ratio", m.intensity_ratio, 0, None)
            used.add(m.to_carrier)
            shifted[m.from_sector].append((m.name, highest(m.share) * highest(m.ceiling)))
        elif isinstance(m, LocalProduction):
            _check_number(problems, where, "mwh_per_year", m.mwh_per_year, 0, None)
            used.add("electricity")
        else:
            problems.append((where, "kind", f"unknown lever {type(m).__name__}"))

    for (sector, carrier), items in switched.items():
        total = sum(s for _, s in items)
        if len(items) > 1 and total > 1 + 1e-9:
            who = ", ".join(repr(n) for n, _ in items)
            problems.append((
                f"measures {who}", "share",
                f"together switch up to {total * 100:.4g} % of {carrier} in {sector}, "
                "more than exists (100 %)",
            ))
    for sector, items in shifted.items():
        total = sum(s for _, s in items)
        if len(items) > 1 and total > 1 + 1e-9:
            who = ", ".join(repr(n) for n, _ in items)
            problems.append((
                f"measures {who}", "share",
                f"together move up to {total * 100:.4g} % of the activity of {sector}, "
                "more than exists (100 %)",
            ))
    for carrier in sorted(used - factor_carriers):
        if carrier in CARRIERS:
            problems.append((f"emission factor {carrier}", "t_per_mwh",
                             f"no emission factor for {carrier}, which the scenario uses"))
    if not (-1 < scenario.group_correlation < 1):
        problems.append(("scenario", "group_correlation", "must be between -1 and 1"))
    if problems:
        raise ScenarioInputError(problems)


def _check_sector_carrier(problems, where, sector_field, sector, carrier_field, carrier):
    if sector_field and sector not in SECTORS:
        problems.append((where, sector_field, f"unknown sector {sector!r}"))
    if carrier_field and carrier not in CARRIERS:
        problems.append((where, carrier_field, f"unknown carrier {carrier!r}"))


def _check_periods(problems: list[tuple[str, str, str]], where: str,
                   periods: tuple[tuple[int, int, float], ...]) -> None:
    """Each period runs forward with a rate above −100 %/yr; periods follow one another in
    order (the next starts where the last ended: no gap, no overlap)."""
    if not periods:
        problems.append((where, "periods", "give at least one period"))
    for k, (start, end, rate) in enumerate(periods):
        if not start < end:
            problems.append((where, f"periods[{k}]", f"{start}–{end}: the first year must come "
                                                     "before the last"))
        if not (rate > -1 and math.isfinite(rate)):
            problems.append((where, f"periods[{k}]", "the rate must be a number above −1"))
        if k and start != periods[k - 1][1]:
            kind = "a gap" if start > periods[k - 1][1] else "an overlap"
            problems.append((where, f"periods[{k}]",
                             f"starts in {start}, {kind} after the period ending in "
                             f"{periods[k - 1][1]}: periods must follow one another"))
