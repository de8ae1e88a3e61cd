"""Estimated consumption of carriers nobody meters: floor area × a published intensity.

Heating oil and biomass are delivered by lorry, and a district heat network's deliveries
are often not open per building: a city has no readings of them, yet they belong in its
balance. Where no meter says how much an area used, this module estimates it as

    estimate (kWh a year) = floor area of a building use in the area (m²)
                            × intensity of that use and carrier (kWh per m² a year)

where the intensity is a **published** figure: a carrier's final consumption in a building
use divided by all the floor area of that use (heated by that carrier or not), e.g. a
country's residential heating oil over its dwellings' floor area. It is an average, so the
estimate spreads that consumption over every m² of the use; it cannot tell a street of
oil-heated flats from one on gas. Each estimate keeps the two figures and their sources
(:attr:`UnmeteredEstimate.explanation`), and is stored as one annual reading flagged
``estimate = true`` (:func:`store_unmetered_estimates`), so pages and exports say it is
estimated and how.

Two rules keep a city's totals honest:

* **lowest level only**: an area's floor area of a use counts only when no area below it has
  a floor area of that use (a district's figure is usually the sum of its neighbourhoods');
* **metered wins**: no estimate for an (area, use, carrier) in a year when metered readings of
  that use and carrier in that year sit on the area, above it or below it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import polars as pl

from . import store
from .areas import AreaIndex
from .model import CARRIERS, SECTORS, EnergyEngineError, StoredFile

#: Source name prefix of the stored estimates of unmetered carriers (one file per year).
UNMETERED_SOURCE_PREFIX = "unmetered-estimate"


@dataclass(frozen=True)
class FloorAreaByUse:
    """Built floor area of one building use (a platform sector) in one area."""

    area_code: str
    sector: str
    floor_area_m2: float
    source: str = ""


@dataclass(frozen=True)
class EnergyIntensity:
    """A published intensity: final energy of ``carrier`` used in buildings of ``sector``
    per m² of that sector's floor area and year (kWh/m²·a), as of ``reference_year``."""

    sector: str
    carrier: str
    kwh_per_m2: float
    reference_year: int
    source: str


@dataclass(frozen=True)
class UnmeteredEstimate:
    """One area's estimated annual consumption of one carrier in one building use."""

    area_code: str
    sector: str
    carrier: str
    year: int
    floor_area_m2: float
    kwh_per_m2: float
    kwh: float
    floor_area_source: str
    intensity_source: str
    intensity_year: int

    unit = "kWh"

    @property
    def explanation(self) -> str:
        """How the figure was computed, in one line (English; pages word it themselves)."""
        return (
            f"{self.floor_area_m2:,.0f} m² of {self.sector} floor area"
            f" ({self.floor_area_source or 'source not given'})"
            f" × {self.kwh_per_m2:g} kWh/m² a year of {self.carrier}"
            f" ({self.intensity_source}, {self.intensity_year})"
            f" = {self.kwh:,.0f} kWh, estimated"
        )


def check_inputs(
    floor_areas: Iterable[FloorAreaByUse], intensities: Iterable[EnergyIntensity]
) -> None:
    """Refuse inputs no estimate can be made from (the applications check files row by row
    before; this guards the engine's own callers)."""
    for f in floor_areas:
        if f.sector not in SECTORS:
            raise EnergyEngineError(f"floor area of {f.area_code!r}: unknown sector {f.sector!r}")
        if not f.floor_area_m2 > 0:
            raise EnergyEngineError(f"floor area of {f.area_code!r}: must be above 0 m²")
    for i in intensities:
        if i.sector not in SECTORS or i.carrier not in CARRIERS:
            raise EnergyEngineError(
                f"intensity {i.sector!r}/{i.carrier!r}: unknown sector or carrier"
            )
        if not i.kwh_per_m2 >= 0:
            raise EnergyEngineError(f"intensity {i.sector!r}/{i.carrier!r}: must be 0 or more")


def estimate_unmetered(
    index: AreaIndex,
    floor_areas: Iterable[FloorAreaByUse],
    intensities: Iterable[EnergyIntensity],
    year: int,
    metered: Iterable[tuple[str, str, str]] = (),
) -> list[UnmeteredEstimate]:
    """The estimates of ``year`` (rules in the module's text). ``metered``: the (area, sector,
    carrier) with metered consumption that year. Sorted by area, sector and carrier."""
    floor_areas = [f for f in floor_areas if f.area_code in index]
    intensities = list(intensities)
    check_inputs(floor_areas, intensities)
    by_use: dict[str, dict[str, FloorAreaByUse]] = {}
    for f in floor_areas:
        if f.area_code in by_use.setdefault(f.sector, {}):
            raise EnergyEngineError(f"floor area of {f.area_code!r}, {f.sector}: given twice")
        by_use[f.sector][f.area_code] = f
    # An area is covered for (sector, carrier) when metered readings sit on it, on an area
    # above it, or on one below it.
    metered_on: dict[tuple[str, str], set[str]] = {}
    for area, sector, carrier in metered:
        if area in index:
            metered_on.setdefault((sector, carrier), set()).add(area)
    out: list[UnmeteredEstimate] = []
    seen: set[tuple[str, str]] = set()
    for intensity in intensities:
        key = (intensity.sector, intensity.carrier)
        if key in seen:
            raise EnergyEngineError(f"intensity {key[0]!r}/{key[1]!r}: given twice")
        seen.add(key)
        given = by_use.get(intensity.sector, {})
        # Areas with a figure of this use somewhere below them: their own figure would count
        # those m² twice.
        above_given = {
            a.code for code in given for a in index.ancestors(code)[1:]
        }
        on = metered_on.get(key, set())
        # Areas with metered readings somewhere below them.
        above_metered = {a.code for code in on for a in index.ancestors(code)[1:]}
        for code, floor in given.items():
            if code in above_given or code in above_metered:
                continue
            if any(a.code in on for a in index.ancestors(code)):
                continue  # metered here or above
            kwh = floor.floor_area_m2 * intensity.kwh_per_m2
            out.append(
                UnmeteredEstimate(
                    area_code=code,
                    sector=intensity.sector,
                    carrier=intensity.carrier,
                    year=year,
                    floor_area_m2=floor.floor_area_m2,
                    kwh_per_m2=intensity.kwh_per_m2,
                    kwh=kwh,
                    floor_area_source=floor.source,
                    intensity_source=intensity.source,
                    intensity_year=intensity.reference_year,
                )
            )
    return sorted(out, key=lambda e: (e.area_code, e.sector, e.carrier))


def metered_consumption(
    data_dir: str | os.PathLike[str], city: str, year: int, tz: str = "UTC"
) -> set[tuple[str, str, str]]:
    """The (area, sector, carrier) with metered consumption (not estimates) in calendar
    ``year`` by the clocks of ``tz``, read from the files' cubes."""
    start = _local_new_year(year, tz)
    end = _local_new_year(year + 1, tz)
    cubes = store.committed_cubes(
        data_dir, city, sorted({start.year, end.year}), estimates=False
    )
    if not cubes:
        return set()
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT DISTINCT area_code, sector, carrier FROM read_parquet(?) "
            "WHERE consumption_mwh <> 0 AND ts >= ? AND ts < ?",
            [[p.as_posix() for p in cubes], start, end],
        ).fetchall()
    finally:
        con.close()
    return {(r[0], r[1], r[2]) for r in rows}


def _local_new_year(year: int, tz: str) -> datetime:
    """Midnight of 1 January of ``year`` by the clocks of ``tz``, as naive UTC (the store's)."""
    local = datetime(year, 1, 1, tzinfo=ZoneInfo(tz))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def unmetered_year(record: StoredFile) -> int | None:
    """The calendar year a stored file of unmetered estimates covers (else ``None``)."""
    return store.generated_year(record, UNMETERED_SOURCE_PREFIX)


def stored_keys(
    data_dir: str | os.PathLike[str], city: str, year: int
) -> set[tuple[str, str, str]]:
    """The (area, sector, carrier) of the stored estimates of ``year``: a look at the year's
    small estimates file, where :func:`metered_consumption` scans every file's cube."""
    source = f"{UNMETERED_SOURCE_PREFIX}-{year}"
    parts = [
        store.part_path(data_dir, city, part_year, record.file_hash, kind).as_posix()
        for record in store.list_files(data_dir, city) if record.source_name == source
        for part_year, kind in store.record_parts(record)
    ]
    if not parts:
        return set()
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT DISTINCT area_code, sector, carrier FROM read_parquet(?)", [parts]
        ).fetchall()
    finally:
        con.close()
    return {(r[0], r[1], r[2]) for r in rows}


def store_unmetered_estimates(
    data_dir: str | os.PathLike[str],
    city: str,
    index: AreaIndex,
    year: int,
    estimates: list[UnmeteredEstimate],
    *,
    tz: str = "UTC",
) -> StoredFile | None:
    """Store ``estimates`` as the city's unmetered estimates of ``year``: one annual reading
    each (local midnight of 1 January, ``estimate = true``, meter id
    ``unmetered-estimate:<area>:<sector>:<carrier>``), replacing that year's earlier ones.
    ``None`` when there is nothing to store (the earlier ones are removed all the same)."""
    source = f"{UNMETERED_SOURCE_PREFIX}-{year}"
    if any(e.year != year for e in estimates):
        raise EnergyEngineError(f"estimates of another year than {year} given")
    if not estimates:
        return store.replace_estimates(data_dir, city, source, "", None)
    key = json.dumps(
        [[e.area_code, e.sector, e.carrier, e.kwh] for e in estimates] + [year, tz]
    )
    file_hash = hashlib.sha256(f"{UNMETERED_SOURCE_PREFIX}:{key}".encode()).hexdigest()
    ts = _local_new_year(year, tz)
    points = {}
    for code in {e.area_code for e in estimates}:
        geom = index.geometry(code)
        point = geom.representative_point() if geom is not None else None
        points[code] = (point.x, point.y) if point is not None else (None, None)
    rows = pl.DataFrame(
        {
            "meter_id": [f"unmetered-estimate:{e.area_code}:{e.sector}:{e.carrier}"
                         for e in estimates],
            "flow": "consumption",
            "sector": [e.sector for e in estimates],
            "carrier": [e.carrier for e in estimates],
            "resolution": "annual",
            "area_code": [e.area_code for e in estimates],
            "lon": [points[e.area_code][0] for e in estimates],
            "lat": [points[e.area_code][1] for e in estimates],
            "ts": [ts] * len(estimates),
            "kwh": [e.kwh for e in estimates],
            "estimate": True,
        },
        schema_overrides={"lon": pl.Float64, "lat": pl.Float64, "ts": pl.Datetime("us")},
    ).with_columns(year=pl.col("ts").dt.year())
    return store.replace_estimates(data_dir, city, source, file_hash, rows)
