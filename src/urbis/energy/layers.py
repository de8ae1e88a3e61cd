"""Open-data layers of energy: the balance by area, year, month and sector, the street cells
of the Smart Energy Map, and the PV register (see urbis.opendata.registry)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from urbis.energy import engine, queries
from urbis.engines.energy import SECTORS
from urbis.opendata.geo import clean
from urbis.opendata.registry import Field, Hints, Layer, Row, register
from urbis.places.models import Area, City

MODELLED_NOTE = _(
    "Computed from the meter readings stored on the platform (in the demo cities these "
    "readings are modelled, not measured: see the data sources page)."
)
LEVELS = ("district", "neighbourhood")

BALANCE_FIELDS = (
    Field("area_code", "string", _("Area code")),
    Field("area_name", "string", _("Area name")),
    Field("level", "string", _("Level"), description=_("district or neighbourhood")),
    Field("parent", "string", _("Part of (district code)")),
    Field("year", "integer", _("Year"), description=_("Calendar year by the city's clock.")),
    Field("month", "integer", _("Month"), description=_("1–12, or 0 for the whole year.")),
    Field("sector", "string", _("Sector"), description=_("'all' or one sector")),
    Field("consumption_kwh", "number", _("Consumption"), "kWh"),
    Field("production_kwh", "number", _("Production"), "kWh"),
    Field("net_kwh", "number", _("Net (consumption − production)"), "kWh"),
    Field("self_sufficiency", "number", _("Self-sufficiency"), "ratio 0–1"),
    Field("self_consumption", "number", _("Self-consumption"), "ratio 0–1"),
    Field("peak_import_kw", "number", _("Peak import"), "kW"),
    Field("peak_export_kw", "number", _("Peak export"), "kW"),
    Field("estimated_production_kwh", "number", _("Estimated PV production"), "kWh",
          _("Production estimated with pvlib for registered PV without a meter.")),
    Field("households", "integer", _("Households"), "households"),
    Field("consumption_per_household_kwh", "number", _("Consumption per household"),
          "kWh/household"),
    Field("floor_area_m2", "number", _("Built floor area"), "m2"),
    Field("consumption_per_m2_kwh", "number", _("Consumption per m² of floor area"), "kWh/m2"),
    Field("population", "integer", _("Population"), "inhabitants"),
    Field("consumption_per_resident_kwh", "number", _("Consumption per resident"),
          "kWh/inhabitant"),
)

_memo: dict[tuple[str, str, Any, Any, Any], list[Row]] = {}
_lock = threading.Lock()


def _picked(hints: Hints, name: str, allowed: list[Any]) -> list[Any]:
    """The values of ``allowed`` an equality hint leaves (all of them without a hint)."""
    if name not in hints.equals:
        return allowed
    return [v for v in allowed if v == hints.equals[name]]


def _balance_rows(city: City, hints: Hints) -> Iterator[Row]:
    """Rows of the balance cube the energy pages read (queries._select and the same figure
    helpers as queries.balance_table), one per area, year, month and sector with readings.

    balance_table itself is not called per period: it re-reads every area of the city each
    time, and this layer has 13 months × 6 sectors of them."""
    years = _picked(hints, "year", queries.years(city))
    months = _picked(hints, "month", list(range(13)))
    sectors = _picked(hints, "sector", ["all", *SECTORS])
    levels = _picked(hints, "level", list(LEVELS))
    # The balance cube changes only when stored files change (its catalogue key).
    key = (city.code, engine.catalogue_key(city), tuple(years), tuple(months), tuple(sectors))
    with _lock:
        hit = _memo.get(key)
    if hit is None:
        hit = _compute(city, years, months, sectors)
        with _lock:
            if len(_memo) > 64:
                _memo.clear()
            _memo[key] = hit
    for row in hit:
        if row.properties["level"] in levels:
            yield row


def _compute(city: City, years: list[int], months: list[int], sectors: list[str]) -> list[Row]:
    areas = {
        a["code"]: a
        for a in Area.objects.filter(city=city, level__in=LEVELS).values(
            "code", "name", "level", "parent__code", "population", "households", "floor_area_m2"
        )
    }
    cube = queries._cube(city)
    found = []
    for month in months:
        for sector in sectors:
            frame = queries._select(cube, level=None, year=None, month=month, sector=sector,
                                    carrier="all")
            for r in frame.iter_rows(named=True):
                area = areas.get(r["area_code"])
                if area is None or r["year"] not in years:
                    continue  # the city row, or a year not asked for
                if r.get("consumption_kwh") is None and r.get("production_kwh") is None:
                    continue
                # An area's denominators still count where the cube has none (as on the map).
                denominators = {
                    "households": r.get("households") or area["households"],
                    "floor_area_m2": r.get("floor_area_m2") or area["floor_area_m2"],
                }
                consumption = r.get("consumption_kwh")
                population = area["population"]
                found.append(Row(
                    id=f"{r['area_code']}-{r['year']}-{month:02d}-{sector}",
                    properties={
                        "area_code": r["area_code"],
                        "area_name": area["name"],
                        "level": area["level"],
                        "parent": area["parent__code"],
                        "year": r["year"],
                        "month": month,
                        "sector": sector,
                        **queries._figures(r),
                        **queries._per_unit({**r, **denominators}),
                        "population": population,
                        "consumption_per_resident_kwh": (
                            queries._round(consumption / population)
                            if consumption is not None and population else None
                        ),
                    },
                ))
    found.sort(key=lambda row: (LEVELS.index(row.properties["level"]),
                                row.properties["area_code"], row.properties["year"],
                                row.properties["month"], _SECTOR_ORDER[row.properties["sector"]]))
    return found


_SECTOR_ORDER = {s: i for i, s in enumerate(["all", *SECTORS])}


CELL_FIELDS = (
    Field("cell", "string", _("Cell code"), description=_("EEA reference grid, 100 m cells.")),
    Field("year", "integer", _("Year")),
    Field("connections", "integer", _("Connections"), "meters"),
    Field("consumption_kwh", "number", _("Consumption"), "kWh"),
    Field("production_kwh", "number", _("Production"), "kWh"),
    Field("net_kwh", "number", _("Net (consumption − production)"), "kWh"),
    Field("self_sufficiency", "number", _("Self-sufficiency"), "ratio 0–1"),
)


def _cell_rows(city: City, hints: Hints) -> Iterator[Row]:
    for year in _picked(hints, "year", queries.years(city)):
        cells = engine.street_cells(city, year)
        for cell in cells["features"]:
            p = cell["properties"]
            geometry, bbox = clean(cell["geometry"])
            yield Row(
                id=f"{year}-{cell['id']}",
                geometry=geometry,
                bbox=bbox,
                properties={
                    "cell": cell["id"],
                    "year": year,
                    "connections": p["connections"],
                    "consumption_kwh": _round(p.get("consumption_kwh")),
                    "production_kwh": _round(p.get("production_kwh")),
                    "net_kwh": _round(p.get("net_kwh")),
                    "self_sufficiency": p.get("self_sufficiency"),
                },
            )


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


PV_FIELDS = (
    Field("id", "integer", _("Identifier")),
    Field("name", "string", _("Name")),
    Field("area_code", "string", _("Area code")),
    Field("area_name", "string", _("Area name")),
    Field("capacity_kwp", "number", _("Installed capacity"), "kWp"),
    Field("commissioned_year", "integer", _("In operation since")),
    Field("source", "string", _("Source")),
    Field("is_illustrative", "boolean", _("Illustrative"),
          description=_("Demo content, not a real installation.")),
)


def _pv_rows(city: City, hints: Hints) -> Iterator[Row]:
    for pv in queries.pv_installations(city):
        yield Row(
            id=str(pv.pk),
            properties={
                "id": pv.pk,
                "name": pv.name,
                "area_code": pv.area.code,
                "area_name": pv.area.name,
                "capacity_kwp": pv.capacity_kwp,
                "commissioned_year": pv.commissioned_year,
                "source": pv.source,
                "is_illustrative": pv.is_illustrative,
            },
        )


def _modified(city: City) -> dt.datetime | None:
    """When the last stored file was ingested (the balance and cells change only then)."""
    stamps = [r.ingested_at for r in engine.stored_files(city) if r.ingested_at]
    if not stamps:
        return None
    latest = dt.datetime.fromisoformat(max(stamps).replace("Z", "+00:00"))
    return latest if latest.tzinfo else latest.replace(tzinfo=dt.UTC)


def _has_readings(city: City) -> bool:
    return bool(queries.years(city))


def _source(city: City | None) -> str:
    return "Urbis energy balance of the meter readings stored by the city"


register(
    Layer(
        id="energy-balance",
        title=_("Energy balance by area"),
        description=format_lazy("{} {}", _(
            "Final energy consumption, local production and their balance per district and "
            "neighbourhood, per year and month (month 0 = whole year), for all sectors and for "
            "each sector, with per-household, per-m² and per-resident figures."
        ), MODELLED_NOTE),
        fields=BALANCE_FIELDS,
        rows=_balance_rows,
        temporal="year",
        source=_source,
        themes=("ENER",),
        keywords=("energy", "consumption", "production", "balance"),
        page=lambda city: reverse("energy:map", args=[city.code]),
        available=_has_readings,
        modified=_modified,
        version=engine.catalogue_key,
        order=30,
    )
)
register(
    Layer(
        id="street-cells",
        title=_("Energy by street cell"),
        description=format_lazy("{} {}", _(
            "Yearly consumption and production of the meters in each 100 m cell of the EEA "
            "grid; cells with fewer than 10 connections are withheld for privacy."
        ), MODELLED_NOTE),
        fields=CELL_FIELDS,
        rows=_cell_rows,
        geometry="Polygon",
        temporal="year",
        source=_source,
        themes=("ENER",),
        keywords=("energy", "grid", "street"),
        page=lambda city: reverse("energy:map", args=[city.code]),
        available=_has_readings,
        modified=_modified,
        version=engine.catalogue_key,
        order=31,
    )
)
register(
    Layer(
        id="pv-installations",
        title=_("PV installations"),
        description=_(
            "The city's register of photovoltaic installations with their area and capacity; "
            "rows marked illustrative are demo examples, not real installations."
        ),
        fields=PV_FIELDS,
        rows=_pv_rows,
        source=lambda city: "Urbis PV register kept by the city",
        themes=("ENER",),
        keywords=("energy", "solar", "photovoltaic"),
        page=lambda city: reverse("energy:pv", args=[city.code]),
        order=32,
    )
)
