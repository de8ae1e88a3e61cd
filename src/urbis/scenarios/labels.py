"""Translated names of the engine's sectors and carriers (the engine keeps stable English keys)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from urbis.engines.scenario import CARRIERS, SECTORS
from urbis.scenarios.models import LeverKind

SECTOR_LABELS: dict[str, Promise] = {
    "municipal_buildings": _("Municipal buildings and facilities"),
    "tertiary_buildings": _("Tertiary buildings"),
    "residential_buildings": _("Residential buildings"),
    "public_lighting": _("Public lighting"),
    "industry": _("Industry"),
    "transport_municipal_fleet": _("Transport: municipal fleet"),
    "transport_public": _("Transport: public transport"),
    "transport_private_commercial": _("Transport: private and commercial"),
    "other": _("Other sectors"),
}
CARRIER_LABELS: dict[str, Promise] = {
    "electricity": _("Electricity"),
    "district_heating": _("District heating and cooling"),
    "natural_gas": _("Natural gas"),
    "liquid_gas": _("Liquid gas"),
    "heating_oil": _("Heating oil"),
    "diesel": _("Diesel"),
    "gasoline": _("Petrol"),
    "lignite": _("Lignite"),
    "coal": _("Coal"),
    "other_fossil": _("Other fossil fuels"),
    "plant_oil": _("Plant oil"),
    "biofuel": _("Biofuel"),
    "other_biomass": _("Other biomass"),
    "solar_thermal": _("Solar thermal"),
    "geothermal": _("Geothermal"),
}
assert set(SECTOR_LABELS) == set(SECTORS) and set(CARRIER_LABELS) == set(CARRIERS)


def sector_choices(blank: bool = False) -> list[tuple[str, Promise | str]]:
    head: list[tuple[str, Promise | str]] = [("", "—")] if blank else []
    return head + [(s, SECTOR_LABELS[s]) for s in SECTORS]


def carrier_choices(blank: bool = False) -> list[tuple[str, Promise | str]]:
    head: list[tuple[str, Promise | str]] = [("", "—")] if blank else []
    return head + [(c, CARRIER_LABELS[c]) for c in CARRIERS]


#: A stored run names each wedge's lever by the engine's class name; readers see the lever's name.
LEVER_LABELS: dict[str, Promise | str] = {
    "Efficiency": LeverKind.EFFICIENCY.label,
    "FuelSwitch": LeverKind.FUEL_SWITCH.label,
    "LocalProduction": LeverKind.LOCAL_PRODUCTION.label,
    "ActivityChange": LeverKind.ACTIVITY_CHANGE.label,
}


def labelled_wedges(wedges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's wedges with ``kind_label``, the lever's name in the reader's language."""
    return [{**w, "kind_label": LEVER_LABELS.get(w.get("kind", ""), w.get("kind", ""))}
            for w in wedges]


def labelled_inventory_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's inventory rows with ``sector_label`` and ``carrier_label``."""
    return [{**r, "sector_label": SECTOR_LABELS.get(r["sector"], r["sector"]),
             "carrier_label": CARRIER_LABELS.get(r["carrier"], r["carrier"])} for r in rows]


def labelled_driver_rows(drivers: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The run's business-as-usual explanation, one row per sector: which driver moved it (its
    name in the reader's language; the scenario's general growth where no driver names it)."""
    from urbis.scenarios.models import DriverKind

    if not drivers:
        return []
    kinds = dict(DriverKind.choices)
    out = []
    for row in drivers.get("sectors", []):
        driver = row.get("driver")
        label = kinds.get(driver) if driver in kinds else _("general growth of the scenario")
        out.append({**row, "sector_label": SECTOR_LABELS.get(row["sector"], row["sector"]),
                    "driver_label": label,
                    "change_pct": 100 * (row["index_last"] - 1)})
    return out


def labelled_factors(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Factors in use with the carrier's name and the origin in the reader's language."""
    origins = {"city": _("entered by the city"),
               "national": _("national factor (fallback: the city has entered none)"),
               "default": _("default factor (fallback: the city has entered none)"),
               None: _("none: a scenario using this carrier is refused")}
    return [{**r, "carrier_label": CARRIER_LABELS.get(r["carrier"], r["carrier"]),
             "origin_label": origins.get(r["origin"], r["origin"])} for r in rows]
