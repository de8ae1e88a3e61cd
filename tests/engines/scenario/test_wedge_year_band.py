"""Each measure's wedge per year over the Monte Carlo runs: 5 %, median and 95 %."""

import numpy as np

from urbis.engines.scenario import (
    Distribution,
    Driver,
    Efficiency,
    FuelSwitch,
    LocalProduction,
    monte_carlo,
    project,
)

from .helpers import scenario

RES = "residential_buildings"
CARS = "transport_private_commercial"


def _mixed():
    """Two uncertain measures on residential gas (their wedges vary from run to run) and two
    measures with fixed numbers on sectors and carriers nothing uncertain touches."""
    return scenario(
        Efficiency("insulation", 2021, 4, Distribution.uniform(0.5, 1.0, group="renovation"),
                   sector=RES, carrier="natural_gas", cut=Distribution.triangular(0.1, 0.3, 0.4)),
        FuelSwitch("heat pumps", 2022, 5, Distribution.uniform(0.3, 0.9, group="renovation"),
                   sector=RES, from_carrier="natural_gas", to_carrier="electricity",
                   share=0.5, from_efficiency=0.9, to_efficiency=Distribution.normal(3.0, 0.3)),
        Efficiency("eco-driving", 2023, 3, 0.8, sector=CARS, carrier="gasoline", cut=0.1),
        LocalProduction("rooftop solar", 2021, 6, 1.0, mwh_per_year=120.0),
        drivers=(Driver("households", growth_rate=Distribution.normal(0.005, 0.003)),),
        sector_drivers={RES: "households"},
    )


def test_per_year_band_is_ordered_and_repeats_with_the_seed():
    mc = monte_carlo(_mixed(), samples=800, seed=11, wedge_samples=300)
    band = mc.wedge_band(cumulative=False)
    assert band.shape == (3, 4, len(mc.years))
    low, mid, high = band
    assert np.all(low <= mid) and np.all(mid <= high)
    # The uncertain measures have a band of some width once they have started.
    assert np.all(high[:2, -1] - low[:2, -1] > 1.0)
    again = monte_carlo(_mixed(), samples=800, seed=11, wedge_samples=300)
    np.testing.assert_array_equal(again.wedge_band(cumulative=False), band)
    other = monte_carlo(_mixed(), samples=800, seed=12, wedge_samples=300)
    assert not np.array_equal(other.wedge_band(cumulative=False)[:, :2], band[:, :2])
    # The middle year's band is the percentiles of that year's wedge over the attributed runs.
    y = len(mc.years) // 2
    np.testing.assert_allclose(band[:, 0, y], np.percentile(mc.wedges[0, :, y], (5, 50, 95)))

def test_median_of_a_measure_without_uncertainty_is_its_deterministic_wedge():
    spec = _mixed()
    wedges = {m.name: m.wedge.values for m in project(spec).measures}
    mc = monte_carlo(spec, samples=500, seed=3, wedge_samples=500)
    low, mid, high = mc.wedge_band(cumulative=False)
    for k, name in enumerate(mc.measures):
        if name in ("eco-driving", "rooftop solar"):
            np.testing.assert_allclose(mid[k], wedges[name], rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(low[k], wedges[name], rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(high[k], wedges[name], rtol=1e-12, atol=1e-9)
            assert wedges[name][-1] > 0
