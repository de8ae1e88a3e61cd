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
