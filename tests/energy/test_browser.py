"""The Smart Energy Map in a real browser: switch measure and level, see features drawn, and
open a neighbourhood's hourly profile chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.energy.conftest import readings


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_energy_map_measures_levels_and_profile(
    page: Any, live_server: Any, energy_dir: Path, write_file: Any
) -> None:
    call_command("energy", "ingest", str(write_file("a.csv", readings())), "--city",
                 "barcelona", verbosity=0)
    page.goto(f"{live_server.url}/cities/barcelona/energy/")
    area_map = page.locator("#energy-map")
    area_map.and_(page.locator("[data-loaded]")).wait_for()
    assert int(area_map.get_attribute("data-loaded")) == 73
    assert page.locator("#energy-map path.leaflet-interactive").count() == 73
    assert page.locator("#energy-legend").is_visible()

    page.get_by_label("Measure").select_option("self_sufficiency")
    page.wait_for_url("**measure=self_sufficiency**")
    page.locator("#energy-map[data-loaded]").wait_for()
    assert "Self-sufficiency" in page.locator("#map-heading").inner_text()

    page.get_by_label("Level").select_option("street")
    page.wait_for_url("**level=street**")
    page.locator("#energy-map[data-loaded]").wait_for()
    assert int(page.locator("#energy-map").get_attribute("data-loaded")) == 1
    assert page.locator("#energy-map path.leaflet-interactive").count() == 1
    assert "13" in page.locator("#energy-table tbody").inner_text()

    page.get_by_label("Level").select_option("district")
    page.wait_for_url("**level=district**")
    page.locator("#energy-map[data-loaded]").wait_for()
    assert page.locator("#energy-map path.leaflet-interactive").count() == 10

    page.get_by_label("Level").select_option("neighbourhood")
    page.wait_for_url("**level=neighbourhood**")
    page.locator("#energy-map[data-loaded]").wait_for()
    page.locator('#energy-map path[data-code="B07"]').click()
    page.wait_for_url("**/energy/areas/B07/**")
    page.get_by_label("Week", exact=True).select_option("23")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**week=23**")
    chart = page.locator("#profile-chart[data-drawn]")
    chart.wait_for()
    assert chart.get_attribute("data-drawn") == "168"
    assert page.locator("#profile-days tbody tr").count() == 7
