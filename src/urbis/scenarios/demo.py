"""Demo scenarios for Barcelona and Paris, with measures linked to the demo strategies' actions.

Published: each city's whole-city final energy total (demo/data/<city>/energy_annual.csv). NOT
published, and labelled illustrative on the page and in docs/DATA.md: the split of that total by
sector and carrier, the electricity (and Paris district-heating) factor paths, and every
measure's effect and cost. The demo shows how the engine works, not a forecast for either city.
Idempotent: running it twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from urbis.places.models import City
from urbis.scenarios import services
from urbis.scenarios.models import EmissionFactor, Measure, Scenario
from urbis.strategy.models import Action, Strategy

Step = tuple[str, Callable[[], None]]

# Illustrative shares of the published total, by (sector, carrier); each city's adds up to 1.
BARCELONA_SPLIT = {
    ("residential_buildings", "electricity"): 0.18,
    ("residential_buildings", "natural_gas"): 0.12,
    ("tertiary_buildings", "electricity"): 0.20,
    ("tertiary_buildings", "natural_gas"): 0.06,
    ("municipal_buildings", "electricity"): 0.02,
    ("public_lighting", "electricity"): 0.007,
    ("industry", "electricity"): 0.08,
    ("industry", "natural_gas"): 0.08,
    ("transport_private_commercial", "gasoline"): 0.08,
    ("transport_private_commercial", "diesel"): 0.14,
    ("transport_public", "electricity"): 0.013,
    ("transport_public", "diesel"): 0.02,
}
PARIS_SPLIT = {
    ("residential_buildings", "electricity"): 0.14,
    ("residential_buildings", "natural_gas"): 0.14,
    ("residential_buildings", "district_heating"): 0.06,
    ("residential_buildings", "heating_oil"): 0.03,
    ("tertiary_buildings", "electricity"): 0.18,
    ("tertiary_buildings", "natural_gas"): 0.07,
    ("tertiary_buildings", "district_heating"): 0.04,
    ("municipal_buildings", "natural_gas"): 0.015,
    ("municipal_buildings", "electricity"): 0.015,
    ("public_lighting", "electricity"): 0.005,
    ("industry", "electricity"): 0.01,
    ("industry", "natural_gas"): 0.01,
    ("transport_private_commercial", "gasoline"): 0.08,
    ("transport_private_commercial", "diesel"): 0.17,
    ("transport_public", "electricity"): 0.03,
}
ILLUSTRATIVE = "Illustrative demo value, not a published figure"

CITIES: dict[str, dict[str, Any]] = {
    "barcelona": {
        "year": 2017, "total_mwh": 14_995_000, "split": BARCELONA_SPLIT,
        "total_source": "Ajuntament de Barcelona, Pla Clima 'Mitigación' page, 2017 energy data "
                        "of the Agència d'Energia de Barcelona: 14,995 GWh final energy",
        "strategy": "pla-clima",
        "factors": {"electricity": {2017: 0.30, 2030: 0.12, 2050: 0.03}},
        "title": "Pla Clima: mesures modelitzades fins al 2050",
        "measures": [
            {"name": "Zona de Baixes Emissions: menys cotxes", "action": "Zona de Baixes "
             "Emissions Rondes de Barcelona", "kind": "activity_change",
             "sector": "transport_private_commercial", "to_sector": "transport_public",
             "to_carrier": "electricity", "value": 0.10, "value_low": 0.05, "value_high": 0.15,
             "intensity_ratio": 0.3, "start_year": 2020, "ramp_years": 5,
             "uncertainty_group": "mobility", "capex_eur": 2.5e7, "lifetime_years": 15},
            {"name": "Xarxa ciclable: viatges en bicicleta", "action": "Ampliació de la xarxa "
             "ciclable", "kind": "activity_change", "sector": "transport_private_commercial",
             "to_sector": "transport_public", "to_carrier": "electricity", "value": 0.05,
             "value_low": 0.02, "value_high": 0.08, "intensity_ratio": 0.0,
             "start_year": 2019, "ramp_years": 8, "uncertainty_group": "mobility",
             "capex_eur": 4e7, "lifetime_years": 25},
            {"name": "Superilles: pacificació de carrers", "action": "Programa Superilla "
             "Barcelona", "kind": "activity_change", "sector": "transport_private_commercial",
             "to_sector": "transport_public", "to_carrier": "electricity", "value": 0.04,
             "value_low": 0.01, "value_high": 0.07, "intensity_ratio": 0.3,
             "start_year": 2021, "ramp_years": 10, "uncertainty_group": "mobility",
             "capex_eur": 6e7, "lifetime_years": 30},
            {"name": "Solar a les cobertes municipals", "action": "Plaques solars a les "
             "cobertes municipals", "kind": "local_production", "value": 30_000,
             "value_low": 20_000, "value_high": 40_000, "start_year": 2019, "ramp_years": 8,
             "capex_eur": 3e7, "opex_eur_per_year": 3e5, "lifetime_years": 25},
            {"name": "Comunitats energètiques", "action": "Comunitats energètiques als barris",
             "kind": "local_production", "value": 40_000, "value_low": 10_000,
             "value_high": 60_000, "start_year": 2022, "ramp_years": 10,
             "capex_eur": 4e7, "opex_eur_per_year": 4e5, "lifetime_years": 25},
            {"name": "Rehabilitació energètica d'habitatges", "action": None,
             "kind": "efficiency", "sector": "residential_buildings", "carrier": "natural_gas",
             "value": 0.25, "value_low": 0.15, "value_high": 0.35, "start_year": 2020,
             "ramp_years": 15, "capex_eur": 4e8, "lifetime_years": 40},
            {"name": "Bombes de calor als habitatges", "action": None, "kind": "fuel_switch",
             "sector": "residential_buildings", "carrier": "natural_gas",
             "to_carrier": "electricity", "value": 0.5, "value_low": 0.3, "value_high": 0.6,
             "from_efficiency": 0.9, "to_efficiency": 3.0, "start_year": 2022,
             "ramp_years": 20, "capex_eur": 6e8, "lifetime_years": 20},
        ],
    },
    "paris": {
        "year": 2014, "total_mwh": 31_500_000, "split": PARIS_SPLIT,
        "total_source": "Ville de Paris, Bilan du Plan Climat Énergie de Paris 2004-2014: "
                        "31,500 GWh final energy",
        "strategy": "plan-climat",
        "factors": {"electricity": {2014: 0.06, 2030: 0.04, 2050: 0.02},
                    "district_heating": {2014: 0.19, 2050: 0.10}},
        "title": "Plan Climat : mesures modélisées jusqu'en 2050",
        "measures": [
            {"name": "Éco-rénovons Paris : copropriétés", "action": "Éco-rénovons Paris",
             "kind": "efficiency", "sector": "residential_buildings", "carrier": "natural_gas",
             "value": 0.3, "value_low": 0.2, "value_high": 0.4, "start_year": 2016,
             "ramp_years": 15, "capex_eur": 5e8, "lifetime_years": 40},
            {"name": "Rénovation des écoles", "action": "Rénovation énergétique des écoles",
             "kind": "efficiency", "sector": "municipal_buildings", "carrier": "natural_gas",
             "value": 0.4, "value_low": 0.3, "value_high": 0.5, "start_year": 2017,
             "ramp_years": 12, "capex_eur": 2e8, "lifetime_years": 40},
            {"name": "Plan Vélo : report modal", "action": "Plan Vélo",
             "kind": "activity_change", "sector": "transport_private_commercial",
             "to_sector": "transport_public", "to_carrier": "electricity", "value": 0.10,
             "value_low": 0.05, "value_high": 0.15, "intensity_ratio": 0.0,
             "start_year": 2015, "ramp_years": 10, "capex_eur": 1.5e8, "lifetime_years": 25},
            {"name": "Sortie du fioul domestique", "action": None, "kind": "fuel_switch",
             "sector": "residential_buildings", "carrier": "heating_oil",
             "to_carrier": "district_heating", "value": 0.8, "value_low": 0.6,
             "value_high": 0.9, "from_efficiency": 0.85, "to_efficiency": 0.95,
             "start_year": 2018, "ramp_years": 15, "capex_eur": 1e8, "lifetime_years": 30},
        ],
    },
}


def load_city(code: str) -> None:
    spec = CITIES[code]
    city = City.objects.get(code=code)
    rows = "\n".join(
        f"{s},{c},{round(spec['total_mwh'] * share)},{ILLUSTRATIVE} (share of the published total)"
        for (s, c), share in spec["split"].items()
    )
    inventory = city.emission_inventories.filter(kind="bei", year=spec["year"]).first()
    if inventory is None:
        inventory = services.import_inventory_csv(
            None, city, spec["year"], "sector,carrier,energy_mwh,source\n" + rows,
            operator=True, is_illustrative=True,
            source=f"Total: {spec['total_source']}. Split by sector and carrier: illustrative.",
        )
    for carrier, path in spec["factors"].items():
        for year, value in path.items():
            EmissionFactor.objects.get_or_create(
                city=city, carrier=carrier, year=year,
                defaults={"t_co2_per_mwh": value, "source": ILLUSTRATIVE},
            )
    strategy = Strategy.objects.filter(city=city).order_by("-is_published", "pk")
    if spec["strategy"]:
        strategy = strategy.filter(slug=spec["strategy"])
    strat = strategy.first()
    scenario, _ = Scenario.objects.get_or_create(
        city=city, slug="plan-2050",
        defaults={"title": spec["title"], "inventory": inventory, "strategy": strat,
                  "end_year": 2050, "population_growth": 0.002, "is_published": True},
    )
    for order, m in enumerate(spec["measures"]):
        if Measure.objects.filter(scenario=scenario, name=m["name"]).exists():
            continue
        fields = {k: v for k, v in m.items() if k != "action"}
        action = None
        if m["action"] and strat is not None:
            action = Action.objects.filter(strategy__city=city, title=m["action"]).first()
        services.add_measure(None, scenario, operator=True, action=action, order=order,
                             **fields)
    if not scenario.runs.exists():
        services.run_scenario(None, scenario, samples=1000, seed=2026, operator=True)


def steps() -> list[Step]:
    return [
        ("Barcelona: emission scenario (illustrative inventory split)",
         partial(load_city, "barcelona")),
        ("Paris: emission scenario (illustrative inventory split)", partial(load_city, "paris")),
    ]
