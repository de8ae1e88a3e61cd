"""The adapter between Django and the pure energy engine (``urbis.engines.energy``).

It turns a city's areas (and PV installations) into the engine's plain ``Area`` list, points
the engine at the data directory and the engine chosen in ``settings.ENERGY_ENGINE``, and keeps
a cache of each city's balance cube on disk. The cache key is the set of committed input files
plus the area figures the balance depends on, so any ingest, removal or area change produces a
new key and the old cube is never served again.

Every energy rule (SQL, formulas, grid cell codes) is the engine's; this module only feeds
it Django's data and caches results: street cells for a month or any carrier with their
hour-by-hour self-sufficiency (around ``streets.street_cells``), the hourly profile of a
week (from the hourly cubes), and the list of years stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pyarrow as pa
from django.conf import settings
from django.db.models import Q, Sum, TextField
from django.db.models.functions import Cast

from urbis.energy.models import PvInstallation
from urbis.engines.energy import (
    CARRIERS,
    Area,
    AreaIndex,
    EnergyBalance,
    EnergyEngineError,
    StoredFile,
    changed_years,
    energy_balance,
    list_files,
    local_years,
    make_runner,
    update_balance,
)
from urbis.engines.energy import street_cells as engine_street_cells
from urbis.engines.energy.balance import self_sufficiency_value
from urbis.engines.energy.queries import (
    MILLI_WH_PER_KWH,
    cell_matching_sql,
    local_period,
    period_meter_totals_sql,
    profile_sql,
)
from urbis.engines.energy.store import ensure_cubes
from urbis.engines.energy.streets import MIN_CONNECTIONS, cell_codes
from urbis.places.models import Area as PlaceArea
from urbis.places.models import City

LEVELS = ("street", "neighbourhood", "district", "city")
#: Street cells: edge length in metres of the EEA reference grid cells; the smallest number
#: of connections a published cell may hold is the engine's ``MIN_CONNECTIONS`` (10, as Dutch
#: grid operators publish small-consumer data only for groups of at least 10).
CELL_SIZE_M = 100

_lock = threading.Lock()
_memo: dict[tuple[str, str], Any] = {}


def data_dir() -> Path:
    return Path(settings.DATA_DIR)


def engine_name() -> str:
    return str(getattr(settings, "ENERGY_ENGINE", "duckdb") or "duckdb")


_runners: dict[str, Any] = {}


def runner() -> Any:
    """One runner per engine per process (a Spark session is expensive to start)."""
    name = engine_name()
    with _lock:
        if name not in _runners:
            _runners[name] = make_runner(name)
        return _runners[name]


def pv_capacity(city: City, year: int | None = None) -> dict[str, float]:
    """Installed PV capacity (kWp) per area code; with ``year``, only what was in operation
    that year (an installation counts from its commissioning year, whose date is not known)."""
    installations = PvInstallation.objects.filter(area__city=city)
    if year is not None:
        installations = installations.filter(
            Q(commissioned_year__isnull=True) | Q(commissioned_year__lte=year)
        )
    rows = installations.values("area__code").annotate(kwp=Sum("capacity_kwp"))
    return {r["area__code"]: float(r["kwp"]) for r in rows}


def engine_areas(
    city: City, *, with_geometry: bool = True, pv_year: int | None = None
) -> list[Area]:
    """The city and its areas as the engine's plain ``Area`` records (the city is the root),
    with the PV capacity in operation in ``pv_year`` (all of it without one)."""
    capacity = pv_capacity(city, pv_year)
    result = [Area(city.code, "city", None, name=city.name)]
    fields = ["code", "level", "name", "households", "floor_area_m2", "parent__code"]
    areas = PlaceArea.objects.filter(city=city)
    if with_geometry:
        # The GeoJSON as the database's text, not decoded: the engine parses text as well, and
        # the index is kept between requests (area_index), where a city's boundaries as nested
        # lists were about 70,000 objects that every full garbage collection walked again.
        areas = areas.annotate(geometry_text=Cast("geometry", output_field=TextField()))
        fields.append("geometry_text")
    for row in areas.values(*fields).order_by("level", "code"):
        result.append(
            Area(
                code=row["code"],
                level=row["level"],
                parent_code=row["parent__code"] or city.code,
                geometry=row.get("geometry_text"),
                households=row["households"],
                floor_area_m2=row["floor_area_m2"],
                pv_capacity_kwp=capacity.get(row["code"]),
                name=row["name"],
            )
        )
    return result


def _areas_signature(city: City) -> str:
    stamp = (
        PlaceArea.objects.filter(city=city)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    # The denominators are read too, not trusted to updated_at: a queryset update() or
    # bulk_update() changes them without touching it.
    figures = list(
        PlaceArea.objects.filter(city=city)
        .order_by("code")
        .values_list("code", "parent__code", "households", "floor_area_m2")
    )
    payload = [str(stamp), figures, sorted(pv_capacity(city).items())]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def area_index(city: City) -> AreaIndex:
    """The city's ``AreaIndex``, rebuilt only when its areas or PV capacity change."""
    key = (city.code, "index:" + _areas_signature(city))
    with _lock:
        cached = _memo.get(key)
    if cached is None:
        cached = AreaIndex(engine_areas(city))
        with _lock:
            for old in [k for k in _memo if k[0] == city.code and k[1].startswith("index:")]:
                del _memo[old]
            _memo[key] = cached
    return cached


def stored_files(city: City) -> list[Any]:
    return list_files(data_dir(), city.code)


def catalogue_key(city: City, records: list[StoredFile] | None = None) -> str:
    hashes = sorted(f.file_hash for f in (stored_files(city) if records is None else records))
    return hashlib.sha256(
        json.dumps([hashes, _areas_signature(city), city.time_zone]).encode()
    ).hexdigest()[:20]


def _cache_dir(city: City) -> Path:
    return data_dir() / "energy" / "cache" / f"city={city.code}"


def _cache_state(city: City, records: list[StoredFile]) -> dict[str, Any]:
    """What a cached balance was computed from, kept beside it so that the next one can
    recompute only the years that changed."""
    return {
        "areas": _areas_signature(city),
        "time_zone": city.time_zone,
        "files": [
            {**asdict(r), "years": list(r.years), "parts": [list(p) for p in r.parts]}
            for r in records
        ],
    }


def _previous_balance(
    city: City, key: str, state: dict[str, Any]
) -> tuple[EnergyBalance, list[StoredFile]] | None:
    """The city's last cached balance of another set of files, if it was computed with the
    same areas and time zone (the only other things a balance depends on)."""
    for meta_path in sorted(_cache_dir(city).glob("balance-*.json")):
        if meta_path.stem == f"balance-{key}":
            continue
        try:
            meta = json.loads(meta_path.read_text())
            if meta["areas"] != state["areas"] or meta["time_zone"] != state["time_zone"]:
                continue
            records = [
                StoredFile(
                    **{
                        **f,
                        "years": tuple(f["years"]),
                        "parts": tuple((int(y), str(k)) for y, k in f["parts"]),
                    }
                )
                for f in meta["files"]
            ]
            frame = pl.read_parquet(meta_path.with_suffix(".parquet"))
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            continue  # half-written or from an older layout: not worth trusting
        return EnergyBalance(frame), records
    return None


def balance(city: City, *, refresh: bool = False) -> EnergyBalance:
    """The city's balance cube (every level, sector, carrier, year, month), cached on disk.

    After files are stored or withdrawn, only the years they cover are recomputed (from the
    merged hourly cubes) and spliced into the previous cached balance; ``refresh`` with an
    unchanged set of files recomputes everything."""
    records = stored_files(city)
    key = catalogue_key(city, records)
    path = _cache_dir(city) / f"balance-{key}.parquet"
    memo_key = (city.code, "balance:" + key)
    if not refresh:
        with _lock:
            hit = _memo.get(memo_key)
        if hit is not None:
            return hit
        if path.is_file():
            cube = EnergyBalance(pl.read_parquet(path))
            with _lock:
                _memo[memo_key] = cube
            return cube
    state = _cache_state(city, records)
    previous = _previous_balance(city, key, state)
    updated: EnergyBalance | None = None
    if previous is not None:
        try:
            updated = update_balance(
                previous[0],
                data_dir(),
                city.code,
                area_index(city),
                changed_years(previous[1], records, city.time_zone),
                engine=runner(),
                tz=city.time_zone,
            )
        except pl.exceptions.PolarsError:
            updated = None  # a cached balance of an older layout: recompute it all
    if updated is not None:
        cube = updated
    else:
        cube = energy_balance(
            data_dir(), city.code, area_index(city), engine=runner(), tz=city.time_zone
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    cube.to_polars().write_parquet(tmp)
    os.replace(tmp, path)
    # The state last: a balance is only used as a previous one once both are complete.
    _write_json(path.with_suffix(".json"), state)
    for old in path.parent.glob("balance-*"):
        if old not in (path, path.with_suffix(".json")):
            old.unlink(missing_ok=True)
    with _lock:
        for stale in [k for k in _memo if k[0] == city.code and k[1].startswith("balance:")]:
            del _memo[stale]
        _memo[memo_key] = cube
    return cube


def _write_json(path: Path, payload: Any) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    tmp.write_text(json.dumps(payload))
    os.replace(tmp, path)


def rebuild_cubes(city: City, *, force: bool = False) -> int:
    """Write the hourly cubes that stored files lack (all of them with ``force``); returns
    the number of cube parts written. The balance builds missing ones on first read too."""
    return ensure_cubes(data_dir(), city.code, force=force)


def years(city: City) -> list[int]:
    """The years with readings by the city's clock (stored files record UTC partitions,
    and a local year reaches into the previous one). Files covering the same span count
    once: a city's deliveries share a few spans, and every map request asks."""
    spans = {(r.first_ts, r.last_ts): r for r in stored_files(city)}
    found: set[int] = set()
    for record in spans.values():
        found.update(local_years(record, city.time_zone))
    return sorted(found)


# --- Hourly profile -----------------------------------------------------------------------


@dataclass(frozen=True)
class HourlyProfile:
    hours: list[str]  # ISO hour starts by the city's clock, with their UTC offset
    consumption_kwh: list[float]
    production_kwh: list[float]
    has_estimate: bool


def leaf_codes_below(index: AreaIndex, code: str) -> list[str]:
    return [c for c in index.leaf_codes if code in {a.code for a in index.ancestors(c)}]


def hourly_profile(city: City, area_code: str, week_start: datetime) -> HourlyProfile:
    """Electricity consumption and production of an area, hour by hour, for seven days from
    ``week_start`` (an aware local time): 168 hours, or 167/169 in a week that changes
    clocks.

    Kept in memory per inputs (the stored files, the areas and their PV capacity, the time
    zone: ``catalogue_key``), like the street cells: an area page asks for the same week on
    every view, and each answer otherwise opened the store and ran a query."""
    key = (city.code, f"profile:{catalogue_key(city)}:{area_code}:{week_start.isoformat()}")
    with _lock:
        hit = _memo.get(key)
    if hit is not None:
        assert isinstance(hit, HourlyProfile)
        return hit
    profile = _hourly_profile(city, area_code, week_start)
    with _lock:
        inputs = key[1].split(":", 2)[1]
        profiles = [k for k in _memo if k[0] == city.code and k[1].startswith("profile:")]
        stale = [k for k in profiles if k[1].split(":", 2)[1] != inputs]
        current = [k for k in profiles if k[1].split(":", 2)[1] == inputs]
        # Profiles of earlier inputs go; of the current ones at most PROFILES_KEPT stay (the
        # first stored go first), so that a crawl of every area and week stays bounded.
        for old in stale + current[: max(0, len(current) + 1 - PROFILES_KEPT)]:
            del _memo[old]
        _memo[key] = profile
    return profile


#: Hourly profiles kept in memory per city and process (each is 168 hours of two series).
PROFILES_KEPT = 512


def _hourly_profile(city: City, area_code: str, week_start: datetime) -> HourlyProfile:
    index = area_index(city)
    leaves = leaf_codes_below(index, area_code) or [area_code]
    zone = ZoneInfo(city.time_zone)
    start = week_start.astimezone(UTC).replace(tzinfo=None)
    local_end = (week_start.replace(tzinfo=None) + timedelta(days=7)).replace(tzinfo=zone)
    end = local_end.astimezone(UTC).replace(tzinfo=None)
    table = runner().run(
        profile_sql(start, end),
        data_dir(),
        city.code,
        sorted({start.year, end.year}),
        {"profile_areas": pa.table({"area_code": pa.array(leaves, pa.string())})},
    )
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    hours = int((end - start) / timedelta(hours=1))
    slots = [start + timedelta(hours=h) for h in range(hours)]
    cons = dict.fromkeys(slots, 0.0)
    prod = dict.fromkeys(slots, 0.0)
    estimated = False
    for row in frame.iter_rows(named=True):
        hour = row["hour"].replace(tzinfo=None)
        if hour in cons:
            cons[hour] = float(row["consumption"]) / MILLI_WH_PER_KWH
            prod[hour] = float(row["production"]) / MILLI_WH_PER_KWH
        estimated = estimated or bool(row["estimated"])
    return HourlyProfile(
        hours=[s.replace(tzinfo=UTC).astimezone(zone).isoformat(timespec="minutes") for s in slots],
        consumption_kwh=[round(cons[s], 3) for s in slots],
        production_kwh=[round(prod[s], 3) for s in slots],
        has_estimate=estimated,
    )


# --- Street cells ---------------------------------------------------------------------------
# The engine's ``street_cells`` places meters in cells of the EEA reference grid and withholds
# cells under the 10-connection threshold. This adapter feeds it per-meter totals for a month
# or a year and any carrier, and adds each published cell's hour-by-hour self-sufficiency.


def street_cells(
    city: City,
    year: int,
    month: int = 0,
    *,
    carrier: str = "all",
    cell_size_m: int = CELL_SIZE_M,
) -> dict[str, Any]:
    """Meters aggregated into grid cells; cells with fewer than ``MIN_CONNECTIONS`` meters are
    withheld so that no single household can be singled out.

    Returns ``{"features": [...], "withheld_meters", "withheld_cells", "cell_size_m"}``.
    """
    key = (city.code, f"cells:{catalogue_key(city)}:{year}:{month}:{carrier}:{cell_size_m}")
    with _lock:
        hit = _memo.get(key)
    if hit is not None:
        return hit
    run = runner()
    period, partitions = local_period(city.time_zone, year, month)
    filters = ""
    if month:
        # Annual readings cannot be placed in a month.
        filters += " AND resolution <> 'annual'"
    if carrier != "all":
        if carrier not in CARRIERS:
            raise EnergyEngineError(f"unknown carrier {carrier!r}")
        filters += f" AND carrier = '{carrier}'"
    raw = pl.from_arrow(
        run.run(
            period_meter_totals_sql(period, filters),
            data_dir(),
            city.code,
            partitions,
            {},
        )
    )
    assert isinstance(raw, pl.DataFrame)
    meters = raw.select(
        "meter_id",
        "flow",
        "lon",
        "lat",
        kwh=pl.col("energy").cast(pl.Float64) / float(MILLI_WH_PER_KWH),
    )
    cells = engine_street_cells(meters, cell_size_m=cell_size_m, min_connections=MIN_CONNECTIONS)
    result: dict[str, Any] = {
        "features": cells.features,
        "withheld_meters": cells.suppressed_connections,
        "withheld_cells": cells.suppressed_cells,
        "cell_size_m": cells.cell_size_m,
    }
    shown = {f["id"] for f in cells.features}
    located = (
        meters.filter(pl.col("lon").is_not_null() & pl.col("lat").is_not_null())
        .group_by("meter_id")
        .agg(pl.col("lon").min(), pl.col("lat").min())
    )
    if shown and located.height:
        codes = cell_codes(located["lon"].to_numpy(), located["lat"].to_numpy(), cell_size_m)
        membership = (
            located.select("meter_id")
            .with_columns(cell=pl.Series(codes))
            .filter(pl.col("cell").is_in(list(shown)))
        )
        hourly = pl.from_arrow(
            run.run(
                cell_matching_sql(local_period(city.time_zone, year, month, column="r.ts")[0]),
                data_dir(),
                city.code,
                partitions,
                {
                    "meter_cells": membership.to_arrow().cast(
                        pa.schema([("meter_id", pa.string()), ("cell", pa.string())])
                    )
                },
            )
        )
        assert isinstance(hourly, pl.DataFrame)
        ratio = {
            r["cell"]: self_sufficiency_value(r["matched"], r["hourly_c"])
            for r in hourly.iter_rows(named=True)
        }
        for feature in cells.features:
            value = ratio.get(feature["id"])
            feature["properties"]["self_sufficiency"] = None if value is None else round(value, 4)
    _remember(key, result)
    return result


def _remember(key: tuple[str, str], value: Any) -> None:
    with _lock:
        prefix = key[1].split(":", 2)[:2]
        for stale in [
            k
            for k in _memo
            if k[0] == key[0] and k[1].startswith("cells:") and k[1].split(":", 2)[:2] != prefix
        ]:
            del _memo[stale]
        _memo[key] = value


def forget(city: City) -> None:
    """Drop in-memory caches of a city (after an ingest; the disk cache is keyed anyway)."""
    with _lock:
        for key in [k for k in _memo if k[0] == city.code]:
            del _memo[key]
