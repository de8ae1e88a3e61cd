"""Inputs of the scenario engine: plain, immutable dataclasses.

Units are fixed and written into every field name or docstring: energy in MWh (final energy, as in
the Covenant of Mayors SECAP template), emission factors in t CO2 per MWh, money in euros, years as
calendar years. Nothing here computes; ``engine`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# The SECAP template's sectors (transport split as the issue asks). Keys are stable identifiers.
SECTORS: tuple[str, ...] = (
    "municipal_buildings",
    "tertiary_buildings",
    "residential_buildings",
    "public_lighting",
    "industry",
    "transport_municipal_fleet",
    "transport_public",
    "transport_private_commercial",
    "other",
)

# The SECAP template's energy carriers.
CARRIERS: tuple[str, ...] = (
    "electricity",
    "district_heating",
    "natural_gas",
    "liquid_gas",
    "heating_oil",
    "diesel",
    "gasoline",
    "lignite",
    "coal",
    "other_fossil",
    "plant_oil",
    "biofuel",
    "other_biomass",
    "solar_thermal",
    "geothermal",
)

DISTRIBUTION_KINDS = ("triangular", "normal", "uniform")


class ScenarioInputError(ValueError):
    """Bad input to the engine. ``problems`` lists (where, field, reason); nothing is computed."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        super().__init__(
            "; ".join(f"{where}: {fld}: {reason}" for where, fld, reason in problems)
        )


@dataclass(frozen=True)
class Distribution:
    """An uncertain number.

    - ``triangular``: ``low`` ≤ ``mode`` ≤ ``high``;
    - ``uniform``: between ``low`` and ``high``;
    - ``normal``: ``mean`` and ``sd``; drawn values are cut at mean ± 3 sd so that a bounded
      quantity (a share) can be validated against its largest possible value.

    ``group`` names a shared driver: quantities with the same group are drawn correlated with the
    scenario's ``group_correlation`` (a Gaussian copula)."""

    kind: str
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0
    mean: float = 0.0
    sd: float = 0.0
    group: str | None = None

    @classmethod
    def triangular(cls, low: float, mode: float, high: float, group: str | None = None):
        return cls("triangular", low=low, mode=mode, high=high, group=group)

    @classmethod
    def uniform(cls, low: float, high: float, group: str | None = None):
        return cls("uniform", low=low, high=high, mode=(low + high) / 2, group=group)

    @classmethod
    def normal(cls, mean: float, sd: float, group: str | None = None):
        return cls("normal", mean=mean, sd=sd, group=group)

    @property
    def central(self) -> float:
        """The value used by a deterministic run: the median of the distribution."""
        if self.kind == "normal":
            return self.mean
        if self.kind == "uniform":
            return (self.low + self.high) / 2
        # Median of a triangular distribution.
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return a
        if c >= (a + b) / 2:
            return a + ((b - a) * (c - a) / 2) ** 0.5
        return b - ((b - a) * (b - c) / 2) ** 0.5

    @property
    def lowest(self) -> float:
        return self.mean - 3 * self.sd if self.kind == "normal" else self.low

    @property
    def highest(self) -> float:
        return self.mean + 3 * self.sd if self.kind == "normal" else self.high


Number = float | Distribution


def central(value: Number) -> float:
    return value.central if isinstance(value, Distribution) else float(value)


def highest(value: Number) -> float:
    return value.highest if isinstance(value, Distribution) else float(value)


def lowest(value: Number) -> float:
    return value.lowest if isinstance(value, Distribution) else float(value)


@dataclass(frozen=True)
class Inventory:
    """A baseline (or monitoring) emission inventory's activity data.

    ``energy_mwh`` maps (sector, carrier) to final energy consumption in MWh in ``year``;
    ``local_production_mwh`` is local renewable electricity production in that year (MWh), which
    the Covenant of Mayors method credits at the grid factor."""

    year: int
    energy_mwh: Mapping[tuple[str, str], float]
    local_production_mwh: float = 0.0


@dataclass(frozen=True)
class EmissionFactor:
    """t CO2 per MWh of final energy of one carrier.

    ``by_year`` (electricity, mostly) gives a path; between given years the factor is interpolated
    linearly and outside them held at the nearest given year. ``scale`` multiplies the whole path
    (to carry its uncertainty)."""

    carrier: str
    t_per_mwh: Number
    by_year: Mapping[int, float] | None = None
    scale: Number = 1.0
    source: str = ""
    edition: str = ""


@dataclass(frozen=True)
class Driver:
    """A business-as-usual driver (population, floor area, vehicle-km …) as an index on the base
    year: one of a yearly ``path`` of absolute values (interpolated, held flat beyond), a constant
    yearly ``growth_rate`` (0.01 = +1 %/yr), or growth rates per period, ``periods``:
    (first year, last year, rate) each, following one another (2021–2030 then 2030–2050: a
    shared year ends one period and starts the next); the driver grows by (1 + rate) a year
    within a period and is held flat outside every period."""

    name: str
    growth_rate: Number | None = None
    path: Mapping[int, float] | None = None
    periods: tuple[tuple[int, int, float], ...] | None = None


@dataclass(frozen=True)
class Cost:
    """``capex_eur`` spent as adoption grows (per full adoption), ``opex_eur_per_year`` at full
    adoption, ``lifetime_years`` of the investment, for the annualised cost per tonne."""

    capex_eur: float = 0.0
    opex_eur_per_year: float = 0.0
    lifetime_years: int = 20


@dataclass(frozen=True)
class Measure:
    """What every lever shares: a name (the strategy action's, usually), when it starts, how many
    years it takes to reach its ceiling, the ceiling (share of the lever's full effect reached,
    0–1), and its cost. The adoption in year y is
    ``ceiling × min(1, max(0, (y − start_year + 1) / ramp_years))``, a step when ramp_years is 0.
    """

    name: str
    start_year: int
    ramp_years: int = 0
    ceiling: Number = 1.0
    cost: Cost = field(default_factory=Cost)


@dataclass(frozen=True)
class Efficiency(Measure):
    """Cuts ``cut`` (0–1) of the final energy of ``carrier`` in ``sector``."""

    sector: str = ""
    carrier: str = ""
    cut: Number = 0.0


@dataclass(frozen=True)
class FuelSwitch(Measure):
    """Moves ``share`` (0–1) of the final energy of ``from_carrier`` in ``sector`` to
    ``to_carrier``, keeping the useful energy: MWh of the new carrier =
    MWh moved × ``from_efficiency`` / ``to_efficiency`` (a gas boiler at 0.9 replaced by a heat pump
    with a COP of 3 needs 0.3 MWh of electricity per MWh of gas)."""

    sector: str = ""
    from_carrier: str = ""
    to_carrier: str = ""
    share: Number = 0.0
    from_efficiency: Number = 1.0
    to_efficiency: Number = 1.0


@dataclass(frozen=True)
class LocalProduction(Measure):
    """New local renewable electricity: ``mwh_per_year`` at full adoption, credited at the grid
    electricity factor (the Covenant of Mayors local electricity factor)."""

    mwh_per_year: Number = 0.0


@dataclass(frozen=True)
class ActivityChange(Measure):
    """Moves ``share`` (0–1) of the activity (e.g. vehicle-km) of ``from_sector`` to
    ``to_sector``: the final energy of every carrier of ``from_sector`` falls by ``share``, and
    ``to_sector`` gains the same activity at ``intensity_ratio`` times the energy per unit of
    activity, all as ``to_carrier`` (a car trip moved to an electric tram: ratio about 0.2)."""

    from_sector: str = ""
    to_sector: str = ""
    to_carrier: str = "electricity"
    share: Number = 0.0
    intensity_ratio: Number = 1.0


Lever = Efficiency | FuelSwitch | LocalProduction | ActivityChange


@dataclass(frozen=True)
class Scenario:
    """An inventory, its factors and drivers, and a set of measures, projected to ``end_year``.

    ``sector_drivers`` names the driver that scales each sector's business-as-usual energy (a sector
    without one stays at its inventory value). ``group_correlation`` is the correlation between
    uncertain quantities that share a ``Distribution.group``; ``correlations`` may set it per pair
    of groups. ``discount_rate`` annualises capital costs."""

    inventory: Inventory
    factors: tuple[EmissionFactor, ...]
    measures: tuple[Lever, ...] = ()
    drivers: tuple[Driver, ...] = ()
    sector_drivers: Mapping[str, str] = field(default_factory=dict)
    end_year: int = 2050
    group_correlation: float = 0.7
    correlations: Mapping[tuple[str, str], float] = field(default_factory=dict)
    discount_rate: float = 0.03
