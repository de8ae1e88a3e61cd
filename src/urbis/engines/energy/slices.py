"""Cutting a large input file into slices of whole meters, to check it in bounded memory.

Every check of a reading needs at most the other readings of its own meter (repeats of a
reading, the resolution inferred from their spacing), so a file whose slices each hold all
readings of their meters can be checked slice by slice and still give the same errors as
when checked whole. Rows keep their numbers in the file so that errors still name them.

Meters are also kept together by what the balance groups on (area, sector, carrier): the
store clusters each slice's rows by that key, and a group split over many slices would be
stored as many short runs, which the balance reads about 9 % slower. So the file is read
twice: first only the columns that place a meter (about a tenth of its bytes), to plan
which meters go to which slice, then whole, in batches, each row written to its slice's
folder in a work directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .areas import AreaIndex
from .readers import Batches, file_kind, read_batches
from .validate import ROW_COLUMN, InputFrame, as_float, first_row_number, meter_id_text

#: Row numbers are 32-bit (see :mod:`.validate`); a larger file has to be split first.
MAX_FILE_ROWS = 2**32 - 2
_PLACE_COLUMNS = ["meter_id", "area_code", "lon", "lat", "sector", "carrier"]


@dataclass(frozen=True)
class Slice:
    """Some meters of a cut file, with all their readings."""

    files: tuple[Path, ...]
    rows: int
    kind: str

    def read(self) -> InputFrame:
        return InputFrame(pl.read_parquet(list(self.files)), self.kind, numbered=True)


def cut(
    path: Path,
    work_dir: Path,
    *,
    slice_rows: int,
    batch_rows: int,
    areas: AreaIndex | None = None,
) -> list[Slice]:
    """Cut the file at ``path`` into slices of whole meters, written under ``work_dir``.

    A slice holds about ``slice_rows`` readings (at most that plus one meter's). ``areas``
    places meters given by coordinates, to keep an area's meters together. Raises what
    reading the file raises (``polars.exceptions.PolarsError``, ``OSError``,
    ``ValueError``) when it cannot be read.
    """
    kind = file_kind(path)
    batches = read_batches(path, work_dir, batch_rows)
    if batches.rows > MAX_FILE_ROWS:
        raise ValueError(f"{batches.rows:,} rows is more than one file may hold; split it")
    plan = _plan(_meters(batches, areas), slice_rows)
    files: dict[int, list[Path]] = {}
    rows: dict[int, int] = {}
    offset = first_row_number(kind)
    for number, batch in enumerate(batches()):
        numbered = batch.with_row_index(ROW_COLUMN, offset=offset)
        offset += batch.height
        # Rows without a meter id go to the first slice, whose check reports them.
        slice_of = (
            meter_id_text(batch)
            .replace_strict(plan["meter"], plan["slice"], default=0, return_dtype=pl.UInt32)
            .fill_null(0)
            .alias("_slice")
        )
        parts = numbered.with_columns(slice_of).partition_by(
            "_slice", as_dict=True, include_key=False
        )
        del numbered
        for (key,), part in parts.items():
            target = work_dir / f"slice-{int(key):05d}" / f"{number:06d}.parquet"
            target.parent.mkdir(exist_ok=True)
            # A short-lived file read once: fast compression, no statistics.
            part.write_parquet(target, compression="lz4", statistics=False)
            files.setdefault(int(key), []).append(target)
            rows[int(key)] = rows.get(int(key), 0) + part.height
    return [Slice(tuple(files[key]), rows[key], kind) for key in sorted(files)]


def _meters(batches: Batches, areas: AreaIndex | None) -> pl.DataFrame:
    """One row per meter id: its readings and the key the balance groups it under (taken
    from its first readings that say; the check proper reports meters that disagree)."""
    seen = []
    for batch in batches(_PLACE_COLUMNS):
        seen.append(
            batch.select(
                meter=meter_id_text(batch),
                area=_text(batch, "area_code", lower=False),
                lon=_number(batch, "lon"),
                lat=_number(batch, "lat"),
                sector=_text(batch, "sector"),
                carrier=_text(batch, "carrier"),
            )
            .group_by("meter", maintain_order=True)
            .agg(pl.all().drop_nulls().first(), rows=pl.len())
        )
    if not seen:
        return pl.DataFrame(schema={"meter": pl.String, "group": pl.UInt64, "rows": pl.UInt32})
    meters = (
        pl.concat(seen)
        .group_by("meter", maintain_order=True)
        .agg(pl.all().exclude("rows").drop_nulls().first(), pl.col("rows").sum())
    )
    unplaced = meters.select(
        pl.col("area").is_null() & pl.col("lon").is_not_null() & pl.col("lat").is_not_null()
    ).to_series()
    if areas is not None and unplaced.any():
        points = meters.filter(unplaced)
        area = np.array(meters["area"].to_list(), dtype=object)
        area[np.flatnonzero(unplaced.to_numpy())] = areas.locate(
            points["lon"].to_numpy(), points["lat"].to_numpy()
        )
        meters = meters.with_columns(area=pl.Series(area.tolist(), dtype=pl.String))
    return meters.select(
        "meter",
        group=pl.struct("area", "sector", "carrier").hash(seed=0),
        rows=pl.col("rows"),
    )


def _plan(meters: pl.DataFrame, slice_rows: int) -> pl.DataFrame:
    """The slice of each meter: meters ordered by group, cut every ``slice_rows`` readings
    (a group is split only where a slice ends)."""
    ordered = meters.drop_nulls("meter").sort("group", "meter")
    start = ordered["rows"].cast(pl.UInt64).cum_sum() - ordered["rows"].cast(pl.UInt64)
    return ordered.select("meter", slice=(start // slice_rows).cast(pl.UInt32))


def _text(batch: pl.DataFrame, name: str, *, lower: bool = True) -> pl.Expr:
    if name not in batch.columns:
        return pl.lit(None, pl.String)
    text = pl.col(name).cast(pl.String).str.strip_chars()
    return text.str.to_lowercase() if lower else text


def _number(batch: pl.DataFrame, name: str) -> pl.Expr:
    return as_float(batch, name) if name in batch.columns else pl.lit(None, pl.Float64)
