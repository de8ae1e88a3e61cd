"""Property tests: whatever valid levers are drawn, no energy goes negative and a fuel switch keeps
useful energy."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from urbis.engines.scenario import (
    ActivityChange,
    Efficiency,
    FuelSwitch,
    LocalProduction,
    project,
)

from .helpers import scenario

SECTORS = ["residential_buildings", "transport_private_commercial", "transport_public"]
CARRIERS = ["natural_gas", "electricity", "gasoline", "diesel"]
share = st.floats(0.0, 1.0)
year = st.integers(2020, 2030)


@st.composite
def levers(draw):
    out = []
    switched: dict[tuple[str, str], float] = {}
    moved: dict[str, float] = {}
    for k in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["eff", "switch", "local", "activity"]))
        common = {"name": f"m{k}", "start_year": draw(year),
                  "ramp_years": draw(st.integers(0, 6)), "ceiling": draw(share)}
        if kind == "eff":
            out.append(Efficiency(**common, sector=draw(st.sampled_from(SECTORS)),
                                  carrier=draw(st.sampled_from(CARRIERS)), cut=draw(share)))
        elif kind == "switch":
            sector = draw(st.sampled_from(SECTORS))
            a, b = draw(st.permutations(CARRIERS))[:2]
            room = 1.0 - switched.get((sector, a), 0.0)
            s = draw(st.floats(0.0, max(room, 0.0)))
            switched[(sector, a)] = switched.get((sector, a), 0.0) + s * common["ceiling"]
            out.append(FuelSwitch(**common, sector=sector, from_carrier=a, to_carrier=b, share=s,
                                  from_efficiency=draw(st.floats(0.2, 1.0)),
                                  to_efficiency=draw(st.floats(0.2, 5.0))))
        elif kind == "local":
            out.append(LocalProduction(**common, mwh_per_year=draw(st.floats(0, 5000))))
        else:
            a, b = draw(st.permutations(SECTORS))[:2]
            room = 1.0 - moved.get(a, 0.0)
            s = draw(st.floats(0.0, max(room, 0.0)))
            moved[a] = moved.get(a, 0.0) + s * common["ceiling"]
            out.append(ActivityChange(**common, from_sector=a, to_sector=b,
                                      to_carrier=draw(st.sampled_from(CARRIERS)), share=s,
                                      intensity_ratio=draw(st.floats(0.0, 3.0))))
    return out


@settings(max_examples=60, deadline=None)
@given(levers())
def test_no_lever_creates_negative_energy(measures):
    p = project(scenario(*measures))
    assert np.all(p.energy >= 0)
    assert np.all(p.bau_energy >= 0)
    np.testing.assert_allclose(p.wedge_sum(), p.bau_total.values - p.total.values,
                               rtol=1e-9, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(share, st.floats(0.3, 1.0), st.floats(0.3, 5.0), st.integers(0, 5))
def test_fuel_switch_conserves_useful_energy(s, eta_from, eta_to, ramp):
    sw = FuelSwitch("switch", 2021, ramp, sector="residential_buildings",
                    from_carrier="natural_gas", to_carrier="electricity", share=s,
                    from_efficiency=eta_from, to_efficiency=eta_to)
    p = project(scenario(sw))
    r, g, e = (p.sectors.index("residential_buildings"), p.carriers.index("natural_gas"),
               p.carriers.index("electricity"))
    useful_in = p.bau_energy[:, r, g] * eta_from
    useful_out = p.energy[:, r, g] * eta_from + (p.energy[:, r, e] - p.bau_energy[:, r, e]) * eta_to
    np.testing.assert_allclose(useful_out, useful_in, rtol=1e-12, atol=1e-9)
