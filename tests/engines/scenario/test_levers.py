"""Every lever against numbers worked by hand (inventory year 2020, factors of helpers.py)."""

import numpy as np
import pytest

from urbis.engines.scenario import (
    ActivityChange,
    Cost,
    Driver,
    Efficiency,
    EmissionFactor,
    FuelSwitch,
    LocalProduction,
    Scenario,
    project,
)

from .helpers import DIESEL, ELEC, GAS, GASOLINE, cell, factors, inventory, scenario

RES, GAS_C, EL = "residential_buildings", "natural_gas", "electricity"
CAR, BUS = "transport_private_commercial", "transport_public"


def test_business_as_usual_without_drivers_repeats_the_inventory():
    p = project(scenario())
    expected = 1000 * GAS + 500 * ELEC + 800 * GASOLINE + 200 * DIESEL  # 579.2 t
    assert p.bau_total.values == pytest.approx([expected] * 11)
    assert p.total.values == pytest.approx(p.bau_total.values)
    assert p.bau_total.unit == "t CO2"
    assert "emission factor" in p.bau_total.how


def test_efficiency_ramps_up_to_its_ceiling():
    # 30 % cut, 80 % ceiling, from 2022 over 4 years: 2022 reaches 1/4 of 0.8 × 0.3 = 0.06.
    m = Efficiency("insulation", 2022, 4, 0.8, sector=RES, carrier=GAS_C, cut=0.3)
    p = project(scenario(m))
    assert cell(p, 2021, RES, GAS_C) == pytest.approx(1000)
    assert cell(p, 2022, RES, GAS_C) == pytest.approx(940)
    assert cell(p, 2024, RES, GAS_C) == pytest.approx(1000 * (1 - 0.8 * 0.3 * 3 / 4))  # 820
    assert cell(p, 2025, RES, GAS_C) == pytest.approx(760)
    assert cell(p, 2030, RES, GAS_C) == pytest.approx(760)
    assert p.measures[0].wedge.at(2025) == pytest.approx(240 * GAS)  # 48.48 t


def test_fuel_switch_keeps_useful_energy_gas_boiler_to_heat_pump():
    # Half the gas (boilers at 0.9) to heat pumps with a COP of 3 from 2021.
    m = FuelSwitch("heat pumps", 2021, sector=RES, from_carrier=GAS_C, to_carrier=EL,
                   share=0.5, from_efficiency=0.9, to_efficiency=3.0)
    p = project(scenario(m))
    assert cell(p, 2020, RES, GAS_C) == pytest.approx(1000)
    assert cell(p, 2021, RES, GAS_C) == pytest.approx(500)
    assert cell(p, 2021, RES, EL) == pytest.approx(500 + 150)  # 500 MWh × 0.9 / 3
    # Conservation: useful heat before = after (gas × 0.9 + heat-pump electricity × 3).
    useful_before = 1000 * 0.9
    useful_after = cell(p, 2021, RES, GAS_C) * 0.9 + (cell(p, 2021, RES, EL) - 500) * 3.0
    assert useful_after == pytest.approx(useful_before)
    assert p.measures[0].wedge.at(2021) == pytest.approx(500 * GAS - 150 * ELEC)  # 63.5 t


def test_local_production_is_credited_at_the_grid_factor():
    path = EmissionFactor(EL, ELEC, by_year={2020: 0.30, 2030: 0.10})
    m = LocalProduction("rooftop pv", 2021, 3, mwh_per_year=90.0)
    sc = Scenario(inventory(), factors(path), measures=(m,), end_year=2030)
    p = project(sc)
    # 2021: one third of 90 MWh at the 2021 factor 0.28.
    assert p.measures[0].wedge.at(2021) == pytest.approx(30 * 0.28)
    assert p.measures[0].wedge.at(2025) == pytest.approx(90 * 0.20)
    assert p.bau_total.at(2030) - p.total.at(2030) == pytest.approx(90 * 0.10)


def test_activity_change_moves_vehicle_km_to_public_transport():
    # 20 % of car activity to electric buses needing a quarter of the energy per passenger-km.
    m = ActivityChange("bus lanes", 2024, from_sector=CAR, to_sector=BUS, to_carrier=EL,
                       share=0.2, intensity_ratio=0.25)
    p = project(scenario(m))
    assert cell(p, 2024, CAR, "gasoline") == pytest.approx(640)
    assert cell(p, 2024, CAR, "diesel") == pytest.approx(160)
    assert cell(p, 2024, BUS, EL) == pytest.approx(0.2 * 1000 * 0.25)  # 50 MWh
    assert p.measures[0].wedge.at(2024) == pytest.approx(
        160 * GASOLINE + 40 * DIESEL - 50 * ELEC)


def test_efficiency_then_switch_act_on_what_is_left():
    eff = Efficiency("insulation", 2020, sector=RES, carrier=GAS_C, cut=0.2)
    sw = FuelSwitch("heat pumps", 2020, sector=RES, from_carrier=GAS_C, to_carrier=EL,
                    share=0.5, from_efficiency=0.9, to_efficiency=3.0)
    p = project(scenario(eff, sw))
    assert cell(p, 2020, RES, GAS_C) == pytest.approx(1000 * 0.8 * 0.5)
    assert cell(p, 2020, RES, EL) == pytest.approx(500 + 400 * 0.3)


def test_growth_driver_and_path_driver():
    sc = scenario(drivers=(Driver("households", growth_rate=0.01),
                           Driver("vehicle_km", path={2020: 100.0, 2030: 80.0})),
                  sector_drivers={RES: "households", CAR: "vehicle_km"})
    p = project(sc)
    assert cell(p, 2030, RES, GAS_C, "bau") == pytest.approx(1000 * 1.01**10)
    assert cell(p, 2025, CAR, "gasoline", "bau") == pytest.approx(800 * 0.9)


def test_cost_per_tonne_and_macc():
    cheap = Efficiency("insulation", 2020, sector=RES, carrier=GAS_C, cut=0.5,
                       cost=Cost(capex_eur=0, opex_eur_per_year=1000.0))
    dear = LocalProduction("pv", 2020, mwh_per_year=100.0,
                           cost=Cost(capex_eur=200_000.0, lifetime_years=20))
    sc = scenario(cheap, dear, discount_rate=0.0)
    p = project(sc)
    # insulation: 1,000 €/yr × 11 years ÷ (500 MWh × 0.202 t × 11 years) = 9.90 €/t.
    assert p.measures[0].cost_per_tonne.value == pytest.approx(1000 / (500 * GAS))
    # pv: 200,000 € / 20 years = 10,000 €/yr ÷ (100 MWh × 0.25 t) = 400 €/t.
    assert p.measures[1].cost_per_tonne.value == pytest.approx(400.0)
    assert [b.name for b in p.macc] == ["insulation", "pv"]
    assert p.macc[0].x_end == pytest.approx(500 * GAS * 11)
    assert p.macc[1].x_start == pytest.approx(p.macc[0].x_end)
    assert "capital recovery" in p.measures[1].cost_per_tonne.explain()


def test_cumulative_emissions_are_the_sum_of_the_years():
    m = Efficiency("insulation", 2022, 4, sector=RES, carrier=GAS_C, cut=0.3)
    p = project(scenario(m))
    assert p.cumulative.value == pytest.approx(float(np.sum(p.total.values)))
    assert p.bau_cumulative.value - p.cumulative.value == pytest.approx(
        p.measures[0].cumulative.value)
