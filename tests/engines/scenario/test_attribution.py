"""Wedges: the Shapley attribution sums to the total avoided, equals the Shapley definition over
all subsets, and does not depend on the order in which measures are listed."""

import numpy as np
import pytest

from urbis.engines.scenario import (
    ActivityChange,
    Efficiency,
    EmissionFactor,
    FuelSwitch,
    LocalProduction,
    Scenario,
    compiled,
    project,
    shapley_by_subsets,
    shapley_wedges,
)

from .helpers import factors, inventory

RES, CAR = "residential_buildings", "transport_private_commercial"


def _measures():
    return (
        Efficiency("insulation", 2021, 5, 0.9, sector=RES, carrier="natural_gas", cut=0.3),
        Efficiency("smart meters", 2022, 2, sector=RES, carrier="natural_gas", cut=0.1),
        Efficiency("led", 2021, 3, sector=RES, carrier="electricity", cut=0.2),
        FuelSwitch("heat pumps", 2023, 6, 0.8, sector=RES, from_carrier="natural_gas",
                   to_carrier="electricity", share=0.6, from_efficiency=0.9, to_efficiency=3.2),
        LocalProduction("pv", 2021, 4, mwh_per_year=120.0),
        ActivityChange("tram", 2024, 3, from_sector=CAR, to_sector="transport_public",
                       share=0.15, intensity_ratio=0.2),
        FuelSwitch("e-cars", 2025, 5, 0.7, sector=CAR, from_carrier="gasoline",
                   to_carrier="electricity", share=0.5, from_efficiency=0.25, to_efficiency=0.8),
        Efficiency("eco-driving", 2021, sector=CAR, carrier="diesel", cut=0.05),
    )


def _scenario(measures):
    el = EmissionFactor("electricity", 0.3, by_year={2020: 0.3, 2040: 0.05})
    return Scenario(inventory(), factors(el), measures=tuple(measures), end_year=2040)


def test_wedges_sum_to_the_total_avoided_every_year():
    p = project(_scenario(_measures()))
    avoided = p.bau_total.values - p.total.values
    assert np.abs(avoided).max() > 100  # the measures do something
    np.testing.assert_allclose(p.wedge_sum(), avoided, rtol=1e-12, atol=1e-9)


def test_quadrature_equals_the_shapley_definition_over_all_subsets():
    comp, state = compiled(_scenario(_measures()))
    exact = shapley_by_subsets(comp, state)
    fast = shapley_wedges(comp, state)
    np.testing.assert_allclose(fast, exact, rtol=1e-10, atol=1e-9)


def test_interacting_measures_share_their_overlap_and_order_does_not_matter():
    forward = project(_scenario(_measures()))
    backward = project(_scenario(reversed(_measures())))
    by_name = {m.name: m.wedge.values for m in backward.measures}
    for m in forward.measures:
        np.testing.assert_allclose(m.wedge.values, by_name[m.name], rtol=1e-12, atol=1e-9)


def test_two_identical_cuts_get_equal_shares():
    a = Efficiency("a", 2020, sector=RES, carrier="natural_gas", cut=0.5)
    b = Efficiency("b", 2020, sector=RES, carrier="natural_gas", cut=0.5)
    p = project(_scenario((a, b)))
    # Together: 1000 × (1 − 0.25) = 750 MWh of gas avoided at 0.202, shared equally.
    assert p.measures[0].wedge.at(2020) == pytest.approx(750 * 0.202 / 2)
    assert p.measures[1].wedge.at(2020) == pytest.approx(750 * 0.202 / 2)


def test_many_measures_still_sum_to_the_total():
    # 30 measures across sectors: more than enumeration could do (2^30 subsets).
    ms = []
    for k in range(30):
        sector = (RES, CAR)[k % 2]
        carrier = ("natural_gas", "electricity", "gasoline", "diesel")[k % 4]
        ms.append(Efficiency(f"m{k}", 2021 + k % 7, k % 5, sector=sector, carrier=carrier,
                             cut=0.02 + 0.01 * (k % 3)))
    p = project(_scenario(ms))
    np.testing.assert_allclose(p.wedge_sum(), p.bau_total.values - p.total.values,
                               rtol=1e-10, atol=1e-9)
