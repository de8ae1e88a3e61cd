"""Found in a page review: what a reader of the scenario pages saw that made no sense to them."""

from __future__ import annotations

import re
from typing import Any

from urbis.scenarios import services


def _cells(html: str, table_caption: str) -> list[str]:
    """The text of every cell of the table whose caption starts with ``table_caption``."""
    start = html.index(table_caption)
    body = html[start:html.index("</table>", start)]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body, re.S)]


def test_lever_sector_and_carrier_are_named_not_coded(scenario: Any, client_for: Any) -> None:
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    levers = _cells(html, "Shapley share")
    assert "Efficiency" in levers and "Fuel switch" in levers
    assert "Local renewable production" in levers
    assert not {"FuelSwitch", "LocalProduction"} & set(levers)
    inventory = _cells(html, "Final energy × emission factor")
    assert "Residential buildings" in inventory and "Natural gas" in inventory
    assert not {"residential_buildings", "natural_gas"} & set(inventory)


def test_observed_emissions_say_their_unit_once_and_right(scenario: Any, client_for: Any) -> None:
    """3,600,000 t published as 3.6 Mt read as "3,600,000 (Mt CO2e)" under a column "t"."""
    import datetime as dt

    from urbis.strategy.models import Observation

    indicator = scenario.strategy.targets.get().indicator
    Observation.objects.create(indicator=indicator, city=scenario.city, date=dt.date(2019, 12, 31),
                               value=3.6, source="test source")
    services.run_scenario(None, scenario, samples=50, seed=1, operator=True)
    html = client_for(None).get("/cities/barcelona/scenarios/pla-clima/").content.decode()
    cells = _cells(html, "Observed emissions")
    assert "Emissions (t)" in cells
    assert "3,600,000 t published in Mt CO2e" in cells
    assert not any("(Mt CO2e)" in c for c in cells)
