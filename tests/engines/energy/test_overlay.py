"""Area-weighted overlay against hand-worked cases."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from urbis.engines.energy.model import EnergyEngineError
from urbis.engines.energy.overlay import allocate, area_weights, placement


def test_two_squares_over_one_polygon_by_hand():
    # Two target squares side by side: A = [0,1]x[0,1], B = [1,2]x[0,1].
    # The zone is the rectangle [0.5, 2.5] x [0, 1] (surface 2):
    # 0.5 of it in A (share 0.25), 1 in B (0.5), 0.5 outside both (0.25).
    areas = {"A": box(0, 0, 1, 1), "B": box(1, 0, 2, 1)}
    zones = {"Z": box(0.5, 0, 2.5, 1)}
    overlay = area_weights(zones, areas, crs=None)
    assert overlay.weights["Z"] == pytest.approx({"A": 0.25, "B": 0.5})
    assert overlay.outside["Z"] == pytest.approx(0.25)
    assert overlay.zone_area_m2["Z"] == pytest.approx(2.0)
    # 1,200 kWh in the zone: renormalised to the part inside, A gets 400 and B 800.
    kept = allocate({"Z": 1200.0}, placement(overlay))
    assert kept == pytest.approx({"A": 400.0, "B": 800.0})
    assert sum(kept.values()) == pytest.approx(1200.0)
    # Dropping the outside share instead: 300 and 600, 300 lost.
    dropped = allocate({"Z": 1200.0}, placement(overlay, keep_outside=True))
    assert dropped == pytest.approx({"A": 300.0, "B": 600.0})


def test_real_coordinates_use_an_equal_area_projection():
    # Two squares of 0.01° in Barcelona: in lon/lat both have the same "area", but the overlay
    # works in metres. A zone covering exactly the two splits in half either way.
    areas = {"A": box(2.15, 41.38, 2.16, 41.39), "B": box(2.16, 41.38, 2.17, 41.39)}
    overlay = area_weights({"Z": box(2.15, 41.38, 2.17, 41.39)}, areas)
    assert overlay.weights["Z"]["A"] == pytest.approx(0.5, abs=1e-3)
    assert overlay.outside["Z"] == pytest.approx(0.0, abs=1e-4)  # edges projected, not densified
    # 0.02° x 0.01° at 41.4° N is about 1.67 km x 1.11 km.
    assert overlay.zone_area_m2["Z"] == pytest.approx(1.85e6, rel=0.02)


def test_a_zone_in_no_area_is_refused():
    overlay = area_weights({"Z": box(5, 5, 6, 6)}, {"A": box(0, 0, 1, 1)}, crs=None)
    with pytest.raises(EnergyEngineError, match="zone Z lies in no target area"):
        placement(overlay)
