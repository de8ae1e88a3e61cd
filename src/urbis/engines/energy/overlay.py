"""Area-weighted overlay: place figures published per source zone (postcode, census tract, IRIS)
on a city's areas (neighbourhoods).

A source zone's figure is split between the target areas in proportion to the part of the
zone's surface that falls in each, measured in an equal-area projection (EPSG:3035, the
European LAEA grid, by default). This assumes the figure is spread evenly over the zone's
surface; where that is wrong (a postcode half park, half housing) the placement is wrong by the
same share, which is why every overlay reports how much of each zone falls outside all targets.

Plain Python and shapely/pyproj; no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .model import EnergyEngineError

EQUAL_AREA_CRS = "EPSG:3035"


@dataclass(frozen=True)
class Overlay:
    """The result of :func:`area_weights`.

    ``weights[zone][area]`` is the share of ``zone``'s surface inside ``area`` (0–1); the shares
    of a zone add up to ``1 - outside[zone]``. ``outside[zone]`` is the share of the zone's
    surface that lies in no target area (outside the city, or in a gap between areas).
    """

    weights: dict[str, dict[str, float]]
    outside: dict[str, float]
    zone_area_m2: dict[str, float] = field(default_factory=dict)


def _geometry(value: Any, name: str) -> BaseGeometry:
    if isinstance(value, BaseGeometry):
        geom = value
    elif isinstance(value, (bytes, bytearray)):
        geom = shapely.from_wkb(bytes(value))
    elif isinstance(value, Mapping):
        import json

        geom = shapely.from_geojson(json.dumps(dict(value)))
    elif isinstance(value, str):
        geom = shapely.from_geojson(value) if value.lstrip().startswith("{") else shapely.from_wkt(
            value
        )
    else:
        raise EnergyEngineError(f"{name}: no geometry")
    if geom.is_empty:
        raise EnergyEngineError(f"{name}: empty geometry")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def _project(geoms: dict[str, BaseGeometry], transformer: pyproj.Transformer | None
             ) -> dict[str, BaseGeometry]:
    if transformer is None:
        return geoms
    return {
        code: shapely.transform(geom, lambda xy: _apply(transformer, xy))
        for code, geom in geoms.items()
    }


def _apply(transformer: pyproj.Transformer, xy: Any) -> Any:
    import numpy as np

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def area_weights(
    zones: Mapping[str, Any],
    areas: Mapping[str, Any],
    *,
    crs: str | None = "EPSG:4326",
    equal_area_crs: str = EQUAL_AREA_CRS,
) -> Overlay:
    """Weights of each source zone on each target area, by surface.

    ``zones`` and ``areas`` map codes to geometries (shapely, WKB, GeoJSON mapping or text, or
    WKT) in ``crs`` (WGS84 lon/lat by default). With ``crs=None`` the coordinates are taken as
    already planar and equal-area (used by tests with hand-worked squares).
    """
    if not zones:
        raise EnergyEngineError("no source zones to place")
    if not areas:
        raise EnergyEngineError("no target areas to place zones on")
    transformer = (
        pyproj.Transformer.from_crs(crs, equal_area_crs, always_xy=True) if crs else None
    )
    zone_geoms = _project({c: _geometry(g, f"zone {c}") for c, g in zones.items()}, transformer)
    area_geoms = _project({c: _geometry(g, f"area {c}") for c, g in areas.items()}, transformer)
    area_codes = list(area_geoms)
    tree = shapely.STRtree([area_geoms[c] for c in area_codes])
    weights: dict[str, dict[str, float]] = {}
    outside: dict[str, float] = {}
    zone_area: dict[str, float] = {}
    for code, zone in zone_geoms.items():
        total = zone.area
        if total <= 0:
            raise EnergyEngineError(f"zone {code}: zero surface")
        shares: dict[str, float] = {}
        for index in tree.query(zone, predicate="intersects"):
            piece = zone.intersection(area_geoms[area_codes[int(index)]]).area
            if piece > 0:
                shares[area_codes[int(index)]] = piece / total
        inside = sum(shares.values())
        weights[code] = shares
        # Target areas that overlap each other would count a piece twice; clamp at 0.
        outside[code] = max(0.0, 1.0 - inside)
        zone_area[code] = total
    return Overlay(weights=weights, outside=outside, zone_area_m2=zone_area)


def placement(overlay: Overlay, *, keep_outside: bool = False) -> dict[str, dict[str, float]]:
    """Fractions that split each zone's figure between areas.

    By default the part of a zone outside every area is given back to the areas it does touch
    in proportion (``renormalised``), so a zone's total is kept whole: right where the zone is
    known to lie wholly in the city and the outside share is only the two boundary files
    disagreeing. With ``keep_outside=True`` that share is dropped instead. A zone that touches no
    area is an error: its figure would vanish.
    """
    result: dict[str, dict[str, float]] = {}
    for zone, shares in overlay.weights.items():
        inside = sum(shares.values())
        if inside <= 0:
            raise EnergyEngineError(f"zone {zone} lies in no target area")
        scale = 1.0 if keep_outside else 1.0 / inside
        result[zone] = {area: share * scale for area, share in shares.items()}
    return result


def allocate(
    values: Mapping[str, float], fractions: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Sum of each zone's value times its fractions, per area."""
    out: dict[str, float] = {}
    for zone, value in values.items():
        if zone not in fractions:
            raise EnergyEngineError(f"zone {zone} has no placement")
        for area, share in fractions[zone].items():
            out[area] = out.get(area, 0.0) + value * share
    return out
