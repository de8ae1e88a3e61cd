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

The city's **merged cube** (:func:`merge_cubes`) is the same rows summed over every stored
file of one year partition, with ``parts``, the number of file cube rows in each row. It is
kept up to date at each commit and withdrawal by adding or subtracting one file's cube
(see :mod:`.store`), so the balance reads areas × hours, whatever the number of files.
``parts`` lets a subtraction drop exactly the rows no remaining file has (a row of zero
energy still counts as an hour with readings).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
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


#: The columns of a merged cube: a cube row plus how many files' cube rows it sums.
MERGED_SCHEMA = CUBE_SCHEMA.append(pa.field("parts", pa.int64()))

_KEYS = ["area_code", "sector", "carrier", "resolution", "ts"]
_SUMS = ["consumption_mwh", "production_mwh", "parts"]


def _signed(table: pa.Table, sign: int) -> pl.LazyFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if "parts" not in frame.columns:
        frame = frame.with_columns(parts=pl.lit(1, pl.Int64))
    frame = frame.select(*_KEYS, *_SUMS)
    if sign < 0:
        frame = frame.with_columns(-pl.col(name) for name in _SUMS)
    return frame.lazy()


def _one_row_per_key_in_order(table: pa.Table) -> bool:
    """Whether each row's key (:data:`_KEYS`) is greater than the row's before it, as
    :func:`merge_cubes` sorts them (text by its bytes, as both polars and DuckDB order it):
    then the keys are unique and sorted. A missing key cell answers no."""
    frame = pl.from_arrow(table.select(_KEYS))
    assert isinstance(frame, pl.DataFrame)
    greater: pl.Expr = pl.lit(False)
    equal: pl.Expr = pl.lit(True)
    for key in _KEYS:
        now, before = pl.col(key), pl.col(key).shift(1)
        greater = greater | (equal & (now > before))
        equal = equal & (now == before)
    # The first row has no row before it; a null anywhere else (a missing key) is a no.
    flags = frame.select(greater.alias("greater")).get_column("greater").slice(1)
    return flags.null_count() == 0 and bool(flags.all())


def merge_cubes(add: Sequence[pa.Table], subtract: Sequence[pa.Table] = ()) -> pa.Table:
    """File cubes and merged cubes in ``add`` summed row by row, minus those in ``subtract``,
    as one merged cube (:data:`MERGED_SCHEMA`) sorted like a file's cube.

    A file cube's row counts as one part. A row whose parts fall to zero held only what was
    subtracted and is dropped; one that falls below zero means ``subtract`` held a cube that
    ``add`` did not, and is an error (the merged cube would no longer be a sum of files)."""
    alone = len(add) == 1 and not subtract and "parts" not in add[0].column_names
    if alone and _one_row_per_key_in_order(add[0]):
        # One file's cube alone (the first delivery of a year): it already holds one row per
        # key in the merged cube's order, so grouping and sorting it would change nothing.
        # For a year's file: 0.05-0.17 s with this check, against 0.51-0.81 s
        # (docs/PERFORMANCE.md).
        table = add[0].select(CUBE_SCHEMA.names)
        parts = pa.array(np.ones(table.num_rows, dtype=np.int64))
        return table.append_column("parts", parts).cast(MERGED_SCHEMA)
    if not add and not subtract:
        return MERGED_SCHEMA.empty_table()
    keyed = _merge_by_number(add, subtract)
    if keyed is not None:
        return keyed
    return _merge_by_grouping(add, subtract)


def _merge_by_grouping(add: Sequence[pa.Table], subtract: Sequence[pa.Table]) -> pa.Table:
    """:func:`merge_cubes` by polars's group-by on the five key columns: any input."""
    frames = [_signed(t, 1) for t in add] + [_signed(t, -1) for t in subtract]
    if not frames:
        return MERGED_SCHEMA.empty_table()
    merged = (
        pl.concat(frames)
        .group_by(_KEYS)
        .agg(pl.col(name).sum() for name in _SUMS)
        .collect()
    )
    if merged.height and merged["parts"].min() < 0:  # type: ignore[operator]
        raise ValueError("a cube was subtracted from a merged cube that does not hold it")
    merged = merged.filter(pl.col("parts") > 0).sort(_KEYS)
    return merged.to_arrow().select(MERGED_SCHEMA.names).cast(MERGED_SCHEMA)


_GROUP = ["area_code", "sector", "carrier", "resolution"]
#: A row's key as one number: its group's rank above, microseconds since the earliest time
#: of the inputs below (a year's cube spans at most 366 days, about 2^45 microseconds).
_TIME_BITS = 45
_MAX_GROUPS = 1 << (63 - _TIME_BITS)


def _merge_by_number(add: Sequence[pa.Table], subtract: Sequence[pa.Table]) -> pa.Table | None:
    """:func:`merge_cubes` with each row's key as one integer, or ``None`` where that cannot
    be (a missing key, or times too far apart): then :func:`_merge_by_grouping`.

    Cubes come as runs of one (area, sector, carrier, resolution): each run's group is
    looked up once among the few thousand groups of the inputs, sorted as text, and its rank
    joins the row's time in one ``int64``. The inputs, each in order, then need one stable
    sort (runs merged in linear time) and a sum over neighbours; about a fifth of the
    group-by's time for a year's cube (docs/PERFORMANCE.md)."""
    tables = [*add, *subtract]
    frames: list[pl.DataFrame] = []
    for table in tables:
        frame = pl.from_arrow(table.select(_GROUP + ["ts"]))
        assert isinstance(frame, pl.DataFrame)
        sums = [c for c in _SUMS if c in table.column_names]
        if frame.null_count().sum_horizontal().item() or any(
            table.column(c).null_count for c in sums
        ):
            return None
        frames.append(frame)
    # Each table's runs of one group: where a run starts, and its group's text.
    starts, heads = [], []
    for frame in frames:
        change = pl.any_horizontal(pl.col(k) != pl.col(k).shift(1) for k in _GROUP)
        first = frame.select(change.fill_null(True)).to_series().arg_true()
        starts.append(first.to_numpy())
        heads.append(frame[_GROUP][first])
    groups = pl.concat(heads).unique().sort(_GROUP)
    if groups.height >= _MAX_GROUPS:
        return None
    groups = groups.with_columns(rank=pl.int_range(pl.len(), dtype=pl.Int64))
    times = [f["ts"].to_physical().to_numpy() for f in frames]
    lowest = min((int(t.min()) for t in times if t.size), default=0)
    highest = max((int(t.max()) for t in times if t.size), default=0)
    if highest - lowest >= 1 << _TIME_BITS:
        return None
    keys, sums = [], []
    for sign, table, frame, first, head, ts in zip(
        [1] * len(add) + [-1] * len(subtract), tables, frames, starts, heads, times, strict=True
    ):
        rank = head.join(groups, on=_GROUP, how="left", maintain_order="left")["rank"]
        lengths = np.diff(np.append(first, frame.height))
        keys.append((np.repeat(rank.to_numpy(), lengths) << _TIME_BITS) | (ts - lowest))
        parts = (
            table.column("parts").to_numpy()
            if "parts" in table.column_names
            else np.ones(table.num_rows, dtype=np.int64)
        )
        sums.append(
            np.stack(
                [
                    table.column("consumption_mwh").to_numpy(),
                    table.column("production_mwh").to_numpy(),
                    parts,
                ]
            )
            * sign
        )
    key = np.concatenate(keys)
    order = np.argsort(key, kind="stable")
    key = key[order]
    summed = np.concatenate(sums, axis=1)[:, order]
    if key.size == 0:
        return MERGED_SCHEMA.empty_table()
    first_of_key = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    key = key[first_of_key]
    summed = np.add.reduceat(summed, first_of_key, axis=1)
    if summed[2].min() < 0:
        raise ValueError("a cube was subtracted from a merged cube that does not hold it")
    keep = summed[2] > 0
    key, summed = key[keep], summed[:, keep]
    rows = groups[_GROUP].gather(pl.Series(key >> _TIME_BITS))
    out = rows.with_columns(
        ts=pl.Series((key & ((1 << _TIME_BITS) - 1)) + lowest).cast(pl.Datetime("us")),
        consumption_mwh=pl.Series(summed[0]),
        production_mwh=pl.Series(summed[1]),
        parts=pl.Series(summed[2]),
    )
    return out.to_arrow().select(MERGED_SCHEMA.names).cast(MERGED_SCHEMA)


def empty_merged_cube() -> pa.Table:
    schema = MERGED_SCHEMA.append(pa.field("city", pa.string())).append(
        pa.field("year", pa.int64())
    )
    return schema.empty_table()
