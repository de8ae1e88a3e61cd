"""Translated names of the engine's sectors and carriers (the engine keeps stable English keys)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from urbis.engines.scenario import CARRIERS, SECTORS

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
