"""Bad input: a clear error naming the measure (or row) and the field, and nothing computed."""

import pytest

from urbis.engines.scenario import (
    Distribution,
    Efficiency,
    EmissionFactor,
    FuelSwitch,
    Inventory,
    Scenario,
    ScenarioInputError,
    monte_carlo,
    project,
)

from .helpers import factors, inventory, scenario

RES = "residential_buildings"


def _problems(sc):
    with pytest.raises(ScenarioInputError) as err:
        project(sc)
    return err.value.problems, str(err.value)


def test_unknown_sector_and_carrier_in_an_inventory_row():
    inv = Inventory(2020, {("housing", "natural_gas"): 10.0, (RES, "peat"): 5.0})
    problems, text = _problems(Scenario(inv, factors()))
    assert ("inventory row housing/natural_gas", "sector", "unknown sector 'housing'") in problems
    assert ("inventory row residential_buildings/peat", "carrier", "unknown carrier 'peat'") \
        in problems
    assert "housing" in text


def test_unknown_carrier_in_a_measure_names_measure_and_field():
    m = Efficiency("insulation", 2021, sector=RES, carrier="steam", cut=0.1)
    problems, _ = _problems(scenario(m))
    assert ("measure 'insulation'", "carrier", "unknown carrier 'steam'") in problems


def test_missing_factor_for_a_used_carrier():
    inv = inventory(**{})
    only_gas = (EmissionFactor("natural_gas", 0.202),)
    problems, text = _problems(Scenario(inv, only_gas))
    fields = {(w, f) for w, f, _ in problems}
    assert ("emission factor electricity", "t_per_mwh") in fields
    assert ("emission factor gasoline", "t_per_mwh") in fields
    assert "no emission factor for gasoline" in text


def test_share_above_100_percent():
    m = FuelSwitch("heat pumps", 2021, sector=RES, from_carrier="natural_gas",
                   to_carrier="electricity", share=1.2, to_efficiency=3.0)
    problems, text = _problems(scenario(m))
    assert problems[0][:2] == ("measure 'heat pumps'", "share")
    assert "120 %" in text


def test_uncertain_share_that_may_exceed_100_percent():
    m = Efficiency("insulation", 2021, sector=RES, carrier="natural_gas",
                   cut=Distribution.triangular(0.5, 0.9, 1.1))
    problems, _ = _problems(scenario(m))
    assert problems[0][:2] == ("measure 'insulation'", "cut")


def test_overlapping_fuel_switches_that_switch_more_than_exists():
    a = FuelSwitch("heat pumps", 2021, sector=RES, from_carrier="natural_gas",
                   to_carrier="electricity", share=0.7, to_efficiency=3.0)
    b = FuelSwitch("district heat", 2022, sector=RES, from_carrier="natural_gas",
                   to_carrier="district_heating", share=0.5)
    sc = Scenario(inventory(), factors() + (EmissionFactor("district_heating", 0.1),),
                  measures=(a, b))
    problems, text = _problems(sc)
    assert problems == [("measures 'heat pumps', 'district heat'", "share",
                         "together switch up to 120 % of natural_gas in residential_buildings, "
                         "more than exists (100 %)")]
    # The same two with ceilings that keep them within what exists are accepted.
    ok = Scenario(inventory(), sc.factors, measures=(a, FuelSwitch(
        "district heat", 2022, ceiling=0.6, sector=RES, from_carrier="natural_gas",
        to_carrier="district_heating", share=0.5)))
    assert project(ok).total.values.min() > 0


def test_monte_carlo_refuses_the_same_bad_input():
    m = Efficiency("insulation", 2021, sector=RES, carrier="natural_gas", cut=-0.1)
    with pytest.raises(ScenarioInputError, match="insulation"):
        monte_carlo(scenario(m), samples=10, seed=1)


def test_duplicate_measure_names_and_start_before_inventory():
    a = Efficiency("x", 2019, sector=RES, carrier="natural_gas", cut=0.1)
    b = Efficiency("x", 2021, sector=RES, carrier="electricity", cut=0.1)
    problems, _ = _problems(scenario(a, b))
    fields = {(w, f) for w, f, _ in problems}
    assert ("measure 'x'", "start_year") in fields
    assert ("measure 'x'", "name") in fields


def test_an_impossible_correlation_matrix_is_refused():
    def eff(name, carrier, group):
        return Efficiency(name, 2021, sector=RES, carrier=carrier,
                          cut=Distribution.uniform(0.1, 0.2, group=group))

    sc = scenario(eff("a", "natural_gas", "x"), eff("b", "electricity", "y"),
                  eff("c", "natural_gas", "z"),
                  correlations={("x", "y"): -0.9, ("y", "z"): -0.9, ("x", "z"): -0.9})
    with pytest.raises(ScenarioInputError) as err:
        monte_carlo(sc, samples=10, seed=1)
    assert err.value.problems == [("scenario", "correlations", "the correlations between groups "
                                   "are not a valid correlation matrix")]
