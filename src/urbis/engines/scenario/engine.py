"""Projection of a scenario to its end year, each measure's wedge, costs and Monte Carlo bands.

Arrays are laid out (sample, year, sector, carrier); every step is a NumPy operation over whole
arrays — the only Python loops run over measures, parameters and quadrature nodes, never over
samples or years. The method, with the reason for each choice, is in docs/SCENARIOS.md.

How a set of measures acts, in a fixed order so that any subset of measures gives one answer:

1. business as usual: inventory MWh × the sector's driver index for the year;
2. activity changes move a share of a sector's activity (all its carriers) to another sector;
3. efficiency cuts multiply: (1 − a₁·cut₁)(1 − a₂·cut₂)…;
4. fuel switches act together on the energy left after 2–3, keeping the useful energy;
5. local renewable production is credited at the grid electricity factor.

Emissions are MWh × t CO2/MWh per carrier and year. Each lever enters with an intensity zᵢ ∈ [0, 1]
(its effect times zᵢ); the emissions are then a multilinear polynomial in z, which is what makes the
exact Shapley attribution below cheap (Owen's multilinear extension).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.special import ndtr

from .model import (
    CARRIERS,
    SECTORS,
    ActivityChange,
    Distribution,
    Efficiency,
    FuelSwitch,
    Lever,
    LocalProduction,
    Number,
    Scenario,
    ScenarioInputError,
)
from .validate import validate

T_CO2 = "t CO2"
MWH = "MWh"


@dataclass(frozen=True)
class Figure:
    """A computed number with its unit and, in words, how it was computed."""

    value: float | None
    unit: str
    how: str

    def explain(self) -> str:
        shown = "—" if self.value is None else f"{self.value:,.6g}"
        return f"{shown} {self.unit}: {self.how}"


@dataclass(frozen=True)
class Series:
    """A yearly path: ``values[i]`` belongs to ``years[i]``."""

    years: tuple[int, ...]
    values: np.ndarray
    unit: str
    how: str

    def at(self, year: int) -> float:
        return float(self.values[self.years.index(year)])

    def explain(self) -> str:
        return f"{self.unit} per year, {self.years[0]}–{self.years[-1]}: {self.how}"


# ---------------------------------------------------------------------------------------------
# Parameters: every uncertain or fixed number of the scenario, drawn once per sample.


class _Params:
    """Collects the numbers of a scenario; ``values[key]`` is an array of shape (n,)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Number]] = []
        self.values: dict[str, np.ndarray] = {}

    def add(self, key: str, value: Number) -> str:
        self.items.append((key, value))
        return key

    def draw_central(self) -> None:
        for key, value in self.items:
            v = value.central if isinstance(value, Distribution) else float(value)
            self.values[key] = np.array([v])

    def draw(self, n: int, seed: int | None, scenario: Scenario) -> None:
        """Monte Carlo draws; quantities sharing a group are correlated by a Gaussian copula."""
        uncertain = [(k, v) for k, v in self.items if isinstance(v, Distribution)]
        for key, value in self.items:
            if not isinstance(value, Distribution):
                self.values[key] = np.full(n, float(value))
        if not uncertain:
            return
        p = len(uncertain)
        corr = np.eye(p)
        groups = [v.group for _, v in uncertain]
        pair = scenario.correlations
        for i in range(p):
            for j in range(i + 1, p):
                gi, gj = groups[i], groups[j]
                if gi is None or gj is None:
                    continue
                rho = pair.get((gi, gj), pair.get((gj, gi)))
                if rho is None and gi == gj:
                    rho = scenario.group_correlation
                if rho:
                    corr[i, j] = corr[j, i] = rho
        try:
            chol = np.linalg.cholesky(corr)
        except np.linalg.LinAlgError:
            raise ScenarioInputError([
                ("scenario", "correlations",
                 "the correlations between groups are not a valid correlation matrix")
            ]) from None
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, p)) @ chol.T
        u = ndtr(z)
        for col, (key, d) in enumerate(uncertain):
            self.values[key] = _inverse_cdf(d, z[:, col], u[:, col])


def _inverse_cdf(d: Distribution, z: np.ndarray, u: np.ndarray) -> np.ndarray:
    if d.kind == "normal":
        return d.mean + d.sd * np.clip(z, -3.0, 3.0)
    if d.kind == "uniform":
        return d.low + (d.high - d.low) * u
    a, c, b = d.low, d.mode, d.high
    if b == a:
        return np.full_like(u, a)
    fc = (c - a) / (b - a)
    left = a + np.sqrt(u * (b - a) * (c - a))
    right = b - np.sqrt((1 - u) * (b - a) * (b - c))
    return np.where(u < fc, left, right)


# ---------------------------------------------------------------------------------------------
# Compiled scenario: indices and parameter keys, ready for vectorised evaluation.


@dataclass
class _Compiled:
    scenario: Scenario
    years: np.ndarray
    sectors: list[str]
    carriers: list[str]
    e0: np.ndarray  # (S, C) inventory MWh
    params: _Params
    measures: list[Lever]
    keys: list[dict[str, str]] = field(default_factory=list)
    factor_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    factor_paths: dict[str, np.ndarray] = field(default_factory=dict)
    driver_keys: dict[str, str] = field(default_factory=dict)
    driver_paths: dict[str, np.ndarray] = field(default_factory=dict)

    def s(self, sector: str) -> int:
        return self.sectors.index(sector)

    def c(self, carrier: str) -> int:
        return self.carriers.index(carrier)


def _interpolate(points: dict[int, float], years: np.ndarray) -> np.ndarray:
    xs = sorted(points)
    return np.interp(years, xs, [points[x] for x in xs])


def _compile(scenario: Scenario) -> _Compiled:
    validate(scenario)
    inv = scenario.inventory
    present_s = {s for s, _ in inv.energy_mwh}
    present_c = {c for _, c in inv.energy_mwh}
    for m in scenario.measures:
        if isinstance(m, Efficiency):
            present_s.add(m.sector)
            present_c.add(m.carrier)
        elif isinstance(m, FuelSwitch):
            present_s.add(m.sector)
            present_c.update((m.from_carrier, m.to_carrier))
        elif isinstance(m, ActivityChange):
            present_s.update((m.from_sector, m.to_sector))
            present_c.add(m.to_carrier)
    present_c.add("electricity")
    sectors = [s for s in SECTORS if s in present_s]
    carriers = [c for c in CARRIERS if c in present_c]
    e0 = np.zeros((len(sectors), len(carriers)))
    for (s, c), mwh in inv.energy_mwh.items():
        e0[sectors.index(s), carriers.index(c)] += mwh
    years = np.arange(inv.year, scenario.end_year + 1)
    params = _Params()
    comp = _Compiled(scenario, years, sectors, carriers, e0, params, list(scenario.measures))
    for f in scenario.factors:
        if f.carrier not in carriers:
            continue
        comp.factor_keys[f.carrier] = (
            params.add(f"factor:{f.carrier}", f.t_per_mwh),
            params.add(f"factor:{f.carrier}:scale", f.scale),
        )
        if f.by_year:
            comp.factor_paths[f.carrier] = _interpolate(dict(f.by_year), years)
    for d in scenario.drivers:
        if d.growth_rate is not None:
            comp.driver_keys[d.name] = params.add(f"driver:{d.name}", d.growth_rate)
        else:
            path = _interpolate(dict(d.path or {}), years)
            comp.driver_paths[d.name] = path / path[0] if path[0] else path
    for i, m in enumerate(comp.measures):
        keys = {"ceiling": params.add(f"m{i}:ceiling", m.ceiling)}
        for fld in ("cut", "share", "from_efficiency", "to_efficiency", "mwh_per_year",
                    "intensity_ratio"):
            if hasattr(m, fld):
                keys[fld] = params.add(f"m{i}:{fld}", getattr(m, fld))
        comp.keys.append(keys)
    return comp


def _ramp(m: Lever, years: np.ndarray) -> np.ndarray:
    """Share of the measure's ceiling reached in each year (0–1)."""
    if m.ramp_years <= 0:
        return (years >= m.start_year).astype(float)
    return np.clip((years - m.start_year + 1) / m.ramp_years, 0.0, 1.0)


@dataclass
class _State:
    """Drawn parameters turned into arrays shared by every evaluation."""

    n: int
    bau: np.ndarray  # (N, Y, S, C) MWh
    factors: np.ndarray  # (N, Y, C) t CO2/MWh
    adoption: list[np.ndarray]  # per measure (N, Y), 0–1
    base_local: float


def _prepare(comp: _Compiled) -> _State:
    p = comp.params.values
    n = max((len(v) for v in p.values()), default=1)
    years = comp.years
    dy = (years - years[0]).astype(float)
    y_count, s_count, c_count = len(years), len(comp.sectors), len(comp.carriers)
    index = np.ones((n, y_count, s_count))
    for sector, name in comp.scenario.sector_drivers.items():
        if sector not in comp.sectors:
            continue
        if name in comp.driver_keys:
            g = np.broadcast_to(p[comp.driver_keys[name]], (n,))
            index[:, :, comp.s(sector)] = (1.0 + g)[:, None] ** dy[None, :]
        else:
            index[:, :, comp.s(sector)] = comp.driver_paths[name][None, :]
    bau = comp.e0[None, None, :, :] * index[:, :, :, None]
    factors = np.zeros((n, y_count, c_count))
    for carrier, (k_value, k_scale) in comp.factor_keys.items():
        ci = comp.c(carrier)
        scale = np.broadcast_to(p[k_scale], (n,))[:, None]
        if carrier in comp.factor_paths:
            factors[:, :, ci] = comp.factor_paths[carrier][None, :] * scale
        else:
            factors[:, :, ci] = np.broadcast_to(p[k_value], (n,))[:, None] * scale
    adoption = []
    for m, keys in zip(comp.measures, comp.keys, strict=True):
        ceiling = np.clip(np.broadcast_to(p[keys["ceiling"]], (n,)), 0.0, 1.0)
        adoption.append(ceiling[:, None] * _ramp(m, years)[None, :])
    return _State(n, bau, factors, adoption, comp.scenario.inventory.local_production_mwh)


def _param(comp: _Compiled, state: _State, i: int, fld: str, lo=None, hi=None) -> np.ndarray:
    v = np.broadcast_to(comp.params.values[comp.keys[i][fld]], (state.n,))
    if lo is not None or hi is not None:
        v = np.clip(v, lo, hi)
    return v[:, None]


def _energy(comp: _Compiled, state: _State, z: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Final energy (N, Y, S, C) in MWh with lever intensities ``z``, and the local renewable
    production credited (N, Y) in MWh."""
    energy = state.bau.copy()
    n, y_count = state.n, len(comp.years)
    acts = [i for i, m in enumerate(comp.measures) if isinstance(m, ActivityChange) and z[i]]
    if acts:
        activity = state.bau.sum(axis=3)  # (N, Y, S), BAU activity in MWh terms
        keep = np.ones((n, y_count, len(comp.sectors)))
        adds = []
        for i in acts:
            m = comp.measures[i]
            assert isinstance(m, ActivityChange)
            moved = z[i] * state.adoption[i] * _param(comp, state, i, "share", 0.0, 1.0)
            keep[:, :, comp.s(m.from_sector)] -= moved
            ratio = _param(comp, state, i, "intensity_ratio", 0.0)
            adds.append((comp.s(m.to_sector), comp.c(m.to_carrier),
                         moved * ratio * activity[:, :, comp.s(m.from_sector)]))
        energy *= np.clip(keep, 0.0, None)[:, :, :, None]
        for si, ci, add in adds:
            energy[:, :, si, ci] += add
    for i, m in enumerate(comp.measures):
        if isinstance(m, Efficiency) and z[i]:
            cut = z[i] * state.adoption[i] * _param(comp, state, i, "cut", 0.0, 1.0)
            energy[:, :, comp.s(m.sector), comp.c(m.carrier)] *= 1.0 - cut
    moves = []
    for i, m in enumerate(comp.measures):
        if isinstance(m, FuelSwitch) and z[i]:
            si, ca = comp.s(m.sector), comp.c(m.from_carrier)
            share = z[i] * state.adoption[i] * _param(comp, state, i, "share", 0.0, 1.0)
            moved = share * energy[:, :, si, ca]
            ratio = _param(comp, state, i, "from_efficiency") / _param(
                comp, state, i, "to_efficiency")
            moves.append((si, ca, comp.c(m.to_carrier), moved, moved * ratio))
    for si, ca, cb, out, into in moves:
        energy[:, :, si, ca] -= out
        energy[:, :, si, cb] += into
    if moves:
        # Validation keeps the shares of one carrier ≤ 100 %; this only removes rounding dust.
        np.maximum(energy, 0.0, out=energy)
    local = np.zeros((n, y_count))
    for i, m in enumerate(comp.measures):
        if isinstance(m, LocalProduction) and z[i]:
            mwh = _param(comp, state, i, "mwh_per_year", 0.0)
            local += z[i] * state.adoption[i] * mwh
    return energy, local


def _emissions_total(comp: _Compiled, state: _State, z: Sequence[float]) -> np.ndarray:
    """Total emissions (N, Y) in t CO2."""
    energy, local = _energy(comp, state, z)
    total = np.einsum("nysc,nyc->ny", energy, state.factors, optimize=True)
    elec = state.factors[:, :, comp.c("electricity")]
    return total - (local + state.base_local) * elec


def _interaction_degree(comp: _Compiled) -> int:
    """An upper bound on the degree of the emissions polynomial in the lever intensities: every
    product term only holds levers that touch one sector (see the module docstring)."""
    touching = dict.fromkeys(comp.sectors, 0)
    for m in comp.measures:
        if isinstance(m, Efficiency | FuelSwitch):
            touching[m.sector] += 1
        elif isinstance(m, ActivityChange):
            touching[m.from_sector] += 1
            touching[m.to_sector] += 1
    return max([1, *touching.values()])


def shapley_wedges(comp: _Compiled, state: _State) -> np.ndarray:
    """Each measure's share (M, N, Y) of the emissions avoided, in t CO2, by the Shapley value.

    The emissions are multilinear in the lever intensities z, so the Shapley value of measure i
    equals Owen's integral ∫₀¹ [v(zᵢ=1, others=t) − v(zᵢ=0, others=t)] dt. Its integrand is a
    polynomial in t of degree below the interaction degree d, so Gauss–Legendre quadrature with
    ⌊d/2⌋+1 nodes is exact: an exact Shapley value for any number of measures, with 2·M·nodes
    evaluations instead of 2^M."""
    m_count = len(comp.measures)
    if not m_count:
        return np.zeros((0, state.n, len(comp.years)))
    nodes, weights = np.polynomial.legendre.leggauss(_interaction_degree(comp) // 2 + 1)
    nodes, weights = (nodes + 1) / 2, weights / 2
    wedges = np.zeros((m_count, state.n, len(comp.years)))
    for t, w in zip(nodes, weights, strict=True):
        for i in range(m_count):
            z = [float(t)] * m_count
            z[i] = 1.0
            with_i = _emissions_total(comp, state, z)
            z[i] = 0.0
            without_i = _emissions_total(comp, state, z)
            wedges[i] += w * (without_i - with_i)
    return wedges


def shapley_by_subsets(comp: _Compiled, state: _State) -> np.ndarray:
    """The Shapley value from its definition, over all 2^M subsets: for checking (M ≤ ~12)."""
    m_count = len(comp.measures)
    if m_count > 14:
        raise ValueError("enumerating subsets is only for up to 14 measures")
    value = {}
    for mask in range(1 << m_count):
        z = [1.0 if mask >> i & 1 else 0.0 for i in range(m_count)]
        value[mask] = _emissions_total(comp, state, z)
    wedges = np.zeros((m_count, state.n, len(comp.years)))
    fact = [math.factorial(k) for k in range(m_count + 1)]
    for i in range(m_count):
        for mask in range(1 << m_count):
            if mask >> i & 1:
                continue
            k = bin(mask).count("1")
            weight = fact[k] * fact[m_count - k - 1] / fact[m_count]
            wedges[i] += weight * (value[mask] - value[mask | 1 << i])
    return wedges


# ---------------------------------------------------------------------------------------------
# Results.


@dataclass(frozen=True)
class MeasureResult:
    name: str
    kind: str
    wedge: Series  # t CO2 avoided per year, Shapley share
    cumulative: Figure  # t CO2 avoided over the horizon
    annual_cost: Series  # EUR per year
    cost_per_tonne: Figure  # EUR / t CO2


@dataclass(frozen=True)
class MaccBar:
    name: str
    cost_per_tonne: float  # EUR / t CO2
    abatement: float  # t CO2 over the horizon
    x_start: float
    x_end: float


@dataclass(frozen=True)
class Projection:
    years: tuple[int, ...]
    sectors: tuple[str, ...]
    carriers: tuple[str, ...]
    bau_energy: np.ndarray  # (Y, S, C) MWh
    energy: np.ndarray  # (Y, S, C) MWh with all measures
    bau_emissions: np.ndarray  # (Y, S, C) t CO2
    emissions: np.ndarray  # (Y, S, C) t CO2
    local_credit: np.ndarray  # (Y,) t CO2 credited for local production (BAU and new)
    bau_local_credit: np.ndarray  # (Y,) t CO2
    bau_total: Series
    total: Series
    measures: tuple[MeasureResult, ...]
    bau_cumulative: Figure
    cumulative: Figure
    macc: tuple[MaccBar, ...]

    def wedge_sum(self) -> np.ndarray:
        if not self.measures:
            return np.zeros(len(self.years))
        return np.sum([m.wedge.values for m in self.measures], axis=0)


def _crf(rate: float, years: int) -> float:
    """Capital recovery factor: the yearly payment that repays 1 € over ``years`` at ``rate``."""
    if rate == 0:
        return 1.0 / years
    return rate / (1 - (1 + rate) ** -years)


def project(scenario: Scenario) -> Projection:
    """The deterministic run (every uncertain number at its median): energy and emissions by
    sector and carrier to ``end_year`` for business as usual and with all measures, each measure's
    Shapley wedge, cumulative emissions, cost per tonne and the marginal abatement cost curve."""
    comp = _compile(scenario)
    comp.params.draw_central()
    state = _prepare(comp)
    m_count = len(comp.measures)
    years = tuple(int(y) for y in comp.years)
    zero, one = [0.0] * m_count, [1.0] * m_count
    bau_e, bau_local = _energy(comp, state, zero)
    e, local = _energy(comp, state, one)
    f = state.factors[0]
    bau_em = bau_e[0] * f[:, None, :]
    em = e[0] * f[:, None, :]
    elec = f[:, comp.c("electricity")]
    bau_credit = (bau_local[0] + state.base_local) * elec
    credit = (local[0] + state.base_local) * elec
    bau_tot = bau_em.sum(axis=(1, 2)) - bau_credit
    tot = em.sum(axis=(1, 2)) - credit
    how_total = ("Σ over sectors and carriers of final energy (MWh) × the carrier's emission "
                 "factor (t CO2/MWh) for the year, less local renewable electricity × the "
                 "electricity factor")
    wedges = shapley_wedges(comp, state)[:, 0, :] if m_count else np.zeros((0, len(years)))
    results = []
    for i, m in enumerate(comp.measures):
        ramp = _ramp(m, comp.years)
        annual = (m.cost.capex_eur * _crf(scenario.discount_rate, m.cost.lifetime_years)
                  + m.cost.opex_eur_per_year) * ramp
        abated = float(wedges[i].sum())
        cost_total = float(annual.sum())
        if abated > 0:
            cpt = Figure(cost_total / abated, "EUR/t CO2",
                         f"annualised cost {cost_total:,.0f} EUR (capex × capital recovery factor "
                         f"at {scenario.discount_rate:.1%} over {m.cost.lifetime_years} years, "
                         f"plus opex, in step with the ramp-up) ÷ {abated:,.1f} t CO2 avoided, "
                         f"{years[0]}–{years[-1]}")
        else:
            cpt = Figure(None, "EUR/t CO2", "the measure avoids no emissions, so no cost per "
                                            "tonne")
        results.append(MeasureResult(
            name=m.name,
            kind=type(m).__name__,
            wedge=Series(years, wedges[i], T_CO2,
                         "the measure's Shapley share of the emissions avoided against business "
                         "as usual: its average marginal effect over every order of adding the "
                         "measures (docs/SCENARIOS.md)"),
            cumulative=Figure(abated, T_CO2, f"sum of the yearly wedge {years[0]}–{years[-1]}"),
            annual_cost=Series(years, annual, "EUR", "capex × capital recovery factor + opex, "
                                                     "times the share of the ramp-up reached"),
            cost_per_tonne=cpt,
        ))
    macc = []
    x = 0.0
    ranked = [r for r in results if r.cost_per_tonne.value is not None]
    ranked.sort(key=lambda r: (r.cost_per_tonne.value, r.name))
    for r in ranked:
        width = r.cumulative.value or 0.0
        macc.append(MaccBar(r.name, float(r.cost_per_tonne.value or 0.0), width, x, x + width))
        x += width
    return Projection(
        years=years,
        sectors=tuple(comp.sectors),
        carriers=tuple(comp.carriers),
        bau_energy=bau_e[0],
        energy=e[0],
        bau_emissions=bau_em,
        emissions=em,
        local_credit=credit,
        bau_local_credit=bau_credit,
        bau_total=Series(years, bau_tot, T_CO2, "business as usual: " + how_total),
        total=Series(years, tot, T_CO2, "with all measures: " + how_total),
        measures=tuple(results),
        bau_cumulative=Figure(float(bau_tot.sum()), T_CO2,
                              f"business-as-usual emissions summed {years[0]}–{years[-1]}"),
        cumulative=Figure(float(tot.sum()), T_CO2,
                          f"emissions with all measures summed {years[0]}–{years[-1]}"),
        macc=tuple(macc),
    )


@dataclass(frozen=True)
class MonteCarlo:
    """``bau`` and ``scenario`` hold every sample's total emissions (N, Y) in t CO2."""

    years: tuple[int, ...]
    samples: int
    seed: int | None
    bau: np.ndarray
    scenario: np.ndarray

    def band(self, which: str = "scenario", q: Sequence[float] = (5, 50, 95)) -> np.ndarray:
        """Percentiles (len(q), Y) of total emissions; default 5 %, median, 95 %."""
        data = self.bau if which == "bau" else self.scenario
        return np.percentile(data, q, axis=0)

    def probability_at_or_below(self, year: int, t_co2: float, which: str = "scenario") -> Figure:
        data = self.bau if which == "bau" else self.scenario
        share = float(np.mean(data[:, self.years.index(year)] <= t_co2))
        return Figure(share, "share of runs",
                      f"share of the {self.samples:,} Monte Carlo runs whose {year} emissions are "
                      f"at or below {t_co2:,.0f} t CO2")


def monte_carlo(scenario: Scenario, samples: int = 1000, seed: int | None = None) -> MonteCarlo:
    """Draw every uncertain number ``samples`` times (correlated within groups) and project
    business as usual and the scenario for all draws at once. The same seed gives the same runs."""
    if samples < 1:
        raise ScenarioInputError([("monte carlo", "samples", "must be ≥ 1")])
    comp = _compile(scenario)
    comp.params.draw(samples, seed, scenario)
    state = _prepare(comp)
    m_count = len(comp.measures)
    bau = _emissions_total(comp, state, [0.0] * m_count)
    result = _emissions_total(comp, state, [1.0] * m_count)
    return MonteCarlo(tuple(int(y) for y in comp.years), samples, seed, bau, result)


def compiled(scenario: Scenario, samples: int | None = None, seed: int | None = None):
    """The compiled scenario and its drawn state, for tests and benchmarks of the internals."""
    comp = _compile(scenario)
    if samples is None:
        comp.params.draw_central()
    else:
        comp.params.draw(samples, seed, scenario)
    return comp, _prepare(comp)
