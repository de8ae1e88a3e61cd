"""Validation of one input file into stored-readings rows, collecting errors by row and field.

Every check is vectorised over the whole frame; a check contributes at most ``max_errors``
errors, and the report keeps the first ``max_errors`` by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .areas import AreaIndex
from .model import (
    CARRIERS,
    FLOWS,
    RESOLUTION_HOURS,
    SECTORS,
    STORE_SCHEMA,
    UNIT_TO_KWH,
    ReadingError,
)
from .model import READING_REASONS as R

REQUIRED_COLUMNS = ("meter_id", "timestamp", "value", "unit", "flow", "sector", "carrier")

_RESOLUTION_ALIASES: dict[str, str] = {
    **dict.fromkeys(("15min", "15m", "pt15m", "quarter-hour", "quarterhour"), "15min"),
    **dict.fromkeys(("hourly", "hour", "1h", "h", "pt1h", "60min"), "hourly"),
    **dict.fromkeys(("daily", "day", "1d", "d", "p1d"), "daily"),
    **dict.fromkeys(("annual", "yearly", "year", "1y", "y", "p1y"), "annual"),
}
_OFFSET = r"[+-]\d\d:?\d\d$"
# Enums keep per-row text at one or two bytes for multi-million-row files.
_RESOLUTION_ENUM = pl.Enum(list(RESOLUTION_HOURS))


#: The column that carries each row's number in the file while it is checked.
ROW_COLUMN = "_row"


def column_problems(columns: set[str], resolution: str | None) -> list[tuple[str, str]]:
    """``(field, reason)`` for what is wrong with a file's columns as a whole."""
    problems = [(name, R["missing_column"]) for name in REQUIRED_COLUMNS if name not in columns]
    if "area_code" not in columns and not {"lon", "lat"} <= columns:
        problems.append(("area_code", R["missing_location_column"]))
    if ROW_COLUMN in columns:
        problems.append((ROW_COLUMN, R["reserved_column"]))
    if resolution is not None and resolution not in RESOLUTION_HOURS:
        problems.append(("resolution", R["unknown_resolution_argument"].format(repr(resolution))))
    return problems


def first_row_number(kind: str) -> int:
    """The number of a file's first reading as errors name it (see :class:`ReadingError`)."""
    return 1 if kind == "parquet" else 2


@dataclass
class InputFrame:
    """A file as read, handed over to :func:`validate`.

    Validation takes the frame out of this holder and drops it as soon as it has derived its
    working columns, so that a large file is not held twice while it is checked.
    """

    frame: pl.DataFrame | None
    kind: str
    #: True when the frame carries each row's number in the file as ``_row`` (a slice of a
    #: large file); otherwise rows are numbered in the frame's order.
    numbered: bool = False

    def take(self) -> pl.DataFrame:
        frame, self.frame = self.frame, None
        if frame is None:
            raise ValueError("the input frame was already handed over")
        return frame


@dataclass
class Validated:
    """Outcome of :func:`validate`: rows in store schema plus ``year`` (if no errors)."""

    rows: pl.DataFrame | None
    errors: list[ReadingError]
    truncated: bool
    #: How many errors were found, of which ``errors`` holds the first ``max_errors``.
    total: int = 0


class _Collector:
    def __init__(self, file: str, max_errors: int):
        self.file = file
        self.max_errors = max_errors
        self.errors: list[ReadingError] = []
        self.total = 0

    def add(self, frame: pl.DataFrame, mask: pl.Expr, field: str, reason: pl.Expr | str) -> None:
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        if not frame.select(mask.fill_null(False).any()).item():
            return  # the usual case: one cheap pass, no filtered copy
        bad = frame.filter(mask)
        if bad.height == 0:
            return
        self.total += bad.height
        sample = bad.head(self.max_errors).select(pl.col(ROW_COLUMN), reason_expr.alias("_reason"))
        self.errors.extend(
            ReadingError(self.file, int(r), field, str(msg)) for r, msg in sample.iter_rows()
        )

    def add_file_error(self, field: str, reason: str) -> None:
        self.total += 1
        self.errors.append(ReadingError(self.file, 0, field, reason))

    def result(self) -> tuple[list[ReadingError], bool]:
        ordered = sorted(self.errors, key=lambda e: (e.row, e.field))
        return ordered[: self.max_errors], self.total > self.max_errors

    def rejected(self) -> Validated:
        errors, truncated = self.result()
        return Validated(None, errors, truncated, self.total)


def _as_text(frame: pl.DataFrame, name: str, lower: bool = False) -> pl.Expr:
    """The column as stripped (and optionally lower-cased) text.

    Normalisation is worked out on the distinct values only: a meter file repeats a handful
    of codes millions of times, and clean columns then cost nothing. Categorical columns
    (dictionary-encoded Parquet) stay categorical when already clean, which keeps a large
    file's memory at a few bytes per row.
    """
    dtype = frame.schema[name]
    col = pl.col(name)
    distinct = frame.select(col.unique().cast(pl.String))[name].to_list()
    mapping = {}
    for raw in distinct:
        if raw is None:
            continue
        clean = raw.strip().lower() if lower else raw.strip()
        if clean != raw:
            mapping[raw] = clean
    if not mapping and isinstance(dtype, pl.String | pl.Categorical):
        return col
    return col.cast(pl.String).replace(mapping) if mapping else col.cast(pl.String)


def meter_id_text(frame: pl.DataFrame) -> pl.Expr:
    """The meter id as validation reads it (trimmed text): what makes two rows one meter's."""
    return _as_text(frame, "meter_id").cast(pl.String)


def _unit_factor(frame: pl.DataFrame) -> pl.Expr:
    col = pl.col("unit")
    distinct = frame.select(col.unique().cast(pl.String))["unit"].to_list()
    factors = {u: UNIT_TO_KWH.get(u.strip().lower()) for u in distinct if u is not None}
    return col.cast(pl.String).replace_strict(factors, default=None, return_dtype=pl.Float64)


def as_float(frame: pl.DataFrame, name: str) -> pl.Expr:
    """The column as numbers; text that is no number becomes null."""
    dtype = frame.schema[name]
    if isinstance(dtype, pl.String | pl.Categorical | pl.Enum):
        return pl.col(name).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    return pl.col(name).cast(pl.Float64, strict=False)


def _parse_timestamps(frame: pl.DataFrame, tz: str | None) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for the UTC timestamp and for the reason it could not be had (or null)."""
    dtype = frame.schema["timestamp"]
    raw = pl.col("timestamp")
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        utc = raw.dt.convert_time_zone("UTC")
        return utc, pl.when(utc.is_null()).then(pl.lit(R["missing_timestamp"]))
    if isinstance(dtype, pl.Datetime | pl.Date):
        naive = raw.cast(pl.Datetime("us"))
        if tz is None:
            return pl.lit(None, pl.Datetime("us", "UTC")), pl.lit(
                R["no_time_zone"]
            )
        local = naive.dt.replace_time_zone(tz, ambiguous="null", non_existent="null")
        utc = local.dt.convert_time_zone("UTC")
        reason = (
            pl.when(naive.is_null())
            .then(pl.lit(R["missing_timestamp"]))
            .when(utc.is_null())
            .then(pl.lit(R["ambiguous_local_time"].format(tz)))
        )
        return utc, reason
    # A meter file repeats the same few thousand timestamps for every meter: parse each
    # distinct text once and look the rows up (parsing every row took most of a CSV's check).
    distinct = frame.select(raw.cast(pl.String).unique().drop_nulls().alias("text"))
    parsed = distinct.select("text", *_parse_timestamp_text(pl.col("text"), tz))
    text = raw.cast(pl.String)
    utc_text = text.replace_strict(
        parsed["text"], parsed["utc"], default=None, return_dtype=pl.Datetime("us", "UTC")
    )
    reason_text = (
        pl.when(text.is_null())
        .then(pl.lit(R["missing_timestamp"]))
        .otherwise(
            text.replace_strict(
                parsed["text"], parsed["reason"], default=None, return_dtype=pl.String
            )
        )
    )
    return utc_text, reason_text


def _parse_timestamp_text(raw: pl.Expr, tz: str | None) -> tuple[pl.Expr, pl.Expr]:
    """Expressions for the UTC time (``utc``) of ISO 8601 text and the reason it has none."""
    text = (
        raw.str.strip_chars()
        .str.replace("T", " ", literal=True)
        .str.replace(r"Z$", "+00:00")
        .str.replace(r"^(\d{4}-\d{2}-\d{2})$", "${1} 00:00:00")
        .str.replace(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2})([+-]|$)", "${1}:00${2}")
    )
    has_offset = text.str.contains(_OFFSET)
    # ``%.f``: an optional fraction of a second, as many exports write (".000000").
    aware = text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%z", strict=False, time_zone="UTC")
    naive = text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False)
    if tz is None:
        local_utc = pl.lit(None, pl.Datetime("us", "UTC"))
    else:
        local_utc = naive.dt.replace_time_zone(
            tz, ambiguous="null", non_existent="null"
        ).dt.convert_time_zone("UTC")
    utc = pl.when(has_offset).then(aware).otherwise(local_utc)
    bad_format = R["not_a_timestamp"]
    reason = (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit(R["missing_timestamp"]))
        .when(has_offset & aware.is_null())
        .then(pl.lit(bad_format))
        .when(~has_offset & naive.is_null())
        .then(pl.lit(bad_format))
        .when(~has_offset & pl.lit(tz is None))
        .then(pl.lit(R["no_utc_offset"]))
        .when(utc.is_null())
        .then(pl.lit(R["ambiguous_local_time"].format(tz)))
    )
    return utc.alias("utc"), reason.alias("reason")


def _infer_resolution(rows: pl.DataFrame) -> pl.DataFrame:
    """Resolution per (meter, flow) from the smallest gap between its readings."""
    gaps = (
        rows.select("meter_id", "flow", "ts")
        .sort("meter_id", "flow", "ts")
        .with_columns(gap=pl.col("ts").diff().over("meter_id", "flow").dt.total_seconds())
        .group_by("meter_id", "flow")
        # A repeated timestamp (gap 0) is reported as a duplicate; it says nothing of the
        # meter's resolution.
        .agg(pl.col("gap").filter(pl.col("gap") > 0).min())
    )
    return gaps.with_columns(
        resolution=pl.when(pl.col("gap") == 900)
        .then(pl.lit("15min"))
        .when(pl.col("gap") == 3600)
        .then(pl.lit("hourly"))
        .when(pl.col("gap") == 86400)
        .then(pl.lit("daily"))
        .when(pl.col("gap") >= 365 * 86400)
        .then(pl.lit("annual"))
    ).select("meter_id", "flow", "resolution")


def validate(
    source: InputFrame,
    *,
    file: str,
    areas: AreaIndex,
    tz: str | None,
    resolution: str | None,
    max_power_kw: float,
    max_errors: int,
) -> Validated:
    """Check every row of the input and turn it into stored-readings rows (kWh, UTC)."""
    out = _Collector(file, max_errors)
    kind = source.kind
    numbered = source.numbered
    frame = source.take()
    columns = set(frame.columns) - ({ROW_COLUMN} if numbered else set())
    for field, reason in column_problems(columns, resolution):
        out.add_file_error(field, reason)
    if out.errors:
        return out.rejected()
    has_area = "area_code" in columns
    has_point = {"lon", "lat"} <= columns

    utc, ts_reason = _parse_timestamps(frame, tz)
    # Row numbers as the file shows them; 32 bits hold any file this engine can read.
    base = frame if numbered else frame.with_row_index(ROW_COLUMN, offset=first_row_number(kind))
    res_known = resolution is not None or "resolution" in columns
    work = base.select(
        ROW_COLUMN,
        meter_id=_as_text(frame, "meter_id"),
        flow=_as_text(frame, "flow", lower=True),
        sector=_as_text(frame, "sector", lower=True),
        carrier=_as_text(frame, "carrier", lower=True),
        unit=_as_text(frame, "unit"),
        factor=_unit_factor(frame),
        value=as_float(frame, "value"),
        ts=utc,
        ts_reason=ts_reason,
        area_code=_as_text(frame, "area_code") if has_area else pl.lit(None, pl.String),
        lon=as_float(frame, "lon") if has_point else pl.lit(None, pl.Float64),
        lat=as_float(frame, "lat") if has_point else pl.lit(None, pl.Float64),
        resolution_raw=(
            _as_text(frame, "resolution", lower=True)
            if "resolution" in columns
            else pl.lit(resolution, pl.String)
        ),
    )
    del frame, base
    work = work.with_columns(
        resolution=pl.col("resolution_raw")
        .cast(pl.String)
        .replace_strict(_RESOLUTION_ALIASES, default=None, return_dtype=_RESOLUTION_ENUM),
        kwh=pl.col("value") * pl.col("factor"),
    )

    out.add(
        work,
        pl.col("meter_id").is_null() | (pl.col("meter_id") == ""),
        "meter_id",
        R["missing_meter_id"],
    )
    out.add(work, pl.col("ts_reason").is_not_null(), "timestamp", pl.col("ts_reason"))
    out.add(
        work,
        pl.col("factor").is_null(),
        "unit",
        pl.format(R["unknown_unit"], pl.col("unit").fill_null("")),
    )
    for name, allowed in (("flow", FLOWS), ("sector", SECTORS), ("carrier", CARRIERS)):
        out.add(
            work,
            ~pl.col(name).is_in(allowed) | pl.col(name).is_null(),
            name,
            pl.format(R["unknown_code"], pl.lit(name), pl.col(name).fill_null(""),
                      pl.lit(", ".join(allowed))),
        )
    out.add(work, pl.col("value").is_null(), "value", R["not_a_number"])
    out.add(
        work,
        pl.col("value").is_not_null() & ~pl.col("value").is_finite(),
        "value",
        R["not_finite"],
    )
    out.add(
        work,
        pl.col("value") < 0,
        "value",
        R["negative_value"],
    )
    work = work.drop("unit", "factor", "value", "ts_reason")
    if res_known:
        out.add(
            work,
            pl.col("resolution").is_null(),
            "resolution",
            pl.format(R["unknown_resolution"], pl.col("resolution_raw").fill_null("")),
        )
    else:
        inferable = work.filter(
            pl.col("ts").is_not_null() & pl.col("meter_id").is_not_null()
        ).select("meter_id", "flow", "ts")
        inferred = _infer_resolution(inferable)
        work = work.drop("resolution").join(inferred, on=["meter_id", "flow"], how="left")
        first_rows = work.group_by("meter_id", "flow").agg(pl.col(ROW_COLUMN).min())
        undetermined = work.join(first_rows, on=["meter_id", "flow", ROW_COLUMN], how="semi")
        out.add(
            undetermined,
            pl.col("resolution").is_null() & pl.col("ts").is_not_null(),
            "resolution",
            R["resolution_not_inferred"],
        )
    work = work.drop("resolution_raw")

    hours = pl.col("resolution").replace_strict(
        RESOLUTION_HOURS, default=None, return_dtype=pl.Float64
    )
    out.add(
        work,
        pl.col("kwh") > hours * max_power_kw,
        "value",
        pl.format(
            R["absurd_value"], pl.col("kwh"), pl.col("resolution"), pl.lit(f"{max_power_kw:g}")
        ),
    )
    minute = pl.col("ts").dt.minute()
    second = pl.col("ts").dt.second() + pl.col("ts").dt.microsecond()
    misaligned = ((pl.col("resolution") == "15min") & ((minute % 15 != 0) | (second != 0))) | (
        (pl.col("resolution") == "hourly") & ((minute != 0) | (second != 0))
    )
    out.add(
        work,
        misaligned,
        "timestamp",
        pl.format(R["misaligned_timestamp"], pl.col("resolution")),
    )

    work = _place(work, areas, has_area, has_point, out)

    _check_duplicates(work, out)

    if out.errors:
        return out.rejected()
    rows = work.select(
        ROW_COLUMN,
        *[pl.col(f.name) for f in STORE_SCHEMA if f.name not in ("ts", "estimate")],
        ts=pl.col("ts").dt.replace_time_zone(None).dt.cast_time_unit("us"),
        estimate=pl.lit(False),
    ).with_columns(year=pl.col("ts").dt.year())
    return Validated(rows.select(*STORE_SCHEMA.names, "year", ROW_COLUMN), [], False)


def _place(
    work: pl.DataFrame, areas: AreaIndex, has_area: bool, has_point: bool, out: _Collector
) -> pl.DataFrame:
    """Fill ``area_code`` from coordinates where absent and report unknown areas."""
    given = pl.col("area_code").is_not_null() & (pl.col("area_code") != "")
    if has_area:
        known = list(areas.areas)
        out.add(
            work,
            given & ~pl.col("area_code").is_in(known),
            "area_code",
            pl.format(R["unknown_area_code"], pl.col("area_code")),
        )
    codes = pl.Enum(sorted(areas.areas))
    if has_area:
        # A row that names an unknown area has its one error already: its coordinates are
        # not looked up, nor their absence reported as two more errors. Unknown codes (and
        # empty cells) become null as enum values.
        work = work.with_columns(
            _code_given=given, area_code=pl.col("area_code").cast(codes, strict=False)
        )
    else:
        work = work.with_columns(area_code=pl.lit(None, codes), _code_given=pl.lit(False))
    needs_point = pl.col("area_code").is_null() & ~pl.col("_code_given")
    if not has_point:
        out.add(work, needs_point, "area_code", R["missing_area_code"])
        return work.drop("_code_given")
    bad_lon = needs_point & (pl.col("lon").is_null() | (pl.col("lon").abs() > 180))
    bad_lat = needs_point & (pl.col("lat").is_null() | (pl.col("lat").abs() > 90))
    out.add(work, bad_lon, "lon", R["no_longitude"])
    out.add(work, bad_lat, "lat", R["no_latitude"])
    # Locate each distinct point once: meters repeat their coordinates on every reading.
    found = _locate_points(work, needs_point & ~bad_lon & ~bad_lat, areas, codes)
    if found is not None:
        work = work.with_columns(area_code=pl.coalesce(pl.col("area_code"), found))
        out.add(
            work,
            needs_point
            & pl.col("lon").is_not_null()
            & pl.col("lat").is_not_null()
            & (pl.col("lon").abs() <= 180)
            & (pl.col("lat").abs() <= 90),
            "lon",
            pl.format(R["outside_areas"], pl.col("lon"), pl.col("lat")),
        )
    return work.drop("_code_given")


def _check_duplicates(work: pl.DataFrame, out: _Collector) -> None:
    """Report every reading that repeats an earlier row's (meter, flow, timestamp).

    Sorting the three keys and comparing neighbours needs a few bytes per row, where a hash
    over millions of distinct keys would need tens; the first row of each repeated key is
    looked up only for the (usually no) duplicates found.
    """
    keys = ["meter_id", "flow", "ts"]
    keyed = (
        work.select(ROW_COLUMN, *keys)
        .filter(pl.col("ts").is_not_null() & pl.col("meter_id").is_not_null())
        .sort(*keys, ROW_COLUMN)
    )
    repeats = (
        (pl.col("meter_id") == pl.col("meter_id").shift(1))
        & (pl.col("flow") == pl.col("flow").shift(1))
        & (pl.col("ts") == pl.col("ts").shift(1))
    )
    if not keyed.select(repeats.any()).item():
        return
    duplicated = keyed.filter(repeats | repeats.shift(-1))
    del keyed
    duplicated = duplicated.with_columns(_first=pl.col(ROW_COLUMN).min().over(keys))
    out.add(
        duplicated,
        pl.col(ROW_COLUMN) != pl.col("_first"),
        "timestamp",
        pl.format(R["duplicate_reading"], pl.col("_first")),
    )


def _point_key() -> pl.Expr:
    return pl.struct("lon", "lat").hash(seed=0)


def _locate_points(
    work: pl.DataFrame, wanted: pl.Expr, areas: AreaIndex, codes: pl.Enum
) -> pl.Series | None:
    """The area of each row's (lon, lat) where ``wanted``, null elsewhere; None if no row is.

    Rows are keyed by a 64-bit hash of their point, grouped to the few distinct points, and
    matched back by binary search in those hashes: a few bytes per row, where ``unique`` and
    a join on two float columns of millions of rows needed about as much memory again as the
    whole frame. Should two distinct points ever share a hash, the exact join is used.
    """
    keyed = work.select("lon", "lat", h=pl.when(wanted).then(_point_key()))
    points = (
        keyed.group_by("h")
        .agg(pl.col("lon").first(), pl.col("lat").first())
        .drop_nulls("h")
        .sort("h")
    )
    if points.height == 0:
        return None

    def locate(frame: pl.DataFrame) -> pl.Series:
        found = areas.locate(frame["lon"].to_numpy(), frame["lat"].to_numpy())
        return pl.Series("located", found.tolist(), dtype=codes)

    wanted_rows = keyed.get_column("h").is_not_null()
    position = np.searchsorted(
        points.get_column("h").to_numpy(), keyed.get_column("h").fill_null(0).to_numpy()
    ).clip(max=points.height - 1)
    index = pl.Series(position, dtype=pl.UInt32)
    del position
    # Every row must carry exactly the point its hash stands for; if not, two points collide.
    same_point = keyed.select(
        ~pl.Series(wanted_rows)
        | (
            (pl.col("lon") == points.get_column("lon").gather(index))
            & (pl.col("lat") == points.get_column("lat").gather(index))
        )
    ).to_series()
    if not same_point.all():
        exact = keyed.filter(pl.col("h").is_not_null()).select("lon", "lat").unique()
        exact = exact.with_columns(locate(exact))
        return (
            keyed.join(exact, on=["lon", "lat"], how="left", maintain_order="left")
            .select(pl.when(pl.col("h").is_not_null()).then(pl.col("located")))
            .to_series()
        )
    del keyed, same_point
    area = locate(points).gather(index)
    return pl.select(pl.when(wanted_rows).then(area)).to_series().alias("located")
