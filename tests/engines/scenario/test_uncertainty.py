"""Monte Carlo: repeatable with a seed, correlated within a group, bands in order."""

import numpy as np
import pytest

from urbis.engines.scenario import (
    Distribution,
    Driver,
    Efficiency,
    FuelSwitch,
    compiled,
    monte_carlo,
    project,
)

from .helpers import scenario

RES = "residential_buildings"


def _uncertain(**kwargs):
    return scenario(
        Efficiency("insulation", 2021, 4, Distribution.uniform(0.5, 1.0, group="renovation"),
                   sector=RES, carrier="natural_gas", cut=Distribution.triangular(0.1, 0.3, 0.4)),
        FuelSwitch("heat pumps", 2022, 5, Distribution.uniform(0.3, 0.9, group="renovation"),
                   sector=RES, from_carrier="natural_gas", to_carrier="electricity",
                   share=0.5, from_efficiency=0.9,
                   to_efficiency=Distribution.normal(3.0, 0.3)),
        drivers=(Driver("households", growth_rate=Distribution.normal(0.005, 0.003)),),
        sector_drivers={RES: "households"},
        **kwargs,
    )


def test_same_seed_same_runs_other_seed_other_runs():
    a = monte_carlo(_uncertain(), samples=500, seed=42)
    b = monte_carlo(_uncertain(), samples=500, seed=42)
    c = monte_carlo(_uncertain(), samples=500, seed=43)
    np.testing.assert_array_equal(a.scenario, b.scenario)
    np.testing.assert_array_equal(a.bau, b.bau)
    assert not np.array_equal(a.scenario, c.scenario)


def test_bands_are_ordered_and_contain_the_median_run():
    mc = monte_carlo(_uncertain(), samples=2000, seed=7)
    p5, p50, p95 = mc.band()
    assert np.all(p5 <= p50) and np.all(p50 <= p95)
    assert np.any(p95 - p5 > 1.0)  # uncertainty spreads
    central = project(_uncertain())
    # The deterministic run uses medians; the Monte Carlo median is close to it.
    assert central.total.at(2030) == pytest.approx(p50[-1], rel=0.03)


def test_without_distributions_every_run_equals_the_deterministic_one():
    sc = scenario(Efficiency("insulation", 2021, 4, sector=RES, carrier="natural_gas", cut=0.3))
    mc = monte_carlo(sc, samples=20, seed=1)
    np.testing.assert_allclose(mc.scenario, np.tile(project(sc).total.values, (20, 1)))


def test_measures_sharing_a_driver_are_correlated():
    comp, _ = compiled(_uncertain(group_correlation=0.8), samples=20000, seed=3)
    v = comp.params.values
    ceilings = [v[f"m{i}:ceiling"] for i in range(2)]
    rho = np.corrcoef(ceilings)[0, 1]
    assert 0.7 < rho < 0.85  # uniform margins through a Gaussian copula of 0.8: about 0.79
    independent = np.corrcoef(v["m0:cut"], v["m0:ceiling"])[0, 1]
    assert abs(independent) < 0.05
    comp0, _ = compiled(_uncertain(group_correlation=0.0), samples=20000, seed=3)
    v0 = comp0.params.values
    assert abs(np.corrcoef(v0["m0:ceiling"], v0["m1:ceiling"])[0, 1]) < 0.05


def test_draws_follow_their_distributions():
    comp, _ = compiled(_uncertain(), samples=40000, seed=11)
    v = comp.params.values
    cut = v["m0:cut"]
    assert cut.min() >= 0.1 and cut.max() <= 0.4
    assert np.mean(cut) == pytest.approx((0.1 + 0.3 + 0.4) / 3, abs=0.003)
    cop = v["m1:to_efficiency"]
    assert np.mean(cop) == pytest.approx(3.0, abs=0.01)
    assert np.std(cop) == pytest.approx(0.3, rel=0.03)


def test_probability_of_meeting_a_level():
    mc = monte_carlo(_uncertain(), samples=1000, seed=5)
    p5, p50, p95 = mc.band()
    fig = mc.probability_at_or_below(2030, float(p50[-1]))
    assert fig.value == pytest.approx(0.5, abs=0.01)
    assert fig.unit == "share of runs" and "1,000 Monte Carlo runs" in fig.how


def test_wedge_bands_sum_to_each_runs_total_and_repeat_with_the_seed():
    mc = monte_carlo(_uncertain(), samples=600, seed=8, wedge_samples=200)
    assert mc.wedges.shape == (2, 200, len(mc.years))
    # Per run, the wedges add up to what that run avoids.
    np.testing.assert_allclose(mc.wedges.sum(axis=0), (mc.bau - mc.scenario)[:200],
                               rtol=1e-10, atol=1e-6)
    low, mid, high = mc.wedge_band()
    assert np.all(low <= mid) and np.all(mid <= high) and np.all(high - low > 0)
    again = monte_carlo(_uncertain(), samples=600, seed=8, wedge_samples=200)
    np.testing.assert_array_equal(again.wedges, mc.wedges)
    assert mc.measures == ("insulation", "heat pumps")
    with pytest.raises(ValueError, match="wedge_samples"):
        monte_carlo(_uncertain(), samples=10, seed=1).wedge_band()
