"""Reads shared by the energy pages and the API. Anonymous users see published cities only
(``places.queries.get_city`` decides); competition seasons must be published."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.energy import engine, measured
from urbis.energy.competition import Contender, Standing, leaderboard
from urbis.energy.models import (
    BestPractice,
    EnergyIntensity,
    EnergyUpload,
    Entry,
    FloorAreaByUse,
    Initiative,
    PvInstallation,
    Season,
)
from urbis.engines.energy import CARRIERS, SECTORS, StoredFile, list_files
from urbis.engines.energy import unmetered as unmetered_engine
from urbis.engines.energy.balance import SELF_SUFFICIENCY_CARRIER, hourly_self_sufficiency
from urbis.people.permissions import Action, can, cities_where
from urbis.places.models import Area, AreaLevel, City
from urbis.places.queries import name_key, quantile_classes

MEASURE_FIELDS = {
    "consumption": "consumption_kwh",
    "production": "production_kwh",
    "balance": "net_kwh",
    "self_sufficiency": "self_sufficiency",
}
SUM_FIELDS = (
    "consumption_kwh",
    "production_kwh",
    "net_kwh",
    "self_consumed_kwh",
    "estimated_production_kwh",
    "coarse_consumption_kwh",
    "coarse_production_kwh",
)


class BadQuery(ValueError):
    """A parameter outside what the data offers (unknown level, measure, sector...)."""


def check_params(
    *,
    level: str = "neighbourhood",
    measure: str = "consumption",
    sector: str = "all",
    carrier: str = "all",
    month: int = 0,
) -> None:
    if level not in engine.LEVELS:
        raise BadQuery(_("level must be one of %(choices)s")
                       % {"choices": ', '.join(engine.LEVELS)})
    if measure not in MEASURE_FIELDS:
        raise BadQuery(_("measure must be one of %(choices)s")
                       % {"choices": ', '.join(MEASURE_FIELDS)})
    if sector != "all" and sector not in SECTORS:
        raise BadQuery(_("sector must be 'all' or one of %(choices)s")
                       % {"choices": ', '.join(SECTORS)})
    if carrier != "all" and carrier not in CARRIERS:
        raise BadQuery(_("carrier must be 'all' or one of %(choices)s")
                       % {"choices": ', '.join(CARRIERS)})
    if not 0 <= month <= 12:
        raise BadQuery(_("month must be 0 (whole year) or 1–12"))


def years(city: City) -> list[int]:
    return engine.years(city)


def default_year(city: City) -> int | None:
    found = years(city)
    return found[-1] if found else None


def _cube(city: City) -> pl.DataFrame:
    return engine.balance(city).to_polars()


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den).otherwise(None)


def _select(
    frame: pl.DataFrame,
    *,
    level: str | None,
    year: int | None,
    month: int,
    sector: str,
    carrier: str,
) -> pl.DataFrame:
    """Rows of the cube for one period, summed over carriers when ``carrier`` is ``all``;
    then peaks, self-sufficiency and self-consumption are electricity's (the engine's
    ``SELF_SUFFICIENCY_CARRIER``: local production is electricity)."""
    cond = (pl.col("sector") == sector) & (pl.col("month") == month)
    if level is not None:
        cond = cond & (pl.col("level") == level)
    if year is not None:
        cond = cond & (pl.col("year") == year)
    return _by_carrier(frame.filter(cond), carrier)


def _by_carrier(picked: pl.DataFrame, carrier: str) -> pl.DataFrame:
    """``picked`` rows for ``carrier``, or summed over carriers per area, period and sector
    for ``all`` (peaks and ratios electricity's), whatever periods and sectors it holds: one
    pass serves a whole area page instead of one per month and sector."""
    if carrier != "all":
        return picked.filter(pl.col("carrier") == carrier)
    keys = ["area_code", "year", "month", "sector"]
    electricity = picked.filter(pl.col("carrier") == SELF_SUFFICIENCY_CARRIER).select(
        *keys, "peak_import_kw", "peak_export_kw", "self_sufficiency", "self_consumption",
    )
    summed = picked.group_by("level", *keys).agg(
        *[pl.col(f).sum() for f in SUM_FIELDS],
        pl.col("households").first(),
        pl.col("floor_area_m2").first(),
    )
    consumption = pl.col("consumption_kwh")
    return summed.with_columns(
        consumption_per_household_kwh=_ratio(consumption, pl.col("households")),
        consumption_per_m2_kwh=_ratio(consumption, pl.col("floor_area_m2")),
        carrier=pl.lit("all"),
    ).join(electricity, on=keys, how="left").select(
        # The columns in the order they always had (exports and tables read them so).
        "level", "area_code", "year", "month", *SUM_FIELDS, "households", "floor_area_m2",
        "consumption_per_household_kwh", "consumption_per_m2_kwh", "sector", "carrier",
        "peak_import_kw", "peak_export_kw", "self_sufficiency", "self_consumption",
    )


def _area_info(city: City) -> dict[str, dict[str, Any]]:
    info: dict[str, dict[str, Any]] = {
        city.code: {
            "name": city.name,
            "population": city.population,
            "households": None,
            "floor_area_m2": None,
            "url": city.get_absolute_url(),
            "parent": None,
        }
    }
    # Only the columns shown: an area's geometry (and its parent's, through a join) is a
    # large JSON document whose decoding made up most of the balance API's time.
    fields = ("code", "name", "population", "households", "floor_area_m2", "parent__code")
    for row in Area.objects.filter(city=city).values(*fields):
        info[row["code"]] = {
            "name": row["name"],
            "population": row["population"],
            "households": row["households"],
            "floor_area_m2": row["floor_area_m2"],
            "url": _area_energy_url(city, row["code"]),
            "parent": row["parent__code"],
        }
    return info


def _area_energy_url(city: City, code: str) -> str:
    from django.urls import reverse

    return reverse("energy:area", args=[city.code, code])


def _round(value: Any, digits: int = 1) -> Any:
    return None if value is None else round(float(value), digits)


def balance_table(
    city: City,
    *,
    level: str,
    year: int | None,
    month: int = 0,
    sector: str = "all",
    carrier: str = "all",
) -> list[dict[str, Any]]:
    """One row per area of ``level`` (not street) with every figure of the balance."""
    check_params(level=level, sector=sector, carrier=carrier, month=month)
    if level == "street" or year is None:
        return []
    frame = _select(
        _cube(city), level=level, year=year, month=month, sector=sector, carrier=carrier
    )
    info = _area_info(city)
    by_code = {r["area_code"]: r for r in frame.iter_rows(named=True)}
    codes = [c for c, i in info.items() if _level_of(city, c, info) == level]
    rows = []
    for code in sorted(codes):
        r = by_code.get(code) or {}
        meta = info[code]
        cons = r.get("consumption_kwh")
        # An area without readings has no row in the cube, but its denominators still show.
        denominators = {
            "households": r.get("households") or meta["households"],
            "floor_area_m2": r.get("floor_area_m2") or meta["floor_area_m2"],
        }
        rows.append(
            {
                "code": code,
                "name": meta["name"],
                "url": meta["url"],
                "parent": meta["parent"],
                **_figures(r),
                **_per_unit({**r, **denominators}),
                "population": meta["population"],
                "consumption_per_resident_kwh": (
                    _round(cons / meta["population"])
                    if cons is not None and meta["population"]
                    else None
                ),
            }
        )
    return rows


def _level_of(city: City, code: str, info: dict[str, dict[str, Any]]) -> str:
    if code == city.code:
        return "city"
    return "district" if info[code]["parent"] is None else "neighbourhood"


def map_layer(
    city: City,
    *,
    level: str,
    measure: str,
    year: int | None,
    month: int = 0,
    sector: str = "all",
    carrier: str = "all",
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection for the Smart Energy Map, with legend classes."""
    check_params(level=level, measure=measure, sector=sector, carrier=carrier, month=month)
    field = MEASURE_FIELDS[measure]
    features: list[dict[str, Any]] = []
    extra: dict[str, Any] = {}
    if year is None:
        pass
    elif level == "street":
        cells = engine.street_cells(city, year, month, carrier=carrier)
        extra = {
            "withheld_meters": cells["withheld_meters"],
            "withheld_cells": cells["withheld_cells"],
            "cell_size_m": cells["cell_size_m"],
            "min_connections": engine.MIN_CONNECTIONS,
        }
        for cell in cells["features"]:
            p = cell["properties"]
            properties = {
                "code": cell["id"],
                "name": ngettext("%(n)d connection", "%(n)d connections", p["connections"])
                % {"n": p["connections"]},
                "connections": p["connections"],
                "consumption_kwh": _round(p["consumption_kwh"]),
                "production_kwh": _round(p["production_kwh"]),
                "net_kwh": _round(p["net_kwh"]),
                "self_sufficiency": p.get("self_sufficiency"),
                "url": None,
            }
            properties["value"] = properties[field]
            features.append(
                {
                    "type": "Feature",
                    "id": cell["id"],
                    "geometry": cell["geometry"],
                    "properties": properties,
                }
            )
    else:
        rows = {
            r["code"]: r
            for r in balance_table(
                city, level=level, year=year, month=month, sector=sector, carrier=carrier
            )
        }
        if level == "city":
            geometries = {city.code: city.boundary}
        else:
            geometries = dict(
                Area.objects.filter(city=city, level=level).values_list("code", "geometry")
            )
        for code, row in rows.items():
            geometry = geometries.get(code)
            if not geometry:
                continue
            properties = {k: v for k, v in row.items() if k != "parent"}
            properties["value"] = row[field]
            features.append(
                {"type": "Feature", "id": code, "geometry": geometry, "properties": properties}
            )
    values = [f["properties"]["value"] for f in features if f["properties"]["value"] is not None]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "city": city.code,
            "level": level,
            "measure": measure,
            "field": field,
            "year": year,
            "month": month,
            "sector": sector,
            "carrier": carrier,
            "classes": quantile_classes(values),
            **extra,
        },
    }


def area_balance(city: City, area_code: str, *, carrier: str = "all") -> dict[str, Any]:
    """An area's balance: per year (and its months), and per sector for each year."""
    check_params(carrier=carrier)
    cube = _cube(city).filter(pl.col("area_code") == area_code)
    rows: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
    for row in _by_carrier(cube, carrier).iter_rows(named=True):
        rows.setdefault((row["year"], row["month"], row["sector"]), []).append(row)
    yearly = []
    for year in sorted(set(cube["year"].to_list())):
        first = next(iter(rows.get((year, 0, "all"), [])), None)
        yearly.append(
            {
                "year": year,
                "total": _figures(first) if first else None,
                **_per_unit(first),
                "months": [
                    {"month": r["month"], **_figures(r)}
                    for m in range(1, 13)
                    for r in rows.get((year, m, "all"), [])
                ],
                "sectors": [
                    {"sector": s, **_figures(r)}
                    for s in SECTORS
                    for r in rows.get((year, 0, s), [])
                ],
            }
        )
    return {"area": area_code, "carrier": carrier, "years": yearly}


def _per_unit(r: dict[str, Any] | None) -> dict[str, Any]:
    """Consumption per household and per m² of a cube row, with what it divides by."""
    r = r or {}
    return {
        "households": r.get("households"),
        "consumption_per_household_kwh": _round(r.get("consumption_per_household_kwh")),
        "floor_area_m2": _round(r.get("floor_area_m2")),
        "consumption_per_m2_kwh": _round(r.get("consumption_per_m2_kwh"), 2),
    }


def _figures(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumption_kwh": _round(r.get("consumption_kwh")),
        "production_kwh": _round(r.get("production_kwh")),
        "net_kwh": _round(r.get("net_kwh")),
        "self_sufficiency": _round(r.get("self_sufficiency"), 4),
        "self_consumption": _round(r.get("self_consumption"), 4),
        "peak_import_kw": _round(r.get("peak_import_kw")),
        "peak_export_kw": _round(r.get("peak_export_kw")),
        "estimated_production_kwh": _round(r.get("estimated_production_kwh")),
    }


def week_start(year: int, week: int, time_zone: str = "UTC") -> dt.datetime:
    """Monday 00:00 of ISO week ``week`` of ``year`` by the clock of ``time_zone`` (aware)."""
    try:
        day = dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise BadQuery(_("no ISO week %(week)s in %(year)s")
                       % {"week": week, "year": year}) from exc
    return dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(time_zone))


def hourly_profile(city: City, area_code: str, year: int, week: int) -> dict[str, Any]:
    start = week_start(year, week, city.time_zone)
    profile = engine.hourly_profile(city, area_code, start)
    return {
        "area": area_code,
        "year": year,
        "week": week,
        "start": start.isoformat(timespec="minutes"),
        "time_zone": city.time_zone,
        "hours": profile.hours,
        "consumption_kwh": profile.consumption_kwh,
        "production_kwh": profile.production_kwh,
        "production_is_estimate": profile.has_estimate,
    }


def daily_totals(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Per local day of an hourly profile: energy, hour-by-hour self-sufficiency and peak.

    Days are grouped by the date in each hour's local label, so the day clocks change has
    23 or 25 hours."""
    by_day: dict[str, list[tuple[float, float]]] = {}
    for hour, c, p in zip(
        profile["hours"], profile["consumption_kwh"], profile["production_kwh"], strict=True
    ):
        by_day.setdefault(hour[:10], []).append((c, p))
    days = []
    for day, pairs in by_day.items():
        consumption = [c for c, _ in pairs]
        production = [p for _, p in pairs]
        days.append(
            {
                "day": day,
                "hours": len(pairs),
                "consumption": sum(consumption),
                "production": sum(production),
                "self_sufficiency": hourly_self_sufficiency(consumption, production),
                "peak": max(c for c, _ in pairs),
            }
        )
    return days


def readings_provenance(city: City) -> dict[str, bool]:
    """Which kinds of meter readings the city's store holds: ``modelled`` (the readings the
    demo generated) and ``measured`` (uploaded files and published measured tables), by the
    one rule of :func:`urbis.energy.measured.provenance`. PV estimates are left out: pages
    label them where they are shown."""
    kinds = set(measured._file_kinds(city).values())
    return {"modelled": measured.MODELLED in kinds, "measured": measured.MEASURED in kinds}


def uploads_for(city: City, user: Any) -> QuerySet[EnergyUpload]:
    if not can(user, Action.EDIT, city):
        return EnergyUpload.objects.none()
    return EnergyUpload.objects.filter(city=city).select_related("uploaded_by")


def get_upload(city: City, pk: int, user: Any) -> EnergyUpload:
    upload = uploads_for(city, user).filter(pk=pk).first()
    if upload is None:
        raise Http404(_("No such upload."))
    return upload


@dataclass(frozen=True)
class StoredDelivery:
    """A file whose readings are in the store, with the upload that brought it (when the
    platform logged one: files stored by hand with the engine have none)."""

    file: StoredFile
    upload: EnergyUpload | None

    @property
    def may_withdraw(self) -> bool:
        # PV estimates are written and replaced by the platform from the installations.
        return not self.file.estimate

    @property
    def ingested_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.file.ingested_at)

    @property
    def first_day(self) -> str:
        return self.file.first_ts[:10]

    @property
    def last_day(self) -> str:
        return self.file.last_ts[:10]


def stored_files(city: City, user: Any, *, operator: bool = False) -> list[StoredDelivery]:
    """The city's stored files, newest first: for its editors (the balance itself is public),
    or for the operator at the command line (``operator=True``)."""
    if not operator and not can(user, Action.EDIT, city):
        raise PermissionDenied(_("Only the city's editors may see its stored files."))
    files = list_files(engine.data_dir(), city.code)
    uploads: dict[str, EnergyUpload] = {}
    for upload in EnergyUpload.objects.filter(
        city=city, status=EnergyUpload.Status.STORED,
        file_hash__in=[f.file_hash for f in files],
    ).select_related("uploaded_by"):
        uploads.setdefault(upload.file_hash, upload)
    return [StoredDelivery(f, uploads.get(f.file_hash)) for f in reversed(files)]


def get_stored_file(city: City, file_hash: str, user: Any) -> StoredDelivery:
    found = [d for d in stored_files(city, user) if d.file.file_hash == file_hash]
    if not found:
        raise Http404(_("No stored file with that SHA-256."))
    return found[0]


def intensities(city: City) -> QuerySet[EnergyIntensity]:
    """A city's published intensities (kWh per m² of a building use a year, per carrier)."""
    return EnergyIntensity.objects.filter(city=city).order_by("sector", "carrier")


def floor_areas_by_use(city: City) -> QuerySet[FloorAreaByUse]:
    """A city's floor areas by building use, per area."""
    return FloorAreaByUse.objects.filter(area__city=city).select_related("area").order_by(
        "area__code", "sector"
    )


def unmetered_inputs(
    city: City,
) -> tuple[list[unmetered_engine.FloorAreaByUse], list[unmetered_engine.EnergyIntensity]]:
    """The city's floor areas by use and intensities, as the engine takes them (a floor
    area's source names its reference date)."""
    floors = [
        unmetered_engine.FloorAreaByUse(
            f.area.code, f.sector, f.floor_area_m2,
            f"{f.source} ({f.reference_date.isoformat()})")
        for f in floor_areas_by_use(city)
    ]
    figures = [
        unmetered_engine.EnergyIntensity(i.sector, i.carrier, i.kwh_per_m2, i.reference_year,
                                         i.source)
        for i in intensities(city)
    ]
    return floors, figures


def unmetered_estimates(city: City, year: int) -> list[unmetered_engine.UnmeteredEstimate]:
    """The stored estimates of unmetered carriers for ``year``, each with how it was computed.

    The store holds what ``services.refresh_unmetered_estimates`` computed after the last
    change; "metered wins" only ever drops estimates, so the same computation without the
    metered readings, kept to the stored (area, sector, carrier), gives the same estimates
    without scanning every file's cube on each page view."""
    floors, figures = unmetered_inputs(city)
    if not floors or not figures:
        return []
    stored = unmetered_engine.stored_keys(engine.data_dir(), city.code, year)
    return [
        e for e in unmetered_engine.estimate_unmetered(
            engine.area_index(city), floors, figures, year)
        if (e.area_code, e.sector, e.carrier) in stored
    ]


def pv_installations(city: City) -> QuerySet[PvInstallation]:
    """A city's registered PV installations (published with the city, like its balance)."""
    return PvInstallation.objects.filter(area__city=city).select_related("area").order_by(
        "area__code", "name"
    )


def pv_summary(city: City, area_code: str) -> dict[str, Any]:
    """Registered PV in an area and the areas directly below it (the whole city for its code):
    how many installations, and their capacity in kWp."""
    installations = pv_installations(city)
    if area_code != city.code:
        installations = installations.filter(
            Q(area__code=area_code) | Q(area__parent__code=area_code)
        )
    total = installations.aggregate(n=Count("pk"), kwp=Sum("capacity_kwp"))
    return {"count": total["n"], "kwp": total["kwp"] or 0.0}


# --- Competition ------------------------------------------------------------------------------


def visible_seasons(user: Any = None) -> QuerySet[Season]:
    editable = cities_where(user, Action.EDIT)
    seasons = Season.objects.prefetch_related("cities")
    if editable:
        return seasons.filter(Q(is_published=True) | Q(cities__in=editable)).distinct()
    return seasons.filter(is_published=True)


def areas_free_to_enter(season: Season) -> list[Area]:
    """The neighbourhoods of the season's cities that have no entry yet, by city and then by
    name as a collator orders them (so "la Barceloneta" sorts under L)."""
    areas = Area.objects.filter(
        city__in=season.cities.all(), level=AreaLevel.NEIGHBOURHOOD
    ).exclude(energy_entries__season=season).select_related("city")
    return sorted(areas, key=lambda a: (name_key(a.city.name), name_key(a.name)))


def get_season(slug: str, user: Any = None) -> Season:
    season = visible_seasons(user).filter(slug=slug).first()
    if season is None:
        raise Http404(_("No season %(slug)r.") % {"slug": slug})
    return season


def season_entries(season: Season) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(season=season)
        .select_related("area", "area__city", "area__parent")
        # Names and codes only: the areas' and city's boundaries are large GeoJSON documents
        # (decoding them was most of the leaderboard's time).
        .defer("area__geometry", "area__parent__geometry", "area__city__boundary")
        .prefetch_related(Prefetch("initiatives", queryset=Initiative.objects.order_by("title")))
    )


def get_entry(season: Season, pk: int) -> Entry:
    entry = season_entries(season).filter(pk=pk).first()
    if entry is None:
        raise Http404(_("No such entry."))
    return entry


def _net_by_year(city: City, area_code: str) -> dict[int, float]:
    frame = _select(_cube(city), level=None, year=None, month=0, sector="all", carrier="all")
    frame = frame.filter(pl.col("area_code") == area_code)
    return {int(r["year"]): float(r["net_kwh"]) for r in frame.iter_rows(named=True)}


def households_of(entry: Entry) -> int | None:
    """The household count the leaderboard divides by: declared by the team, else official."""
    return entry.households or entry.area.households


def standings(season: Season) -> list[dict[str, Any]]:
    """The season's leaderboard by the engine's rule (see :mod:`urbis.energy.competition`)."""
    entries = list(season_entries(season))
    contenders = []
    for entry in entries:
        net = _net_by_year(entry.area.city, entry.area.code)
        contenders.append(
            Contender(
                entry_id=entry.pk,
                team=entry.team_name,
                key=f"{entry.area.city.code}:{entry.area.code}",
                baseline_net_kwh=net.get(season.baseline_year),
                scoring_net_kwh=net.get(season.scoring_year),
                households=households_of(entry),
            )
        )
    by_id = {e.pk: e for e in entries}
    return [_standing_out(s, by_id[s.entry_id]) for s in leaderboard(contenders)]


def _standing_out(s: Standing, entry: Entry) -> dict[str, Any]:
    return {
        "rank": s.rank,
        "entry": entry,
        "entry_id": entry.pk,
        "team": s.team,
        "area_code": entry.area.code,
        "area_name": entry.area.name,
        "city": entry.area.city.code,
        "city_name": entry.area.city.name,
        "households": households_of(entry),
        "baseline_per_household_kwh": _round(s.baseline_per_household_kwh),
        "scoring_per_household_kwh": _round(s.scoring_per_household_kwh),
        "improvement_per_household_kwh": _round(s.improvement_per_household_kwh),
        "improvement_pct": _round(s.improvement_pct, 2),
        "note": s.note,
        "initiatives": len(entry.initiatives.all()),
    }


def entry_curve(entry: Entry) -> dict[str, Any]:
    """Monthly net energy per household in the baseline and scoring years (totals for the
    whole neighbourhood when the household count is unknown)."""
    season = entry.season
    households = households_of(entry)
    units = households or 1
    cube = _cube(entry.area.city).filter(pl.col("area_code") == entry.area.code)
    series = {}
    for label, year in (("baseline", season.baseline_year), ("scoring", season.scoring_year)):
        values: list[float | None] = [None] * 12
        for m in range(1, 13):
            row = next(
                _select(
                    cube, level=None, year=year, month=m, sector="all", carrier="all"
                ).iter_rows(named=True),
                None,
            )
            if row is not None:
                values[m - 1] = round(float(row["net_kwh"]) / units, 2)
        series[label] = {"year": year, "net_kwh": values}
    return {
        "per": "household" if households else "neighbourhood",
        "households": households,
        **series,
    }


def best_practices(season: Season | None = None) -> QuerySet[BestPractice]:
    practices = BestPractice.objects.filter(
        is_published=True, season__is_published=True
    ).select_related("season", "entry", "entry__area", "entry__area__city").defer(
        "entry__area__geometry", "entry__area__city__boundary")
    if season is not None:
        practices = practices.filter(season=season)
    return practices.order_by("kind", "title")
