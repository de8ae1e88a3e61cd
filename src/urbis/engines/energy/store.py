"""The readings store: Parquet partitioned by city and year, with a catalogue of ingested files.

Layout under ``<data_dir>/energy/readings``::

    city=<code>/year=<yyyy>/<file-hash>.parquet          # one input file's 15-min/hourly readings
    city=<code>/year=<yyyy>/<file-hash>.coarse.parquet   # ... and its daily/annual ones
    city=<code>/year=<yyyy>/<file-hash>.cube.parquet     # ... summed per area and hour (cube.py)
    _catalogue/city=<code>/<file-hash>.json               # commit record of that input file

Hour-by-hour and coarse readings are kept apart so that the balance's pass over every
reading needs no per-row test of the resolution (that test cost about 9 % of the balance).

A file's readings count only once its catalogue record exists: the record is written last
(temp file + atomic rename), so a crash mid-ingest leaves nothing that readers see. The
file's cube parts are written in the same commit, before the record; files stored before
cubes existed get theirs from :func:`ensure_cubes` (on first read, or
``urbis energy rebuild-cubes``).

Beside the store, under ``<data_dir>/energy/cubes``, each year partition of a city has one
**merged cube** (every committed file's cube summed, see :func:`.cube.merge_cubes`)::

    city=<code>/year=<yyyy>/merged-<key>.parquet

``<key>`` is a digest of the committed files of that year (hash and time of ingestion), so a
merged cube names exactly the files it sums: readers compute the key from the catalogue and
never read a merged cube of another set of files. A commit adds the new file's cube to the
year's merged cube and a withdrawal subtracts it (cost: areas × hours, not files); both
write the new merged cube before the catalogue changes, so a failure leaves the previous
state whole. A missing merged cube (a store written before them, or a failed write) is
built from the files' cubes on first read.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .cube import build_cube, merge_cubes, write_cube
from .model import (
    ESTIMATE_SOURCE_PREFIX,
    HOURLY_RESOLUTIONS,
    STORE_SCHEMA,
    EnergyEngineError,
    StoredFile,
)

_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")
ROW_GROUP_ROWS = 1_048_576


def check_city(city: str) -> str:
    """City codes become directory names, so only a safe alphabet is accepted."""
    if not _CODE.match(city):
        raise EnergyEngineError(f"city code {city!r} must match {_CODE.pattern}")
    return city


def readings_root(data_dir: str | os.PathLike[str]) -> Path:
    return Path(data_dir) / "energy" / "readings"


def partition_dir(data_dir: str | os.PathLike[str], city: str, year: int) -> Path:
    return readings_root(data_dir) / f"city={check_city(city)}" / f"year={int(year)}"


def _catalogue_dir(data_dir: str | os.PathLike[str], city: str) -> Path:
    return readings_root(data_dir) / "_catalogue" / f"city={check_city(city)}"


#: File name suffix of each kind of part; ``mixed`` is the one part per year of records
#: written before hourly and coarse readings were split.
PART_SUFFIX = {"hourly": ".parquet", "coarse": ".coarse.parquet", "mixed": ".parquet"}


def record_parts(record: StoredFile) -> list[tuple[int, str]]:
    """The ``(year, kind)`` parts a committed file stored."""
    if record.parts:
        return [(int(y), kind) for y, kind in record.parts]
    return [(int(y), "mixed") for y in record.years]


def part_path(
    data_dir: str | os.PathLike[str], city: str, year: int, file_hash: str, kind: str
) -> Path:
    return partition_dir(data_dir, city, year) / f"{file_hash}{PART_SUFFIX[kind]}"


CUBE_SUFFIX = ".cube.parquet"


def cube_path(data_dir: str | os.PathLike[str], city: str, year: int, file_hash: str) -> Path:
    """The cube part of one stored file in one year partition (see :mod:`.cube`)."""
    return partition_dir(data_dir, city, year) / f"{file_hash}{CUBE_SUFFIX}"


def record_years(record: StoredFile) -> list[int]:
    """The year partitions a committed file stored readings in (one cube part each)."""
    return sorted({year for year, _ in record_parts(record)})


def content_hash(path: Path, also: Callable[[bytes], None] | None = None) -> str:
    """SHA-256 of the file's bytes: the same file ingested twice is recognised. ``also``,
    if given, is handed every block too, in order, while the block is hashed on a second
    thread (hashlib lets go of the GIL): one read of the file serves both."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        if also is None:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
            return digest.hexdigest()
        with ThreadPoolExecutor(1, thread_name_prefix="urbis-hash") as pool:
            while block := fh.read(1 << 22):
                hashed = pool.submit(digest.update, block)
                try:
                    also(block)
                finally:
                    hashed.result()
    return digest.hexdigest()


@contextlib.contextmanager
def city_lock(data_dir: str | os.PathLike[str], city: str) -> Iterator[None]:
    """Serialise writers of one city (overlap checks must see every committed file)."""
    root = readings_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".lock-{check_city(city)}").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


#: Catalogue records already read, by path, with the identity of the file they were read
#: from: a record is never changed in place (it is written under a temporary name and
#: renamed), so an unchanged (inode, modification time, size) means an unchanged record.
_records: dict[Path, tuple[tuple[int, int, int], StoredFile]] = {}


def _read_record(path: Path) -> StoredFile | None:
    """One catalogue record, read again only if its file changed; ``None`` if it is gone."""
    try:
        stat = path.stat()
        identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        known = _records.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        data = json.loads(path.read_text())
    except FileNotFoundError:
        _records.pop(path, None)
        return None  # withdrawn while the folder was listed
    data["years"] = tuple(data["years"])
    data.pop("meter_ids", None)
    data["parts"] = tuple((int(y), str(k)) for y, k in data.get("parts", ()))
    # Records written before the flag existed: PV estimates were recognisable by name.
    data.setdefault("estimate", data["source_name"].startswith(ESTIMATE_SOURCE_PREFIX))
    record = StoredFile(**data)
    _records[path] = (identity, record)
    return record


def list_files(data_dir: str | os.PathLike[str], city: str) -> list[StoredFile]:
    """The committed input files of a city, oldest first.

    Every page and API request lists them (the balance cache is keyed on them); a record,
    which also lists its file's meters, is parsed once, not on every listing."""
    folder = _catalogue_dir(data_dir, city)
    try:
        stat = folder.stat()
    except FileNotFoundError:
        return []
    # Records are only added, replaced and removed by renames and unlinks in the folder,
    # which change its modification time: an unchanged folder needs no stat of each of its
    # (thousands of) records. A folder changed less than a clock tick or two before this
    # look could change again within the same time stamp, so it is not trusted.
    identity = (stat.st_ino, stat.st_mtime_ns)
    known = _listings.get(folder)
    if known is not None and known[0] == identity:
        return list(known[1])
    records = [r for path in folder.glob("*.json") if (r := _read_record(path)) is not None]
    records.sort(key=lambda r: (r.ingested_at, r.file_hash))
    if time.time_ns() - stat.st_mtime_ns > _SETTLED_NS:
        _listings[folder] = (identity, records)
    return list(records)


#: Listings of catalogue folders by the folder's (inode, modification time).
_listings: dict[Path, tuple[tuple[int, int], list[StoredFile]]] = {}
#: How long after its last change a folder's listing may be kept (time stamps are coarse).
_SETTLED_NS = 2_000_000_000


def local_years(record: StoredFile, tz: str) -> list[int]:
    """The calendar years, by the clocks of ``tz``, from a stored file's first reading to its
    last. Its ``years`` are UTC partitions: a year of readings in Madrid starts at 23:00
    UTC on 31 December, in the previous partition."""
    zone = ZoneInfo(tz)
    first, last = (
        datetime.fromisoformat(ts).replace(tzinfo=UTC).astimezone(zone).year
        for ts in (record.first_ts, record.last_ts)
    )
    return list(range(first, last + 1))


def generated_year(record: StoredFile, prefix: str) -> int | None:
    """The calendar year of a file the engine generated (estimates stored under the source
    name ``<prefix>-<year>``), else ``None``."""
    head = f"{prefix}-"
    if record.estimate and record.source_name.startswith(head):
        suffix = record.source_name[len(head):]
        if suffix.isdigit():
            return int(suffix)
    return None


def stored_meter_ids(data_dir: str | os.PathLike[str], city: str, file_hash: str) -> list[str]:
    path = _catalogue_dir(data_dir, city) / f"{file_hash}.json"
    return list(json.loads(path.read_text()).get("meter_ids", []))


def is_stored(data_dir: str | os.PathLike[str], city: str, file_hash: str) -> bool:
    return (_catalogue_dir(data_dir, city) / f"{file_hash}.json").is_file()


def committed_parts(
    data_dir: str | os.PathLike[str],
    city: str | None = None,
    years: list[int] | None = None,
    *,
    estimates: bool | None = None,
) -> list[tuple[Path, str]]:
    """``(path, kind)`` of the Parquet parts of committed input files (optionally one city,
    some years; ``estimates=True`` or ``False`` for only the files of modelled or of metered
    readings). ``kind`` is ``"hourly"``, ``"coarse"`` or ``"mixed"`` (see :data:`PART_SUFFIX`)."""
    root = readings_root(data_dir)
    cat_root = root / "_catalogue"
    if not cat_root.is_dir():
        return []
    cities = (
        [check_city(city)]
        if city
        else [p.name.split("=", 1)[1] for p in cat_root.glob("city=*") if p.is_dir()]
    )
    parts: list[tuple[Path, str]] = []
    for code in sorted(cities):
        for record in list_files(data_dir, code):
            if estimates is not None and record.estimate != estimates:
                continue
            for year, kind in record_parts(record):
                if years is None or year in years:
                    parts.append((part_path(data_dir, code, year, record.file_hash, kind), kind))
    return parts


def committed_paths(
    data_dir: str | os.PathLike[str],
    city: str | None = None,
    years: list[int] | None = None,
    *,
    estimates: bool | None = None,
) -> list[Path]:
    """Every Parquet part of committed input files (filters as :func:`committed_parts`)."""
    return [path for path, _ in committed_parts(data_dir, city, years, estimates=estimates)]


def committed_cubes(
    data_dir: str | os.PathLike[str],
    city: str,
    years: list[int] | None = None,
    *,
    estimates: bool | None = None,
) -> list[Path]:
    """The cube parts of a city's committed files (filters as :func:`committed_parts`),
    building any that is missing first (files stored before cubes existed)."""
    ensure_cubes(data_dir, city, years)
    return [
        cube_path(data_dir, city, year, record.file_hash)
        for record in list_files(data_dir, city)
        if estimates is None or record.estimate == estimates
        for year in record_years(record)
        if years is None or year in years
    ]


def ensure_cubes(
    data_dir: str | os.PathLike[str],
    city: str,
    years: list[int] | None = None,
    *,
    force: bool = False,
) -> int:
    """Build the missing cube parts of a city's committed files (all of them if ``force``);
    returns how many were written. Safe to run beside readers: a cube part is written to a
    temporary file and renamed into place, and its content depends only on the file's
    readings."""
    built = 0
    for record in list_files(data_dir, city):
        for year in record_years(record):
            if years is not None and year not in years:
                continue
            target = cube_path(data_dir, city, year, record.file_hash)
            if target.is_file() and not force:
                continue
            parts = [
                part_path(data_dir, city, y, record.file_hash, kind)
                for y, kind in record_parts(record)
                if y == year
            ]
            if not all(p.is_file() for p in parts):
                continue  # withdrawn meanwhile
            tmp = target.with_name(f".tmp-{uuid.uuid4().hex}{CUBE_SUFFIX}.part")
            try:
                write_cube(build_cube(parts), tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            built += 1
            if force:  # the merged cube is rebuilt from the rewritten cubes on first read
                _prune_merged(data_dir, city, year, set())
    return built


def cubes_root(data_dir: str | os.PathLike[str]) -> Path:
    """Where the merged cubes live (hive partitions ``city=``/``year=`` below it)."""
    return Path(data_dir) / "energy" / "cubes"


def _merged_dir(data_dir: str | os.PathLike[str], city: str, year: int) -> Path:
    return cubes_root(data_dir) / f"city={check_city(city)}" / f"year={int(year)}"


def merged_key(records: list[StoredFile], year: int) -> str | None:
    """The key of the merged cube of the ``records`` that stored readings in ``year``
    (``None`` if none did)."""
    names = sorted(
        f"{r.file_hash}@{r.ingested_at}" for r in records if int(year) in record_years(r)
    )
    if not names:
        return None
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:24]


def merged_path(data_dir: str | os.PathLike[str], city: str, year: int, key: str) -> Path:
    return _merged_dir(data_dir, city, year) / f"merged-{key}.parquet"


def _write_atomically(table: pa.Table, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}")
    try:
        write_cube(table, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _build_merged(
    data_dir: str | os.PathLike[str], city: str, year: int, records: list[StoredFile]
) -> pa.Table:
    """The merged cube of ``year`` from the cubes of ``records`` (building missing ones),
    folded in a few files at a time so that memory holds the merged cube and a handful of
    file cubes, whatever the number of files."""
    ensure_cubes(data_dir, city, [year])
    paths = [
        cube_path(data_dir, city, year, r.file_hash) for r in records if year in record_years(r)
    ]
    merged = merge_cubes([])
    for start in range(0, len(paths), _FOLD_FILES):
        batch = [pq.read_table(p) for p in paths[start : start + _FOLD_FILES]]
        merged = merge_cubes([merged, *batch])
    return merged


#: File cubes added to a merged cube at a time when it is built from scratch.
_FOLD_FILES = 8


def merged_cubes(
    data_dir: str | os.PathLike[str], city: str, years: list[int] | None = None
) -> list[Path]:
    """The merged cube of each year partition of a city with committed files (only
    ``years`` if given), building any that is missing from the files' cubes."""
    for _attempt in range(3):
        records = list_files(data_dir, city)
        wanted = sorted({y for r in records for y in record_years(r)})
        paths = []
        try:
            for year in wanted:
                if years is not None and year not in years:
                    continue
                key = merged_key(records, year)
                assert key is not None
                target = merged_path(data_dir, city, year, key)
                if not target.is_file():
                    _write_atomically(_build_merged(data_dir, city, year, records), target)
                paths.append(target)
        except FileNotFoundError:
            continue  # a file was withdrawn meanwhile: read the catalogue again
        return paths
    raise EnergyEngineError(f"the store of {city} kept changing while its cubes were read")


def _prune_merged(
    data_dir: str | os.PathLike[str], city: str, year: int, keep: set[str | None]
) -> None:
    """Remove a year's merged cubes other than ``keep`` (the new one, and the one readers
    may still be reading)."""
    folder = _merged_dir(data_dir, city, year)
    if not folder.is_dir():
        return
    names = {f"merged-{key}.parquet" for key in keep if key}
    for path in folder.iterdir():
        if path.name not in names and not path.name.startswith(".tmp-"):
            path.unlink(missing_ok=True)


def _merged_after(
    data_dir: str | os.PathLike[str],
    city: str,
    year: int,
    before: list[StoredFile],
    *,
    add: pa.Table | None = None,
    subtract: pa.Table | None = None,
) -> pa.Table:
    """A year's merged cube after one file's cube is added or subtracted: from the merged
    cube of ``before`` (the committed files) if it exists, else from the files' cubes."""
    key = merged_key(before, year)
    current = merged_path(data_dir, city, year, key) if key else None
    if current is not None and current.is_file():
        base = [pq.read_table(current)]
    elif key is not None:
        base = [_build_merged(data_dir, city, year, before)]
    else:
        base = []
    return merge_cubes(
        [*base, *([add] if add is not None else [])],
        [subtract] if subtract is not None else [],
    )


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    with tmp.open("w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_file(
    data_dir: str | os.PathLike[str],
    city: str,
    record: StoredFile,
    rows: pl.DataFrame,
    meter_ids: list[str],
) -> None:
    """Store the validated rows of one input file at once (see :class:`PendingFile`)."""
    with PendingFile(data_dir, city, record.file_hash) as pending:
        pending.add(rows)
        pending.commit(record, meter_ids)


def replace_estimates(
    data_dir: str | os.PathLike[str],
    city: str,
    source: str,
    file_hash: str,
    rows: pl.DataFrame | None,
) -> StoredFile | None:
    """Make ``rows`` (store schema plus ``year``, every one an estimate) the city's one file
    of estimates named ``source``, replacing the one stored before. ``file_hash`` is derived
    from what the estimates were computed from: when it has not changed, the stored file is
    left as it is (refreshed after every upload, an unchanged file taken out and in again
    would rewrite the year's merged cube twice). No rows: the earlier file is removed."""
    earlier = [old for old in list_files(data_dir, city) if old.source_name == source]
    if rows is not None and rows.height and [old.file_hash for old in earlier] == [file_hash]:
        return earlier[0]
    for old in earlier:
        remove_file(data_dir, city, old.file_hash)  # takes the city's lock
    if rows is None or rows.height == 0:
        return None
    ids = sorted(rows["meter_id"].unique().to_list())
    record = StoredFile(
        city=city,
        file_hash=file_hash,
        source_name=source,
        rows=rows.height,
        meters=len(ids),
        years=tuple(sorted(rows["year"].unique().to_list())),  # UTC partitions, as ingested
        first_ts=str(rows["ts"].min()),
        last_ts=str(rows["ts"].max()),
        ingested_at=datetime.now(UTC).isoformat(),
        estimate=True,
    )
    with city_lock(data_dir, city):
        write_file(data_dir, city, record, rows, ids)
    return record


class PendingFile:
    """The parts of one input file while it is written, invisible to readers until
    :meth:`commit`.

    Rows may come in several batches (the slices of a large file); each batch is split by
    year and kind and appended to that part's temporary file, clustered on its own. On
    :meth:`commit` the parts are renamed into place and the catalogue record, written last,
    makes them visible. Leaving the ``with`` block without a commit, or any failure during
    it, removes every file written.
    """

    def __init__(self, data_dir: str | os.PathLike[str], city: str, file_hash: str) -> None:
        self.data_dir = data_dir
        self.city = check_city(city)
        self.file_hash = file_hash
        self._parts: dict[tuple[int, str], tuple[Path, pq.ParquetWriter]] = {}
        self._committed = False

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._committed:
            self.discard()

    def add(self, rows: pl.DataFrame) -> None:
        """Append validated rows (store schema plus ``year``)."""
        hourly = pl.col("resolution").cast(pl.String).is_in(list(HOURLY_RESOLUTIONS))
        kinds = rows.group_by("year", hourly.alias("hourly")).len().sort("year", "hourly")
        for year, is_hourly, count in kinds.iter_rows():
            part = (
                rows
                if count == rows.height
                else rows.filter((pl.col("year") == year) & (hourly == is_hourly))
            )
            key = (int(year), "hourly" if is_hourly else "coarse")
            _write_clustered(part, functools.partial(self._writer, key))
            del part

    def append(self, key: tuple[int, str], table: pa.Table) -> None:
        """Append rows already in store order (the columns of :data:`STORE_SCHEMA`, text
        possibly dictionary-encoded, clustered as :func:`_write_clustered` clusters) to
        the part ``(year, kind)``, one row group per :data:`ROW_GROUP_ROWS` rows."""
        writer = self._writer(key, table.schema)
        writer.write_table(table.cast(writer.schema), row_group_size=ROW_GROUP_ROWS)

    def _writer(self, key: tuple[int, str], schema: pa.Schema) -> pq.ParquetWriter:
        if key in self._parts:
            return self._parts[key][1]
        target = part_path(self.data_dir, self.city, key[0], self.file_hash, key[1])
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".tmp-{uuid.uuid4().hex}.parquet.part")
        # Pages end at 1 MB of data as usual, but not at Arrow's default of 20,000 rows:
        # the clustered key columns are long runs that fit a row group in one small page,
        # and DuckDB reads fewer, larger pages faster (6-8 % of the balance;
        # docs/PERFORMANCE.md).
        writer = pq.ParquetWriter(
            tmp, schema, compression="snappy", max_rows_per_page=ROW_GROUP_ROWS
        )
        self._parts[key] = (tmp, writer)
        return writer

    def commit(
        self,
        record: StoredFile,
        meter_ids: list[str],
        cubes_by_year: dict[int, pa.Table] | None = None,
    ) -> None:
        """Make the file's readings visible: parts and cube parts into place, then the
        catalogue record. ``cubes_by_year``: the file's cube of each year, when the writer
        already summed it (else it is built from the parts written)."""
        renamed: list[Path] = []
        cubes: dict[int, Path] = {}
        merged: dict[int, Path] = {}
        # The caller holds the city lock, so these are the files committed before this one.
        before = list_files(self.data_dir, self.city)
        after = [*before, record]
        try:
            for _, writer in self._parts.values():
                writer.close()
            # Each file cube is written on a second thread while the merged cube is summed
            # and written: pyarrow's writer lets go of the GIL, and the two take about as long.
            with ThreadPoolExecutor(1, thread_name_prefix="urbis-cube-writer") as pool:
                for year in sorted({year for year, _ in self._parts}):
                    target = cube_path(self.data_dir, self.city, year, self.file_hash)
                    cubes[year] = target.with_name(f".tmp-{uuid.uuid4().hex}{CUBE_SUFFIX}.part")
                    tmp_parts = [tmp for (y, _), (tmp, _) in self._parts.items() if y == year]
                    given = (cubes_by_year or {}).get(year)
                    cube = given if given is not None else build_cube(tmp_parts)
                    written = pool.submit(write_cube, cube, cubes[year])
                    key = merged_key(after, year)
                    assert key is not None
                    target = merged_path(self.data_dir, self.city, year, key)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    merged[year] = target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}")
                    try:
                        write_cube(
                            _merged_after(self.data_dir, self.city, year, before, add=cube),
                            merged[year],
                        )
                    finally:
                        written.result()  # its error, if any, is raised here
                    del cube
            for (year, kind), (tmp, _) in sorted(self._parts.items()):
                target = part_path(self.data_dir, self.city, year, self.file_hash, kind)
                os.replace(tmp, target)
                renamed.append(target)
            for year, tmp in sorted(cubes.items()):
                target = cube_path(self.data_dir, self.city, year, self.file_hash)
                os.replace(tmp, target)
                renamed.append(target)
            for year, tmp in sorted(merged.items()):
                key = merged_key(after, year)
                assert key is not None
                target = merged_path(self.data_dir, self.city, year, key)
                os.replace(tmp, target)
                renamed.append(target)
            payload = asdict(record)
            payload["years"] = list(record.years)
            payload["parts"] = [list(key) for key in sorted(self._parts)]
            payload["meter_ids"] = meter_ids
            _atomic_write_text(
                _catalogue_dir(self.data_dir, self.city) / f"{self.file_hash}.json",
                json.dumps(payload),
            )
        except BaseException:
            for path in [*renamed, *cubes.values(), *merged.values()]:
                path.unlink(missing_ok=True)
            raise
        self._committed = True
        for year in merged:
            _prune_merged(
                self.data_dir, self.city, year, {merged_key(after, year), merged_key(before, year)}
            )

    def discard(self) -> None:
        """Remove every temporary part written so far."""
        for tmp, writer in self._parts.values():
            with contextlib.suppress(Exception):
                writer.close()
            tmp.unlink(missing_ok=True)
        self._parts.clear()


def _write_clustered(
    rows: pl.DataFrame, writer_for: Callable[[pa.Schema], pq.ParquetWriter]
) -> None:
    """Append rows clustered by the balance's grouping key (area, sector, carrier), then time.

    Equal keys sit together, which roughly doubles DuckDB's aggregation speed (its hash
    table stays in cache, and runs of one group are summed in registers) and compresses
    better than meter order. Flow is left out of the key so that an hour's consumption and
    production readings of a group are one run. The groups' order is arbitrary, so a hash
    of the key sorts faster than the strings. Rows are gathered one row
    group at a time from the sort order, so writing needs memory for one row group, not a
    sorted copy of the whole file.
    """
    group = pl.struct("area_code", "sector", "carrier").hash(seed=0)
    # Sorting keys that still sit in the input's many small chunks is several times slower.
    keys = rows.select(group=group, ts="ts").rechunk()
    order = keys.select(pl.arg_sort_by("group", "ts").alias("i")).get_column("i")
    del keys
    columns = rows.select(STORE_SCHEMA.names)
    for start in range(0, len(order), ROW_GROUP_ROWS):
        chunk = columns[order.slice(start, ROW_GROUP_ROWS)].to_arrow()
        writer = writer_for(chunk.schema)
        writer.write_table(chunk.cast(writer.schema), row_group_size=ROW_GROUP_ROWS)


def remove_file(data_dir: str | os.PathLike[str], city: str, file_hash: str) -> bool:
    """Withdraw one ingested file (e.g. to re-ingest corrected readings). True if it existed."""
    with city_lock(data_dir, city):
        record_path = _catalogue_dir(data_dir, city) / f"{file_hash}.json"
        if not record_path.is_file():
            return False
        data = json.loads(record_path.read_text())
        parts = data.get("parts") or [(y, "mixed") for y in data["years"]]
        years = sorted({int(y) for y, _ in parts})
        before = list_files(data_dir, city)
        after = [r for r in before if r.file_hash != file_hash]
        # The merged cubes without this file are written first: if that fails, the file is
        # still stored and the previous merged cubes still match the catalogue.
        new_keys: dict[int, str | None] = {}
        for year in years:
            new_key = new_keys[year] = merged_key(after, year)
            cube = cube_path(data_dir, city, year, file_hash)
            if new_key is None or not cube.is_file():
                continue  # no file left in that year, or no cube to subtract: built on read
            table = _merged_after(data_dir, city, year, before, subtract=pq.read_table(cube))
            _write_atomically(table, merged_path(data_dir, city, year, new_key))
        record_path.unlink()  # uncommit first: readers stop seeing the parts at once
        for year, kind in parts:
            part_path(data_dir, city, year, file_hash, kind).unlink(missing_ok=True)
        for year in years:
            cube_path(data_dir, city, year, file_hash).unlink(missing_ok=True)
            _prune_merged(data_dir, city, year, {new_keys[year], merged_key(before, year)})
        return True
