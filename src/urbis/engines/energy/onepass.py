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
(a bad or missing cell, a repeated reading, a reading already stored, text timestamps in
Parquet, untrimmed or non-canonical codes, a meter whose key changes, resolutions to infer,
a CSV file with quotes or lone carriage returns), :func:`try_ingest` gives up before a
row is kept, and the caller runs the full check (:mod:`.validate`), which names the file,
row, field and reason of every error, or stores the file the checked way. Either way the
stored rows are the same; the tests check both paths store identical rows and that every
refused file is refused with the checked path's errors.
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
import pyarrow.csv as pacsv
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
from .readers import (
    KNOWN_COLUMNS,
    TextBytes,
    _column_name,
    _scan_csv,
    file_kind,
    read_text,
    sniff_dialect,
)
from .validate import _RESOLUTION_ALIASES, REQUIRED_COLUMNS, _parse_timestamp_text

#: DuckDB's memory while it sorts a file (it spills to the work directory beyond it).
MEMORY_LIMIT = "900MB"
_TEXT = {"meter_id", "unit", "flow", "sector", "carrier", "area_code", "resolution"}
_NUMBER = {"value", "lon", "lat"}
#: DuckDB's memory while it sorts a CSV file, whose columns are held outside DuckDB.
CSV_SORT_MEMORY_LIMIT = "600MB"
#: The pool a CSV file's columns are read into: the system allocator gives the memory of
#: the columns the sort does not need back (mimalloc, Arrow's default, keeps it).
_CSV_POOL = pa.system_memory_pool()
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
    #: Per year, the file cube's partial sums, until :meth:`sum_cubes` adds them up.
    partials: dict[int, list[pl.DataFrame]] = field(default_factory=dict, repr=False)
    text: _Text | None = field(default=None, repr=False)

    def sum_cubes(self) -> None:
        """Each year's file cube from its partial sums: done once DuckDB and the file's
        columns have given their memory back, so that the sums do not add to their peak."""
        if self.text is not None:
            self.cubes = {year: self.text.cube(frames) for year, frames in self.partials.items()}
        self.partials, self.text = {}, None


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
        if kind in ("csv", "csv.gz"):
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

    Plain means (gzipped or not): a header of distinct names that are already lower-case
    and trimmed, with every column the full check requires (a BOM before the header is
    fine: both readers drop it). A decimal comma is fine where the delimiter is not a comma.
    The rest of the file is looked at by :func:`_plain_text`.
    """
    try:
        dialect = sniff_dialect(source)
        if dialect.decimal == dialect.delimiter:
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


def _plain_text(source: Path) -> bool:
    """Whether the CSV file is plain (:class:`.readers.TextBytes`): no quote character and no
    lone carriage return, so that Arrow's reader and the full check's cut it alike; every
    line is then one row to both, blank ones too (a row of empty cells)."""
    return read_text(source, TextBytes()).plain


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
    plain: bool | None = None,
) -> OnePass | None:
    """Screen the file and, if plainly clean, write its parts into ``pending`` and return
    what its commit needs; ``None`` (with nothing left in ``pending``) otherwise. The caller
    holds the city's lock. ``tz`` reads CSV timestamps without UTC offset, as the full
    check does. ``plain``: whether a CSV file is plain, if the caller has read its bytes
    already (else they are read here)."""
    if not applicable(source, resolution):
        return None
    con = _connect(work_dir)
    try:
        if file_kind(source) in ("csv", "csv.gz"):
            done = _ingest_csv(
                con, source, areas, resolution, tz, max_power_kw, data_dir, city, pending, plain
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
    else:
        done.sum_cubes()
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
        partials=cubes,
        text=text,
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
    plain: bool | None = None,
) -> OnePass | None:
    """The CSV route: the file read once by Arrow's CSV reader, on both cores, into columns
    of text codes (every text cell stays text, as the full check reads it), then the Parquet
    route's pipeline over them.

    Only the distinct texts are interpreted here: each timestamp text by the full check's
    own parser (:func:`.validate._parse_timestamp_text`), so that both store the same instant
    or both refuse; coordinates, one text per group, by the full check's polars cast; values
    by DuckDB only where their text is plain (:data:`_PLAIN_NUMBER`).
    """
    names = csv_columns(source, resolution)
    if names is None:
        return None
    if not (_plain_text(source) if plain is None else plain):
        return None
    dialect = sniff_dialect(source)
    table = _read_csv_table(source, names, dialect.delimiter, tz)
    if table is None or table.num_rows == 0:
        return None  # a bad timestamp, or no row: the full check says so
    con.register("input", table)
    has = set(table.column_names).__contains__
    raw_res = "resolution" if has("resolution") else f"{_quote(resolution or '')}::VARCHAR"
    lon = "lon" if has("lon") else "NULL::VARCHAR"
    lat = "lat" if has("lat") else "NULL::VARCHAR"
    area = "area_code" if has("area_code") else "NULL::VARCHAR"
    us = 'epoch_us("timestamp")'
    # A decimal comma: the first comma of a number's text read as a point, as the full
    # check rewrites it (:func:`.readers._normalise`).
    comma = dialect.decimal == ","

    def number(column: str) -> str:
        return f"regexp_replace({column}, ',', '.')" if comma else column

    groups = pl.from_arrow(
        con.sql(
            f"""
SELECT meter_id, flow, sector, carrier, unit, {raw_res} AS resolution, {area} AS area_code,
       {lon} AS lon, {lat} AS lat,
       count(*) AS n,
       0 AS no_ts,
       min("timestamp") AS first_ts, max("timestamp") AS last_ts,
       count(*) FILTER ({us} % {_STEP_US["15min"]} <> 0) AS off15,
       count(*) FILTER ({us} % {_STEP_US["hourly"]} <> 0) AS off60,
       count(*) - count(v)
           + count(*) FILTER (NOT regexp_full_match(number, {_quote(_PLAIN_NUMBER)})) AS no_value,
       count(*) FILTER (NOT isfinite(v)) AS not_finite,
       min(v) AS low, max(v) AS high
FROM (SELECT *, TRY_CAST(number AS DOUBLE) AS v
      FROM (SELECT *, {number("value")} AS number FROM input))
GROUP BY ALL
"""  # noqa: S608
        ).to_arrow_table()
    )
    assert isinstance(groups, pl.DataFrame)
    # Coordinates: one text per group, read as the full check reads them.
    coords = {
        c: (
            pl.col(c).str.replace(",", ".", literal=True) if comma else pl.col(c)
        ).str.strip_chars().cast(pl.Float64, strict=False)
        for c in ("lon", "lat")
    }
    if groups.height == 0 or groups.select(
        ((pl.col("lon").is_not_null() & coords["lon"].is_null())
         | (pl.col("lat").is_not_null() & coords["lat"].is_null())).any()
    ).item():
        return None
    groups = groups.with_columns(**coords)
    keys = _screen(groups, areas, has("area_code"), max_power_kw)
    if keys is None:
        return None
    if _any_stored(con, groups, data_dir, city):
        return None
    # The sort needs only these columns: the others' memory goes back before it starts.
    con.unregister("input")
    table = table.select(["meter_id", "flow", "timestamp", "value"])
    _CSV_POOL.release_unused()
    con.execute(f"SET memory_limit = '{CSV_SORT_MEMORY_LIMIT}'")
    con.register("input", table)
    con.register(
        "keys",
        keys.select("meter_id", "flow", "mid", "gid", "factor", "hourly", "lon", "lat").to_arrow(),
    )
    con.execute(
        f"""
CREATE TEMP VIEW prepared AS
SELECT mid, gid, hourly, ts, lon, lat, kwh, {READING_MWH} AS mwh, year(ts) AS year
FROM (
    SELECT k.mid, k.gid, k.hourly, i."timestamp" AS ts, k.lon, k.lat,
           CAST({number("i.value")} AS DOUBLE) * k.factor AS kwh
    FROM input i
    JOIN keys k ON i.meter_id = k.meter_id AND i.flow = k.flow
)
"""  # noqa: S608
    )
    return _write_parts(con, keys, groups, pending, aligned=True)


def _read_csv_table(
    source: Path, names: list[str], delimiter: str, tz: str | None
) -> pa.Table | None:
    """The file's known columns as Arrow columns of text codes, but for ``timestamp``: its
    codes point at the UTC instants of its distinct texts. ``None`` if a timestamp text is
    one the full check refuses (or the file is one Arrow's reader cannot cut as it is)."""
    known = [n for n in names if n in KNOWN_COLUMNS]
    text = pa.dictionary(pa.int32(), pa.string())
    table = pacsv.read_csv(
        # A gzipped file is inflated as it is read, while the blocks before are parsed.
        pa.input_stream(str(source), compression="gzip")
        if file_kind(source) == "csv.gz"
        else source,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 22),
        # No quote character: :func:`_plain_text` has seen none; every line one row.
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, quote_char=False, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            include_columns=known,
            column_types={n: pa.string() if n == "value" else text for n in known},
            strings_can_be_null=False,
        ),
        memory_pool=_CSV_POOL,
    )
    # Each block of the file has its own dictionaries: the distinct texts of all blocks are
    # parsed once, and each block's codes then point at their instants.
    stamps = table.column("timestamp")
    if stamps.num_chunks == 0:
        return None
    texts = pl.Series("text", pa.chunked_array([c.dictionary for c in stamps.chunks]))
    parsed = texts.unique().to_frame().with_columns(*_parse_timestamp_text(pl.col("text"), tz))
    if parsed["reason"].is_not_null().any() or parsed["utc"].is_null().any():
        return None
    instants = parsed.select("text", ts=pl.col("utc").dt.replace_time_zone(None))
    mapped = texts.to_frame().join(instants, on="text", how="left", maintain_order="left")
    ts = mapped["ts"].to_arrow()
    chunks, start = [], 0
    for chunk in stamps.chunks:
        size = len(chunk.dictionary)
        chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, ts.slice(start, size)))
        start += size
    return table.set_column(
        table.column_names.index("timestamp"),
        "timestamp",
        pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.timestamp("us"))),
    )


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
