"""Found in a page review: what a reader of the scenario pages saw that made no sense to them."""

from __future__ import annotations

import re
from typing import Any

from urbis.scenarios import services


def _cells(html: str, table_caption: str) -> list[str]:
    """The text of every cell of the table whose caption starts with ``table_caption``."""
    start = html.index(table_caption)
    body = html[start:html.index("</table>", start)]
    return [re.sub(r"<[^>]+>", "", c).strip()
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
