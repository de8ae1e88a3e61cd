"""Ingestion of a clean Parquet file in one DuckDB pipeline: screened, placed, clustered, cubed.

Most deliveries are clean, typed exports (a meter data system's Parquet: typed UTC
timestamps, numeric values, canonical codes). For those, the checks of :mod:`.validate`
reduce to questions DuckDB answers in one aggregate over the file, grouped by what a meter
repeats on every reading (its id, flow, sector, carrier, unit, resolution, area or point):
per group the number of readings, the first and last time, the smallest and largest value,
and counts of missing, non-finite and misaligned cells. The few thousand group rows are
then checked in Python against exactly the rules of :func:`.validate.validate`.

Each (meter, flow) must have one group, so that its readings share a cluster key; the rows
are then written sorted by (cluster key, time, meter, flow), in which two readings of one
meter, flow and time are neighbours, and the writer compares neighbours as it writes
(that is the duplicate check). The file's hourly cube is summed by DuckDB from the same
prepared rows, with the SQL every other cube uses (:func:`.cube.cube_select`).

This is a **screen**, not a second set of rules: whenever anything is not plainly clean
(a bad or missing cell, a repeated reading, a reading already stored, text timestamps,
untrimmed or non-canonical codes, a meter whose key changes, resolutions to infer, CSV
input), :func:`try_ingest` gives up before a row is kept, and the caller runs the full
check (:mod:`.validate`), which names the file, row, field and reason of every error, or
stores the file the checked way. Either way the stored rows are the same; the tests check
both paths store identical rows and that every refused file is refused with the checked
path's errors.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from . import store
from .areas import AreaIndex
from .cube import CUBE_SCHEMA, READING_MWH
from .model import (
    CARRIERS,
    FLOWS,
    HOURLY_RESOLUTIONS,
    RESOLUTION_HOURS,
    SECTORS,
    STORE_SCHEMA,
    UNIT_TO_KWH,
)
from .readers import KNOWN_COLUMNS, _column_name, _scan_csv, file_kind, sniff_dialect
from .validate import _RESOLUTION_ALIASES, REQUIRED_COLUMNS, _parse_timestamp_text

#: DuckDB's memory while it sorts a file (it spills to the work directory beyond it).
MEMORY_LIMIT = "900MB"
_TEXT = {"meter_id", "unit", "flow", "sector", "carrier", "area_code", "resolution"}
_NUMBER = {"value", "lon", "lat"}
_STEP_US = {"15min": 900_000_000, "hourly": 3_600_000_000}
#: Number text both CSV readers parse alike (DuckDB also takes ``1_000`` and ``+-1``,
#: polars does not; other forms, ``inf`` and padded cells included, go to the full check).
_PLAIN_NUMBER = r"[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?"


@dataclass
class OnePass:
    """What the commit record needs of a file stored in one pass."""

    rows: int
    meter_ids: list[str]
    years: tuple[int, ...]
    first_ts: datetime
    last_ts: datetime
    cubes: dict[int, pa.Table] = field(default_factory=dict)


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def applicable(source: Path, resolution: str | None) -> bool:
    """Whether the file is of a shape the one-pass screen reads (else: full check): a typed
    Parquet file, or a plain CSV file (see :func:`csv_columns`)."""
    try:
        kind = file_kind(source)
        if kind == "csv":
            return csv_columns(source, resolution) is not None
        if kind != "parquet":
            return False
        schema = pq.read_schema(source)
    except (pa.ArrowException, OSError):
        return False  # the full check says why the file cannot be read
    known = [n for n in schema.names if _column_name(n) in KNOWN_COLUMNS]
    if any(n != _column_name(n) for n in known) or len(set(known)) != len(known):
        return False
    columns = set(known)
    if "resolution" not in columns and resolution is None:
        return False  # resolutions inferred from the spacing of readings: the full check
    if "area_code" not in columns and not {"lon", "lat"} <= columns:
        return False
    ts = schema.field("timestamp").type
    if not (pa.types.is_timestamp(ts) and ts.tz is not None and ts.unit != "ns"):
        return False
    for name in columns:
        kind = schema.field(name).type
        if name in _TEXT and not _is_text(kind):
            return False
        if name in _NUMBER and not _is_number(kind):
            return False
    return True


def csv_columns(source: Path, resolution: str | None) -> list[str] | None:
    """The header of a CSV file the one-pass screen reads, or ``None`` for the full check.

    Plain means: uncompressed, a decimal point, and a header of distinct names that are
    already lower-case and trimmed, with every column the full check requires (a BOM before
    the header is fine: both readers drop it). Rows are looked at by :func:`_plain_lines`.
    """
    try:
        dialect = sniff_dialect(source)
        if dialect.decimal != ".":
            return None
        names = _scan_csv(source, dialect).collect_schema().names()
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None  # the full check says why the file cannot be read
    if len({_column_name(n) for n in names}) != len(names):
        return None
    known = {n for n in names if _column_name(n) in KNOWN_COLUMNS}
    if any(n != _column_name(n) for n in known):
        return None
    if not set(REQUIRED_COLUMNS) <= known:
        return None
    if "resolution" not in known and resolution is None:
        return None
    if "area_code" not in known and not {"lon", "lat"} <= known:
        return None
    return names


def _plain_lines(source: Path) -> int | None:
    """How many rows the full check's CSV reader makes of the file (every line after the
    header is one, blank ones too), or ``None`` if the file has a quote character.

    DuckDB's CSV reader skips blank lines and forgives quotes polars refuses (``"a" ,``,
    ``a"b``); with no quote in the file and as many rows read as lines, both readers cut
    the text into the same cells.
    """
    newlines, last = 0, b"\n"
    with source.open("rb") as fh:
        while block := fh.read(1 << 22):
            if b'"' in block:
                return None
            newlines += block.count(b"\n")
            last = block[-1:]
    return newlines - 1 if last == b"\n" else newlines


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {_quote(str(work_dir / 'duckdb'))}")
    return con


def try_ingest(
    source: Path,
    *,
    areas: AreaIndex,
    resolution: str | None,
    max_power_kw: float,
    data_dir: str | os.PathLike[str],
    city: str,
    pending: store.PendingFile,
    work_dir: Path,
    tz: str | None = None,
) -> OnePass | None:
    """Screen the file and, if plainly clean, write its parts into ``pending`` and return
    what its commit needs; ``None`` (with nothing left in ``pending``) otherwise. The caller
    holds the city's lock. ``tz`` reads CSV timestamps without UTC offset, as the full
    check does."""
    if not applicable(source, resolution):
        return None
    con = _connect(work_dir)
    try:
        if file_kind(source) == "csv":
            done = _ingest_csv(
                con, source, areas, resolution, tz, max_power_kw, data_dir, city, pending
            )
        else:
            done = _ingest(con, source, areas, resolution, max_power_kw, data_dir, city, pending)
    except (duckdb.Error, pa.ArrowInvalid):
        # A file DuckDB cannot read (or a value Arrow cannot hold): the full check reads it
        # and reports what is wrong, naming the row where it can.
        done = None
    except BaseException:
        pending.discard()
        raise
    finally:
        con.close()
    if done is None:
        pending.discard()
    return done


def _ingest(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    areas: AreaIndex,
    resolution: str | None,
    max_power_kw: float,
    data_dir: str | os.PathLike[str],
    city: str,
    pending: store.PendingFile,
) -> OnePass | None:
    names = set(pq.read_schema(source).names)
    has = names.__contains__
    path = _quote(source.as_posix())
    con.execute(f"CREATE TEMP VIEW input AS SELECT * FROM read_parquet({path})")  # noqa: S608
    raw_res = "CAST(resolution AS VARCHAR)" if has("resolution") else _quote(resolution or "")
    lon = "CAST(lon AS DOUBLE)" if has("lon") else "CAST(NULL AS DOUBLE)"
    lat = "CAST(lat AS DOUBLE)" if has("lat") else "CAST(NULL AS DOUBLE)"
    area = "CAST(area_code AS VARCHAR)" if has("area_code") else "CAST(NULL AS VARCHAR)"
    us = 'epoch_us("timestamp")'
    groups = pl.from_arrow(
        con.sql(
            f"""
SELECT CAST(meter_id AS VARCHAR) AS meter_id, CAST(flow AS VARCHAR) AS flow,
       CAST(sector AS VARCHAR) AS sector, CAST(carrier AS VARCHAR) AS carrier,
       CAST(unit AS VARCHAR) AS unit, {raw_res} AS resolution, {area} AS area_code,
       {lon} AS lon, {lat} AS lat,
       count(*) AS n,
       count(*) - count("timestamp") AS no_ts,
       min("timestamp")::TIMESTAMP AS first_ts, max("timestamp")::TIMESTAMP AS last_ts,
       count(*) FILTER ({us} % {_STEP_US["15min"]} <> 0) AS off15,
       count(*) FILTER ({us} % {_STEP_US["hourly"]} <> 0) AS off60,
       count(*) - count(value) AS no_value,
       count(*) FILTER (NOT isfinite(CAST(value AS DOUBLE))) AS not_finite,
       min(CAST(value AS DOUBLE)) AS low, max(CAST(value AS DOUBLE)) AS high
FROM input GROUP BY ALL
"""  # noqa: S608
        ).to_arrow_table()
    )
    assert isinstance(groups, pl.DataFrame)
    keys = _screen(groups, areas, has("area_code"), max_power_kw)
    if keys is None:
        return None
    if _any_stored(con, groups, data_dir, city):
        return None

    # Each reading finds its group by (meter, flow): its group number, which orders the
    # output, and its unit factor. Text comes back as group numbers, not text.
    con.register(
        "keys", keys.select("meter_id", "flow", "mid", "gid", "factor", "hourly").to_arrow()
    )
    con.execute(
        f"""
CREATE TEMP VIEW prepared AS
SELECT mid, gid, hourly, ts, lon, lat, kwh, {READING_MWH} AS mwh, year(ts) AS year
FROM (
    SELECT k.mid, k.gid, k.hourly, i.ts, i.lon, i.lat, i.value * k.factor AS kwh
    FROM (SELECT CAST(meter_id AS VARCHAR) AS meter_id, CAST(flow AS VARCHAR) AS flow,
                 {lon} AS lon, {lat} AS lat, "timestamp"::TIMESTAMP AS ts,
                 CAST(value AS DOUBLE) AS value
          FROM input) i
    JOIN keys k ON i.meter_id = k.meter_id AND i.flow = k.flow
)
"""  # noqa: S608
    )
    return _write_parts(con, keys, groups, pending, aligned=True)


def _write_parts(
    con: duckdb.DuckDBPyConnection,
    keys: pl.DataFrame,
    groups: pl.DataFrame,
    pending: store.PendingFile,
    *,
    aligned: bool,
) -> OnePass | None:
    """Write view ``prepared`` sorted, part by part (year, hour-by-hour or not), checking
    neighbours for repeats and, unless the screen did (``aligned``), each hour-by-hour
    reading's time for its resolution's step."""
    parts = sorted(
        {
            (year, bool(hourly))
            for first, last, hourly in keys.select("first_ts", "last_ts", "hourly").iter_rows()
            for year in range(first.year, last.year + 1)
        }
    )
    text = _Text(keys, aligned)
    written = 0
    cubes: dict[int, list[pl.DataFrame]] = {}
    for year, hourly in parts:
        stream = con.sql(
            f"""
SELECT mid, ts, lon, lat, kwh, mwh FROM prepared
WHERE year = {int(year)} AND hourly = {str(hourly).lower()}
ORDER BY gid, ts, mid
"""  # noqa: S608
        ).to_arrow_reader(store.ROW_GROUP_ROWS)
        count = _write_checked(stream, pending, (year, "hourly" if hourly else "coarse"), text)
        if count is None:
            return None
        rows, partial = count
        written += rows
        if partial is not None:
            cubes.setdefault(year, []).append(partial)
    total = int(groups["n"].sum())
    if written != total:  # every reading must have found its group: else the full check
        return None
    first = groups["first_ts"].min()
    last = groups["last_ts"].max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    return OnePass(
        rows=total,
        meter_ids=sorted(set(groups["meter_id"].to_list())),
        years=tuple(sorted(cubes)),
        first_ts=first,
        last_ts=last,
        cubes={year: text.cube(frames) for year, frames in cubes.items()},
    )


def _ingest_csv(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    areas: AreaIndex,
    resolution: str | None,
    tz: str | None,
    max_power_kw: float,
    data_dir: str | os.PathLike[str],
    city: str,
    pending: store.PendingFile,
) -> OnePass | None:
    """The CSV route: the file read twice by DuckDB's CSV reader, every cell as text.

    The first read groups the rows by what a meter repeats (as :func:`_ingest` does) and,
    in the same scan, lists the distinct timestamp texts, which are parsed here by the
    full check's own parser (:func:`.validate._parse_timestamp_text`); numbers are parsed
    by DuckDB only where their text is plain (:data:`_PLAIN_NUMBER`), and coordinates, one
    text per group, by the full check's polars cast. The second read joins each row to its
    group and its parsed time and writes the rows sorted, as the Parquet route does.
    """
    names = csv_columns(source, resolution)
    if names is None:
        return None
    lines = _plain_lines(source)
    if lines is None or lines == 0:
        return None
    dialect = sniff_dialect(source)
    has = set(names).__contains__
    columns = "{" + ", ".join(f"{_quote(n)}: 'VARCHAR'" for n in names) + "}"
    con.execute(
        f"""
CREATE TEMP VIEW input AS SELECT * FROM read_csv(
    {_quote(source.as_posix())}, header = true, delim = {_quote(dialect.delimiter)},
    quote = '"', escape = '"', columns = {columns}, auto_detect = false,
    strict_mode = true, compression = 'none')
"""  # noqa: S608
    )
    raw_res = "resolution" if has("resolution") else f"{_quote(resolution or '')}::VARCHAR"
    lon = "lon" if has("lon") else "NULL::VARCHAR"
    lat = "lat" if has("lat") else "NULL::VARCHAR"
    area = "area_code" if has("area_code") else "NULL::VARCHAR"
    key = f"meter_id, flow, sector, carrier, unit, {raw_res}, {area}, {lon}, {lat}"
    found = pl.from_arrow(
        con.sql(
            f"""
SELECT GROUPING("timestamp") AS is_group, meter_id, flow, sector, carrier, unit,
       {raw_res} AS resolution, {area} AS area_code, {lon} AS lon, {lat} AS lat,
       "timestamp" AS text,
       count(*) AS n,
       count(*) - count("timestamp") AS no_ts,
       count(*) - count(v) + count(*) FILTER (NOT regexp_full_match(value, {_quote(_PLAIN_NUMBER)}))
           AS no_value,
       count(*) FILTER (NOT isfinite(v)) AS not_finite,
       min(v) AS low, max(v) AS high
FROM (SELECT *, TRY_CAST(value AS DOUBLE) AS v FROM input)
GROUP BY GROUPING SETS (({key}), ("timestamp"))
"""  # noqa: S608
        ).to_arrow_table()
    )
    assert isinstance(found, pl.DataFrame)
    groups = found.filter(pl.col("is_group") == 1)
    # Every line one row: else DuckDB skipped blank lines the full check reports.
    if groups.height == 0 or int(groups["n"].sum()) != lines:
        return None
    # Timestamps: the full check's parser, on each distinct text once (as the full check
    # parses them), so that both store the same instant or both refuse.
    texts = found.filter((pl.col("is_group") == 0) & pl.col("text").is_not_null())
    stamps = texts.select("text", *_parse_timestamp_text(pl.col("text"), tz))
    if stamps["reason"].is_not_null().any() or stamps["utc"].is_null().any():
        return None
    stamps = stamps.select("text", ts=pl.col("utc").dt.replace_time_zone(None))
    first, last = stamps["ts"].min(), stamps["ts"].max()
    if not (isinstance(first, datetime) and isinstance(last, datetime)):
        return None
    # Coordinates: one text per group, read as the full check reads them.
    coords = {
        c: pl.col(c).str.strip_chars().cast(pl.Float64, strict=False) for c in ("lon", "lat")
    }
    if groups.select(
        ((pl.col("lon").is_not_null() & coords["lon"].is_null())
         | (pl.col("lat").is_not_null() & coords["lat"].is_null())).any()
    ).item():
        return None
    groups = groups.with_columns(
        **coords, first_ts=pl.lit(first), last_ts=pl.lit(last), off15=0, off60=0
    )
    keys = _screen(groups, areas, has("area_code"), max_power_kw)
    if keys is None:
        return None
    # Each meter's span is taken as the file's: a stored reading of one of its meters
    # anywhere in it sends the file to the full check, which names the overlapping rows.
    if _any_stored(con, groups, data_dir, city):
        return None
    keys = keys.with_columns(pl.col("lon", "lat").cast(pl.Float64))
    con.register(
        "keys",
        keys.select("meter_id", "flow", "mid", "gid", "factor", "hourly", "lon", "lat").to_arrow(),
    )
    con.register("stamps", stamps.to_arrow())
    con.execute(
        f"""
CREATE TEMP VIEW prepared AS
SELECT mid, gid, hourly, ts, lon, lat, kwh, {READING_MWH} AS mwh, year(ts) AS year
FROM (
    SELECT k.mid, k.gid, k.hourly, s.ts, k.lon, k.lat,
           CAST(i.value AS DOUBLE) * k.factor AS kwh
    FROM input i
    JOIN keys k ON i.meter_id = k.meter_id AND i.flow = k.flow
    JOIN stamps s ON i."timestamp" = s.text
)
"""  # noqa: S608
    )
    return _write_parts(con, keys, groups, pending, aligned=False)


def _screen(
    groups: pl.DataFrame, areas: AreaIndex, has_area: bool, max_power_kw: float
) -> pl.DataFrame | None:
    """The groups with their area, canonical resolution, unit factor and kind, if every
    reading passes the checks of :func:`.validate.validate`; ``None`` if any may not."""
    if groups.height == 0:
        return None
    counts = groups.select(
        pl.col("no_ts", "off15", "off60", "no_value", "not_finite").sum()
    ).row(0, named=True)
    if counts["no_ts"] or counts["no_value"] or counts["not_finite"]:
        return None
    rows = groups.to_dicts()
    known = set(areas.areas)
    out: list[dict[str, Any]] = []
    needs_place = []
    for row in rows:
        meter = row["meter_id"]
        if meter is None or meter == "" or meter != meter.strip():
            return None
        if row["flow"] not in FLOWS or row["sector"] not in SECTORS:
            return None
        if row["carrier"] not in CARRIERS:
            return None
        factor = UNIT_TO_KWH.get((row["unit"] or "").strip().lower()) if row["unit"] else None
        res = _RESOLUTION_ALIASES.get((row["resolution"] or "").strip().lower())
        if factor is None or res is None:
            return None
        if row["low"] < 0 or row["high"] * factor > RESOLUTION_HOURS[res] * max_power_kw:
            return None
        if (res == "15min" and row["off15"]) or (res == "hourly" and row["off60"]):
            return None
        area = row["area_code"]
        if has_area:
            if area is None or area == "" or area != area.strip() or area not in known:
                return None  # unknown, empty or to be located: the full check
        else:
            lon, lat = row["lon"], row["lat"]
            if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
                return None
            if abs(lon) > 180 or abs(lat) > 90:
                return None
            needs_place.append(len(out))
        out.append(
            {**row, "res": res, "factor": factor, "area": area, "hourly": res in HOURLY_RESOLUTIONS}
        )
    if needs_place:
        found = areas.locate(
            [out[i]["lon"] for i in needs_place], [out[i]["lat"] for i in needs_place]
        )
        for i, code in zip(needs_place, found, strict=True):
            if code is None:
                return None
            out[i]["area"] = str(code)
    keys = pl.DataFrame(out, infer_schema_length=None)
    # One group per (meter, flow): its readings then share one cluster key and sit together
    # in the sorted output, where a repeated reading is its neighbour; and rows find their
    # group by (meter, flow) alone.
    if keys.select(pl.struct("meter_id", "flow").n_unique()).item() != keys.height:
        return None
    # Groups numbered in the order of their (area, sector, carrier): the order rows are
    # written in, which clusters them as the balance reads them.
    keys = keys.sort("area", "sector", "carrier", "meter_id", "flow")
    group = pl.concat_str("area", "sector", "carrier", separator="\x1f")
    return keys.select(
        "meter_id", "flow", "sector", "carrier", "res", "area", "factor", "hourly",
        "first_ts", "last_ts", "lon", "lat",
        mid=pl.int_range(pl.len(), dtype=pl.UInt32),
        gid=((group != group.shift()).fill_null(True).cum_sum() - 1).cast(pl.UInt32),
    )


def _any_stored(
    con: duckdb.DuckDBPyConnection,
    groups: pl.DataFrame,
    data_dir: str | os.PathLike[str],
    city: str,
) -> bool:
    """Whether a committed file may hold a reading of this file (same meter, flow and a time
    within the meter's first and last): then the full check names each one."""
    meters = set(groups["meter_id"].to_list())
    first, last = groups["first_ts"].min(), groups["last_ts"].max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    years = set(range(first.year, last.year + 1))
    parts = []
    for record in store.list_files(data_dir, city):
        shared = sorted(set(record.years) & years)
        if not shared or not meters & set(store.stored_meter_ids(data_dir, city, record.file_hash)):
            continue
        parts += [
            store.part_path(data_dir, city, year, record.file_hash, kind).as_posix()
            for year, kind in store.record_parts(record)
            if year in shared
        ]
    if not parts:
        return False
    spans = groups.group_by("meter_id", "flow").agg(
        pl.col("first_ts").min(), pl.col("last_ts").max()
    )
    con.register("spans", spans.to_arrow())
    found = con.execute(
        f"""
SELECT count(*) FROM read_parquet([{", ".join(_quote(p) for p in parts)}]) s
JOIN spans p ON CAST(s.meter_id AS VARCHAR) = p.meter_id AND CAST(s.flow AS VARCHAR) = p.flow
WHERE s.ts BETWEEN {_quote(str(first))}::TIMESTAMP AND {_quote(str(last))}::TIMESTAMP
  AND s.ts BETWEEN p.first_ts AND p.last_ts
"""  # noqa: S608
    ).fetchone()
    return bool(found and found[0])


class _Text:
    """The text of each group number, to turn the sorted numeric rows back into store
    rows (dictionary-encoded columns, so the writer hashes no text) and cube rows."""

    def __init__(self, keys: pl.DataFrame, aligned: bool = True) -> None:
        self.keys = keys
        #: Per group, the step its readings' times must be a multiple of (0: any), where
        #: the screen could not tell that they are (CSV: times parsed per distinct text).
        self.step = (
            None
            if aligned
            else keys["res"].replace_strict(_STEP_US, default=0, return_dtype=pl.Int64).to_numpy()
        )
        self.columns: dict[str, tuple[np.ndarray, pa.Array]] = {}
        for name, source in (
            ("meter_id", "meter_id"),
            ("flow", "flow"),
            ("sector", "sector"),
            ("carrier", "carrier"),
            ("resolution", "res"),
            ("area_code", "area"),
        ):
            values = keys[source].cast(pl.String)
            dictionary = values.unique(maintain_order=True)
            codes = values.replace_strict(
                dictionary, pl.int_range(len(dictionary), dtype=pl.Int32, eager=True)
            )
            self.columns[name] = (codes.to_numpy(), pa.array(dictionary.to_list(), pa.string()))
        self.gid = keys["gid"].to_numpy()
        self.consumption = (keys["flow"] == "consumption").to_numpy()

    def rows(self, batch: pa.RecordBatch, mid: np.ndarray) -> pa.Table:
        columns: dict[str, pa.Array] = {}
        for name in STORE_SCHEMA.names:
            if name in self.columns:
                codes, dictionary = self.columns[name]
                columns[name] = pa.DictionaryArray.from_arrays(
                    pa.array(codes[mid]), dictionary
                )
            elif name == "estimate":
                columns[name] = pa.array(np.zeros(len(mid), dtype=bool))
            else:
                columns[name] = batch.column(name)
        table = pa.table(columns)
        return table.cast(
            pa.schema(
                [
                    f.with_type(table.schema.field(f.name).type)
                    if f.name in self.columns
                    else f
                    for f in STORE_SCHEMA
                ]
            )
        )

    def partial_cube(self, batch: pa.RecordBatch, mid: np.ndarray, hourly: bool) -> pl.DataFrame:
        """The batch summed per (group, hour) for hour-by-hour readings, per (meter's
        key, time) for coarse ones; in integer mWh, so partial sums add up exactly."""
        mwh = batch.column("mwh").to_numpy()
        consumption = self.consumption[mid]
        gid = self.gid[mid]
        ts = batch.column("ts").to_numpy().view("int64")
        if hourly:
            ts = ts - np.mod(ts, _STEP_US["hourly"])  # the clock hour (floor, as date_trunc)
            res = np.full(len(mid), -1, dtype=np.int32)
        else:
            res = self.columns["resolution"][0][mid]
        # Rows come sorted by group and time: sum each run of one (group, resolution, time)
        # at once. A key split over two runs or batches is summed again in :meth:`cube`.
        change = np.flatnonzero(
            (gid[1:] != gid[:-1]) | (ts[1:] != ts[:-1]) | (res[1:] != res[:-1])
        )
        starts = np.concatenate(([0], change + 1))
        return pl.DataFrame(
            {
                "gid": gid[starts],
                "res": res[starts],
                "ts": pl.Series(ts[starts]).cast(pl.Datetime("us")),
                "consumption_mwh": np.add.reduceat(np.where(consumption, mwh, 0), starts),
                "production_mwh": np.add.reduceat(np.where(consumption, 0, mwh), starts),
            }
        )

    def cube(self, partials: list[pl.DataFrame]) -> pa.Table:
        """A year's cube (:data:`.cube.CUBE_SCHEMA`) from the partial sums of its parts."""
        summed = pl.concat(partials).group_by("gid", "res", "ts").agg(pl.col("^.*_mwh$").sum())
        # Sorted as (area, sector, carrier, resolution, time) by numbers, not text: group
        # numbers follow (area, sector, carrier), and each resolution gets its rank among
        # the names; the text is gathered by number once sorted.
        names = ["hourly", *self.columns["resolution"][1].to_pylist()]  # by res + 1
        rank = {name: i for i, name in enumerate(sorted(set(names)))}
        by_gid = self.keys.group_by("gid").agg(pl.col("area", "sector", "carrier").first())
        by_gid = by_gid.sort("gid")
        if not by_gid["gid"].equals(pl.Series("gid", range(by_gid.height), pl.UInt32)):
            raise AssertionError("group numbers are not 0, 1, 2, ...")
        ranks = pl.Series([rank[n] for n in names], dtype=pl.UInt8)
        summed = summed.with_columns(rank=ranks.gather(summed["res"] + 1)).sort(
            "gid", "rank", "ts"
        )
        gid = summed["gid"]
        cube = pl.DataFrame(
            {
                "area_code": by_gid["area"].cast(pl.String).gather(gid),
                "sector": by_gid["sector"].cast(pl.String).gather(gid),
                "carrier": by_gid["carrier"].cast(pl.String).gather(gid),
                "resolution": pl.Series(names, dtype=pl.String).gather(summed["res"] + 1),
                "ts": summed["ts"],
                "consumption_mwh": summed["consumption_mwh"],
                "production_mwh": summed["production_mwh"],
            }
        )
        return cube.select(CUBE_SCHEMA.names).to_arrow().cast(CUBE_SCHEMA)


def _write_checked(
    stream: pa.RecordBatchReader,
    pending: store.PendingFile,
    key: tuple[int, str],
    text: _Text,
) -> tuple[int, pl.DataFrame | None] | None:
    """Append a stream sorted by (group, time, meter and flow) to one part of ``pending``
    in row groups of :data:`.store.ROW_GROUP_ROWS`; how many rows and their partial cube,
    or None as soon as two neighbours are one reading (same meter, flow and time)."""
    previous: tuple[int, int] | None = None
    buffered: list[pa.Table] = []
    partials: list[pl.DataFrame] = []
    size = written = 0

    def flush(final: bool) -> None:
        nonlocal buffered, size
        table = pa.concat_tables(buffered)
        whole = table.num_rows // store.ROW_GROUP_ROWS * store.ROW_GROUP_ROWS
        cut = table.num_rows if final else whole
        if cut:
            pending.append(key, table.slice(0, cut))
        rest = table.slice(cut)
        buffered = [rest] if rest.num_rows else []
        size = rest.num_rows

    for batch in stream:
        if batch.num_rows == 0:
            continue
        mid = batch.column("mid").to_numpy()
        ts = batch.column("ts").to_numpy().view("int64")
        if previous is not None and previous == (int(mid[0]), int(ts[0])):
            return None
        if np.any((mid[1:] == mid[:-1]) & (ts[1:] == ts[:-1])):
            return None
        if text.step is not None and key[1] == "hourly":
            step = text.step[mid]
            if np.any(np.mod(ts, np.maximum(step, 1)) != 0):
                return None  # a time off its resolution's step: the full check says which
        previous = (int(mid[-1]), int(ts[-1]))
        buffered.append(text.rows(batch, mid))
        partials.append(text.partial_cube(batch, mid, key[1] == "hourly"))
        size += batch.num_rows
        written += batch.num_rows
        if size >= store.ROW_GROUP_ROWS:
            flush(final=False)
    if size:
        flush(final=True)
    if not partials:
        return written, None
    return written, pl.concat(partials)
