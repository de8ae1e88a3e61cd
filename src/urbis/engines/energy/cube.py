"""The hourly cube of one stored file: its readings summed per (area, sector, carrier, hour).

Written beside the file's readings when it is committed (see :mod:`.store`), one cube part
per year partition, so that the balance reads a few rows per area and hour instead of every
meter's readings. Each reading is first rounded to integer milliwatt-hours
(:data:`READING_MWH`), so the sums are integers: summing the cubes of several files hour by
hour gives exactly what summing their raw readings together gives, on any engine.

Cube rows (:data:`CUBE_SCHEMA`): hour-by-hour readings (15-minute and hourly) are summed
into clock hours (``resolution = 'hourly'``, ``ts`` = the hour, UTC); daily and annual
readings keep their own ``resolution`` and ``ts``. Consumption and production, the two
flows, are the two sums of a row.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .model import HOURLY_RESOLUTIONS

#: One reading's kWh as integer milliwatt-hours (every energy sum is a sum of these).
READING_MWH = "CAST(round(kwh * 1e6) AS BIGINT)"

#: The columns of a cube part.
CUBE_SCHEMA = pa.schema(
    [
        ("area_code", pa.string()),
        ("sector", pa.string()),
        ("carrier", pa.string()),
        ("resolution", pa.string()),
        ("ts", pa.timestamp("us")),
        ("consumption_mwh", pa.int64()),
        ("production_mwh", pa.int64()),
    ]
)

_HOURLY = "resolution IN (" + ", ".join(f"'{r}'" for r in HOURLY_RESOLUTIONS) + ")"


def cube_select(source: str) -> str:
    """The SQL (DuckDB and Spark) that sums the readings of table ``source`` into cube rows."""
    return f"""
SELECT area_code, sector, carrier,
       CASE WHEN {_HOURLY} THEN 'hourly' ELSE resolution END AS resolution,
       CASE WHEN {_HOURLY} THEN date_trunc('hour', ts) ELSE ts END AS ts,
       sum(CASE WHEN flow = 'consumption' THEN {READING_MWH} ELSE 0 END) AS consumption_mwh,
       sum(CASE WHEN flow = 'production' THEN {READING_MWH} ELSE 0 END) AS production_mwh
FROM {source}
GROUP BY area_code, sector, carrier,
         CASE WHEN {_HOURLY} THEN 'hourly' ELSE resolution END,
         CASE WHEN {_HOURLY} THEN date_trunc('hour', ts) ELSE ts END
"""  # noqa: S608


def build_cube(parts: Sequence[str | os.PathLike[str]]) -> pa.Table:
    """The cube rows of some Parquet parts of readings (one file's parts of one year),
    sorted by area, sector, carrier, resolution and time."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = false")
        files = [Path(p).as_posix() for p in parts]
        con.register("cube_input", con.read_parquet(files, hive_partitioning=False))
        table = con.sql(
            cube_select("cube_input") + " ORDER BY area_code, sector, carrier, resolution, ts"
        ).to_arrow_table()
    finally:
        con.close()
    return table.select(CUBE_SCHEMA.names).cast(CUBE_SCHEMA)


def write_cube(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")


def empty_cube() -> pa.Table:
    schema = CUBE_SCHEMA.append(pa.field("city", pa.string())).append(pa.field("year", pa.int64()))
    return schema.empty_table()
