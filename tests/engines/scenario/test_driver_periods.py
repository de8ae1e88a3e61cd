"""A business-as-usual driver given as growth rates per period, worked by hand."""

import numpy as np
import pytest

from urbis.engines.scenario import Driver, ScenarioInputError, project, validate
from urbis.engines.scenario.engine import period_index

from .helpers import cell, scenario

RES = "residential_buildings"
CAR = "transport_private_commercial"
GAS_C = "natural_gas"


def test_periods_worked_by_hand():
    # Households +1.0 %/yr 2020–2030, then +0.3 %/yr 2030–2050; 1,000 MWh of gas in 2020.
    #   2025: 1.01^5 = 1.0510100501
    #   2030: 1.01^10 = 1.1046221254
    #   2040: 1.01^10 × 1.003^10 = 1.1046221254 × 1.0304082571 = 1.1382117590
    #   2050: 1.01^10 × 1.003^20 = 1.1728227947
    sc = scenario(drivers=(Driver("households", periods=((2020, 2030, 0.01),
                                                         (2030, 2050, 0.003))),),
                  sector_drivers={RES: "households"}, end_year=2050)
    p = project(sc)
    assert cell(p, 2020, RES, GAS_C, "bau") == pytest.approx(1000.0)
    assert cell(p, 2025, RES, GAS_C, "bau") == pytest.approx(1051.0100501)
    assert cell(p, 2030, RES, GAS_C, "bau") == pytest.approx(1104.6221254)
    assert cell(p, 2040, RES, GAS_C, "bau") == pytest.approx(1138.2117590)
    assert cell(p, 2050, RES, GAS_C, "bau") == pytest.approx(1172.8227947)
    # A sector no driver names is held at the inventory (the scenario gives no general rate).
    assert cell(p, 2050, CAR, "gasoline", "bau") == pytest.approx(800.0)


def test_one_period_equals_the_constant_rate():
    years = np.arange(2020, 2051)
    by_periods = period_index(((2015, 2050, 0.012),), years)
    assert by_periods == pytest.approx((1.012) ** (years - 2020))


def test_flat_outside_the_periods():
    # Starts after the base year: flat until 2025; ends in 2030: flat after.
    years = np.arange(2020, 2036)
    index = period_index(((2025, 2030, 0.02),), years)
    assert index[:6] == pytest.approx(np.ones(6))
    assert index[10] == pytest.approx(1.02**5) and index[-1] == pytest.approx(1.02**5)


@pytest.mark.parametrize(("periods", "reason"), [
    (((2020, 2030, 0.01), (2032, 2050, 0.0)), "a gap"),
    (((2020, 2030, 0.01), (2028, 2050, 0.0)), "an overlap"),
    (((2030, 2030, 0.01),), "must come before"),
    (((2020, 2050, -1.5),), "above −1"),
    ((), "at least one period"),
])
def test_bad_periods_are_refused_naming_the_period(periods, reason):
    sc = scenario(drivers=(Driver("households", periods=periods),),
                  sector_drivers={RES: "households"}, end_year=2050)
    with pytest.raises(ScenarioInputError) as err:
        validate(sc)
    assert any(w == "driver households" and f.startswith("periods") and reason in r
               for w, f, r in err.value.problems), err.value.problems


def test_two_ways_at_once_refused():
    sc = scenario(drivers=(Driver("households", growth_rate=0.01,
                                  periods=((2020, 2050, 0.01),)),),
                  sector_drivers={RES: "households"})
    with pytest.raises(ScenarioInputError) as err:
        validate(sc)
    assert ("driver households", "growth_rate",
            "give exactly one of a growth rate, a path or periods") in err.value.problems
