"""Ingestion of one readings file into the store: read, validate, refuse overlaps, commit."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from . import store
from .areas import AreaIndex
from .model import DEFAULT_MAX_POWER_KW, Area, IngestReport, ReadingError, StoredFile
from .readers import read_input
from .validate import InputFrame, validate


def ingest_file(
    path: str | os.PathLike[str],
    *,
    city: str,
    areas: AreaIndex | Iterable[Area],
    data_dir: str | os.PathLike[str],
    tz: str | None = None,
    resolution: str | None = None,
    max_power_kw: float = DEFAULT_MAX_POWER_KW,
    max_errors: int = 100,
) -> IngestReport:
    """Validate one CSV (any delimiter/decimal mark, optionally gzip) or Parquet file of meter
    readings and store it whole, or store nothing.

    Columns: ``meter_id, timestamp, value, unit, flow, sector, carrier`` plus ``area_code`` or
    ``lon``/``lat`` (WGS84), optionally ``resolution`` (else the ``resolution`` argument, else
    inferred per meter from the spacing of its readings). ``tz`` (IANA name) interprets
    timestamps without UTC offset; without it they are errors.

    Dedupe rule: a reading is identified by ``(meter_id, flow, timestamp)``. The same file
    (same bytes) ingested again is recognised by its SHA-256 and stored once (status
    ``"duplicate"``). A different file that repeats an already stored reading is rejected
    with one error per overlapping row; to correct readings, remove the old file with
    :func:`remove_file` and ingest the corrected one. Nothing is ever counted twice.
    """
    source = Path(path)
    index = areas if isinstance(areas, AreaIndex) else AreaIndex(areas)
    store.check_city(city)
    file_hash = store.content_hash(source)
    name = source.name
    if store.is_stored(data_dir, city, file_hash):
        return IngestReport(name, file_hash, "duplicate")
    try:
        loaded = InputFrame(*read_input(source))
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        error = ReadingError(name, 0, "*", f"cannot read file: {exc}")
        return IngestReport(name, file_hash, "rejected", errors=[error])
    checked = validate(
        loaded,
        file=name,
        areas=index,
        tz=tz,
        resolution=resolution,
        max_power_kw=max_power_kw,
        max_errors=max_errors,
    )
    if checked.rows is None:
        return IngestReport(
            name,
            file_hash,
            "rejected",
            rows=0,
            errors=checked.errors,
            errors_truncated=checked.truncated,
        )
    rows = checked.rows
    del checked
    if rows.height == 0:
        error = ReadingError(name, 0, "*", "file holds no readings")
        return IngestReport(name, file_hash, "rejected", errors=[error])
    meter_ids = rows["meter_id"].unique().sort().to_list()
    years = tuple(sorted(int(y) for y in rows["year"].unique()))
    first_ts, last_ts = rows["ts"].min(), rows["ts"].max()
    with store.city_lock(data_dir, city):
        if store.is_stored(data_dir, city, file_hash):
            return IngestReport(name, file_hash, "duplicate")
        overlaps = _overlaps(rows, data_dir, city, set(meter_ids), years, name, max_errors)
        if overlaps:
            return IngestReport(
                name,
                file_hash,
                "rejected",
                errors=overlaps[:max_errors],
                errors_truncated=len(overlaps) > max_errors,
            )
        record = StoredFile(
            city=city,
            file_hash=file_hash,
            source_name=name,
            rows=rows.height,
            meters=len(meter_ids),
            years=years,
            first_ts=str(first_ts),
            last_ts=str(last_ts),
            ingested_at=datetime.now(UTC).isoformat(),
        )
        # Row numbers were needed for error messages only; the store does not keep them.
        rows = rows.drop("_row")
        store.write_file(data_dir, city, record, rows, meter_ids)
    return IngestReport(
        name, file_hash, "stored", rows=rows.height, meters=len(meter_ids), years=years
    )


def _overlaps(
    rows: pl.DataFrame,
    data_dir: str | os.PathLike[str],
    city: str,
    meters: set[str],
    years: tuple[int, ...],
    name: str,
    max_errors: int,
) -> list[ReadingError]:
    """Readings of the new file already stored by a committed file (cheap catalogue filter
    first: only files sharing years and meters are opened)."""
    errors: list[ReadingError] = []
    for record in store.list_files(data_dir, city):
        shared_years = sorted(set(record.years) & set(years))
        if not shared_years:
            continue
        shared = meters & set(store.stored_meter_ids(data_dir, city, record.file_hash))
        if not shared:
            continue
        parts = [
            store.part_path(data_dir, city, year, record.file_hash, kind)
            for year, kind in store.record_parts(record)
            if year in shared_years
        ]
        stored = (
            pl.scan_parquet(parts)
            .filter(pl.col("meter_id").is_in(list(shared)))
            .select("meter_id", "flow", "ts")
            .collect()
        )
        # Row numbers are not stored; recover them from the validated frame's order of input.
        clash = rows.join(stored, on=["meter_id", "flow", "ts"], how="semi")
        for row in clash.head(max_errors - len(errors)).iter_rows(named=True):
            errors.append(
                ReadingError(
                    name,
                    int(row["_row"]),
                    "timestamp",
                    f"reading of meter {row['meter_id']} ({row['flow']}) at {row['ts']} UTC is "
                    f"already stored by {record.source_name} ({record.file_hash[:12]}); "
                    "remove that file first to replace its readings",
                )
            )
        if len(errors) >= max_errors:
            break
    return errors
