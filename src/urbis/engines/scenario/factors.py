"""Emission factors shipped as data, and the inventory's emissions (the BEI calculation)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .engine import T_CO2, Figure
from .model import CARRIERS, EmissionFactor, Inventory, ScenarioInputError, central

DATA = Path(__file__).with_name("data")
# 1 MWh = 3.6 GJ = 0.0036 TJ: how the JRC turns IPCC factors (kg CO2/TJ) into t CO2/MWh.
TJ_PER_MWH = 0.0036


@dataclass(frozen=True)
class FactorRow:
    carrier: str
    fuel: str
    t_co2_per_mwh: float
    ipcc_kg_co2_per_tj: float | None
    approach: str
    gas: str
    source: str
    edition: str


def factor_rows(path: Path | None = None) -> list[FactorRow]:
    """The rows of a factor file (default: the shipped CoM/IPCC default factors)."""
    path = path or DATA / "emission_factors.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            if row["carrier"] not in CARRIERS:
                raise ScenarioInputError([(f"{path.name} row {number}", "carrier",
                                           f"unknown carrier {row['carrier']!r}")])
            try:
                value = float(row["t_co2_per_mwh"])
                ipcc = float(row["ipcc_kg_co2_per_tj"]) if row["ipcc_kg_co2_per_tj"] else None
            except ValueError:
                raise ScenarioInputError([(f"{path.name} row {number}", "t_co2_per_mwh",
                                           "not a number")]) from None
            rows.append(FactorRow(row["carrier"], row["fuel"], value, ipcc, row["approach"],
                                  row["gas"], row["source"], row["edition"]))
    return rows


def default_factors(electricity: EmissionFactor | None = None) -> tuple[EmissionFactor, ...]:
    """The shipped default factors as engine inputs; electricity must come from the caller
    (national factors differ by country and year)."""
    out = [EmissionFactor(r.carrier, r.t_co2_per_mwh, source=r.source, edition=r.edition)
           for r in factor_rows()]
    if electricity is not None:
        out.append(electricity)
    return tuple(out)


def inventory_emissions(
    inventory: Inventory, factors: Iterable[EmissionFactor]
) -> dict[tuple[str, str], Figure]:
    """t CO2 per (sector, carrier) of an inventory: MWh × factor for the inventory's year; a used
    carrier without a factor is an error naming the row."""
    by_carrier: Mapping[str, EmissionFactor] = {f.carrier: f for f in factors}
    problems = []
    out = {}
    for (sector, carrier), mwh in inventory.energy_mwh.items():
        f = by_carrier.get(carrier)
        if f is None:
            problems.append((f"inventory row {sector}/{carrier}", "carrier",
                             f"no emission factor for {carrier}"))
            continue
        if f.by_year:
            years = sorted(f.by_year)
            year = min(years, key=lambda y: abs(y - inventory.year))
            value = f.by_year[year] * central(f.scale)
            note = f"{year} value"
        else:
            value = central(f.t_per_mwh) * central(f.scale)
            note = "constant"
        out[(sector, carrier)] = Figure(
            mwh * value, T_CO2,
            f"{mwh:,.6g} MWh × {value:.4g} t CO2/MWh ({carrier}, {note}; {f.source or 'no source'}"
            f"{', ' + f.edition if f.edition else ''})",
        )
    if problems:
        raise ScenarioInputError(problems)
    return out


def local_electricity_factor(
    total_consumption_mwh: float,
    local_production_mwh: float,
    national_factor: float,
    green_purchases_mwh: float = 0.0,
    local_production_t_co2: float = 0.0,
    green_purchases_t_co2: float = 0.0,
) -> Figure:
    """The Covenant of Mayors local electricity factor (SEAP template, technical annex "The emission
    factors"): EFE = [(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE, and for a net exporter
    (LPE + GEP > TCE) EFE = (CO2LPE + CO2GEP) / (LPE + GEP)."""
    tce, lpe, gep = total_consumption_mwh, local_production_mwh, green_purchases_mwh
    if lpe + gep > tce:
        value = (local_production_t_co2 + green_purchases_t_co2) / (lpe + gep)
        how = "net exporter: (CO2LPE + CO2GEP) / (LPE + GEP)"
    else:
        value = ((tce - lpe - gep) * national_factor + local_production_t_co2
                 + green_purchases_t_co2) / tce
        how = "[(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE"
    return Figure(value, "t CO2/MWh", how + " (Covenant of Mayors SEAP template, technical annex)")


@dataclass(frozen=True)
class NationalFactor:
    country: str
    year: int
    t_co2e_per_mwh: float
    basis: str
    publisher: str
    document: str
    read_from: str
    verification: str
    licence: str

    @property
    def citation(self) -> str:
        return f"{self.publisher}, {self.document} ({self.year}; {self.verification})"


def national_factor_rows(path: Path | None = None) -> list[NationalFactor]:
    """The shipped national electricity factors: only figures found published, each with where
    it was read (docs/DATA.md). A country or year not in the file has no figure."""
    path = path or DATA / "national_electricity_factors.csv"
    rows: list[NationalFactor] = []
    problems = []
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh), start=2):
            where = f"{path.name} row {number}"
            country = (row.get("country") or "").strip()
            if len(country) != 2 or not country.isalpha() or not country.isupper():
                problems.append((where, "country", f"not an ISO 3166-1 alpha-2 code: {country!r}"))
            try:
                year = int(row.get("year") or "")
                value = float(row.get("t_co2e_per_mwh") or "")
            except ValueError:
                problems.append((where, "t_co2e_per_mwh", "year or value is not a number"))
                continue
            if not 0 <= value < 2:
                problems.append((where, "t_co2e_per_mwh", f"{value} is outside 0–2 t/MWh"))
            for fld in ("publisher", "document", "read_from", "licence"):
                if not (row.get(fld) or "").strip():
                    problems.append((where, fld, "missing: every figure names its source"))
            rows.append(NationalFactor(country, year, value, row["basis"], row["publisher"],
                                       row["document"], row["read_from"], row["verification"],
                                       row["licence"]))
    seen = set()
    for r in rows:
        if (r.country, r.year) in seen:
            problems.append((path.name, "year", f"{r.country} {r.year} given twice"))
        seen.add((r.country, r.year))
    if problems:
        raise ScenarioInputError(problems)
    return rows


#: Published yearly series (one value per country and year, one basis for all its years); a
#: country in it takes its factor from it rather than from the single figures above.
YEARLY_SERIES = DATA / "national_electricity_intensity_yearly.csv"


def national_electricity_factor(country: str,
                                path: Path | None = None) -> EmissionFactor | None:
    """The country's shipped electricity factor as a path over the years published (held at
    the nearest published year outside them), or None when nothing was found published.
    Without ``path``: the yearly series where it covers the country (one source and basis for
    every year), else the single published figures."""
    if path is None:
        mine = [r for r in national_factor_rows(YEARLY_SERIES) if r.country == country.upper()]
        if not mine:
            mine = [r for r in national_factor_rows() if r.country == country.upper()]
    else:
        mine = [r for r in national_factor_rows(path) if r.country == country.upper()]
    if not mine:
        return None
    mine.sort(key=lambda r: r.year)
    cited: dict[tuple[str, str, str], list[int]] = {}
    for r in mine:
        cited.setdefault((r.publisher, r.document, r.verification), []).append(r.year)
    return EmissionFactor(
        "electricity", mine[-1].t_co2e_per_mwh,
        by_year={r.year: r.t_co2e_per_mwh for r in mine},
        source="national factor: " + "; ".join(
            f"{publisher}, {document} ({_years(years)}; {verification})"
            for (publisher, document, verification), years in cited.items()),
        edition=_years([r.year for r in mine]),
    )


def _years(years: list[int]) -> str:
    """2015; 2005–2024 for an unbroken run; else the years listed."""
    ys = sorted(years)
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(str(y) for y in ys)
