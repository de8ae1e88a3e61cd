"""The city's area index is kept between requests (``energy.engine.area_index``): its
boundaries stay GeoJSON text, not nested lists, so that the garbage collector has nothing
of them to walk (a city's outlines were about 70,000 lists in every full collection)."""

from __future__ import annotations

import gc
import json
from typing import Any

import shapely

from urbis.energy import engine
from urbis.places.models import Area


def test_index_keeps_boundaries_as_text_and_places_points_as_before(barcelona: Any) -> None:
    engine.forget(barcelona)
    index = engine.area_index(barcelona)
    stored = {a.code: a.geometry for a in Area.objects.filter(city=barcelona)}
    assert set(stored) < set(index.areas)
    for code, geometry in stored.items():
        text = index.areas[code].geometry
        assert isinstance(text, str), code
        assert json.loads(text) == geometry
        assert not gc.is_tracked(text)
        assert index.geometry(code).equals(shapely.geometry.shape(geometry))
    # A point inside a neighbourhood is placed in it.
    b07 = shapely.geometry.shape(stored["B07"])
    point = b07.representative_point()
    assert list(index.locate([point.x], [point.y])) == ["B07"]
