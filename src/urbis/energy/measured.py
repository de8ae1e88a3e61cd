"""Measured consumption published per source zone (postcode), stored as coarse readings.

A published table of daily electricity per postcode and sector (Open Data BCN / Datadis for
Barcelona) is checked row by row, placed on the city's areas and handed to the engine as an
ordinary readings file (daily resolution) through :func:`services.ingest_path`, so it is
stored, deduplicated and withdrawn like any meter file. Placement:

* with postcode polygons: an area-weighted overlay on the neighbourhoods
  (:mod:`urbis.engines.energy.overlay`), one reading per postcode, sector and neighbourhood;
* without them (the case today for Barcelona, see docs/DATA.md "Energy"): every postcode on
  the city itself, so the measured figure appears at city level only and no neighbourhood gets
  a share that was not published.

The stored file's name starts with :data:`MEASURED_PREFIX`; :func:`provenance` uses it to tell
the pages which figures are measured, modelled (the demo's generated readings) or estimated
(PV estimates).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from urbis.energy import engine
from urbis.energy.models import EnergyUpload
from urbis.engines.energy import overlay
from urbis.engines.energy.store import local_years
from urbis.errors import ImportRefused, RowError
from urbis.places.models import Area, AreaLevel, City

MEASURED_PREFIX = "measured-"

#: How each of the source's sectors maps onto the platform's (``services`` covers both private
#: and public services; the platform has no split for it, so it goes to ``commercial``).
SECTORS = {"residential": "residential", "industry": "industry", "services": "commercial"}

COLUMNS = ("date", "postcode", "sector", "kwh")


@dataclass(frozen=True)
class Dataset:
    """A published table of measured consumption per source zone."""

    key: str
    city: str
    carrier: str
    zones: frozenset[str]
    title: str
    publisher: str
    licence: str
    obtained_from: str

    @property
    def citation(self) -> str:
        return f"{self.publisher}, {self.title} ({self.licence})"


BARCELONA_ELECTRICITY = Dataset(
    key="barcelona-electricity-by-postcode",
    city="barcelona",
    carrier="electricity",
    zones=frozenset(f"080{n:02d}" for n in range(1, 43)),
    title="Consum d'electricitat a la ciutat de Barcelona (consum-electricitat-bcn), from Datadis",
    publisher="Ajuntament de Barcelona, Open Data BCN",
    licence="CC BY 4.0",
    obtained_from="public copy in GitHub repository mireiacuenca/TFG, commit 9d379be",
)

PARIS_DISTRICT_HEAT = Dataset(
    key="paris-district-heat-by-iris",
    city="paris",
    carrier="heat",
    zones=frozenset(f"751{n:02d}" for n in range(1, 21)),
    title="Données locales de consommation d'énergie, chaleur et froid par IRIS (2021-12 edition)",
    publisher="SDES, Ministère de la Transition écologique (from the heat network operators)",
    licence="Licence Ouverte / Etalab 2.0",
    obtained_from="public copy in GitHub repository JadSamain/TBR_GRM_JSA_SAE6_DevDecisionnel, "
                  "commit 3dba083",
)

DATASETS = {d.key: d for d in (BARCELONA_ELECTRICITY, PARIS_DISTRICT_HEAT)}


@dataclass(frozen=True)
class Row:
    day: dt.date
    zone: str
    sector: str
    kwh: float


def read_zone_file(path: Path, dataset: Dataset, *, years: Iterable[int] | None = None
                   ) -> list[Row]:
    """Every row of a ``date,postcode,sector,kwh`` file (optionally gzip-compressed), checked.

    Refuses the whole file (:class:`ImportRefused`, each error naming row and field) on a
    missing column, an unknown postcode or sector, a bad date, or a kWh figure that is not a
    finite number ≥ 0, and on a (date, postcode, sector) given twice. ``years`` keeps only the
    rows of those years (after checking every row).
    """
    name = path.name
    wanted = set(years) if years is not None else None
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    errors: list[RowError] = []
    rows: list[Row] = []
    seen: set[tuple[dt.date, str, str]] = set()
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [c.strip().lower() for c in (reader.fieldnames or [])]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ImportRefused([
                RowError(name, 1, c, _("missing column")) for c in missing
            ])
        reader.fieldnames = header
        for number, raw in enumerate(reader, start=2):
            row_errors = len(errors)
            text = (raw.get("date") or "").strip()
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                errors.append(RowError(name, number, "date",
                                       _("not a date (YYYY-MM-DD): %(v)r") % {"v": text}))
                day = None
            zone = (raw.get("postcode") or "").strip()
            if zone not in dataset.zones:
                errors.append(RowError(name, number, "postcode",
                                       _("unknown postcode %(v)r") % {"v": zone}))
            sector = (raw.get("sector") or "").strip().lower()
            if sector not in SECTORS:
                errors.append(RowError(
                    name, number, "sector",
                    _("unknown sector %(v)r (residential, industry or services)") % {"v": sector},
                ))
            value_text = (raw.get("kwh") or "").strip()
            try:
                kwh = float(value_text)
            except ValueError:
                kwh = math.nan
            if not math.isfinite(kwh) or kwh < 0:
                errors.append(RowError(
                    name, number, "kwh",
                    _("not a number of kWh ≥ 0: %(v)r") % {"v": value_text},
                ))
            if len(errors) > row_errors or day is None:
                continue
            key = (day, zone, sector)
            if key in seen:
                errors.append(RowError(name, number, "date",
                                       _("this date, postcode and sector are given twice")))
                continue
            seen.add(key)
            if wanted is None or day.year in wanted:
                rows.append(Row(day, zone, sector, kwh))
            if len(errors) >= 100:
                break
    if errors:
        raise ImportRefused(errors)
    return rows


def placement(
    city: City, polygons: Mapping[str, Any] | None
) -> tuple[dict[str, dict[str, float]], overlay.Overlay | None]:
    """Fractions of each postcode per neighbourhood, and the overlay they came from.

    ``polygons`` maps postcodes to WGS84 geometries. ``None`` (no published polygons) gives no
    fractions: the readings then go whole to the city (see :func:`readings_csv`).
    """
    if polygons is None:
        return {}, None
    areas = {
        a.code: a.geometry
        for a in Area.objects.filter(city=city, level=AreaLevel.NEIGHBOURHOOD)
        .exclude(geometry=None).only("code", "geometry")
    }
    result = overlay.area_weights(polygons, areas)
    return overlay.placement(result), result


def readings_csv(
    rows: Iterable[Row], dataset: Dataset, *, city_code: str,
    fractions: Mapping[str, Mapping[str, float]] | None = None,
) -> bytes:
    """The engine's input format (daily readings, local midnight, no zone: the caller passes
    the city's time zone), gzip-compressed with a fixed header time so that the same rows
    always give the same bytes (the store then keeps them once)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["meter_id", "timestamp", "value", "unit", "flow", "sector", "carrier",
                     "area_code", "resolution"])
    for row in sorted(rows, key=lambda r: (r.zone, r.sector, r.day)):
        pieces = fractions[row.zone].items() if fractions else ((city_code, 1.0),)
        for area_code, share in sorted(pieces):
            meter = f"{dataset.key}:{row.zone}:{row.sector}"
            if fractions:
                meter += f":{area_code}"
            writer.writerow([
                meter, f"{row.day.isoformat()}T00:00:00", repr(row.kwh * share), "kWh",
                "consumption", SECTORS[row.sector], dataset.carrier, area_code, "daily",
            ])
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:
        gz.write(out.getvalue().encode())
    return buffer.getvalue()


def file_name(dataset: Dataset, year: int) -> str:
    return f"{MEASURED_PREFIX}{dataset.key}-{year}.csv.gz"


def ingest(
    city: City,
    path: Path,
    dataset: Dataset,
    *,
    years: Iterable[int],
    polygons: Mapping[str, Any] | None = None,
    source: str = EnergyUpload.Source.CLI,
    user: Any = None,
    refresh_balance: bool = True,
) -> list[EnergyUpload]:
    """Check ``path`` whole, then store one daily readings file per year through the engine.

    Years already stored (by file name) are skipped, so running it again stores nothing new.
    Returns the uploads of this run.
    """
    todo = years_to_store(city, dataset, years)
    if not todo:
        return []
    rows = read_zone_file(path, dataset, years=todo)
    fractions, _overlay = placement(city, polygons)
    if polygons is not None:
        unplaced = sorted({r.zone for r in rows} - set(fractions))
        if unplaced:
            raise ImportRefused([
                RowError(path.name, 0, "postcode", _("no polygon for postcode %(v)s") % {"v": z})
                for z in unplaced
            ])
    return [
        store_year(city, dataset, year,
                   readings_csv([r for r in rows if r.day.year == year], dataset,
                                city_code=city.code, fractions=fractions or None),
                   source=source, user=user, refresh_balance=refresh_balance)
        for year in todo
    ]


def years_to_store(city: City, dataset: Dataset, years: Iterable[int]) -> list[int]:
    """The years of ``dataset`` not yet stored for ``city`` (matched by file name), in order."""
    stored = {f.source_name for f in engine.stored_files(city)}
    return [y for y in sorted(set(years)) if file_name(dataset, y) not in stored]


def store_year(city: City, dataset: Dataset, year: int, data: bytes, *, source: str,
               user: Any, refresh_balance: bool) -> EnergyUpload:
    """Store one year's readings file of a measured dataset through the normal ingestion path;
    a refused file raises ImportRefused with the engine's row errors and stores nothing."""
    from urbis.energy import services

    out_dir = engine.data_dir() / "energy" / "measured"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / file_name(dataset, year)
    target.write_bytes(data)
    try:
        upload = services.ingest_path(
            city, target, time_zone=city.time_zone, user=user, source=source,
            refresh_balance=refresh_balance,
        )
    finally:
        target.unlink(missing_ok=True)
    if upload.status == EnergyUpload.Status.REJECTED:
        raise ImportRefused([
            RowError(target.name, int(e.get("row", 0)), str(e.get("field", "")),
                     str(e.get("reason", "")))
            for e in upload.errors
        ])
    return upload


# --- Provenance: measured, modelled or estimated, per area and year --------------------------

MEASURED = "measured"
_lock = threading.Lock()
_cache: dict[tuple[str, str], dict[str, dict[int, dict[str, list[str]]]]] = {}
MODELLED = "modelled"
ESTIMATED = "estimated"


def _file_kinds(city: City) -> dict[str, str]:
    """Kind of every stored file, by file hash."""
    demo = set(
        EnergyUpload.objects.filter(city=city, source=EnergyUpload.Source.DEMO)
        .values_list("file_hash", flat=True)
    )
    kinds = {}
    for record in engine.stored_files(city):
        if record.estimate:
            kinds[record.file_hash] = ESTIMATED
        elif record.source_name.startswith(MEASURED_PREFIX):
            kinds[record.file_hash] = MEASURED
        elif record.file_hash in demo:
            kinds[record.file_hash] = MODELLED
        else:
            # Files an editor uploaded are meter readings as delivered (docs/ENERGY.md).
            kinds[record.file_hash] = MEASURED
    return kinds


def provenance(city: City, carrier: str = "all") -> dict[int, dict[str, list[str]]]:
    """``{year: {area code: sorted kinds}}`` — how the figures of each area and year were
    obtained: ``measured``, ``modelled`` and/or ``estimated``, for one ``carrier`` or ``"all"``
    of them (estimated heating oil does not make an area's electricity estimated). An area's
    kinds include those of the readings of every area below it (a city figure summed from
    modelled neighbourhoods is modelled). Cached with the city's catalogue."""
    return _provenance_by_carrier(city).get(carrier, {})


def _provenance_by_carrier(city: City) -> dict[str, dict[int, dict[str, list[str]]]]:
    key = (city.code, engine.catalogue_key(city))
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    import duckdb

    from urbis.engines.energy.store import part_path, record_parts

    kinds = _file_kinds(city)
    index = engine.area_index(city)
    result: dict[str, dict[int, dict[str, set[str]]]] = {}
    con = duckdb.connect()
    try:
        for record in engine.stored_files(city):
            kind = kinds[record.file_hash]
            paths = [str(part_path(engine.data_dir(), city.code, y, record.file_hash, k))
                     for y, k in record_parts(record)]
            paths = [p for p in paths if Path(p).is_file()]
            if not paths:
                continue
            found = con.execute(
                "SELECT DISTINCT area_code, carrier FROM read_parquet(?)", [paths]
            ).fetchall()
            for year in local_years(record, city.time_zone):
                for code, carrier in found:
                    if code not in index:
                        continue
                    for name in (carrier, "all"):
                        by_area = result.setdefault(name, {}).setdefault(year, {})
                        for ancestor in index.ancestors(code):
                            by_area.setdefault(ancestor.code, set()).add(kind)
    finally:
        con.close()
    final = {
        name: {y: {c: sorted(k) for c, k in areas.items()} for y, areas in years.items()}
        for name, years in result.items()
    }
    with _lock:
        for stale in [k for k in _cache if k[0] == city.code]:
            del _cache[stale]
        _cache[key] = final
    return final


def sources(city: City) -> list[Dataset]:
    """The measured datasets stored for a city (for the pages' source notes)."""
    names = {f.source_name for f in engine.stored_files(city)}
    return [d for d in DATASETS.values()
            if d.city == city.code and any(n.startswith(MEASURED_PREFIX + d.key) for n in names)]


def load_polygons(path: Path, field: str) -> dict[str, Any]:
    """Postcode polygons from a GeoJSON FeatureCollection, keyed by the property ``field``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(f["properties"][field]): f["geometry"] for f in data.get("features", [])}
