"""Every layer as CSV, Parquet and JSON, spatial layers also as GeoJSON and GeoPackage, and a
per-city zip of them all with a README and a SHA-256 list.

Files are written to temporary files (spooled to disk past a few megabytes) and streamed from
there, so a download never holds the whole archive in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq
import pyogrio
import shapely

from urbis.opendata import provider
from urbis.opendata.registry import LICENCE_BASE, LICENCES, Hints, Layer, Row
from urbis.places.models import City

TABLE_FORMATS = ("csv", "parquet", "json")
SPATIAL_FORMATS = ("geojson", "gpkg")
MEDIA_TYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "json": "application/json",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
LABELS = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "geojson": "GeoJSON",
          "gpkg": "GeoPackage"}
EXTENSIONS = {"csv": "csv", "parquet": "parquet", "json": "json", "geojson": "geojson",
              "gpkg": "gpkg"}
ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
               "date": pa.date32(), "boolean": pa.bool_()}
SPOOL_BYTES = 4 * 1024 * 1024


def formats(layer: Layer) -> list[str]:
    return [*TABLE_FORMATS, *(SPATIAL_FORMATS if layer.geometry else ())]


def _rows(collection: provider.Collection) -> list[Row]:
    return list(collection.layer.rows(collection.city, Hints()))


def _shape(row: Row) -> Any:
    # Not row.shape(): that keeps the shape with the row, and an export would leave a
    # shape of every boundary of the city in memory.
    return shapely.from_geojson(row.geometry_json)


def arrow_table(layer: Layer, rows: list[Row], *, geometry: bool) -> pa.Table:
    """The rows as an Arrow table typed by the layer's fields; with ``geometry``, a WKB column
    ``geometry`` is added (the GeoParquet / GeoPackage geometry)."""
    columns = {
        f.name: pa.array([r.properties.get(f.name) for r in rows], type=ARROW_TYPES[f.type])
        for f in layer.fields
    }
    schema_fields = [
        pa.field(f.name, ARROW_TYPES[f.type], metadata={
            "title": str(f.title), "unit": f.unit, "description": str(f.description),
        })
        for f in layer.fields
    ]
    if geometry:
        wkb = [shapely.to_wkb(_shape(r)) if r.geometry_type is not None else None for r in rows]
        columns["geometry"] = pa.array(wkb, type=pa.binary())
        schema_fields.append(pa.field("geometry", pa.binary()))
    return pa.Table.from_pydict(columns, schema=pa.schema(schema_fields))


def _geoparquet_metadata(layer: Layer, rows: list[Row]) -> bytes:
    kinds = sorted({r.geometry_type for r in rows if r.geometry_type is not None})
    boxes = [r.bbox for r in rows if r.bbox is not None]
    meta: dict[str, Any] = {
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": {"encoding": "WKB", "geometry_types": kinds}},
    }
    if boxes:
        meta["columns"]["geometry"]["bbox"] = [
            min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes),
        ]
    return json.dumps(meta).encode()


def write(layer: Layer, rows: list[Row], fmt: str, path: Path) -> None:
    """Write the rows in ``fmt`` to ``path``."""
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            names = [f.name for f in layer.fields]
            writer.writerow([*names, *(["geometry_wkt"] if layer.geometry else [])])
            for r in rows:
                values = [_csv_value(r.properties.get(n)) for n in names]
                if layer.geometry:
                    values.append(_shape(r).wkt if r.geometry_type is not None else "")
                writer.writerow(values)
    elif fmt == "parquet":
        table = arrow_table(layer, rows, geometry=layer.geometry is not None)
        if layer.geometry:
            table = table.replace_schema_metadata({b"geo": _geoparquet_metadata(layer, rows)})
        pq.write_table(table, path)
    elif fmt == "json":
        with path.open("w", encoding="utf-8") as handle:
            handle.write("[")
            for i, r in enumerate(rows):
                handle.write(",\n" if i else "\n")
                handle.write(json.dumps(
                    {f.name: provider.json_value(r.properties.get(f.name)) for f in layer.fields},
                    ensure_ascii=False,
                ))
            handle.write("\n]\n")
    elif fmt == "geojson":
        with path.open("w", encoding="utf-8") as handle:
            handle.write('{"type": "FeatureCollection", "features": [')
            for i, r in enumerate(rows):
                handle.write(",\n" if i else "\n")
                # The geometry's text as the row keeps it (decoding it only to encode it
                # again cost a second for 5,000 boundaries).
                handle.write("".join((
                    '{"type": "Feature", "id": ', json.dumps(r.id, ensure_ascii=False),
                    ', "geometry": ', r.geometry_json or "null", ', "properties": ',
                    json.dumps({k: provider.json_value(v) for k, v in r.properties.items()},
                               ensure_ascii=False), "}")))
            handle.write("\n]}\n")
    elif fmt == "gpkg":
        table = arrow_table(layer, rows, geometry=True)
        pyogrio.write_arrow(
            table, str(path), layer=layer.id, driver="GPKG", geometry_name="geometry",
            geometry_type="Unknown", crs="EPSG:4326",
        )
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def export(collection: provider.Collection, fmt: str) -> IO[bytes]:
    """One layer of one city in ``fmt``, as an open file positioned at its start (the file is
    already unlinked: it disappears when the response closes it)."""
    folder = Path(tempfile.mkdtemp(prefix="urbis-export-"))
    try:
        path = folder / f"layer.{EXTENSIONS[fmt]}"
        write(collection.layer, _rows(collection), fmt, path)
        handle = path.open("rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return handle


def readme(city: City, collections: Iterable[provider.Collection], files: dict[str, list[str]],
           base_url: str) -> str:
    """The zip's README: what each file holds, its columns with types and units, its licence."""
    today = dt.date.today().isoformat()
    lines = [
        f"# Open data of {city.name}",
        "",
        f"Exported from Urbis ({base_url}) on {today}. Every layer is also served as "
        f"OGC API – Features ({base_url}ogc/) and described in the DCAT-AP catalogue "
        f"({base_url}catalog?city={city.code}).",
        "",
        "Spatial files use WGS84 longitude/latitude (EPSG:4326 / CRS84). CSV files give the "
        "geometry as WKT in `geometry_wkt`; Parquet files are GeoParquet 1.1 (WKB `geometry`). "
        "`SHA256SUMS` lists the SHA-256 of every file (`sha256sum -c SHA256SUMS`).",
        "",
    ]
    for c in collections:
        layer = c.layer
        code = layer.licence(city)
        name, url = LICENCES[code]
        lines += [
            f"## {layer.title} (`{layer.id}`)",
            "",
            str(layer.description),
            "",
            f"- Files: {', '.join(f'`{f}`' for f in files.get(layer.id, []))}",
            f"- Licence: {name} ({url}; EU vocabulary {LICENCE_BASE}{code})",
            f"- Source: {layer.source(city) or 'Urbis'}",
            "",
            "| column | type | unit | description |",
            "|---|---|---|---|",
        ]
        for f in layer.fields:
            description = str(f.description) or str(f.title)
            lines.append(f"| `{f.name}` | {f.type} | {f.unit} | {description} |")
        lines.append("")
    return "\n".join(lines)


def bulk_zip(city: City, base_url: str) -> IO[bytes]:
    """Every layer of ``city`` in every format, a README.md and SHA256SUMS, in one zip file.
    The zip is spooled to disk past :data:`SPOOL_BYTES`; each layer file is written to a
    temporary folder, hashed, added and deleted before the next one."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - streamed later
    collections = provider.city_collections(city)
    sums: list[str] = []
    files: dict[str, list[str]] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            tempfile.TemporaryDirectory(prefix="urbis-zip-") as folder:
        for c in collections:
            rows = _rows(c)
            for fmt in formats(c.layer):
                name = f"{c.layer.id}.{EXTENSIONS[fmt]}"
                path = Path(folder) / name
                write(c.layer, rows, fmt, path)
                sums.append(f"{_sha256(path)}  {name}")
                archive.write(path, name)
                os.unlink(path)
                files.setdefault(c.layer.id, []).append(name)
        text = readme(city, collections, files, base_url).encode("utf-8")
        archive.writestr("README.md", text)
        sums.append(f"{hashlib.sha256(text).hexdigest()}  README.md")
        archive.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    out.seek(0)
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

