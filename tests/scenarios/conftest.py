"""A small Barcelona scenario built through the services."""

from __future__ import annotations

from typing import Any

import pytest

from urbis.places.models import City
from urbis.scenarios import services
from urbis.scenarios.models import EmissionFactor, Inventory, Scenario
from urbis.strategy.models import Indicator, Strategy, Target

CSV = """sector,carrier,energy_mwh,source
residential_buildings,natural_gas,1000000,test
residential_buildings,electricity,800000,test
tertiary_buildings,electricity,900000,test
transport_private_commercial,gasoline,600000,test
transport_private_commercial,diesel,700000,test
"""


@pytest.fixture
def inventory(barcelona: City) -> Inventory:
    return services.import_inventory_csv(None, barcelona, 2020, CSV, operator=True,
                                         source="test rows", is_illustrative=True)


@pytest.fixture
def strategy(barcelona: City) -> Strategy:
    s = Strategy.objects.create(city=barcelona, slug="clima", title="Pla Clima", start_year=2020,
                                end_year=2050, is_published=True)
    ind = Indicator.objects.create(code="test-ghg", name="GHG", unit="Mt CO2e", direction="down",
                                   theme="environment")
    Target.objects.create(strategy=s, title="−30 % by 2030", kind="quantitative", indicator=ind,
                          target_value=0.7, target_year=2030, direction="down")
    return s


@pytest.fixture
def scenario(barcelona: City, inventory: Inventory, strategy: Strategy) -> Scenario:
    # A test path for the grid factor (not a published figure).
    for year, value in ((2020, 0.25), (2040, 0.05)):
        EmissionFactor.objects.create(city=barcelona, carrier="electricity", year=year,
                                      t_co2_per_mwh=value, source="test value")
    sc = Scenario.objects.create(city=barcelona, strategy=strategy, inventory=inventory,
                                 slug="pla-clima", title="Pla Clima", end_year=2040,
                                 is_published=True)
    services.add_measure(None, sc, operator=True, name="Rehabilitació", kind="efficiency",
                         sector="residential_buildings", carrier="natural_gas", value=0.3,
                         value_low=0.2, value_high=0.4, start_year=2022, ramp_years=5,
                         capex_eur=5e7, lifetime_years=30)
    services.add_measure(None, sc, operator=True, name="Bombes de calor", kind="fuel_switch",
                         sector="residential_buildings", carrier="natural_gas",
                         to_carrier="electricity", value=0.4, from_efficiency=0.9,
                         to_efficiency=3.0, start_year=2023, ramp_years=8)
    services.add_measure(None, sc, operator=True, name="Solar", kind="local_production",
                         value=150000, start_year=2021, ramp_years=10)
    return sc


def role_user(make_user: Any, city: City, role: str | None) -> Any:
    return make_user(role, city) if role else None
