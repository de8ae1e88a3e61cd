"""Reference: the Covenant of Mayors default emission factors reproduced from their published
derivation, and an inventory computed with them.

Sources (see docs/DATA.md, "Scenario emission factors"):
- IPCC (2006), 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Volume 2 Energy,
  Chapter 2 Stationary Combustion, Table 2.2: default CO2 emission factors in kg CO2/TJ.
- JRC (2010), How to develop a Sustainable Energy Action Plan (SEAP) – Guidebook, Part II
  Baseline Emission Inventory, table of standard emission factors (t CO2/MWh), and Koffi et al.
  (2017), Covenant of Mayors for Climate and Energy: Default emission factors for local emission
  inventories – Version 2017, EUR 28718 EN, doi:10.2760/290197 (LPG). The JRC converts the IPCC
  factors at 3.6 GJ/MWh and publishes them to three decimals.
- Covenant of Mayors SEAP template, technical annex "The emission factors": the local electricity
  emission factor EFE = [(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE.
"""

import pytest

from urbis.engines.scenario import (
    EmissionFactor,
    Inventory,
    factor_rows,
    inventory_emissions,
    local_electricity_factor,
)
from urbis.engines.scenario.factors import TJ_PER_MWH

# Published IPCC 2006 defaults (kg CO2/TJ) and the JRC's published t CO2/MWh for the same fuel.
PUBLISHED = {
    "natural_gas": (56_100, 0.202),
    "liquid_gas": (63_100, 0.227),
    "heating_oil": (74_100, 0.267),
    "diesel": (74_100, 0.267),
    "gasoline": (69_300, 0.249),
    "other_fossil": (77_400, 0.279),  # residual fuel oil
    "lignite": (101_000, 0.364),
    "coal": (94_600, 0.341),  # other bituminous coal
}


@pytest.mark.parametrize("carrier", sorted(PUBLISHED))
def test_jrc_factor_is_the_ipcc_factor_at_3_6_gj_per_mwh(carrier):
    kg_per_tj, jrc = PUBLISHED[carrier]
    assert round(kg_per_tj / 1000 * TJ_PER_MWH, 3) == jrc


def test_shipped_factor_file_holds_the_published_values_with_source_and_edition():
    rows = {r.carrier: r for r in factor_rows()}
    for carrier, (kg_per_tj, jrc) in PUBLISHED.items():
        assert rows[carrier].t_co2_per_mwh == jrc
        assert rows[carrier].ipcc_kg_co2_per_tj == kg_per_tj
        assert rows[carrier].source and rows[carrier].edition
    assert rows["solar_thermal"].t_co2_per_mwh == 0


def test_inventory_emissions_with_the_default_factors():
    inv = Inventory(2005, {
        ("residential_buildings", "natural_gas"): 120_000.0,
        ("residential_buildings", "heating_oil"): 15_000.0,
        ("transport_private_commercial", "gasoline"): 60_000.0,
        ("transport_private_commercial", "diesel"): 80_000.0,
        ("tertiary_buildings", "liquid_gas"): 2_000.0,
    })
    rows = {r.carrier: r for r in factor_rows()}
    factors = [EmissionFactor(c, r.t_co2_per_mwh, source=r.source, edition=r.edition)
               for c, r in rows.items()]
    out = inventory_emissions(inv, factors)
    # 120,000 × 0.202 = 24,240; 15,000 × 0.267 = 4,005; 60,000 × 0.249 = 14,940;
    # 80,000 × 0.267 = 21,360; 2,000 × 0.227 = 454 → 64,999 t CO2.
    assert out[("residential_buildings", "natural_gas")].value == pytest.approx(24_240)
    assert sum(f.value for f in out.values()) == pytest.approx(64_999)
    assert "0.202 t CO2/MWh" in out[("residential_buildings", "natural_gas")].how


def test_local_electricity_factor_of_the_com_template():
    # 100,000 MWh consumed, 10,000 MWh local PV (0 t), national factor 0.4:
    # [(100,000 − 10,000) × 0.4 + 0] / 100,000 = 0.36 t CO2/MWh.
    assert local_electricity_factor(100_000, 10_000, 0.4).value == pytest.approx(0.36)
    # A net exporter carries only its own production's emissions.
    assert local_electricity_factor(1_000, 2_000, 0.4, local_production_t_co2=50).value == \
        pytest.approx(0.025)
