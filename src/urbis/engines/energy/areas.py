"""A city's area hierarchy as plain data, and the vectorised point-in-area join."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import shapely
from shapely.geometry.base import BaseGeometry

from .model import Area, EnergyEngineError


def _to_geometry(value: bytes | str | dict[str, Any]) -> BaseGeometry:
    if isinstance(value, bytes | bytearray | memoryview):
        return shapely.from_wkb(bytes(value))
    if isinstance(value, dict):
        return shapely.from_geojson(json.dumps(value))
    text = value.strip()
    if text.startswith("{"):
        return shapely.from_geojson(text)
    return shapely.from_wkt(text)


class AreaIndex:
    """The areas of one city: hierarchy look-ups, roll-up table and spatial index.

    Meters are placed in *leaf* areas (areas nobody names as parent, normally neighbourhoods).
    """

    def __init__(self, areas: Iterable[Area]):
        self.areas: dict[str, Area] = {}
        for area in areas:
            if area.code in self.areas:
                raise EnergyEngineError(f"area code {area.code!r} given twice")
            self.areas[area.code] = area
        for area in self.areas.values():
            if area.parent_code is not None and area.parent_code not in self.areas:
                raise EnergyEngineError(
                    f"area {area.code!r} names unknown parent {area.parent_code!r}"
                )
        parents = {a.parent_code for a in self.areas.values() if a.parent_code}
        self.leaf_codes: list[str] = [c for c in self.areas if c not in parents]
        self._leaf_geoms: np.ndarray | None = None
        self._tree: shapely.STRtree | None = None

    def __contains__(self, code: object) -> bool:
        return code in self.areas

    def ancestors(self, code: str) -> list[Area]:
        """The area itself followed by its parent, grandparent, ... up to the root."""
        chain: list[Area] = []
        seen: set[str] = set()
        current: str | None = code
        while current is not None:
            if current in seen:
                raise EnergyEngineError(f"area hierarchy has a cycle at {current!r}")
            seen.add(current)
            area = self.areas[current]
            chain.append(area)
            current = area.parent_code
        return chain

    def units_table(self) -> pa.Table:
        """Roll-up table ``(area_code, unit_code, unit_level, unit_is_leaf)``: every area maps
        to itself and to each of its ancestors, so one join lifts figures to every level."""
        leaves = set(self.leaf_codes)
        rows: list[tuple[str, str, str, bool]] = []
        for code in self.areas:
            rows.extend((code, a.code, a.level, a.code in leaves) for a in self.ancestors(code))
        cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
        return pa.table(
            {
                "area_code": pa.array(cols[0], pa.string()),
                "unit_code": pa.array(cols[1], pa.string()),
                "unit_level": pa.array(cols[2], pa.string()),
                # A leaf's own figures need no summing: the balance passes them through.
                "unit_is_leaf": pa.array(cols[3], pa.bool_()),
            }
        )

    def _leaves_below(self, code: str) -> list[Area]:
        return [
            self.areas[c] for c in self.leaf_codes if code in {a.code for a in self.ancestors(c)}
        ]

    def households(self, code: str) -> int | None:
        """Households of an area: its own figure, else the sum over its leaves if all know it."""
        area = self.areas[code]
        if area.households is not None:
            return area.households
        leaves = self._leaves_below(code)
        if leaves and all(a.households is not None for a in leaves):
            return sum(a.households or 0 for a in leaves)
        return None

    def floor_area_m2(self, code: str) -> float | None:
        """Floor area of an area: its own figure, else the sum over its leaves if all know it."""
        area = self.areas[code]
        if area.floor_area_m2 is not None:
            return area.floor_area_m2
        leaves = self._leaves_below(code)
        if leaves and all(a.floor_area_m2 is not None for a in leaves):
            return float(sum(a.floor_area_m2 or 0.0 for a in leaves))
        return None

    def geometry(self, code: str) -> BaseGeometry | None:
        value = self.areas[code].geometry
        return None if value is None else _to_geometry(value)

    def _index(self) -> tuple[np.ndarray, shapely.STRtree]:
        if self._tree is None or self._leaf_geoms is None:
            with_geom = [c for c in self.leaf_codes if self.areas[c].geometry is not None]
            geoms = [self.geometry(c) for c in with_geom]
            self._leaf_codes_geo = np.array(with_geom, dtype=object)
            self._leaf_geoms = np.array(geoms, dtype=object)
            self._tree = shapely.STRtree(self._leaf_geoms)
        return self._leaf_codes_geo, self._tree

    def locate(
        self, lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray
    ) -> np.ndarray:
        """Leaf area code for each point (``None`` where no leaf area contains it).

        One bulk STRtree query for all points. Points on a shared border belong to the first
        matching area in input order, so a point is never counted twice.
        """
        lon_a = np.asarray(lon, dtype="float64")
        lat_a = np.asarray(lat, dtype="float64")
        result = np.full(lon_a.shape[0], None, dtype=object)
        if lon_a.size == 0:
            return result
        codes, tree = self._index()
        if len(codes) == 0:
            return result
        points = shapely.points(lon_a, lat_a)
        point_idx, area_idx = tree.query(points, predicate="intersects")
        # Keep the lowest area index per point: sort by (point, area), take first per point.
        order = np.lexsort((area_idx, point_idx))
        point_idx, area_idx = point_idx[order], area_idx[order]
        first = np.ones(point_idx.shape[0], dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        result[point_idx[first]] = codes[area_idx[first]]
        return result

    def root_codes(self) -> list[str]:
        return [c for c, a in self.areas.items() if a.parent_code is None]
