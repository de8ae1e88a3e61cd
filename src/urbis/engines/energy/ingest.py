"""Ingestion of one readings file into the store: read, validate, refuse overlaps, commit."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pyarrow as pa

from . import onepass, store
from .areas import AreaIndex
from .model import DEFAULT_MAX_POWER_KW, Area, IngestReport, ReadingError, StoredFile
from .model import READING_REASONS as R
from .readers import (
    TextBytes,
    estimate_rows,
    file_kind,
    input_columns,
    read_input,
    read_text,
)
from .slices import Slice, cut
from .validate import ROW_COLUMN, InputFrame, column_problems, validate

#: Files of more rows than this are checked slice by slice (see :mod:`.slices`); a slice
#: of 3 million readings is checked within about 1.1 GiB from Parquet and 1.45 GiB from CSV,
#: about 0.15 GiB more while the slice before it is still being written (docs/PERFORMANCE.md).
SLICE_ROWS = 3_000_000
#: Rows read at a time while a large file is cut into slices.
BATCH_ROWS = 1_048_576


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
    slice_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
    one_pass: bool = True,
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

    A file of more than ``slice_rows`` readings (default :data:`SLICE_ROWS`) is checked and
    written in slices of whole meters, so that memory stays bounded whatever its size; it is
    still committed whole or not at all, and its errors are the same as if it were checked
    whole. Writers of one city wait for each other. ``progress``, if given, is told what is
    being done ("reading", "slice 2 of 5", ...), for a command line to show.

    A typed Parquet file or a plain CSV file is first screened in one DuckDB pass
    (:mod:`.onepass`) and, if plainly clean, stored from that pass; anything else, and every
    file with an error, goes through the full check, which names each error's row.
    ``one_pass=False`` skips the screen (benchmarks compare both).
    """
    say = progress or (lambda _: None)
    source = Path(path)
    index = areas if isinstance(areas, AreaIndex) else AreaIndex(areas)
    store.check_city(city)
    limit = slice_rows or SLICE_ROWS
    # A CSV file's text is checked for UTF-8, quotes and lone carriage returns: in the read
    # that hashes it, unless it is gzipped (then in :func:`_file_problem`).
    kind = file_kind(source)
    text = TextBytes() if kind in ("csv", "csv.gz") else None
    file_hash = store.content_hash(source, also=text if kind == "csv" else None)
    name = source.name
    if store.is_stored(data_dir, city, file_hash):
        return IngestReport(name, file_hash, "duplicate")

    def rejected(errors: list[ReadingError], truncated: bool = False) -> IngestReport:
        return IngestReport(name, file_hash, "rejected", errors=errors, errors_truncated=truncated)

    try:
        problem = _file_problem(source, name, text)
        if problem is not None:
            return rejected([problem])
        columns = set(input_columns(source))
        sliced = estimate_rows(source) > limit
    except _READ_ERRORS as exc:
        return rejected([_unreadable(name, exc)])
    problems = column_problems(columns, resolution)
    if problems:
        return rejected([ReadingError(name, 0, field, reason) for field, reason in problems])
    work_root = Path(data_dir) / "energy" / "work"
    work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work_root, prefix="ingest-") as work:
        if one_pass and onepass.applicable(source, resolution):
            say("checking and writing in one pass")
            with store.city_lock(data_dir, city):
                if store.is_stored(data_dir, city, file_hash):
                    return IngestReport(name, file_hash, "duplicate")
                with store.PendingFile(data_dir, city, file_hash) as pending:
                    done = onepass.try_ingest(
                        source,
                        areas=index,
                        resolution=resolution,
                        max_power_kw=max_power_kw,
                        data_dir=data_dir,
                        city=city,
                        pending=pending,
                        work_dir=Path(work),
                        tz=tz,
                        plain=text.plain if text is not None else None,
                    )
                    if done is not None:
                        say("committing")
                        record = StoredFile(
                            city=city,
                            file_hash=file_hash,
                            source_name=name,
                            rows=done.rows,
                            meters=len(done.meter_ids),
                            years=done.years,
                            first_ts=str(done.first_ts),
                            last_ts=str(done.last_ts),
                            ingested_at=datetime.now(UTC).isoformat(),
                        )
                        pending.commit(record, done.meter_ids, done.cubes)
                        return IngestReport(
                            name, file_hash, "stored", rows=done.rows, meters=record.meters,
                            years=record.years,
                        )
            say("checking every row")
        say("cutting into slices" if sliced else "reading")
        inputs: list[Slice | InputFrame] = []
        try:
            if sliced:
                inputs.extend(
                    cut(source, Path(work), slice_rows=limit, batch_rows=BATCH_ROWS, areas=index)
                )
            else:
                inputs.append(InputFrame(*read_input(source)))
        except _READ_ERRORS as exc:
            return rejected([_unreadable(name, exc)])
        with store.city_lock(data_dir, city):
            if store.is_stored(data_dir, city, file_hash):
                return IngestReport(name, file_hash, "duplicate")
            # A slice is written by a second thread while the next one is read and checked
            # (polars and pyarrow release the GIL, so the two share both cores). One slice at
            # most is being written: memory holds two slices, not the file. The executor is
            # left before the pending file, so no write runs on after a discard.
            with (
                store.PendingFile(data_dir, city, file_hash) as pending,
                ThreadPoolExecutor(1, thread_name_prefix="urbis-slice-writer") as writer,
            ):
                check = _Checker(name, index, data_dir, city, max_errors)
                writing: Future[None] | None = None
                for number, piece in enumerate(inputs, start=1):
                    if len(inputs) > 1:
                        say(f"checking slice {number} of {len(inputs)}")
                    else:
                        say("checking")
                    frame = piece.read() if isinstance(piece, Slice) else piece
                    rows = check.slice(
                        frame, tz=tz, resolution=resolution, max_power_kw=max_power_kw
                    )
                    del frame
                    if writing is not None:
                        writing.result()  # a failed write raises here
                        writing = None
                    if rows is not None:
                        writing = writer.submit(pending.add, rows)
                    del rows
                if writing is not None:
                    writing.result()
                if check.errors or check.overlaps:
                    return rejected(*check.report())
                if check.rows == 0:
                    return rejected([ReadingError(name, 0, "*", R["no_readings"])])
                say("committing")
                meter_ids = sorted(check.meter_ids)
                record = StoredFile(
                    city=city,
                    file_hash=file_hash,
                    source_name=name,
                    rows=check.rows,
                    meters=len(meter_ids),
                    years=tuple(sorted(check.years)),
                    first_ts=str(check.first_ts),
                    last_ts=str(check.last_ts),
                    ingested_at=datetime.now(UTC).isoformat(),
                )
                pending.commit(record, meter_ids)
    return IngestReport(
        name, file_hash, "stored", rows=record.rows, meters=record.meters, years=record.years
    )


_READ_ERRORS = (pl.exceptions.PolarsError, pa.ArrowException, OSError, ValueError)


def _file_problem(source: Path, name: str, text: TextBytes | None) -> ReadingError | None:
    """What makes the file as a whole unreadable, said so that its sender can act on it.
    ``text``: the check of a CSV file's text, handed its bytes while they were hashed (not
    gzipped) or here (gzipped)."""
    if source.stat().st_size == 0:
        return ReadingError(name, 0, "*", R["empty_file"])
    kind = file_kind(source)
    if kind != "parquet" and name.lower().endswith(".parquet"):
        return ReadingError(name, 0, "*", R["not_parquet"])
    if text is not None:  # every CSV file, gzipped or not
        if kind == "csv.gz":
            read_text(source, text)
        bad = text.not_utf8(source)
        if bad is not None:
            row, byte = bad
            return ReadingError(name, row, "*", R["not_utf8"].format(byte))
    return None


def _unreadable(name: str, exc: Exception) -> ReadingError:
    # Parsers quote the rest of the file after a stray quote: keep the report readable.
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    reason = first if len(first) <= 200 else first[:200] + "…"
    return ReadingError(name, 0, "*", R["unreadable"].format(reason))


class _Checker:
    """Validates a file slice by slice and sums up what the commit record needs.

    Errors of every slice are kept (the first ``max_errors`` by row in the end); once one is
    found no more rows are handed out for writing, but the remaining slices are still
    checked so that the report names the file's first errors, as a check of the whole file
    would. Readings already stored by another file are looked for only while the file is
    otherwise clean, and reported only if it is.
    """

    def __init__(
        self,
        name: str,
        areas: AreaIndex,
        data_dir: str | os.PathLike[str],
        city: str,
        max_errors: int,
    ) -> None:
        self.name, self.areas, self.data_dir, self.city = name, areas, data_dir, city
        self.max_errors = max_errors
        self.errors: list[ReadingError] = []
        self.total = 0
        self.overlaps: list[ReadingError] = []
        self.rows = 0
        self.meter_ids: set[str] = set()
        self.years: set[int] = set()
        self.first_ts: datetime | None = None
        self.last_ts: datetime | None = None

    def slice(
        self, frame: InputFrame, *, tz: str | None, resolution: str | None, max_power_kw: float
    ) -> pl.DataFrame | None:
        """Check one slice; its rows to store (without row numbers) while all is clean."""
        checked = validate(
            frame,
            file=self.name,
            areas=self.areas,
            tz=tz,
            resolution=resolution,
            max_power_kw=max_power_kw,
            max_errors=self.max_errors,
        )
        if checked.rows is None:
            self.errors = sorted([*self.errors, *checked.errors], key=_by_row)[: self.max_errors]
            self.total += checked.total
            return None
        rows = checked.rows
        del checked
        if self.errors or self.overlaps or rows.height == 0:
            return None
        meter_ids = rows["meter_id"].unique().to_list()
        years = {int(y) for y in rows["year"].unique()}
        self.overlaps = _overlaps(
            rows,
            self.data_dir,
            self.city,
            set(meter_ids),
            tuple(sorted(years)),
            self.name,
            self.max_errors,
        )
        if self.overlaps:
            return None
        self.rows += rows.height
        self.meter_ids.update(meter_ids)
        self.years |= years
        first, last = rows["ts"].min(), rows["ts"].max()
        assert isinstance(first, datetime) and isinstance(last, datetime)
        self.first_ts = first if self.first_ts is None else min(self.first_ts, first)
        self.last_ts = last if self.last_ts is None else max(self.last_ts, last)
        # Row numbers were needed for error messages only; the store does not keep them.
        return rows.drop(ROW_COLUMN)

    def report(self) -> tuple[list[ReadingError], bool]:
        if self.errors:
            return self.errors, self.total > self.max_errors
        return self.overlaps[: self.max_errors], len(self.overlaps) > self.max_errors


def _by_row(error: ReadingError) -> tuple[int, str]:
    return (error.row, error.field)


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
        # Text keys as plain strings on both sides: either may be categorical.
        keys = [pl.col("meter_id").cast(pl.String), pl.col("flow").cast(pl.String), "ts"]
        # Part by part: parts written by the one-pass writer keep text as plain strings,
        # those of the full check as categoricals, and one scan refuses to mix them.
        stored = pl.concat(
            [
                pl.scan_parquet(part)
                .filter(pl.col("meter_id").cast(pl.String).is_in(list(shared)))
                .select(keys)
                for part in parts
            ]
        ).collect()
        # Row numbers are not stored; recover them from the validated frame's order of input.
        clash = rows.with_columns(keys[:2]).join(stored, on=["meter_id", "flow", "ts"], how="semi")
        for row in clash.head(max_errors - len(errors)).iter_rows(named=True):
            errors.append(
                ReadingError(
                    name,
                    int(row["_row"]),
                    "timestamp",
                    R["already_stored"].format(row["meter_id"], row["flow"], row["ts"],
                                               record.source_name, record.file_hash[:12]),
                )
            )
        if len(errors) >= max_errors:
            break
    return errors
