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
from typing import Any

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
        groups = [v.group for _, v in uncertain]
        pair = scenario.correlations
        names = sorted({g for g in groups if g is not None})
        gid = np.array([names.index(g) if g is not None else -1 for g in groups])
        # Group-to-group correlation: the scenario's within a group, explicit pairs between.
        between = np.eye(len(names)) * scenario.group_correlation
        for (ga, gb), rho in pair.items():
            if ga in names and gb in names:
                between[names.index(ga), names.index(gb)] = rho
                between[names.index(gb), names.index(ga)] = rho
        corr = np.where((gid[:, None] >= 0) & (gid[None, :] >= 0),
                        between[gid[:, None], gid[None, :]], 0.0) if names else np.zeros((p, p))
        np.fill_diagonal(corr, 1.0)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, p))
        # Correlate each block of linked quantities with its own Cholesky factor (the matrix is
        # block-diagonal once ordered by block; most quantities stand alone).
        for block in _blocks(corr):
            if len(block) == 1:
                continue
            sub = corr[np.ix_(block, block)]
            try:
                chol = np.linalg.cholesky(sub)
            except np.linalg.LinAlgError:
                raise ScenarioInputError([
                    ("scenario", "correlations",
                     "the correlations between groups are not a valid correlation matrix")
                ]) from None
            z[:, block] = z[:, block] @ chol.T
        u = ndtr(z)
        for col, (key, d) in enumerate(uncertain):
            self.values[key] = _inverse_cdf(d, z[:, col], u[:, col])


def _blocks(corr: np.ndarray) -> list[list[int]]:
    """Indices of the connected blocks of a correlation matrix (non-zero off-diagonal links)."""
    p = len(corr)
    seen = [False] * p
    out = []
    for start in range(p):
        if seen[start]:
            continue
        stack, block = [start], []
        seen[start] = True
        while stack:
            i = stack.pop()
            block.append(i)
            for j in np.flatnonzero(corr[i]):
                if not seen[j]:
                    seen[j] = True
                    stack.append(int(j))
        out.append(sorted(block))
    return out


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
        elif d.periods is not None:
            comp.driver_paths[d.name] = period_index(d.periods, years)
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


def period_index(periods: Sequence[tuple[int, int, float]], years: np.ndarray) -> np.ndarray:
    """A driver given as growth rates per period, as an index on ``years[0]``: within a period
    (first, last, rate) it grows by (1 + rate) a year; outside every period it is flat. The
    log of the index is Σ log(1 + rate) × the years of the period between years[0] and y."""
    base = years[0]
    log_index = np.zeros(len(years))
    for start, end, rate in periods:
        span = np.clip(np.minimum(years, end) - max(start, base), 0, None)
        log_index += np.log1p(rate) * span
    return np.exp(log_index)


def _ramp(m: Lever, years: np.ndarray) -> np.ndarray:
    """Share of the measure's ceiling reached in each year (0–1)."""
    if m.ramp_years <= 0:
        return (years >= m.start_year).astype(float)
    return np.clip((years - m.start_year + 1) / m.ramp_years, 0.0, 1.0)


@dataclass
class _State:
    """Drawn parameters turned into arrays shared by every evaluation. Cells are kept sparse: only
    the (sector, carrier) cells some measure touches get their own (N, Y) array; the rest of a
    sector moves with its driver (and activity changes) only, so its emissions are precomputed."""

    n: int
    index: np.ndarray  # (S, N, Y) driver index of each sector
    factors: np.ndarray  # (C, N, Y) t CO2/MWh
    ceiling: list[np.ndarray]  # per measure (N,), 0–1
    ramp: list[np.ndarray]  # per measure (Y,), share of the ceiling reached, 0–1
    base_local: float
    touched: list[tuple[int, int]]  # cells with their own array
    untouched_emissions: np.ndarray  # (S, N, Y) t CO2 of untouched cells at driver index 1
    all_emissions: np.ndarray  # (S, N, Y) t CO2 of every cell at driver index 1

    def effect(self, i: int, z: float, value: np.ndarray, out: np.ndarray | None = None
               ) -> np.ndarray:
        """(N, Y): intensity × ceiling × the lever's parameter × the ramp of each year (into
        ``out`` when given: a reused buffer saves allocating, and faulting in, a fresh array)."""
        return np.multiply.outer(z * self.ceiling[i] * value, self.ramp[i], out=out)


def _touched_cells(comp: _Compiled) -> list[tuple[int, int]]:
    cells: set[tuple[int, int]] = set()
    for m in comp.measures:
        if isinstance(m, Efficiency):
            cells.add((comp.s(m.sector), comp.c(m.carrier)))
        elif isinstance(m, FuelSwitch):
            cells.add((comp.s(m.sector), comp.c(m.from_carrier)))
            cells.add((comp.s(m.sector), comp.c(m.to_carrier)))
        elif isinstance(m, ActivityChange):
            cells.add((comp.s(m.to_sector), comp.c(m.to_carrier)))
    return sorted(cells)


def _prepare(comp: _Compiled) -> _State:
    p = comp.params.values
    n = max((len(v) for v in p.values()), default=1)
    years = comp.years
    dy = (years - years[0]).astype(float)
    y_count, s_count, c_count = len(years), len(comp.sectors), len(comp.carriers)
    index = np.ones((s_count, n, y_count))
    for sector, name in comp.scenario.sector_drivers.items():
        if sector not in comp.sectors:
            continue
        if name in comp.driver_keys:
            g = np.broadcast_to(p[comp.driver_keys[name]], (n,))
            index[comp.s(sector)] = np.exp(np.log1p(g)[:, None] * dy[None, :])
        else:
            index[comp.s(sector)] = comp.driver_paths[name][None, :]
    factors = np.zeros((c_count, n, y_count))
    for carrier, (k_value, k_scale) in comp.factor_keys.items():
        ci = comp.c(carrier)
        scale = np.broadcast_to(p[k_scale], (n,))[:, None]
        if carrier in comp.factor_paths:
            factors[ci] = comp.factor_paths[carrier][None, :] * scale
        else:
            factors[ci] = np.broadcast_to(p[k_value], (n,))[:, None] * scale
    ceilings, ramps = [], []
    for m, keys in zip(comp.measures, comp.keys, strict=True):
        ceilings.append(np.clip(np.broadcast_to(p[keys["ceiling"]], (n,)), 0.0, 1.0))
        ramps.append(_ramp(m, years))
    touched = _touched_cells(comp)
    e0_rest = comp.e0.copy()
    for si, ci in touched:
        e0_rest[si, ci] = 0.0
    flat = factors.reshape(c_count, -1)
    untouched = (e0_rest @ flat).reshape(s_count, n, y_count)
    everything = (comp.e0 @ flat).reshape(s_count, n, y_count)
    return _State(n, index, factors, ceilings, ramps,
                  comp.scenario.inventory.local_production_mwh, touched, untouched, everything)


def _param(comp: _Compiled, state: _State, i: int, fld: str, lo=None, hi=None) -> np.ndarray:
    v = np.broadcast_to(comp.params.values[comp.keys[i][fld]], (state.n,))
    if lo is not None or hi is not None:
        v = np.clip(v, lo, hi)
    return v


@dataclass
class _Cells:
    keep: np.ndarray | None  # (S, N, Y) share of each sector's activity kept, or None
    cells: dict[tuple[int, int], np.ndarray]  # touched cells' MWh (N, Y)
    local: np.ndarray  # (N, Y) new local renewable MWh


def _evaluate(comp: _Compiled, state: _State, z: Sequence[float]) -> _Cells:
    """Apply the levers with intensities ``z`` (see the module docstring for the order)."""
    n, y_count = state.n, len(comp.years)
    keep = None
    adds: list[tuple[tuple[int, int], np.ndarray]] = []
    acts = [i for i, m in enumerate(comp.measures) if isinstance(m, ActivityChange) and z[i]]
    if acts:
        keep = np.ones((len(comp.sectors), n, y_count))
        for i in acts:
            m = comp.measures[i]
            assert isinstance(m, ActivityChange)
            fs = comp.s(m.from_sector)
            moved = state.effect(i, z[i], _param(comp, state, i, "share", 0.0, 1.0))
            keep[fs] -= moved
            ratio = _param(comp, state, i, "intensity_ratio", 0.0)[:, None]
            # The sector's business-as-usual activity, in MWh of final energy.
            activity = state.index[fs] * comp.e0[fs].sum()
            adds.append(((comp.s(m.to_sector), comp.c(m.to_carrier)), moved * ratio * activity))
        np.maximum(keep, 0.0, out=keep)
    cells = {}
    for si, ci in state.touched:
        base = state.index[si] * comp.e0[si, ci]
        if keep is not None:
            base *= keep[si]
        cells[(si, ci)] = base
    for key, add in adds:
        cells[key] += add
    scratch = np.empty((n, y_count))
    for i, m in enumerate(comp.measures):
        if isinstance(m, Efficiency) and z[i]:
            state.effect(i, z[i], _param(comp, state, i, "cut", 0.0, 1.0), out=scratch)
            np.subtract(1.0, scratch, out=scratch)
            cells[(comp.s(m.sector), comp.c(m.carrier))] *= scratch
    moves = []
    for i, m in enumerate(comp.measures):
        if isinstance(m, FuelSwitch) and z[i]:
            si = comp.s(m.sector)
            moved = state.effect(i, z[i], _param(comp, state, i, "share", 0.0, 1.0))
            moved *= cells[(si, comp.c(m.from_carrier))]
            ratio = (_param(comp, state, i, "from_efficiency")
                     / _param(comp, state, i, "to_efficiency"))[:, None]
            moves.append(((si, comp.c(m.from_carrier)), (si, comp.c(m.to_carrier)), moved,
                          moved * ratio))
    for a, b, out, into in moves:
        cells[a] -= out
        cells[b] += into
    if moves:
        # Validation keeps the shares of one carrier ≤ 100 %; this only removes rounding dust.
        for arr in cells.values():
            np.maximum(arr, 0.0, out=arr)
    local = np.zeros((n, y_count))
    for i, m in enumerate(comp.measures):
        if isinstance(m, LocalProduction) and z[i]:
            local += state.effect(i, z[i], _param(comp, state, i, "mwh_per_year", 0.0),
                                  out=scratch)
    return _Cells(keep, cells, local)


def _energy(comp: _Compiled, state: _State, z: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Final energy (N, Y, S, C) in MWh with lever intensities ``z``, and the new local renewable
    production (N, Y) in MWh. Dense: for the deterministic run and tests."""
    ev = _evaluate(comp, state, z)
    scale = state.index if ev.keep is None else state.index * ev.keep  # (S, N, Y)
    energy = np.einsum("sny,sc->nysc", scale, comp.e0)
    for (si, ci), arr in ev.cells.items():
        energy[:, :, si, ci] = arr
    return energy, ev.local


def _emissions_total(comp: _Compiled, state: _State, z: Sequence[float]) -> np.ndarray:
    """Total emissions (N, Y) in t CO2, from the sparse cells."""
    elec = state.factors[comp.c("electricity")]
    if not any(z):
        # Business as usual: every cell moves with its sector's driver only.
        total = (state.index * state.all_emissions).sum(axis=0)
        return total - state.base_local * elec
    ev = _evaluate(comp, state, z)
    scale = state.index * state.untouched_emissions
    if ev.keep is not None:
        scale *= ev.keep
    total = scale.sum(axis=0)
    for (_si, ci), arr in ev.cells.items():
        arr *= state.factors[ci]
        total += arr
    return total - (ev.local + state.base_local) * elec


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
    # Business as usual: each sector's driver (None: held at the inventory) and its index on the
    # inventory year (Y, S), the factor by which the driver moved the sector's final energy.
    sector_drivers: tuple[str | None, ...] = ()
    sector_index: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def driver_explanation(self) -> list[dict[str, Any]]:
        """Which driver moved which sector in business as usual: the index in the last year and
        the sector's final energy in the first and the last year (MWh)."""
        out = []
        for k, sector in enumerate(self.sectors):
            first = float(self.bau_energy[0, k].sum())
            last = float(self.bau_energy[-1, k].sum())
            index = float(self.sector_index[-1, k]) if self.sector_index.size else 1.0
            driver = self.sector_drivers[k] if self.sector_drivers else None
            out.append({
                "sector": sector, "driver": driver, "index_last": index,
                "mwh_first": first, "mwh_last": last,
                "how": (f"final energy {self.years[0]} × the index of {driver} in "
                        f"{self.years[-1]} ({index:.4g}) = {last:,.1f} MWh" if driver else
                        "no driver: held at the inventory's final energy"),
            })
        return out

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
    f = state.factors[:, 0, :].T  # (Y, C)
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
                         "measures"),
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
        sector_drivers=tuple(scenario.sector_drivers.get(s) for s in comp.sectors),
        sector_index=state.index[:, 0, :].T.copy(),
    )


@dataclass(frozen=True)
class MonteCarlo:
    """``bau`` and ``scenario`` hold every sample's total emissions (N, Y) in t CO2; ``wedges``,
    when asked for, each measure's Shapley wedge (M, K, Y) for the first K samples."""

    years: tuple[int, ...]
    samples: int
    seed: int | None
    bau: np.ndarray
    scenario: np.ndarray
    measures: tuple[str, ...] = ()
    wedges: np.ndarray | None = None

    def wedge_band(self, q: Sequence[float] = (5, 50, 95), cumulative: bool = True) -> np.ndarray:
        """Percentiles of each measure's wedge over the sampled runs: (len(q), M) of the t CO2
        avoided over the horizon, or (len(q), M, Y) per year with ``cumulative=False``."""
        if self.wedges is None:
            raise ValueError("run monte_carlo(..., wedge_samples=K) to get wedge bands")
        data = self.wedges.sum(axis=2) if cumulative else self.wedges
        return np.percentile(data, q, axis=1)

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


def monte_carlo(
    scenario: Scenario, samples: int = 1000, seed: int | None = None, wedge_samples: int = 0
) -> MonteCarlo:
    """Draw every uncertain number ``samples`` times (correlated within groups) and project
    business as usual and the scenario for all draws at once. The same seed gives the same runs.

    ``wedge_samples`` > 0 also attributes each of the first ``wedge_samples`` runs to the measures
    (exact Shapley per run, as in ``project``), for bands on each wedge; this costs about
    2 × measures × quadrature nodes evaluations of those runs."""
    if samples < 1:
        raise ScenarioInputError([("monte carlo", "samples", "must be ≥ 1")])
    comp = _compile(scenario)
    comp.params.draw(samples, seed, scenario)
    state = _prepare(comp)
    m_count = len(comp.measures)
    bau = _emissions_total(comp, state, [0.0] * m_count)
    result = _emissions_total(comp, state, [1.0] * m_count)
    wedges = None
    if wedge_samples > 0 and m_count:
        k = min(wedge_samples, samples)
        comp.params.values = {key: v[:k] for key, v in comp.params.values.items()}
        wedges = shapley_wedges(comp, _prepare(comp))
    return MonteCarlo(tuple(int(y) for y in comp.years), samples, seed, bau, result,
                      tuple(m.name for m in comp.measures), wedges)


def compiled(scenario: Scenario, samples: int | None = None, seed: int | None = None):
    """The compiled scenario and its drawn state, for tests and benchmarks of the internals."""
    comp = _compile(scenario)
    if samples is None:
        comp.params.draw_central()
    else:
        comp.params.draw(samples, seed, scenario)
    return comp, _prepare(comp)
