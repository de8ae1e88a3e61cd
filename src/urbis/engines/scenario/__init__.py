"""Urbis scenario engine: pure Python and NumPy, no Django.

An emission inventory (final energy by sector and carrier), emission factors, business-as-usual
drivers and measures as levers (efficiency, fuel switch, local renewable production, activity
change) are projected year by year to 2050; each measure's wedge is its exact Shapley share of the
emissions avoided; costs give a cost per tonne and a marginal abatement cost curve; a Monte Carlo
run over uncertain inputs gives bands. Method and choices: docs/SCENARIOS.md.
"""

from .engine import (
    Figure,
    MaccBar,
    MeasureResult,
    MonteCarlo,
    Projection,
    Series,
    compiled,
    monte_carlo,
    project,
    shapley_by_subsets,
    shapley_wedges,
)
from .factors import (
    default_factors,
    factor_rows,
    inventory_emissions,
    local_electricity_factor,
    national_electricity_factor,
    national_factor_rows,
)
from .model import (
    CARRIERS,
    SECTORS,
    ActivityChange,
    Cost,
    Distribution,
    Driver,
    Efficiency,
    EmissionFactor,
    FuelSwitch,
    Inventory,
    LocalProduction,
    Measure,
    Scenario,
    ScenarioInputError,
)
from .validate import validate

__all__ = [
    "CARRIERS",
    "SECTORS",
    "ActivityChange",
    "Cost",
    "Distribution",
    "Driver",
    "Efficiency",
    "EmissionFactor",
    "Figure",
    "FuelSwitch",
    "Inventory",
    "LocalProduction",
    "MaccBar",
    "Measure",
    "MeasureResult",
    "MonteCarlo",
    "Projection",
    "Scenario",
    "ScenarioInputError",
    "Series",
    "compiled",
    "default_factors",
    "factor_rows",
    "inventory_emissions",
    "local_electricity_factor",
    "national_electricity_factor",
    "national_factor_rows",
    "monte_carlo",
    "project",
    "shapley_by_subsets",
    "shapley_wedges",
    "validate",
]
