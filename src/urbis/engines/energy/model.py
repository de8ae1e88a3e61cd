"""Plain-data types shared by the energy engine: vocabularies, areas, errors, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

SECTORS: tuple[str, ...] = ("residential", "commercial", "public", "industry", "mobility")
CARRIERS: tuple[str, ...] = ("electricity", "gas", "heat")
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
