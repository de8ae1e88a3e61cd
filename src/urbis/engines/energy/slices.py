"""Cutting a large input file into slices of whole meters, to check it in bounded memory.

Every check of a reading needs at most the other readings of its own meter (repeats of a
reading, the resolution inferred from their spacing), so a file whose slices each hold all
readings of their meters can be checked slice by slice and still give the same errors as
when checked whole. The file is read once, in batches; each batch's rows go to one of a
few dozen buckets by a hash of their meter id, written as Parquet to a work directory; a
slice is then a run of buckets of at most ``slice_rows`` rows (a bucket is never split, so
a slice can be larger when a bucket is). Rows keep their numbers in the file so that errors
still name them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .readers import file_kind, read_batches
from .validate import ROW_COLUMN, InputFrame, first_row_number, meter_id_text

#: Row numbers are 32-bit (see :mod:`.validate`); a larger file has to be split first.
MAX_FILE_ROWS = 2**32 - 2
#: Buckets per slice: enough that buckets of uneven size still pack into even slices.
BUCKETS_PER_SLICE = 4
MAX_BUCKETS = 1024


@dataclass(frozen=True)
class Slice:
    """Some buckets of a cut file: all readings of their meters."""

    files: tuple[Path, ...]
    rows: int
    kind: str

    def read(self) -> InputFrame:
        return InputFrame(pl.read_parquet(list(self.files)), self.kind, numbered=True)


def cut(path: Path, work_dir: Path, *, slice_rows: int, batch_rows: int) -> list[Slice]:
    """Cut the file at ``path`` into slices of whole meters, written under ``work_dir``.

    Raises what reading the file raises (``polars.exceptions.PolarsError``, ``OSError``,
    ``ValueError``) when it cannot be read.
    """
    kind = file_kind(path)
    total, batches = read_batches(path, work_dir, batch_rows)
    if total > MAX_FILE_ROWS:
        raise ValueError(f"{total:,} rows is more than one file may hold; split it")
    buckets = min(MAX_BUCKETS, max(1, math.ceil(total / slice_rows) * BUCKETS_PER_SLICE))
    files: dict[int, list[Path]] = {}
    rows: dict[int, int] = {}
    offset = first_row_number(kind)
    for number, batch in enumerate(batches):
        numbered = batch.with_row_index(ROW_COLUMN, offset=offset)
        offset += batch.height
        bucket = (meter_id_text(batch).hash(seed=0) % buckets).fill_null(0).alias("_bucket")
        parts = numbered.with_columns(bucket).partition_by(
            "_bucket", as_dict=True, include_key=False
        )
        del numbered
        for (key,), part in parts.items():
            target = work_dir / f"bucket-{int(key):04d}" / f"{number:06d}.parquet"
            target.parent.mkdir(exist_ok=True)
            # A short-lived file read once: fast compression, no statistics.
            part.write_parquet(target, compression="lz4", statistics=False)
            files.setdefault(int(key), []).append(target)
            rows[int(key)] = rows.get(int(key), 0) + part.height
    slices: list[Slice] = []
    pending: list[Path] = []
    pending_rows = 0
    for key in sorted(files):
        if pending and pending_rows + rows[key] > slice_rows:
            slices.append(Slice(tuple(pending), pending_rows, kind))
            pending, pending_rows = [], 0
        pending.extend(files[key])
        pending_rows += rows[key]
    if pending:
        slices.append(Slice(tuple(pending), pending_rows, kind))
    return slices
