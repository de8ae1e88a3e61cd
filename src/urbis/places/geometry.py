"""Reading and checking boundaries: pyogrio reads, pyproj reprojects, shapely validates.

Nothing here repairs a geometry: a boundary that is not valid is reported, not fixed, because a
silently "repaired" neighbourhood can lose or gain streets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Geod, Transformer
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

WGS84 = CRS.from_epsg(4326)
_GEOD = Geod(ellps="WGS84")
SUPPORTED_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip"}
_FORMAT_NAMES = {
    ".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage", ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
}


class UnreadableFile(ValueError):
    """The file is not a boundary file that Urbis can read."""


@dataclass
class Feature:
    properties: dict[str, Any]
    geometry: BaseGeometry | None
    problem: str = ""


def read_features(path: Path) -> list[Feature]:
    """Every feature of a vector file, reprojected to WGS84 longitude/latitude."""
    if not path.exists():
        raise UnreadableFile(_("%(path)s: no such file") % {"path": path})
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnreadableFile(
            _("%(path)s: unsupported format; use GeoJSON, GeoPackage or Shapefile")
            % {"path": path.name}
        )
    if path.stat().st_size == 0:
        raise UnreadableFile(_("%(path)s: the file is empty (0 bytes)") % {"path": path.name})
    try:
        meta, table = pyogrio.read_arrow(path)
    except Exception as exc:  # pyogrio raises several GDAL error types
        # GDAL's own text (SQL statements, driver names) tells a city's editor nothing; the
        # exception stays chained for whoever debugs it.
        kind = _FORMAT_NAMES[path.suffix.lower()]
        raise UnreadableFile(
            _("%(path)s: cannot be read as a %(kind)s file; it is damaged or incomplete (was it "
              "fully downloaded or exported?). Export it again and retry.")
            % {"path": path.name, "kind": kind}
        ) from exc
    geometry_column = meta.get("geometry_name") or "wkb_geometry"
    if geometry_column not in table.column_names:
        raise UnreadableFile(_("%(path)s: the file has no geometry column") % {"path": path.name})
    source_crs = CRS.from_user_input(meta["crs"]) if meta.get("crs") else WGS84
    transformer = None
    if not source_crs.equals(WGS84):
        transformer = Transformer.from_crs(source_crs, WGS84, always_xy=True)
    wkb = table.column(geometry_column).to_pylist()
    records = table.drop_columns([geometry_column]).to_pylist()
    features = []
    for props, raw in zip(records, wkb, strict=True):
        geometry = shapely.from_wkb(raw) if raw is not None else None
        if geometry is not None and transformer is not None:
            geometry = shapely.transform(
                geometry, lambda xy, t=transformer: _reproject(xy, t), include_z=False
            )
        features.append(Feature(props, geometry, check(geometry)))
    return features


def _reproject(coords: Any, transformer: Transformer) -> Any:
    import numpy as np

    x, y = transformer.transform(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def check(geometry: BaseGeometry | None) -> str:
    """Why a boundary cannot be stored, or ``""`` when it can."""
    if geometry is None or geometry.is_empty:
        return "the geometry is missing or empty"
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        return f"a boundary must be a Polygon or MultiPolygon, not a {geometry.geom_type}"
    if not geometry.is_valid:
        return f"invalid geometry: {shapely.is_valid_reason(geometry)}"
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return "coordinates are outside longitude/latitude range (is the CRS declared?)"
    return ""


def to_geojson(geometry: BaseGeometry) -> dict[str, Any]:
    return dict(mapping(geometry))


def from_geojson(data: dict[str, Any]) -> BaseGeometry:
    return shape(data)


def bbox(geometry: BaseGeometry) -> list[float]:
    return [round(v, 7) for v in geometry.bounds]


def representative_point(geometry: BaseGeometry) -> list[float]:
    point = geometry.representative_point()
    return [round(point.x, 7), round(point.y, 7)]


def geodesic_area_m2(geometry: BaseGeometry) -> float:
    area, _ = _GEOD.geometry_area_perimeter(geometry)
    return abs(area)


def union(geometries: list[dict[str, Any]]) -> BaseGeometry:
    return shapely.union_all([shape(g) for g in geometries])
