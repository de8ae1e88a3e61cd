"""Plain-data types shared by the energy engine: vocabularies, areas, errors, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

SECTORS: tuple[str, ...] = ("residential", "commercial", "public", "industry", "mobility")
CARRIERS: tuple[str, ...] = ("electricity", "gas", "heat", "oil", "biomass")
FLOWS: tuple[str, ...] = ("consumption", "production")

#: Length of one reading's interval in hours, per resolution. A reading's timestamp is the
#: *start* of its interval.
RESOLUTION_HOURS: dict[str, float] = {"15min": 0.25, "hourly": 1.0, "daily": 24.0, "annual": 8784.0}
#: Resolutions that can be summed into clock hours (and so feed the hour-by-hour metrics).
HOURLY_RESOLUTIONS: tuple[str, ...] = ("15min", "hourly")
#: Resolutions too coarse for hour-by-hour matching; they count in totals only.
COARSE_RESOLUTIONS: tuple[str, ...] = ("daily", "annual")

#: Source name prefix of the stored PV estimates (modelled production, see :mod:`.pv`).
ESTIMATE_SOURCE_PREFIX = "pv-estimate"

#: Accepted units and their factor to kWh (matched case-insensitively).
UNIT_TO_KWH: dict[str, float] = {"wh": 0.001, "kwh": 1.0, "mwh": 1000.0}

#: A connection averaging more than this over a reading's interval is refused as absurd.
#: 50 MW is beyond the largest medium-voltage industrial connections a city's DSO meters.
DEFAULT_MAX_POWER_KW = 50_000.0

#: Columns of a stored readings file. ``city`` and ``year`` are not columns: they are the
#: hive partition directories (``city=<code>/year=<yyyy>``).
STORE_SCHEMA = pa.schema(
    [
        ("meter_id", pa.string()),
        ("flow", pa.string()),
        ("sector", pa.string()),
        ("carrier", pa.string()),
        ("resolution", pa.string()),
        ("area_code", pa.string()),
        ("lon", pa.float64()),
        ("lat", pa.float64()),
        ("ts", pa.timestamp("us")),  # UTC, stored without zone so both engines read it alike
        ("kwh", pa.float64()),
        ("estimate", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Area:
    """One area of a city's hierarchy (city, district, neighbourhood, ...).

    ``geometry`` is WKB bytes, a GeoJSON mapping, or a WKT/GeoJSON string in WGS84 lon/lat; it
    is needed only to place meters given by coordinates and to estimate PV production.
    ``households`` and ``floor_area_m2`` enable per-household and per-m² figures;
    ``pv_capacity_kwp`` enables a PV production estimate where nothing is metered.
    """

    code: str
    level: str
    parent_code: str | None = None
    geometry: bytes | str | dict[str, Any] | None = None
    households: int | None = None
    floor_area_m2: float | None = None
    pv_capacity_kwp: float | None = None
    name: str = ""


#: Every reason the engine gives for refusing a reading file, by a stable code: English with
#: ``{}`` for each value, in order (``str.format`` or ``polars.format``). Applications that
#: show a reason to a person word it in the reader's language from the code and the values
#: (``urbis.energy.reasons``); the engine itself stays free of translation.
READING_REASONS: dict[str, str] = {
    "missing_column": "missing column",
    "missing_location_column": "missing column: give area_code or lon and lat",
    "reserved_column": "reserved column name; rename or drop this column",
    "unknown_resolution_argument": "unknown resolution argument {}",
    "missing_timestamp": "missing timestamp",
    "no_time_zone": "timestamp has no time zone and no tz argument was given",
    "no_utc_offset": "timestamp has no UTC offset and no tz argument was given",
    "ambiguous_local_time": "local time is ambiguous or does not exist in {} (DST change)",
    "not_a_timestamp": "not a timestamp (expected ISO 8601, e.g. 2024-01-01T00:00:00+01:00)",
    "missing_meter_id": "missing meter id",
    "unknown_unit": "unknown unit '{}' (use Wh, kWh or MWh)",
    "unknown_code": "unknown {} '{}' (one of {})",
    "not_a_number": "not a number",
    "not_finite": "not a finite number",
    "negative_value": "negative value (give production as flow=production, not as negative "
                      "consumption)",
    "unknown_resolution": "unknown resolution '{}' (15min, hourly, daily or annual)",
    "resolution_not_inferred": "cannot infer the resolution of this meter's readings; add a "
                               "resolution column",
    "absurd_value": "absurd value: {} kWh in one {} interval exceeds {} kW",
    "misaligned_timestamp": "timestamp is not at the start of its {} interval",
    "unknown_area_code": "unknown area code '{}'",
    "missing_area_code": "missing area code",
    "no_longitude": "no area code and no valid longitude",
    "no_latitude": "no area code and no valid latitude",
    "outside_areas": "location ({}, {}) lies in no known area",
    "duplicate_reading": "duplicate reading: same meter, flow and timestamp as row {}",
    "no_readings": "file holds no readings",
    "empty_file": "the file is empty (0 bytes)",
    "not_parquet": "not a Parquet file (it does not start with the Parquet signature)",
    "not_utf8": "not UTF-8 text (byte {}); save the file as UTF-8 and send it again",
    "unreadable": "cannot read file: {}",
    "already_stored": "reading of meter {} ({}) at {} UTC is already stored by {} ({}); remove "
                      "that file first to replace its readings",
}


@dataclass(frozen=True)
class ReadingError:
    """One problem in an input file.

    ``row`` is the row as a spreadsheet shows it for CSV (the header is row 1, the first reading
    row 2) and the 1-based record number for Parquet; 0 means the whole file (e.g. a missing
    column).
    """

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, field {self.field!r}: {self.reason}"


@dataclass(frozen=True)
class StoredFile:
    """One ingested input file as the store's catalogue records it."""

    city: str
    file_hash: str
    source_name: str
    rows: int
    meters: int
    years: tuple[int, ...]
    first_ts: str
    last_ts: str
    ingested_at: str
    #: True for files of modelled readings (PV estimates), which the balance also reports
    #: separately; ingested meter files are never estimates.
    estimate: bool = False
    #: The stored Parquet parts as ``(year, kind)``: ``"hourly"`` (15-minute and hourly
    #: readings) or ``"coarse"`` (daily and annual). Empty for records written before the
    #: split, whose one part per year holds both (``"mixed"``).
    parts: tuple[tuple[int, str], ...] = ()


@dataclass
class IngestReport:
    """What :func:`ingest_file` did with one file.

    ``status`` is ``"stored"`` (all readings written), ``"duplicate"`` (the same bytes were
    stored before; nothing written) or ``"rejected"`` (``errors`` says why; nothing written).
    """

    file: str
    file_hash: str
    status: str
    rows: int = 0
    meters: int = 0
    years: tuple[int, ...] = ()
    errors: list[ReadingError] = field(default_factory=list)
    errors_truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.status != "rejected"


class EnergyEngineError(Exception):
    """A caller mistake the engine cannot work around (bad argument, unknown engine...)."""
