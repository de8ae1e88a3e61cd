"""Geometries as RFC 7946 asks: polygons wound by the right-hand rule (exteriors
counter-clockwise), coordinates at no more than 7 decimals (about 1 cm), with their bbox."""

from __future__ import annotations

import json
import threading
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from urbis.opendata.registry import Geometry

DECIMALS = 7
Box = tuple[float, float, float, float]
_cache: dict[Hashable, tuple[Geometry, Box]] = {}
_lock = threading.Lock()
_CACHE_SIZE = 20_000


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), DECIMALS)
    return [_round(c) for c in coords]


def _ring(ring: Any) -> list[list[float]]:
    # Rounded in NumPy and turned into Python floats in one call: per-coordinate Python work
    # made preparing a city's 5,000 boundaries take over a minute.
    return np.round(shapely.get_coordinates(ring), DECIMALS).tolist()


def _polygon(polygon: Any) -> list[list[list[float]]]:
    return [_ring(polygon.exterior), *(_ring(r) for r in polygon.interiors)]


def _coordinates(geom: Any) -> Any:
    kind = geom.geom_type
    if kind == "Polygon":
        return _polygon(geom)
    if kind == "MultiPolygon":
        return [_polygon(p) for p in geom.geoms]
    return _round(mapping(geom)["coordinates"])


def _prepare(geometry: Mapping[str, Any]) -> tuple[dict[str, Any], Box]:
    geom = shapely.orient_polygons(shape(geometry), exterior_cw=False)
    data = {"type": geom.geom_type, "coordinates": _coordinates(geom)}
    minx, miny, maxx, maxy = geom.bounds
    return data, (round(minx, DECIMALS), round(miny, DECIMALS),
                  round(maxx, DECIMALS), round(maxy, DECIMALS))


def clean(geometry: Mapping[str, Any], key: Hashable | None = None) -> tuple[dict[str, Any], Box]:
    """``geometry`` wound by the right-hand rule and rounded, with its bbox. With ``key``, as
    :func:`clean_json` keeps it (decoded again here)."""
    if key is not None:
        encoded, bbox = clean_json(geometry, key)
        return json.loads(encoded.json), bbox
    return _prepare(geometry)


def clean_json(geometry: Mapping[str, Any], key: Hashable | None = None) -> tuple[Geometry, Box]:
    """:func:`clean`, encoded (what a :class:`~urbis.opendata.registry.Row` keeps). ``key``
    (e.g. an area's id and modification time) lets a boundary be prepared once, not each time
    a layer reads its rows again; the cache keeps text, which the garbage collector does not
    walk (the nested lists of thousands of boundaries made its full passes take a second)."""
    if key is not None:
        with _lock:
            hit = _cache.get(key)
        if hit is not None:
            return hit
    data, bbox = _prepare(geometry)
    result = (Geometry(data["type"], json.dumps(data, ensure_ascii=False)), bbox)
    if key is not None:
        with _lock:
            if len(_cache) >= _CACHE_SIZE:
                _cache.clear()
            _cache[key] = result
    return result


def point(lon: float, lat: float) -> tuple[dict[str, Any], tuple[float, float, float, float]]:
    x, y = round(float(lon), DECIMALS), round(float(lat), DECIMALS)
    return {"type": "Point", "coordinates": [x, y]}, (x, y, x, y)
